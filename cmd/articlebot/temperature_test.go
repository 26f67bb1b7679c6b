package main

import (
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

func TestChatTemperatureFromConfig(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want float64
	}{{"", 0.2}, {"0.7", 0.7}} {
		srv, vars := fakeAPI(t)
		srv.SetChat(troopsReply)
		vars["ARTICLEBOT_LLM_TEMPERATURE"] = tt.env
		if code, _, errOut := runWithEnv(t, vars, "ask", "How many troops has North Korea sent to Russia?"); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got *float64
		for _, r := range srv.Requests() {
			if r.Endpoint == openaitest.Chat {
				got = r.Temperature
			}
		}
		if got == nil || float32(*got) != float32(tt.want) {
			t.Errorf("ARTICLEBOT_LLM_TEMPERATURE=%q: temperature = %v, want %v", tt.env, got, tt.want)
		}
	}
	_, vars := fakeAPI(t)
	vars["ARTICLEBOT_LLM_TEMPERATURE"] = "3"
	if code, _, errOut := runWithEnv(t, vars, "ask", "How many troops?"); code == 0 || !strings.Contains(errOut, "openai.temperature") {
		t.Errorf("temperature 3: exit %d, stderr %q", code, errOut)
	}
}
