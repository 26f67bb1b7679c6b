package discord

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Intents are the only gateway intents the bot asks for. Not the privileged
// message-content intent: Discord still sends the content of messages that
// mention the bot, of DMs and of message-command targets.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// DefaultAPIURL is Discord's own base URL.
const DefaultAPIURL = "https://discord.com"

// ErrTokenRejected is returned when Discord refuses the bot token.
var ErrTokenRejected = errors.New("the bot token was rejected by Discord")

// NewSession makes a discordgo session for a bot token ("Bot " prefix
// optional) whose REST traffic goes to apiURL instead of https://discord.com,
// keeping request paths such as /api/v9/…. The gateway address is asked of
// that server too, so a proxy or a fake Discord carries all the traffic.
func NewSession(token, apiURL string) (*discordgo.Session, error) {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bot "))
	if token == "" {
		return nil, errors.New("the bot token is empty")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	base, err := url.Parse(apiURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("invalid Discord API URL %q: want an http:// or https:// URL", apiURL)
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, err
	}
	s.Identify.Intents = Intents
	// discordgo sends an empty status unless told, which is not one
	// Discord knows.
	s.Identify.Presence.Status = string(discordgo.StatusOnline)
	// The bot reads nothing from discordgo's cache; don't keep one.
	s.StateEnabled = false
	// Every REST call goes to one host. The default transport keeps only
	// two idle connections per host, so a burst of answers would open and
	// close a connection for nearly every call.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	var rt http.RoundTripper = tr
	if strings.TrimSuffix(apiURL, "/") != DefaultAPIURL {
		rt = &rebase{base: base, next: tr}
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: rt}
	return s, nil
}

// rebase sends requests for https://discord.com to another base URL,
// keeping their paths. discordgo builds every REST URL from the package-wide
// EndpointDiscord; rewriting requests instead keeps sessions independent.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rebase) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "discord.com" {
		return t.next.RoundTrip(r)
	}
	u := *r.URL
	u.Scheme, u.Host = t.base.Scheme, t.base.Host
	prefix := strings.TrimSuffix(t.base.Path, "/")
	u.Path = prefix + r.URL.Path
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimSuffix(t.base.EscapedPath(), "/") + r.URL.RawPath
	}
	r2 := r.Clone(r.Context())
	r2.URL = &u
	r2.Host = ""
	return t.next.RoundTrip(r2)
}
