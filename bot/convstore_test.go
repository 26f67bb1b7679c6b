package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newStore(t *testing.T, c *clock, path string) *ConversationStore {
	t.Helper()
	s, err := NewConversationStore(ConversationOptions{MaxTurns: 3, MaxBytes: 4000, MaxIdle: 30 * time.Minute, Path: path, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func turn(q string) Turn { return Turn{Question: q, Answer: "answer to " + q, Cited: []string{"c1"}} }

func questions(turns []Turn) string {
	var qs []string
	for _, t := range turns {
		qs = append(qs, t.Question)
	}
	return strings.Join(qs, ",")
}

func TestConversationStoreKeepsTheLastTurns(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	s := newStore(t, c, "")
	for _, q := range []string{"a", "b", "c", "d"} {
		s.Add("k", turn(q))
	}
	if got := questions(s.History("k")); got != "b,c,d" {
		t.Errorf("history = %s, want the last 3 turns", got)
	}
	if s.History("other") != nil {
		t.Error("another key shares the conversation")
	}
	if st := s.Stats(); st.Conversations != 1 || st.Turns != 3 || st.Bytes <= 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestConversationStoreForgetsIdleConversations(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	s := newStore(t, c, "")
	s.Add("k", turn("a"), "m1")
	c.advance(29 * time.Minute)
	if s.History("k") == nil {
		t.Fatal("forgotten before its idle age")
	}
	s.Add("k", turn("b"))
	c.advance(29 * time.Minute)
	if got := questions(s.History("k")); got != "a,b" {
		t.Errorf("a turn didn't renew the conversation: %q", got)
	}
	c.advance(time.Minute)
	if s.History("k") != nil {
		t.Error("kept past its idle age")
	}
	if _, ok := s.Lookup("m1"); ok {
		t.Error("a message still leads to a forgotten conversation")
	}
	if st := s.Stats(); st.Conversations != 0 || st.Bytes != 0 {
		t.Errorf("stats after expiry = %+v", st)
	}
}

func TestConversationStoreStaysWithinItsSize(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	s := newStore(t, c, "")
	big := Turn{Question: "q", Answer: strings.Repeat("x", 1500)}
	for i, k := range []string{"a", "b", "c"} {
		c.advance(time.Duration(i) * time.Second)
		s.Add(k, big)
	}
	if st := s.Stats(); st.Bytes > 4000 || st.Conversations != 2 {
		t.Errorf("stats = %+v, want two conversations within 4000 bytes", st)
	}
	if s.History("a") != nil || s.History("c") == nil {
		t.Error("evicted the wrong conversation: want the one idle longest gone")
	}
}

func TestConversationStoreLinksMessages(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	s := newStore(t, c, "")
	s.Add("k", turn("a"), "m1", "m2")
	for _, id := range []string{"m1", "m2"} {
		if key, ok := s.Lookup(id); !ok || key != "k" {
			t.Errorf("Lookup(%s) = %q, %v", id, key, ok)
		}
	}
	s.Reset("k")
	if _, ok := s.Lookup("m1"); ok || s.History("k") != nil {
		t.Error("Reset kept the conversation")
	}
}

func TestConversationStoreSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conversations.json")
	c := &clock{t: time.Unix(1e9, 0)}
	s := newStore(t, c, path)
	s.Add("k", turn("a"), "m1")
	s.Add("k", turn("b"))
	s.Add("old", turn("x"))
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	c.advance(10 * time.Minute)
	s.Add("k", turn("c"))

	c.advance(25 * time.Minute) // "old" is now idle past 30 minutes
	r := newStore(t, c, path)
	if got := questions(r.History("k")); got != "a,b,c" {
		t.Errorf("after a restart: %q", got)
	}
	if key, ok := r.Lookup("m1"); !ok || key != "k" {
		t.Error("after a restart a reply no longer leads to its conversation")
	}
	if r.History("old") != nil {
		t.Error("an idle conversation came back after a restart")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestConversationStoreStartsEmptyOnABadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conversations.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	s, err := NewConversationStore(ConversationOptions{MaxTurns: 3, MaxBytes: 4000, MaxIdle: time.Hour, Path: path})
	if err == nil || s == nil {
		t.Fatalf("store %v, err %v: want an empty store and the error", s, err)
	}
	s.Add("k", turn("a"))
	if s.Err() != nil || s.History("k") == nil {
		t.Errorf("the store doesn't work after a bad file: %v", s.Err())
	}
}
