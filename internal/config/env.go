package config

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/articlebot/articlebot/internal/redact"
)

// EnvVar is one environment variable: the single table that applies them,
// documents them in --help and is copied into the README.
type EnvVar struct {
	Name string
	// Key is the YAML key it overrides; empty for secrets, which have no key.
	Key    string
	Help   string
	Secret bool
	set    func(c *Config, v string) error
}

// Env lists every environment variable articlebot reads. A secret's
// NAME_FILE variant reads the value from a file (for Docker secrets).
var Env = []EnvVar{
	{Name: "ARTICLEBOT_CONFIG", Help: "path of a YAML config file (see configs/articlebot.yaml)",
		set: func(c *Config, v string) error { return nil }},
	{Name: "ARTICLEBOT_CORPUS_DIR", Key: "corpus_dir", Help: "directory of .txt/.md articles; default: the built-in article",
		set: func(c *Config, v string) error { c.CorpusDir = v; return nil }},
	{Name: "ARTICLEBOT_DATA_DIR", Key: "data_dir", Help: "where the index is persisted; default: the user cache directory",
		set: func(c *Config, v string) error { c.DataDir = v; return nil }},
	{Name: "OPENAI_API_KEY", Secret: true, Help: "API key; enables LLM answers and embeddings (or use OPENAI_API_KEY_FILE)",
		set: func(c *Config, v string) error { c.OpenAI.APIKey = Secret(v); return nil }},
	{Name: "OPENAI_BASE_URL", Key: "openai.base_url", Help: "OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama",
		set: func(c *Config, v string) error { c.OpenAI.BaseURL = v; return nil }},
	{Name: "ARTICLEBOT_CHAT_MODEL", Key: "openai.chat_model", Help: `chat model, or "extractive" to keep answers extractive`,
		set: func(c *Config, v string) error { c.OpenAI.ChatModel = v; return nil }},
	{Name: "ARTICLEBOT_EMBEDDING_MODEL", Key: "openai.embedding_model", Help: `embedding model, or "local" for the built-in embedder`,
		set: func(c *Config, v string) error { c.OpenAI.EmbeddingModel = v; return nil }},
	{Name: "ARTICLEBOT_LLM_TIMEOUT", Key: "openai.timeout", Help: "deadline for one API request, streaming included",
		set: func(c *Config, v string) error { return setDuration(&c.OpenAI.Timeout, v) }},
	{Name: "ARTICLEBOT_LLM_MAX_RETRIES", Key: "openai.max_retries", Help: "retries on 408, 409, 429, 5xx and connection errors",
		set: func(c *Config, v string) error { return setInt(&c.OpenAI.MaxRetries, v) }},
	{Name: "ARTICLEBOT_LLM_TEMPERATURE", Key: "openai.temperature", Help: "chat model temperature, 0 to 2 (not sent to reasoning models)",
		set: func(c *Config, v string) error { return setFloat(&c.OpenAI.Temperature, v) }},
	{Name: "ARTICLEBOT_INDEX_TIMEOUT", Key: "openai.index_timeout", Help: "deadline for embedding the corpus at start; past it, serve starts on local embeddings and finishes in the background",
		set: func(c *Config, v string) error { return setDuration(&c.OpenAI.IndexTimeout, v) }},
	{Name: "ARTICLEBOT_TOP_K", Key: "answer.top_k", Help: "passages an answer draws on",
		set: func(c *Config, v string) error { return setInt(&c.Answer.TopK, v) }},
	{Name: "ARTICLEBOT_MAX_QUESTION_LENGTH", Key: "answer.max_question_length", Help: "longest question accepted, in characters",
		set: func(c *Config, v string) error { return setInt(&c.Answer.MaxQuestionLength, v) }},
	{Name: "ARTICLEBOT_ANSWER_TIMEOUT", Key: "answer.timeout", Help: "deadline for one whole answer",
		set: func(c *Config, v string) error { return setDuration(&c.Answer.Timeout, v) }},
	{Name: "ARTICLEBOT_SEARCH_TIMEOUT", Key: "answer.search_timeout", Help: "deadline for finding an answer's passages (a remote query embedding); past it, BM25 alone",
		set: func(c *Config, v string) error { return setDuration(&c.Answer.SearchTimeout, v) }},
	{Name: "ARTICLEBOT_CACHE_SIZE", Key: "answer.cache_size", Help: "answers kept in the answer cache",
		set: func(c *Config, v string) error { return setInt(&c.Answer.CacheSize, v) }},
	{Name: "ARTICLEBOT_CACHE_TTL", Key: "answer.cache_ttl", Help: "how long a cached answer is reused",
		set: func(c *Config, v string) error { return setDuration(&c.Answer.CacheTTL, v) }},
	{Name: "ARTICLEBOT_CONVERSATION_TURNS", Key: "conversation.max_turns", Help: "turns a conversation keeps for follow-up questions",
		set: func(c *Config, v string) error { return setInt(&c.Conversation.MaxTurns, v) }},
	{Name: "ARTICLEBOT_CONVERSATION_IDLE", Key: "conversation.max_idle", Help: "how long a conversation is kept after its last question",
		set: func(c *Config, v string) error { return setDuration(&c.Conversation.MaxIdle, v) }},
	{Name: "ARTICLEBOT_CONVERSATION_MAX_BYTES", Key: "conversation.max_bytes", Help: "most bytes all kept conversations take, in memory and on disk",
		set: func(c *Config, v string) error { return setInt(&c.Conversation.MaxBytes, v) }},
	{Name: "DISCORD_TOKEN", Secret: true, Help: "bot token; required by serve (or use DISCORD_TOKEN_FILE)",
		set: func(c *Config, v string) error { c.Discord.Token = Secret(v); return nil }},
	{Name: "ARTICLEBOT_DISCORD_API_URL", Key: "discord.api_url", Help: "Discord base URL, for a REST proxy; paths /api/v9/… are kept",
		set: func(c *Config, v string) error { c.Discord.APIURL = v; return nil }},
	{Name: "ARTICLEBOT_DISCORD_GUILD_ID", Key: "discord.guild_id", Help: "register commands to this guild only (instant, for development)",
		set: func(c *Config, v string) error { c.Discord.GuildID = v; return nil }},
	{Name: "ARTICLEBOT_DISCORD_ALLOWED_GUILDS", Key: "discord.allowed_guilds", Help: "comma-separated guild IDs the bot answers in; default: all",
		set: func(c *Config, v string) error { c.Discord.AllowedGuilds = splitList(v); return nil }},
	{Name: "ARTICLEBOT_DISCORD_ALLOWED_CHANNELS", Key: "discord.allowed_channels", Help: "comma-separated channel IDs the bot answers in; default: all",
		set: func(c *Config, v string) error { c.Discord.AllowedChannels = splitList(v); return nil }},
	{Name: "ARTICLEBOT_DISCORD_USER_RATE", Key: "discord.user_rate_per_minute", Help: "questions per minute per user",
		set: func(c *Config, v string) error { return setFloat(&c.Discord.UserRate, v) }},
	{Name: "ARTICLEBOT_DISCORD_USER_BURST", Key: "discord.user_burst", Help: "questions a user may ask at once before the rate applies",
		set: func(c *Config, v string) error { return setInt(&c.Discord.UserBurst, v) }},
	{Name: "ARTICLEBOT_DISCORD_COMMAND_RATE", Key: "discord.command_rate_per_minute", Help: "/about, /sources and button presses per minute per user",
		set: func(c *Config, v string) error { return setFloat(&c.Discord.CommandRate, v) }},
	{Name: "ARTICLEBOT_DISCORD_COMMAND_BURST", Key: "discord.command_burst", Help: "/about, /sources and button presses a user may make at once",
		set: func(c *Config, v string) error { return setInt(&c.Discord.CommandBurst, v) }},
	{Name: "ARTICLEBOT_DISCORD_MAX_CONCURRENT", Key: "discord.max_concurrent", Help: "answers drafted at once; more wait in the queue",
		set: func(c *Config, v string) error { return setInt(&c.Discord.MaxConcurrent, v) }},
	{Name: "ARTICLEBOT_DISCORD_QUEUE_SIZE", Key: "discord.queue_size", Help: "questions that may wait for a drafting slot; more get a busy reply",
		set: func(c *Config, v string) error { return setInt(&c.Discord.QueueSize, v) }},
	{Name: "ARTICLEBOT_DISCORD_QUEUE_WAIT", Key: "discord.queue_wait", Help: "longest wait in the queue before a busy reply",
		set: func(c *Config, v string) error { return setDuration(&c.Discord.QueueWait, v) }},
	{Name: "ARTICLEBOT_DISCORD_INSTANT_REPLY_WAIT", Key: "discord.instant_reply_wait", Help: "how long a reply may take to be sent without a \"thinking…\" first",
		set: func(c *Config, v string) error { return setDuration(&c.Discord.InstantReplyWait, v) }},
	{Name: "ARTICLEBOT_SHUTDOWN_TIMEOUT", Key: "discord.shutdown_timeout", Help: "how long shutdown waits for answers in flight",
		set: func(c *Config, v string) error { return setDuration(&c.Discord.ShutdownTimeout, v) }},
	{Name: "ARTICLEBOT_LOG_FORMAT", Key: "log.format", Help: "auto (text on a terminal, JSON otherwise), text or json",
		set: func(c *Config, v string) error { c.Log.Format = v; return nil }},
	{Name: "ARTICLEBOT_LOG_LEVEL", Key: "log.level", Help: "debug, info, warn or error",
		set: func(c *Config, v string) error { c.Log.Level = v; return nil }},
	{Name: "ARTICLEBOT_HTTP_ADDR", Key: "http.addr", Help: "serve /healthz, /readyz and /metrics here, e.g. :8080; default: off",
		set: func(c *Config, v string) error { c.HTTP.Addr = v; return nil }},
}

func envFor(key string) string {
	for _, v := range Env {
		if v.Key == key {
			return v.Name
		}
	}
	return ""
}

// ApplyEnv overrides c with the environment variables that are set. A
// secret NAME may instead be read from the file named by NAME_FILE.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for _, v := range Env {
		val := getenv(v.Name)
		if v.Secret {
			if path := getenv(v.Name + "_FILE"); path != "" && val == "" {
				b, err := os.ReadFile(path)
				if err != nil {
					return fmt.Errorf("couldn't read %s_FILE: %w", v.Name, err)
				}
				val = strings.TrimSpace(string(b))
				if val == "" {
					return fmt.Errorf("%s_FILE %s is empty", v.Name, path)
				}
			}
		}
		if val == "" {
			continue
		}
		if err := v.set(c, strings.TrimSpace(val)); err != nil {
			shown := redact.URL(val)
			if v.Secret {
				shown = redact.Mask
			}
			return &FieldError{Key: v.Key, EnvVar: v.Name, Value: shown, Problem: err.Error()}
		}
	}
	return nil
}

// Resolve builds the effective configuration: defaults, then the file named
// by path (or ARTICLEBOT_CONFIG), then the environment. Flags are applied
// by the caller afterwards; Validate runs last.
func Resolve(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path == "" {
		path = getenv("ARTICLEBOT_CONFIG")
	}
	if path != "" {
		if err := c.LoadFile(path); err != nil {
			return c, err
		}
	}
	if err := c.ApplyEnv(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// WriteEnvTable writes the environment variables as an aligned table, for
// --help.
func WriteEnvTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, v := range Env {
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, v.Help)
	}
	tw.Flush()
}

// WriteEnvMarkdown writes the environment variables as a Markdown table, for
// the README.
func WriteEnvMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| variable | config key | what it sets |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, v := range Env {
		key := "`" + v.Key + "`"
		if v.Key == "" {
			key = "(environment only)"
		}
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", v.Name, key, strings.ReplaceAll(v.Help, "|", `\|`))
	}
}

func setInt(dst *int, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	*dst = n
	return nil
}

func setFloat(dst *float64, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("want a finite number")
	}
	*dst = f
	return nil
}

func setDuration(dst *Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a duration such as 30s or 5m")
	}
	*dst = Duration(d)
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
