package discord

import (
	"sync"

	"github.com/articlebot/articlebot/bot"
)

// answerStore keeps recent answers' sources for the "Show sources" button
// and their votes, by question ID. It is bounded and in memory: after a
// restart, or once an answer is among the oldest, its button says so.
type answerStore struct {
	mu    sync.Mutex
	size  int
	order []string
	byID  map[string]*storedAnswer
}

type storedAnswer struct {
	sources []bot.Source
	drafter string
	votes   map[string]string // user hash → "up" or "down"
}

func newAnswerStore(size int) *answerStore {
	return &answerStore{size: size, byID: map[string]*storedAnswer{}}
}

func (s *answerStore) put(id string, sources []bot.Source, drafter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		s.order = append(s.order, id)
	}
	s.byID[id] = &storedAnswer{sources: sources, drafter: drafter, votes: map[string]string{}}
	for len(s.order) > s.size {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *answerStore) sources(id string) ([]bot.Source, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return a.sources, true
}

// vote records a user's vote on an answer and reports whether it counts:
// only a user's first vote on an answer the store holds does. A later vote
// replaces the recorded one without counting again, and a vote for an
// answer the store doesn't hold (forgotten, or a forged button) is not
// counted. It also returns the answer's drafter if known.
func (s *answerStore) vote(id, user, vote string) (counted bool, drafter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.byID[id]
	if !ok {
		return false, ""
	}
	_, voted := a.votes[user]
	a.votes[user] = vote
	return !voted, a.drafter
}
