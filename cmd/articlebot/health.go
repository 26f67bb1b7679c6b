package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

var healthCmd = &command{
	name:     "health",
	summary:  "Check a running articlebot's /healthz on ARTICLEBOT_HTTP_ADDR (for container health checks).",
	noCorpus: true,
	run:      checkHealth,
	onError:  unhealthy,
}

// unhealthy makes any failure of the health command, its call and
// settings included, exit with status 1: container health checks read 0 as
// healthy and 1 as not, and Docker's HEALTHCHECK reserves 2, which other
// commands use for bad input.
func unhealthy(err error) error { return withStatus(err, 1) }

// checkHealth asks the running articlebot's /healthz and prints its answer.
func checkHealth(ctx context.Context, e *env, cl *cli, args []string) error {
	if len(args) != 0 {
		return cl.usagef("health takes no arguments")
	}
	cfg, err := cl.config(e)
	if err != nil {
		return err
	}
	if cfg.HTTP.Addr == "" {
		return errors.New("the health listener is off: set ARTICLEBOT_HTTP_ADDR (http.addr)")
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("invalid http.addr %q: %w", cfg.HTTP.Addr, err)
	}
	// A listener on all interfaces is reached through loopback.
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: /healthz answered %s", resp.Status)
	}
	fmt.Fprint(e.stdout, string(body))
	return nil
}
