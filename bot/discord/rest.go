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

// retryPolicy says how a REST call is retried.
type retryPolicy struct {
	attempts int
	// backoff is the first wait between attempts; it doubles each time.
	backoff time.Duration
	// deadline, when set, ends the call: no attempt starts after it, and
	// the one in progress is cut at it.
	deadline time.Time
	// perAttempt, when set, bounds one attempt, so that a hung request
	// leaves time for another.
	perAttempt time.Duration
	// transport also retries requests that got no answer at all (a
	// timeout, a lost response), which may or may not have arrived.
	transport bool
}

// attemptTimeout bounds an attempt made at now: by perAttempt, and by the
// deadline, except that the first attempt always gets perAttempt (on a
// machine too slow to try before the deadline, Discord's answer is still
// worth having).
func (p retryPolicy) attemptTimeout(attempt int, now time.Time) time.Duration {
	timeout := p.perAttempt
	if !p.deadline.IsZero() && attempt > 1 {
		// The deadline is on the bot's clock, which tests may stop;
		// contexts run on the real one, hence a duration.
		timeout = max(min(timeout, p.deadline.Sub(now)), time.Millisecond)
	}
	return timeout
}

// restPolicy is the policy of an ordinary REST call.
func (b *Bot) restPolicy() retryPolicy {
	return retryPolicy{attempts: restAttempts, backoff: b.opt.RetryBackoff}
}

// call runs a discordgo REST call, retrying server errors with backoff.
func (b *Bot) call(ctx context.Context, do func(opts ...discordgo.RequestOption) error) error {
	_, err := b.callValue(ctx, func(opts ...discordgo.RequestOption) (any, error) { return nil, do(opts...) })
	return err
}

func (b *Bot) callValue(ctx context.Context, do func(opts ...discordgo.RequestOption) (any, error)) (any, error) {
	v, _, err := b.retry(ctx, b.restPolicy(), do)
	return v, err
}

// retry runs do under the policy and also returns how many attempts it
// made.
func (b *Bot) retry(ctx context.Context, p retryPolicy, do func(opts ...discordgo.RequestOption) (any, error)) (any, int, error) {
	wait := p.backoff
	for attempt := 1; ; attempt++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if timeout := p.attemptTimeout(attempt, b.opt.Now()); timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, timeout)
		}
		v, err := do(discordgo.WithContext(actx))
		cancel()
		err = redactToken(err)
		retryable := isServerError(err) || (p.transport && restStatus(err) == 0 && ctx.Err() == nil)
		late := !p.deadline.IsZero() && !b.opt.Now().Add(wait).Before(p.deadline)
		if err == nil || attempt == p.attempts || !retryable || late {
			return v, attempt, err
		}
		b.log.Warn("Discord REST call failed; retrying", "err", err, "attempt", attempt)
		select {
		case <-b.opt.After(wait):
		case <-ctx.Done():
			return v, attempt, err
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

// isUnknownInteraction reports Discord's answer to a response that came too
// late, or to an interaction it doesn't know: the interaction is lost.
func isUnknownInteraction(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeUnknownInteraction
}

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
