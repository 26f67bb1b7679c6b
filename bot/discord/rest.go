package discord

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"time"

	"github.com/bwmarrin/discordgo"
)

// restAttempts is how many times a REST call is tried when Discord answers
// with a 5xx. discordgo itself retries 429s after their retry_after, and
// 502s, but not other server errors.
const restAttempts = 4

// call runs a discordgo REST call, retrying server errors with backoff.
func (b *Bot) call(ctx context.Context, do func(opts ...discordgo.RequestOption) error) error {
	_, err := b.callValue(ctx, func(opts ...discordgo.RequestOption) (any, error) { return nil, do(opts...) })
	return err
}

func (b *Bot) callValue(ctx context.Context, do func(opts ...discordgo.RequestOption) (any, error)) (any, error) {
	wait := b.opt.RetryBackoff
	for attempt := 1; ; attempt++ {
		v, err := do(discordgo.WithContext(ctx))
		err = redactToken(err)
		if err == nil || attempt == restAttempts || !isServerError(err) {
			return v, err
		}
		b.log.Warn("Discord REST call failed; retrying", "err", err, "attempt", attempt)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return v, err
		}
		wait *= 2
	}
}

func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

func isStatus(err error, status int) bool { return restStatus(err) == status }

func isServerError(err error) bool { return restStatus(err) >= 500 }

// isAlreadyAcknowledged reports Discord's answer to a second interaction
// response: after a retried callback it means the first one got through.
func isAlreadyAcknowledged(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged
}

// tokenInPath matches the interaction token in webhook and callback URLs.
var tokenInPath = regexp.MustCompile(`(/(?:webhooks|interactions)/[0-9]+/)[^/?]+`)

// redactToken keeps interaction tokens out of errors, which get logged: a
// failed request's *url.Error quotes its URL, and the token in it lets
// anyone edit the reply and post as the bot in that channel for 15 minutes.
func redactToken(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = tokenInPath.ReplaceAllString(ue.URL, "${1}<token>")
	}
	return err
}
