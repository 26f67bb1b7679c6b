package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// conversationFileVersion is the format of the store's file; a file of
// another version is ignored.
const conversationFileVersion = 1

type conversationFile struct {
	Version       int                      `json:"version"`
	Conversations map[string]*conversation `json:"conversations"`
}

// snapshot is the store's file content at one version.
type snapshot struct {
	version uint64
	data    []byte
}

// snapshotLocked encodes the store for its file; nil without a Path. The
// caller holds s.mu.
func (s *ConversationStore) snapshotLocked() *snapshot {
	if s.opt.Path == "" {
		return nil
	}
	data, err := json.Marshal(conversationFile{Version: conversationFileVersion, Conversations: s.convs})
	if err != nil {
		// Only strings and times: it cannot fail.
		panic("bot: encoding conversations: " + err.Error())
	}
	s.version++
	return &snapshot{version: s.version, data: data}
}

// persist writes a snapshot unless a newer one was written already.
// Failures are remembered for Err; the conversations stay in memory.
func (s *ConversationStore) persist(snap *snapshot) {
	if snap == nil {
		return
	}
	s.saving.Lock()
	defer s.saving.Unlock()
	if snap.version <= s.saved {
		return
	}
	err := writeAtomic(s.opt.Path, snap.data)
	s.mu.Lock()
	s.saveErr = err
	s.mu.Unlock()
	if err == nil {
		s.saved = snap.version
	}
}

// Err is why the last save failed; nil when it succeeded or there was none.
func (s *ConversationStore) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveErr
}

// writeAtomic replaces path with data: written to a temporary file in the
// same directory and renamed over it, so a crash leaves the old file or the
// new one, never half of one.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("couldn't save the conversations: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("couldn't save the conversations: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("couldn't save the conversations: %w", err)
	}
	return nil
}

// load reads the store's file, keeping what is within the bounds.
func (s *ConversationStore) load() error {
	f0, err := os.Open(s.opt.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("couldn't read the saved conversations: %w", err)
	}
	defer f0.Close()
	// The store never writes much more than MaxBytes; a larger file is not
	// its own and is not read whole into memory.
	limit := int64(2*s.opt.MaxBytes + 64<<10)
	data, err := io.ReadAll(io.LimitReader(f0, limit+1))
	if err != nil {
		return fmt.Errorf("couldn't read the saved conversations: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("the saved conversations %s are over %d bytes; starting afresh", s.opt.Path, limit)
	}
	var f conversationFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("couldn't read the saved conversations %s: %w", s.opt.Path, err)
	}
	if f.Version != conversationFileVersion {
		return fmt.Errorf("the saved conversations %s are of version %d; starting afresh", s.opt.Path, f.Version)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, c := range f.Conversations {
		if c == nil || len(c.Turns) == 0 {
			continue
		}
		if n := len(c.Turns) - s.opt.MaxTurns; n > 0 {
			c.Turns = slices.Delete(c.Turns, 0, n)
		}
		c.size = 0
		s.convs[key] = c
		for _, id := range c.Messages {
			s.links[id] = key
		}
		s.resize(c)
	}
	s.expire()
	s.evict()
	return nil
}
