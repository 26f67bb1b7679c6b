package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/articlebot/articlebot/internal/config"
)

var configCmd = &command{
	name:    "config",
	summary: "Print the effective configuration as a file --config takes (secrets only as comments).",
	flags: func(fs *flag.FlagSet, cl *cli) {
		fs.BoolVar(&cl.envTable, "env-markdown", false, "print the environment variables as a Markdown table (for the README)")
	},
	run: func(ctx context.Context, e *env, cl *cli, args []string) error {
		if len(args) != 0 {
			return cl.usagef("config takes no arguments")
		}
		if cl.envTable {
			config.WriteEnvMarkdown(e.stdout)
			return nil
		}
		cfg, err := cl.config(e)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "# effective configuration: flags > environment > file > defaults")
		return cfg.Dump(e.stdout)
	},
}
