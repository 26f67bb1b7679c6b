package bot

import (
	"slices"
	"sync"
	"time"
)

// ConversationOptions bound a ConversationStore. The caller passes every
// bound; config.Default holds the defaults.
type ConversationOptions struct {
	// MaxTurns is how many turns a conversation keeps; older ones are
	// forgotten first.
	MaxTurns int
	// MaxBytes bounds what the store holds in all; the conversations idle
	// longest are dropped first.
	MaxBytes int
	// MaxIdle is how long a conversation lives after its last turn.
	MaxIdle time.Duration
	// Path, when set, is the file the store is kept in across restarts.
	Path string
	// Now tells the time; nil means time.Now.
	Now func() time.Time
}

// ConversationStore keeps recent conversations in memory, bounded by turns,
// size and idle age, under keys the front end chooses (a key keeps users,
// channels and threads apart). Message IDs can be linked to a conversation,
// so that a reply to an answer continues it. With a Path it is saved after
// every change, atomically, and loaded when made.
type ConversationStore struct {
	opt ConversationOptions

	mu    sync.Mutex
	convs map[string]*conversation
	links map[string]string // message ID → conversation key
	size  int
	// saving serialises saves; version numbers snapshots so that an older
	// one is never written over a newer.
	saving  sync.Mutex
	version uint64
	saved   uint64
	saveErr error
}

type conversation struct {
	Turns    []Turn    `json:"turns"`
	Last     time.Time `json:"last"`
	Messages []string  `json:"messages,omitempty"`
	size     int
}

// ConversationStats is what a store holds, for metrics.
type ConversationStats struct {
	Conversations int
	Turns         int
	Bytes         int
}

// NewConversationStore makes a store; with opt.Path set it loads what was
// saved there. A missing file is no error; an unreadable one is reported
// and the store starts empty.
func NewConversationStore(opt ConversationOptions) (*ConversationStore, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &ConversationStore{opt: opt, convs: map[string]*conversation{}, links: map[string]string{}}
	if opt.Path == "" {
		return s, nil
	}
	return s, s.load()
}

// History returns the conversation's turns, oldest first; nil when there
// is none or it has been idle too long.
func (s *ConversationStore) History(key string) []Turn {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.live(key)
	if c == nil {
		return nil
	}
	return slices.Clone(c.Turns)
}

// Lookup returns the key of the conversation a message was linked to.
func (s *ConversationStore) Lookup(messageID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.links[messageID]
	if !ok || s.live(key) == nil {
		return "", false
	}
	return key, true
}

// Add appends a turn to a conversation, starting it if need be, and links
// the given message IDs (the answer's messages, say) to it.
func (s *ConversationStore) Add(key string, t Turn, messageIDs ...string) {
	s.mu.Lock()
	s.expire()
	c := s.convs[key]
	if c == nil {
		c = &conversation{}
		s.convs[key] = c
	}
	c.Turns = append(c.Turns, t)
	if n := len(c.Turns) - s.opt.MaxTurns; n > 0 {
		c.Turns = slices.Delete(c.Turns, 0, n)
	}
	c.Last = s.opt.Now()
	s.link(key, c, messageIDs)
	s.resize(c)
	s.evict()
	snap := s.snapshotLocked()
	s.mu.Unlock()
	s.persist(snap)
}

// Reset forgets a conversation.
func (s *ConversationStore) Reset(key string) {
	s.mu.Lock()
	s.drop(key)
	snap := s.snapshotLocked()
	s.mu.Unlock()
	s.persist(snap)
}

// Stats reports what the store holds, idle conversations dropped first.
func (s *ConversationStore) Stats() ConversationStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	st := ConversationStats{Conversations: len(s.convs), Bytes: s.size}
	for _, c := range s.convs {
		st.Turns += len(c.Turns)
	}
	return st
}

// live returns the conversation unless it is missing or idle too long. The
// caller holds s.mu.
func (s *ConversationStore) live(key string) *conversation {
	c := s.convs[key]
	if c == nil {
		return nil
	}
	if s.opt.Now().Sub(c.Last) >= s.opt.MaxIdle {
		s.drop(key)
		return nil
	}
	return c
}

// expire drops every conversation idle too long. The caller holds s.mu.
func (s *ConversationStore) expire() {
	now := s.opt.Now()
	for key, c := range s.convs {
		if now.Sub(c.Last) >= s.opt.MaxIdle {
			s.drop(key)
		}
	}
}

// evict drops the conversations idle longest until the store is within
// MaxBytes. The caller holds s.mu.
func (s *ConversationStore) evict() {
	for s.size > s.opt.MaxBytes && len(s.convs) > 0 {
		oldest, first := "", true
		for key, c := range s.convs {
			if first || c.Last.Before(s.convs[oldest].Last) {
				oldest, first = key, false
			}
		}
		s.drop(oldest)
	}
}

func (s *ConversationStore) drop(key string) {
	c := s.convs[key]
	if c == nil {
		return
	}
	for _, id := range c.Messages {
		if s.links[id] == key {
			delete(s.links, id)
		}
	}
	s.size -= c.size
	delete(s.convs, key)
}

// resize recounts a conversation's size after a change. The caller holds
// s.mu.
func (s *ConversationStore) resize(c *conversation) {
	n := 0
	for _, t := range c.Turns {
		n += t.Size()
	}
	for _, id := range c.Messages {
		n += len(id) + 8
	}
	s.size += n - c.size
	c.size = n
}

// Link links more message IDs to a live conversation.
func (s *ConversationStore) Link(key string, messageIDs ...string) {
	s.mu.Lock()
	c := s.live(key)
	if c == nil {
		s.mu.Unlock()
		return
	}
	s.link(key, c, messageIDs)
	s.resize(c)
	s.evict()
	snap := s.snapshotLocked()
	s.mu.Unlock()
	s.persist(snap)
}

// link adds message IDs to a conversation, keeping the most recent ones.
// The caller holds s.mu.
func (s *ConversationStore) link(key string, c *conversation, messageIDs []string) {
	for _, id := range messageIDs {
		if id != "" && !slices.Contains(c.Messages, id) {
			c.Messages = append(c.Messages, id)
			s.links[id] = key
		}
	}
	// A conversation links only the messages of about the turns it keeps.
	if n := len(c.Messages) - 3*s.opt.MaxTurns; n > 0 {
		for _, id := range c.Messages[:n] {
			if s.links[id] == key {
				delete(s.links, id)
			}
		}
		c.Messages = slices.Delete(c.Messages, 0, n)
	}
}
