package openaiclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaitest"
)

// Credentials in the base URL never reach what is shown or logged: the
// client's BaseURL, nor the upstream error a failed request wraps.
func TestBaseURLCredentialsRedacted(t *testing.T) {
	srv := openaitest.New(t)
	srv.Fail(openaitest.Embeddings, openaitest.Fault{Drop: true}, 1)
	withUser := strings.Replace(srv.URL, "http://", "http://alice:s3cret@", 1)
	c := New(Config{BaseURL: withUser, Backoff: Backoff{Sleep: (&sleeps{}).sleep}})
	err := embed(context.Background(), c)
	var e *Error
	if !errors.As(err, &e) || e.Err == nil {
		t.Fatalf("err = %v, want an *Error wrapping the transport error", err)
	}
	shown := fmt.Sprintf("%v %v %s", err, e.Err, c.BaseURL())
	if strings.Contains(shown, "alice") || strings.Contains(shown, "s3cret") {
		t.Errorf("credentials shown: %s", shown)
	}
	if !strings.Contains(c.BaseURL(), "[redacted]@127.0.0.1") {
		t.Errorf("BaseURL = %s", c.BaseURL())
	}
}
