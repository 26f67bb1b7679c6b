package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/articlebot/articlebot/bot"
	"github.com/articlebot/articlebot/internal/config"
	"github.com/articlebot/articlebot/internal/telemetry"
)

func TestServedConversationsAreSavedUnderTheDataDir(t *testing.T) {
	for _, serve := range []bool{true, false} {
		cfg := config.Default()
		cfg.DataDir = t.TempDir()
		a := &App{Config: cfg, Log: slog.New(slog.DiscardHandler), Metrics: telemetry.New()}
		if err := a.buildConversations(serve); err != nil {
			t.Fatal(err)
		}
		a.Conversations.Add("k", bot.Turn{Question: "q", Answer: "a"})
		_, err := os.Stat(filepath.Join(cfg.DataDir, conversationsFile))
		if serve && err != nil {
			t.Errorf("serving with a data dir saved nothing: %v", err)
		}
		if !serve && err == nil {
			t.Error("a command that doesn't serve saved its conversations")
		}
		again := &App{Config: cfg, Log: a.Log, Metrics: telemetry.New()}
		if err := again.buildConversations(serve); err != nil {
			t.Fatal(err)
		}
		if got := again.Conversations.History("k") != nil; got != serve {
			t.Errorf("serve=%v: conversation kept across a restart = %v", serve, got)
		}
	}
}
