package sim

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// savedUser is one user as StateFile keeps it.
type savedUser struct {
	Following       bool      `json:"following"`
	SubscribeTime   time.Time `json:"subscribe_time"`
	LastInteraction time.Time `json:"last_interaction"`
}

// saveEvery is how far the last interaction may move before it is written
// again: the 48-hour window needs no finer record, and a write per message
// would cost more than the message.
const saveEvery = time.Minute

// loadState reads StateFile, if any; a missing file is an empty state.
func (s *Server) loadState() {
	if s.opts.StateFile == "" {
		return
	}
	b, err := os.ReadFile(s.opts.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	var saved map[string]savedUser
	if err == nil {
		err = json.Unmarshal(b, &saved)
	}
	if err != nil {
		slog.Warn("simulator: followers file unreadable; starting without followers", "file", s.opts.StateFile, "err", err)
		return
	}
	s.saved = saved
	for id, su := range saved {
		s.users[id] = &user{following: su.Following, subscribeTime: su.SubscribeTime, lastInteraction: su.LastInteraction}
	}
}

// saveStateLocked records openid's state when it changed (or its last
// interaction moved by saveEvery) and has the file written shortly: a
// write per new follower would cost more than the message (5,000 users in
// the webhook benchmark). s.mu must be held.
func (s *Server) saveStateLocked(openid string) {
	if s.opts.StateFile == "" {
		return
	}
	u := s.users[openid]
	old, ok := s.saved[openid]
	if ok && old.Following == u.following && old.SubscribeTime.Equal(u.subscribeTime) &&
		u.lastInteraction.Sub(old.LastInteraction) < saveEvery {
		return
	}
	if s.saved == nil {
		s.saved = map[string]savedUser{}
	}
	s.saved[openid] = savedUser{Following: u.following, SubscribeTime: u.subscribeTime, LastInteraction: u.lastInteraction}
	if s.saveTimer == nil {
		s.saveTimer = time.AfterFunc(max(saveDelay, s.saveWait), func() { _ = s.SaveState() })
	}
}

// saveDelay is how long changes gather before the file is written, at
// least; a write that took d holds the next one back for saveDuty*d, since
// each writes every follower (about 20 ms with 10,000): the writes take at most
// about 2.5% of the time whatever the followers, and a change lands in
// the file within 200 ms with a few hundred followers, 0.8 s with 10,000.
const (
	saveDelay = 200 * time.Millisecond
	saveDuty  = 40
)

// SaveState writes the followers to StateFile now (a no-op without one).
// Changes are written shortly after they happen; call it before the
// process ends so the last ones are kept too.
func (s *Server) SaveState() error {
	if s.opts.StateFile == "" {
		return nil
	}
	s.writing.Lock() // one writer at a time, so an older state never lands last
	defer s.writing.Unlock()
	start := time.Now()
	defer func() {
		s.mu.Lock()
		s.saveWait = saveDuty * time.Since(start)
		s.mu.Unlock()
	}()
	s.mu.Lock()
	if s.saveTimer != nil {
		s.saveTimer.Stop()
		s.saveTimer = nil
	}
	// The users are copied under the lock and encoded after it, one at a
	// time into the file: json.Marshal of the whole map held every message
	// up meanwhile and built the file in memory first (7–11 MB at 20,000
	// users, several times a second under load).
	ids := make([]string, 0, len(s.saved))
	users := make([]savedUser, 0, len(s.saved))
	for id, u := range s.saved {
		ids, users = append(ids, id), append(users, u)
	}
	s.mu.Unlock()
	// Written aside and renamed, so a crash leaves the old file whole.
	tmp := s.opts.StateFile + ".tmp"
	err := os.MkdirAll(filepath.Dir(tmp), 0o755)
	if err == nil {
		err = writeUsers(tmp, ids, users)
	}
	if err == nil {
		err = os.Rename(tmp, s.opts.StateFile)
	}
	if err != nil {
		slog.Warn("simulator: cannot save followers", "file", s.opts.StateFile, "err", err)
	}
	return err
}

// writeUsers writes the users as one JSON object, by openid, to file.
func writeUsers(file string, ids []string, users []savedUser) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	enc := json.NewEncoder(w)
	_, err = w.WriteString("{")
	for i := 0; i < len(ids) && err == nil; i++ {
		if i > 0 {
			_, err = w.WriteString(",")
		}
		if err == nil {
			err = enc.Encode(ids[i])
		}
		if err == nil {
			_, err = w.WriteString(":")
		}
		if err == nil {
			err = enc.Encode(users[i])
		}
	}
	if err == nil {
		_, err = w.WriteString("}")
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
