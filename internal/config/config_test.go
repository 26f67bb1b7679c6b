package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestExampleFileMatchesDefaults(t *testing.T) {
	c := Default()
	if err := c.LoadFile("../../configs/articlebot.yaml"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Default(), c, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("configs/articlebot.yaml differs from Default() (-default +file):\n%s", d)
	}
	raw, _ := os.ReadFile("../../configs/articlebot.yaml")
	for _, v := range Env {
		if v.Key == "" {
			continue
		}
		last := v.Key[strings.LastIndex(v.Key, ".")+1:]
		if !strings.Contains(string(raw), last+":") {
			t.Errorf("configs/articlebot.yaml doesn't list %s", v.Key)
		}
	}
}

func TestExamplesLoad(t *testing.T) {
	files, _ := filepath.Glob("../../configs/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example configs")
	}
	for _, f := range files {
		c := Default()
		if err := c.LoadFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestUnknownKeyNamed(t *testing.T) {
	c := Default()
	err := c.Load(strings.NewReader("discord:\n  api_ulr: https://x\n"))
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `"api_ulr"`) || !strings.Contains(err.Error(), "api_url") {
		t.Errorf("err = %v; want it to name api_ulr and list api_url", err)
	}
	err = c.Load(strings.NewReader("corpus_dri: x\n"))
	if err == nil || !strings.Contains(err.Error(), `"corpus_dri"`) || !strings.Contains(err.Error(), "corpus_dir") {
		t.Errorf("top-level typo: err = %v", err)
	}
	if err := c.Load(strings.NewReader("answer:\n  timeout: soon\n")); err == nil || !strings.Contains(err.Error(), "duration") {
		t.Errorf("bad duration: err = %v", err)
	}
	if err := c.Load(strings.NewReader("")); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestValidateNamesKeys(t *testing.T) {
	c := Default()
	c.Log.Format = "xml"
	c.Answer.TopK = 0
	c.Discord.APIURL = "discord.com"
	c.Discord.AllowedGuilds = []string{"abc"}
	err := c.Validate()
	for _, want := range []string{
		`log.format (ARTICLEBOT_LOG_FORMAT) "xml": allowed values: auto, text, json`,
		"answer.top_k", "discord.api_url", "discord.allowed_guilds",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to mention %q", err, want)
		}
	}
	d := Default()
	if err := d.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	os.WriteFile(file, []byte("openai:\n  chat_model: from-file\n  embedding_model: file-embed\nlog:\n  level: debug\n"), 0o600)
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("tok-from-file\n"), 0o600)
	env := map[string]string{
		"ARTICLEBOT_CONFIG":                 file,
		"ARTICLEBOT_CHAT_MODEL":             "from-env",
		"DISCORD_TOKEN_FILE":                tokenFile,
		"ARTICLEBOT_DISCORD_ALLOWED_GUILDS": "1, 2,,3",
		"ARTICLEBOT_CACHE_TTL":              "5m",
	}
	c, err := Resolve("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.OpenAI.ChatModel != "from-env" || c.OpenAI.EmbeddingModel != "file-embed" || c.Log.Level != "debug" ||
		c.OpenAI.MaxRetries != 4 || c.Discord.Token.Reveal() != "tok-from-file" ||
		!cmp.Equal(c.Discord.AllowedGuilds, []string{"1", "2", "3"}) || time.Duration(c.Answer.CacheTTL) != 5*time.Minute {
		t.Errorf("resolved = %+v", c)
	}
	env["ARTICLEBOT_TOP_K"] = "many"
	if _, err := Resolve("", func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "ARTICLEBOT_TOP_K") {
		t.Errorf("bad env value: err = %v", err)
	}
	if _, err := Resolve(filepath.Join(dir, "missing.yaml"), func(string) string { return "" }); err == nil {
		t.Error("missing config file: no error")
	}
}

func TestSecretsNeverShown(t *testing.T) {
	c := Default()
	c.OpenAI.APIKey = "sk-live-SECRET1"
	c.Discord.Token = "discord-SECRET2"
	var buf bytes.Buffer
	if err := c.Dump(&buf); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&buf, "%v %+v %#v %s\n", c, c, c, c.OpenAI.APIKey)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "key", c.OpenAI.APIKey, "config", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "token", c.Discord.Token)
	if strings.Contains(buf.String(), "SECRET") {
		t.Errorf("a secret leaked:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "openai_api_key: '[redacted]'") {
		t.Errorf("dump doesn't show the key as redacted:\n%s", buf.String())
	}
}

func TestModes(t *testing.T) {
	c := Default()
	if c.OpenAI.Enabled() || c.OpenAI.UsesChat() || c.OpenAI.UsesEmbeddings() {
		t.Error("defaults must be offline")
	}
	c.OpenAI.BaseURL = "http://127.0.0.1:11434/v1"
	c.OpenAI.EmbeddingModel = ModelLocal
	if !c.OpenAI.UsesChat() || c.OpenAI.UsesEmbeddings() {
		t.Error("local embeddings with a remote chat model")
	}
	c.OpenAI.EmbeddingModel, c.OpenAI.ChatModel = "nomic-embed-text", ModelExtractive
	if c.OpenAI.UsesChat() || !c.OpenAI.UsesEmbeddings() {
		t.Error("remote embeddings with extractive answers")
	}
}

// http.addr is checked when the settings are read, as net.Listen will take
// it, not first when serve starts its listener.
func TestValidateHTTPAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"": true, ":8080": true, "127.0.0.1:8080": true, "[::1]:9090": true, "localhost:0": true,
		"8080": false, "nocolon": false, ":http": false, ":99999": false, "host:": false, "a:b:c": false,
	} {
		c := Default()
		c.HTTP.Addr = addr
		err := c.Validate()
		if ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), "http.addr (ARTICLEBOT_HTTP_ADDR)")) {
			t.Errorf("http.addr %q: Validate() = %v", addr, err)
		}
	}
}
