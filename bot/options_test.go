package bot

import (
	"time"

	"github.com/articlebot/articlebot/internal/config"
)

// withDefaults fills the settings opt leaves zero as the binary does by
// default, from config.Default, the one place defaults live. The answer
// cache stays off unless a test asks for it.
func withDefaults(opt Options) Options {
	d := config.Default().Answer
	if opt.TopK == 0 {
		opt.TopK = d.TopK
	}
	if opt.MaxQuestionLen == 0 {
		opt.MaxQuestionLen = d.MaxQuestionLength
	}
	if opt.Timeout == 0 {
		opt.Timeout = time.Duration(d.Timeout)
	}
	if opt.CacheTTL == 0 {
		opt.CacheTTL = time.Duration(d.CacheTTL)
	}
	return opt
}
