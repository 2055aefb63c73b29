package sim

import (
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

// saveStateLocked writes the state when openid's record changed (or its
// last interaction moved by saveEvery). s.mu must be held.
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
	b, err := json.Marshal(s.saved)
	if err == nil {
		// Written aside and renamed, so a crash leaves the old file whole.
		tmp := s.opts.StateFile + ".tmp"
		if err = os.MkdirAll(filepath.Dir(tmp), 0o755); err == nil {
			if err = os.WriteFile(tmp, b, 0o600); err == nil {
				err = os.Rename(tmp, s.opts.StateFile)
			}
		}
	}
	if err != nil {
		slog.Warn("simulator: cannot save followers", "file", s.opts.StateFile, "err", err)
	}
}
