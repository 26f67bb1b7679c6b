package bot

import (
	"testing"
	"time"

	"github.com/articlebot/articlebot/internal/config"
)

// Settings left zero take the configuration's defaults, the one place they
// live, so a service made in a test runs as the binary does.
func TestZeroOptionsTakeTheConfigDefaults(t *testing.T) {
	d := config.Default().Answer
	got := newService(t).opt
	if got.TopK != d.TopK || got.MaxQuestionLen != d.MaxQuestionLength || got.Timeout != time.Duration(d.Timeout) || got.CacheTTL != time.Duration(d.CacheTTL) {
		t.Errorf("options = %+v, want config.Default's %+v", got, d)
	}
}
