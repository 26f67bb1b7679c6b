package config

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// NaN compares false with everything, so "must be above 0" let it through
// and ARTICLEBOT_DISCORD_USER_RATE=NaN turned the per-user limit off.
func TestNonFiniteNumbersRejected(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "infinity", "1e400"} {
		for _, name := range []string{"ARTICLEBOT_DISCORD_USER_RATE", "ARTICLEBOT_LLM_TEMPERATURE"} {
			_, err := Resolve("", func(k string) string {
				if k == name {
					return v
				}
				return ""
			})
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "finite") {
				t.Errorf("%s=%s: err = %v, want an error naming it", name, v, err)
			}
		}
	}
	for _, doc := range []string{"discord:\n  user_rate_per_minute: .nan\n", "discord:\n  user_rate_per_minute: .inf\n", "discord:\n  user_rate_per_minute: -.Inf\n"} {
		c := Default()
		if err := c.Load(strings.NewReader(doc)); err != nil {
			t.Fatal(err)
		}
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "discord.user_rate_per_minute (ARTICLEBOT_DISCORD_USER_RATE)") || !strings.Contains(err.Error(), "finite") {
			t.Errorf("%q: Validate() = %v, want it to name the key", doc, err)
		}
	}
}

// Every number setting is checked, whichever section it is in.
func TestEveryFloatSettingMustBeFinite(t *testing.T) {
	c := Default()
	c.Discord.UserRate = math.NaN()
	c.OpenAI.Temperature = math.Inf(1)
	got := nonFinite(reflectValue(c), "")
	if len(got) != 2 || got[0].key != "openai.temperature" || got[1].key != "discord.user_rate_per_minute" {
		t.Errorf("nonFinite = %+v", got)
	}
	if d := Default(); len(nonFinite(reflectValue(d), "")) != 0 {
		t.Error("defaults are not finite")
	}
}

func TestURLCredentialsRedacted(t *testing.T) {
	c := Default()
	c.OpenAI.BaseURL = "http://alice:s3cret@127.0.0.1:8080/v1"
	c.Discord.APIURL = "https://bob:hunter2@proxy.example/"
	var buf bytes.Buffer
	if err := c.Dump(&buf); err != nil {
		t.Fatal(err)
	}
	c.OpenAI.BaseURL = "ftp://alice:s3cret@host/v1"
	if err := c.Validate(); err != nil {
		buf.WriteString(err.Error())
	} else {
		t.Error("ftp URL accepted")
	}
	for _, leak := range []string{"alice", "s3cret", "bob", "hunter2"} {
		if strings.Contains(buf.String(), leak) {
			t.Errorf("%q leaked:\n%s", leak, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "http://[redacted]@127.0.0.1:8080/v1") {
		t.Errorf("dump doesn't show the redacted URL:\n%s", buf.String())
	}
}

func reflectValue(c Config) reflect.Value { return reflect.ValueOf(c) }
