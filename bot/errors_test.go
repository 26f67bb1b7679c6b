package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/articlebot/articlebot/internal/openaiclient"
	"github.com/articlebot/articlebot/internal/openaitest"
)

func TestKindOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want ErrorKind
	}{
		{nil, ""},
		{ErrEmptyQuestion, KindInput},
		{fmt.Errorf("%w: 2000 characters", ErrQuestionTooLong), KindInput},
		{ErrBadLength, KindInput},
		{ErrUnknownSection, KindNotFound},
		{fmt.Errorf("%w: boom", ErrInternal), KindInternal},
		{fmt.Errorf("drafting: %w", context.Canceled), KindShutdown},
		{context.DeadlineExceeded, KindTimeout},
		{fmt.Errorf("%w: %w (last attempt: %w)", ErrModelUnavailable, context.DeadlineExceeded, &openaiclient.Error{Kind: openaiclient.Unavailable}), KindTimeout},
		{fmt.Errorf("%w: %w", ErrModelConfig, &openaiclient.Error{Kind: openaiclient.Unauthorized, Status: 401}), KindModelConfig},
		{fmt.Errorf("%w: %w", ErrModelUnavailable, &openaiclient.Error{Kind: openaiclient.Unavailable, Status: 503}), KindModelUnavailable},
		{ErrContextLength, KindModelUnavailable},
		// The adapters put upstream errors in these terms; one that
		// reaches the service raw is a bug.
		{&openaiclient.Error{Kind: openaiclient.Unavailable, Status: 503}, KindInternal},
		{errors.New("something else"), KindInternal},
	} {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// A fallback's note says what really happened.
func TestFallbackNoteNamesTheCause(t *testing.T) {
	for k, want := range map[ErrorKind]string{
		KindModelUnavailable: NoteModelUnavailable, KindModelConfig: NoteModelConfig,
		KindTimeout: NoteTimeout, KindShutdown: NoteShutdown,
	} {
		if got := noteFor(k); got != want {
			t.Errorf("noteFor(%s) = %q, want %q", k, got, want)
		}
	}
}

// An answer cut short by shutdown says so, rather than blaming the model.
func TestShutdownDuringDraftSaysRestarting(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetChat(func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Chunks: []string{"Pyongyang has sent around 15,000 troops [1].", " It also sent weaponry [1]."}, StallAfter: 1}
	})
	svc, _ := newLLMService(t, srv, llmSetup{})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	// The first streamed words arrive, then the process is told to stop.
	// The caller that went away gets a shutdown error (front ends say
	// "restarting"); an answer that still arrives says so too.
	a, err := svc.AskStream(ctx, troopsQ, func(string) { stop() })
	switch {
	case err != nil && KindOf(err) != KindShutdown:
		t.Errorf("err = %v, kind %q; want a shutdown", err, KindOf(err))
	case err == nil && (a.Note != NoteShutdown || !strings.Contains(a.Text, "15,000")):
		t.Errorf("answer = %+v", a)
	}
}
