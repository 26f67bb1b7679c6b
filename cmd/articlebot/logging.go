package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/articlebot/articlebot/internal/config"
)

// newLogger builds the process logger on stderr: text on a terminal, JSON
// elsewhere (containers, files), unless the config says which.
func newLogger(cfg config.Log, stderr io.Writer) (*slog.Logger, error) {
	level, err := config.ParseLevel(cfg.Level)
	if err != nil {
		return nil, fmt.Errorf("invalid log.level %q: %w", cfg.Level, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Format
	if format == "auto" || format == "" {
		format = "json"
		if isTerminal(stderr) {
			format = "text"
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(stderr, opts)), nil
}
