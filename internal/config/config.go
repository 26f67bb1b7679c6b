// Package config holds articlebot's settings: defaults, an optional YAML
// file, environment overrides from one documented table, and validation
// errors that name the offending key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/articlebot/articlebot/internal/redact"
)

// Config is every setting. YAML keys are the `yaml` tags; environment
// variables are listed in Env.
type Config struct {
	// CorpusDir loads articles from a directory instead of the built-in one.
	CorpusDir string `yaml:"corpus_dir"`
	// DataDir holds the persisted index (chunks and embeddings).
	DataDir string `yaml:"data_dir"`

	OpenAI OpenAI `yaml:"openai"`
	Answer Answer `yaml:"answer"`
	// Conversation bounds the conversations kept for follow-up questions.
	Conversation Conversation `yaml:"conversation"`
	Discord      Discord      `yaml:"discord"`
	Log          Log          `yaml:"log"`
	HTTP         HTTP         `yaml:"http"`
}

// Special model names that keep a stage local.
const (
	// ModelLocal as the embedding model keeps embeddings on the local
	// embedder even when an API is configured.
	ModelLocal = "local"
	// ModelExtractive as the chat model keeps answers extractive even when
	// an API is configured.
	ModelExtractive = "extractive"
)

// OpenAI configures any OpenAI-compatible API (OpenAI, Ollama, vLLM,
// llama.cpp server, LM Studio).
type OpenAI struct {
	// APIKey comes only from OPENAI_API_KEY or OPENAI_API_KEY_FILE.
	APIKey Secret `yaml:"-"`
	// BaseURL points at a compatible server, e.g. http://localhost:11434/v1.
	BaseURL        string `yaml:"base_url"`
	ChatModel      string `yaml:"chat_model"`
	EmbeddingModel string `yaml:"embedding_model"`
	// Timeout bounds one request, streaming included.
	Timeout    Duration `yaml:"timeout"`
	MaxRetries int      `yaml:"max_retries"`
	// IndexTimeout bounds embedding the corpus through the API at start:
	// past it serve answers from local embeddings and finishes the remote
	// index in the background.
	IndexTimeout Duration `yaml:"index_timeout"`
	// Temperature is the chat model's sampling temperature, low for
	// answers that keep to the passages. Reasoning models (o1, o3, o4,
	// gpt-5…) are sent none: they accept only their default.
	Temperature float64 `yaml:"temperature"`
}

// Enabled reports whether an API is configured at all.
func (o OpenAI) Enabled() bool { return o.APIKey != "" || o.BaseURL != "" }

// UsesChat reports whether answers are drafted by the chat model.
func (o OpenAI) UsesChat() bool { return o.Enabled() && o.ChatModel != ModelExtractive }

// UsesEmbeddings reports whether passages are embedded through the API.
func (o OpenAI) UsesEmbeddings() bool { return o.Enabled() && o.EmbeddingModel != ModelLocal }

// Answer tunes the answering service.
type Answer struct {
	TopK              int      `yaml:"top_k"`
	MaxQuestionLength int      `yaml:"max_question_length"`
	Timeout           Duration `yaml:"timeout"`
	// SearchTimeout bounds finding an answer's passages (a remote query
	// embedding); past it BM25 alone finds them.
	SearchTimeout Duration `yaml:"search_timeout"`
	CacheSize     int      `yaml:"cache_size"`
	CacheTTL      Duration `yaml:"cache_ttl"`
}

// Conversation bounds the conversations kept so that follow-up questions
// ("who reported that?") can be answered; with a data directory they are
// kept across restarts.
type Conversation struct {
	MaxTurns int      `yaml:"max_turns"`
	MaxIdle  Duration `yaml:"max_idle"`
	MaxBytes int      `yaml:"max_bytes"`
}

// Discord configures the bot.
type Discord struct {
	// Token comes only from DISCORD_TOKEN or DISCORD_TOKEN_FILE.
	Token Secret `yaml:"-"`
	// APIURL is Discord's base URL; request paths such as /api/v9/… are kept.
	APIURL string `yaml:"api_url"`
	// GuildID registers commands to one guild (instant) instead of globally.
	GuildID         string   `yaml:"guild_id"`
	AllowedGuilds   []string `yaml:"allowed_guilds"`
	AllowedChannels []string `yaml:"allowed_channels"`
	// UserRate is how many questions (anything drafted) a user may ask per
	// minute, with UserBurst at once.
	UserRate  float64 `yaml:"user_rate_per_minute"`
	UserBurst int     `yaml:"user_burst"`
	// CommandRate and CommandBurst limit what only looks things up
	// (/about, /sources, buttons), apart from questions.
	CommandRate  float64 `yaml:"command_rate_per_minute"`
	CommandBurst int     `yaml:"command_burst"`
	// MaxConcurrent answers are drafted at once; up to QueueSize more
	// wait for a slot, each for at most QueueWait.
	MaxConcurrent int      `yaml:"max_concurrent"`
	QueueSize     int      `yaml:"queue_size"`
	QueueWait     Duration `yaml:"queue_wait"`
	// InstantReplyWait is how long a reply may take to go out as the
	// interaction's response itself, with no "thinking…" first.
	InstantReplyWait Duration `yaml:"instant_reply_wait"`
	ShutdownTimeout  Duration `yaml:"shutdown_timeout"`
}

// Log configures logging.
type Log struct {
	// Format is auto (text on a terminal, JSON otherwise), text or json.
	Format string `yaml:"format"`
	Level  string `yaml:"level"`
}

// HTTP configures the optional health and metrics listener.
type HTTP struct {
	// Addr, such as ":8080", enables /healthz, /readyz and /metrics.
	Addr string `yaml:"addr"`
}

// Default returns the settings used when nothing is configured.
func Default() Config {
	return Config{
		OpenAI: OpenAI{
			ChatModel:      "gpt-4o-mini",
			EmbeddingModel: "text-embedding-3-small",
			Timeout:        Duration(60 * time.Second),
			MaxRetries:     4,
			IndexTimeout:   Duration(60 * time.Second),
			Temperature:    0.2,
		},
		Answer: Answer{
			TopK:              4,
			MaxQuestionLength: 1000,
			Timeout:           Duration(90 * time.Second),
			SearchTimeout:     Duration(10 * time.Second),
			CacheSize:         512,
			CacheTTL:          Duration(time.Hour),
		},
		Conversation: Conversation{
			MaxTurns: 6,
			MaxIdle:  Duration(30 * time.Minute),
			MaxBytes: 4 << 20,
		},
		Discord: Discord{
			APIURL:   "https://discord.com",
			UserRate: 6,
			// Enough to try each drafting command once in a row.
			UserBurst:        6,
			CommandRate:      30,
			CommandBurst:     10,
			MaxConcurrent:    8,
			QueueSize:        256,
			QueueWait:        Duration(45 * time.Second),
			InstantReplyWait: Duration(20 * time.Millisecond),
			ShutdownTimeout:  Duration(20 * time.Second),
		},
		Log: Log{Format: "auto", Level: "info"},
	}
}

// ErrUnknownKey is wrapped by Load when the file has a key Config lacks.
var ErrUnknownKey = errors.New("unknown key")

// Load reads YAML settings over c. Unknown keys are errors that name them.
func (c *Config) Load(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("couldn't read config: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return yamlError(err)
	}
	return nil
}

// LoadFile reads YAML settings from path over c.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("couldn't open config file: %w", err)
	}
	defer f.Close()
	if err := c.Load(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// yamlError rewrites yaml's "field x not found in type config.Discord" as
// an error naming the key and the keys allowed there.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	var msgs []string
	for _, e := range te.Errors {
		if i := strings.Index(e, "field "); i >= 0 && strings.Contains(e, " not found in type ") {
			rest := e[i+len("field "):]
			key, typ, _ := strings.Cut(rest, " not found in type ")
			msgs = append(msgs, fmt.Sprintf("%s %q (allowed here: %s)", strings.TrimSuffix(e[:i], ": "), key, strings.Join(keysOf(typ), ", ")))
			continue
		}
		msgs = append(msgs, e)
	}
	return fmt.Errorf("%w: %s", ErrUnknownKey, strings.Join(msgs, "; "))
}

// keysOf lists the YAML keys of a config section by its Go type name.
func keysOf(typ string) []string {
	var prefix string
	switch strings.TrimPrefix(typ, "config.") {
	case "Config":
		prefix = ""
	case "OpenAI":
		prefix = "openai."
	case "Answer":
		prefix = "answer."
	case "Conversation":
		prefix = "conversation."
	case "Discord":
		prefix = "discord."
	case "Log":
		prefix = "log."
	case "HTTP":
		prefix = "http."
	}
	var keys []string
	for _, v := range Env {
		if v.Key == "" || !strings.HasPrefix(v.Key, prefix) {
			continue
		}
		k := strings.TrimPrefix(v.Key, prefix)
		if prefix == "" {
			k, _, _ = strings.Cut(k, ".")
		} else if strings.Contains(k, ".") {
			continue
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// FieldError is an invalid setting, named by its YAML key and environment
// variable.
type FieldError struct {
	Key     string
	EnvVar  string
	Value   string
	Problem string
}

func (e *FieldError) Error() string {
	name := e.Key
	if e.EnvVar != "" {
		name += " (" + e.EnvVar + ")"
	}
	return fmt.Sprintf("invalid %s %q: %s", name, e.Value, e.Problem)
}

// Validate checks every setting and returns all problems, joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, value, problem string) {
		errs = append(errs, &FieldError{Key: key, EnvVar: envFor(key), Value: value, Problem: problem})
	}
	checkURL := func(key, raw string) {
		if raw == "" {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(key, redact.URL(raw), "want an http:// or https:// URL")
		}
	}
	checkURL("openai.base_url", c.OpenAI.BaseURL)
	checkURL("discord.api_url", c.Discord.APIURL)
	if c.Discord.APIURL == "" {
		bad("discord.api_url", "", "must not be empty")
	}
	if c.OpenAI.ChatModel == "" {
		bad("openai.chat_model", "", `name a model, or "extractive"`)
	}
	if c.OpenAI.EmbeddingModel == "" {
		bad("openai.embedding_model", "", `name a model, or "local"`)
	}
	positive := func(key string, v int) {
		if v <= 0 {
			bad(key, fmt.Sprint(v), "must be at least 1")
		}
	}
	positive("answer.top_k", c.Answer.TopK)
	positive("answer.max_question_length", c.Answer.MaxQuestionLength)
	positive("answer.cache_size", c.Answer.CacheSize)
	positive("conversation.max_turns", c.Conversation.MaxTurns)
	positive("conversation.max_bytes", c.Conversation.MaxBytes)
	positive("discord.user_burst", c.Discord.UserBurst)
	positive("discord.max_concurrent", c.Discord.MaxConcurrent)
	positive("discord.command_burst", c.Discord.CommandBurst)
	positive("discord.queue_size", c.Discord.QueueSize)
	if c.Answer.TopK > 20 {
		bad("answer.top_k", fmt.Sprint(c.Answer.TopK), "must be at most 20")
	}
	if c.Answer.MaxQuestionLength > 4000 {
		bad("answer.max_question_length", fmt.Sprint(c.Answer.MaxQuestionLength), "must be at most 4000")
	}
	if c.OpenAI.MaxRetries < 0 || c.OpenAI.MaxRetries > 10 {
		bad("openai.max_retries", fmt.Sprint(c.OpenAI.MaxRetries), "must be between 0 and 10")
	}
	// Written so that NaN fails too.
	if !(c.OpenAI.Temperature >= 0 && c.OpenAI.Temperature <= 2) {
		bad("openai.temperature", fmt.Sprint(c.OpenAI.Temperature), "must be between 0 and 2")
	}
	if c.Discord.UserRate <= 0 {
		bad("discord.user_rate_per_minute", fmt.Sprint(c.Discord.UserRate), "must be above 0")
	}
	if !(c.Discord.CommandRate > 0) || math.IsInf(c.Discord.CommandRate, 0) {
		bad("discord.command_rate_per_minute", fmt.Sprint(c.Discord.CommandRate), "must be a number above 0")
	}
	if w := time.Duration(c.Discord.InstantReplyWait); w <= 0 || w > 2*time.Second {
		bad("discord.instant_reply_wait", c.Discord.InstantReplyWait.String(), "must be between 1ms and 2s (Discord wants a response within 3s)")
	}
	for key, d := range map[string]Duration{
		"openai.timeout": c.OpenAI.Timeout, "openai.index_timeout": c.OpenAI.IndexTimeout, "answer.timeout": c.Answer.Timeout, "answer.search_timeout": c.Answer.SearchTimeout,
		"answer.cache_ttl": c.Answer.CacheTTL, "discord.shutdown_timeout": c.Discord.ShutdownTimeout,
		"conversation.max_idle": c.Conversation.MaxIdle,
		"discord.queue_wait":    c.Discord.QueueWait,
	} {
		if d <= 0 {
			bad(key, d.String(), "must be a positive duration such as 30s")
		}
	}
	if a := c.HTTP.Addr; a != "" {
		// What net.Listen takes: host:port or :port, the port a number.
		_, port, err := net.SplitHostPort(a)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			bad("http.addr", a, "want host:port or :port, such as :8080 or 127.0.0.1:8080")
		}
	}
	if !slices.Contains([]string{"auto", "text", "json"}, c.Log.Format) {
		bad("log.format", c.Log.Format, "allowed values: auto, text, json")
	}
	if _, err := ParseLevel(c.Log.Level); err != nil {
		bad("log.level", c.Log.Level, "allowed values: debug, info, warn, error")
	}
	for _, ids := range []struct {
		key string
		ids []string
	}{{"discord.guild_id", []string{c.Discord.GuildID}}, {"discord.allowed_guilds", c.Discord.AllowedGuilds}, {"discord.allowed_channels", c.Discord.AllowedChannels}} {
		for _, id := range ids.ids {
			if id != "" && !isSnowflake(id) {
				bad(ids.key, id, "want a numeric Discord ID")
			}
		}
	}
	for _, f := range nonFinite(reflect.ValueOf(*c), "") {
		bad(f.key, fmt.Sprint(f.v), "must be a finite number")
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

type floatField struct {
	key string
	v   float64
}

// nonFinite lists the number settings of v (a Config or one of its
// sections) that are NaN or infinite, by YAML key. It walks the struct so
// that every number, including ones added later, is checked: NaN compares
// false with everything and slips through range checks such as "> 0".
func nonFinite(v reflect.Value, prefix string) []floatField {
	var out []floatField
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		switch fv := v.Field(i); fv.Kind() {
		case reflect.Struct:
			out = append(out, nonFinite(fv, prefix+name+".")...)
		case reflect.Float32, reflect.Float64:
			if x := fv.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
				out = append(out, floatField{prefix + name, x})
			}
		}
	}
	return out
}

func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ParseLevel parses a log level name.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// Duration is a time.Duration written as "30s" in YAML.
type Duration time.Duration

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML parses "30s", "5m" and the like.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 30s or 5m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as "30s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// Secret is a credential. It prints, logs and marshals as "[redacted]";
// Reveal returns the value for the one place that needs it.
type Secret string

const redacted = redact.Mask

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String redacts the secret, so fmt never prints it.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString redacts the secret for %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// LogValue redacts the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalYAML redacts the secret.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON redacts the secret.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Dump writes the effective configuration as YAML, secrets redacted.
func (c Config) Dump(w io.Writer) error {
	// A URL may carry credentials too: http://user:pass@host/v1.
	c.OpenAI.BaseURL, c.Discord.APIURL = redact.URL(c.OpenAI.BaseURL), redact.URL(c.Discord.APIURL)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	// Secrets are read only from the environment, so the file --config
	// takes has no key for them: they are shown as comments.
	for _, s := range []struct {
		key, env string
		v        Secret
	}{{"openai_api_key", "OPENAI_API_KEY", c.OpenAI.APIKey}, {"discord_token", "DISCORD_TOKEN", c.Discord.Token}} {
		shown := "not set (set " + s.env
		if s.v != "" {
			shown = "'" + s.v.String() + "' (from " + s.env
		}
		if _, err := fmt.Fprintf(w, "# %s: %s; secrets come only from the environment)\n", s.key, shown); err != nil {
			return err
		}
	}
	return nil
}
