package bot

import (
	"context"
	"encoding/json"
	"time"
)

// Session is one user's dialog state: which flow they are in, at which
// step, and the answers so far. Flows define what Data means.
type Session struct {
	Flow      string            `json:"flow,omitempty"`
	Step      string            `json:"step,omitempty"`
	Data      map[string]string `json:"data,omitempty"`
	History   []string          `json:"history,omitempty"` // earlier steps, for "back"
	UpdatedAt time.Time         `json:"updated_at"`
}

// Active reports whether the user is in a flow.
func (s *Session) Active() bool { return s != nil && s.Flow != "" }

// Sessions keeps per-user dialog state in the KV with a TTL: an idle user's
// dialog ends by itself.
type Sessions struct {
	kv  KV
	ttl time.Duration
}

// NewSessions returns a session store with the idle timeout ttl.
func NewSessions(kv KV, ttl time.Duration) *Sessions { return &Sessions{kv: kv, ttl: ttl} }

// ReadAhead reads m's sender's session with the dedupe mark (see
// Gateway.ReadAhead), for a Sessions on a ReadAheadKV.
func (s *Sessions) ReadAhead(m *Message) []*Op {
	if m.OpenID == "" {
		return nil
	}
	return []*Op{{Kind: OpLookup, Key: "sess:" + m.OpenID}}
}

// TTL is the idle timeout.
func (s *Sessions) TTL() time.Duration { return s.ttl }

// Load returns the user's session; a user without one gets an empty session.
func (s *Sessions) Load(ctx context.Context, openid string) (*Session, error) {
	v, ok, err := s.kv.Lookup(ctx, "sess:"+openid)
	if err != nil {
		return nil, err
	}
	sess := &Session{}
	if ok {
		if err := json.Unmarshal([]byte(v), sess); err != nil {
			// A session we cannot read is dropped rather than trapping the user.
			return &Session{}, nil
		}
	}
	return sess, nil
}

// Save stores the session and restarts its idle timeout.
func (s *Sessions) Save(ctx context.Context, openid string, sess *Session) error {
	sess.UpdatedAt = time.Now().UTC()
	b, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	return s.kv.Set(ctx, "sess:"+openid, string(b), s.ttl)
}

// Clear ends the user's session.
func (s *Sessions) Clear(ctx context.Context, openid string) error {
	return s.kv.Del(ctx, "sess:"+openid)
}
