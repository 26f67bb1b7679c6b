package config

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoad checks that any YAML either fails to load with an error or
// loads into settings that either fail validation or are sane: every
// number finite.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{"", "answer:\n  top_k: 5\n", "discord:\n  user_rate_per_minute: .nan\n", "openai:\n  temperature: .inf\n",
		"nope: 1\n", "answer:\n  timeout: 5x\n", "log: [1, 2]\n", "{", "openai:\n  base_url: http://u:p@h/v1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		c := Default()
		if err := c.Load(strings.NewReader(doc)); err != nil {
			return
		}
		checkValidated(t, c)
	})
}

// FuzzApplyEnv does the same for any environment variable of the table
// and any value.
func FuzzApplyEnv(f *testing.F) {
	for i, v := range []string{"NaN", "-Inf", "1e400", "0", "-5", "30s", "many", "http://u:p@h/v1", " 6 ", "1,2,,3"} {
		f.Add(uint8(i*3), v)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		name := Env[int(which)%len(Env)].Name
		if name == "ARTICLEBOT_CONFIG" || strings.HasSuffix(name, "_FILE") {
			return // names a file: not the value being fuzzed
		}
		c := Default()
		if err := c.ApplyEnv(func(k string) string {
			if k == name {
				return value
			}
			return ""
		}); err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("%s=%q: error %q doesn't name the variable", name, value, err)
			}
			return
		}
		checkValidated(t, c)
	})
}

// checkValidated fails when c passes validation with a number that isn't
// finite.
func checkValidated(t *testing.T, c Config) {
	t.Helper()
	if err := c.Validate(); err != nil {
		return
	}
	if bad := nonFinite(reflect.ValueOf(c), ""); len(bad) > 0 {
		t.Fatalf("validated with %+v", bad)
	}
	if c.Discord.UserRate <= 0 || math.IsNaN(c.Discord.UserRate) {
		t.Fatalf("validated with user rate %v", c.Discord.UserRate)
	}
}
