// Package sim is an in-process simulation of the WeChat official-account
// server API (https://api.weixin.qq.com/cgi-bin/...) plus a browser chat
// simulator page.
//
// It exists so that anyone — a developer without a WeChat account, and every
// test — can run the bot end to end without network access. The real SDK
// (github.com/silenceper/wechat/v2) always calls https://api.weixin.qq.com
// through util.DefaultHTTPClient; pointing that client's Transport at
// (*Server).RoundTripper routes those calls to the in-process APIHandler.
// Requests for any other host are refused with an error.
//
// What is simulated: access tokens (/cgi-bin/token and /cgi-bin/stable_token,
// with TTL, supersession and forced expiry), customer-service messages with
// the 48-hour interaction window, template messages with client_msg_id
// de-duplication, mass messages (by openid list and by tag / to all) with
// clientmsgid de-duplication, user info, user tags and the custom menu.
// Every message that a user would receive is recorded as a Push and can be
// inspected with Pushes or over HTTP with PushesHandler. Errors and delays can
// be injected per API for failure tests.
//
// This package must not import any other supplybot package: it is a leaf
// that the bot and its tests depend on, never the other way round.
//
// All methods are safe for concurrent use.
package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// Host is the only host RoundTripper serves.
const Host = "api.weixin.qq.com"

// InteractionWindow is how long after a user's last interaction customer
// service messages may be sent (WeChat's 48-hour rule).
const InteractionWindow = 48 * time.Hour

// templateDedupeWindow is how long a template client_msg_id is remembered.
const templateDedupeWindow = 10 * time.Minute

// massDedupeWindow is how long a mass-message clientmsgid is remembered.
const massDedupeWindow = 24 * time.Hour

// Options configures a Server.
type Options struct {
	// AppID and AppSecret are checked by the token endpoints: a wrong AppID
	// answers errcode 40013 (invalid appid), a wrong AppSecret 40125
	// (invalid appsecret). An empty AppID / AppSecret accepts any non-empty
	// value (handy for a local demo); tests should set both.
	AppID, AppSecret string
	// Now is the clock used for token expiry, the 48-hour window and the
	// de-duplication windows. Default time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of issued access tokens, reported as
	// expires_in. Default 7200s.
	TokenTTL time.Duration
	// StateFile, when set, keeps the followers (with their subscribe and
	// last interaction times) across restarts: New reads it, and each
	// change is written to it. A real account does not forget its
	// followers when the bot restarts.
	StateFile string
}

// Push is one message delivered to a user through the server API.
type Push struct {
	// Type is "custom", "template" or "mass".
	Type   string `json:"type"`
	OpenID string `json:"openid"`
	// Text is what the user would read. custom: the text content (or a
	// placeholder such as "[图片]" for media). template: the data values in
	// the order first, keyword1..N (numeric order), remark, then any other
	// keys in natural order (so thing2 comes before thing10), joined by
	// newlines, followed by the URL on its own line when present. mass: the
	// text content (or a placeholder for media).
	Text        string    `json:"text"`
	At          time.Time `json:"at"`
	TemplateID  string    `json:"template_id,omitempty"`
	ClientMsgID string    `json:"client_msg_id,omitempty"`
	MsgID       int64     `json:"msg_id,omitempty"`
}

// tokenInfo describes one issued access token.
type tokenInfo struct {
	issued   time.Time
	expired  bool // forced by ExpireTokens
	replaced bool // superseded by a newer token of the same chain (not the immediately previous one)
}

// user is the simulated state of one openid.
type user struct {
	following       bool
	subscribeTime   time.Time
	lastInteraction time.Time
	tags            []int32
}

// tag is one user tag.
type tag struct {
	id   int32
	name string
}

// injected is a pending injected error for one API.
type injected struct {
	errcode int
	times   int // <0: until ClearErrors
}

// sentRecord remembers an accepted message for de-duplication.
type sentRecord struct {
	at    time.Time
	msgID int64
}

// Server is the simulated WeChat API server. Create it with New.
type Server struct {
	opts Options

	mu sync.Mutex

	tokens map[string]*tokenInfo
	// chain heads: current and previous token per endpoint family
	curToken, prevToken             string
	curStableToken, prevStableToken string
	tokenFetches                    int
	tokenSeq                        int64

	users map[string]*user
	saved map[string]savedUser // what StateFile holds, or will shortly
	// saveTimer writes StateFile soon after a change; writing serialises
	// the writes.
	saveTimer *time.Timer
	writing   sync.Mutex
	saveWait  time.Duration // the pause before the next write (state.go); 0: saveDelay
	tags      []*tag
	nextTag   int32

	pushes []Push
	events eventHub // the page's event streams (events.go)
	nextID int64

	templateSent map[string]sentRecord // openid + "\x00" + client_msg_id
	massSent     map[string]sentRecord // clientmsgid
	mass         *massState            // rate limit, monthly cap, events (mass.go)

	menu json.RawMessage

	errs   map[string]*injected
	delays map[string]time.Duration
	calls  map[string]int
}

// New returns a Server with no followers, no tokens and no pushes.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 7200 * time.Second
	}
	s := &Server{
		opts:         opts,
		tokens:       map[string]*tokenInfo{},
		users:        map[string]*user{},
		nextTag:      100, // ids 0..99 are reserved by WeChat (0,1,2 are system tags)
		nextID:       1000000001,
		templateSent: map[string]sentRecord{},
		massSent:     map[string]sentRecord{},
		errs:         map[string]*injected{},
		delays:       map[string]time.Duration{},
		calls:        map[string]int{},
	}
	s.loadState()
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// userLocked returns the state for openid, creating it. s.mu must be held.
func (s *Server) userLocked(openid string) *user {
	u := s.users[openid]
	if u == nil {
		u = &user{}
		s.users[openid] = u
	}
	return u
}

// Follow marks openid as a follower and records an interaction now (so the
// 48-hour customer-service window starts). Following again keeps the
// original subscribe_time. The bot calls it when a user subscribes or sends
// a message; ChatHandler calls it too, so calling it twice is harmless.
func (s *Server) Follow(openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(openid)
	now := s.now()
	if !u.following {
		u.following = true
		u.subscribeTime = now
	}
	u.lastInteraction = now
	s.saveStateLocked(openid)
}

// Unfollow marks openid as no longer following. Its tags are kept (as on
// WeChat, they come back if the user follows again).
func (s *Server) Unfollow(openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[openid]; u != nil {
		u.following = false
		s.saveStateLocked(openid)
	}
}

// Touch records a user interaction (a message, menu click, ...) now, which
// (re)opens the 48-hour customer-service window. It does not make the user a
// follower.
//
// Design choice: both Follow and Touch set the last interaction. A follower
// is therefore inside the window for 48 h after Follow even if Touch is
// never called; a user never followed nor touched has no interaction and is
// always outside it.
func (s *Server) Touch(openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(openid).lastInteraction = s.now()
}

// Followers returns the current followers' openids, sorted.
func (s *Server) Followers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for id, u := range s.users {
		if u.following {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Pushes returns the pushes delivered to openid ("" = all users), oldest
// first. The result is a copy and never nil.
func (s *Server) Pushes(openid string) []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Push{}
	for _, p := range s.pushes {
		if openid == "" || p.OpenID == openid {
			out = append(out, p)
		}
	}
	return out
}

// Menu returns the last menu accepted by /cgi-bin/menu/create (the request
// body as sent), or nil when none was created or it was deleted.
func (s *Server) Menu() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.menu == nil {
		return nil
	}
	return slices.Clone(s.menu)
}

// InjectError makes the next `times` calls to api answer
// {"errcode":errcode,"errmsg":...} instead of doing their work (times < 0:
// every call until ClearErrors; times == 0 removes the injection). A new
// injection for the same api replaces the previous one. Injected errors are
// answered before the access token is checked. API names: "token",
// "stable_token", "custom", "template", "mass_send", "mass_sendall",
// "user_info", "tags", "menu_create" (also "menu_get", "menu_delete").
func (s *Server) InjectError(api string, errcode int, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times == 0 {
		delete(s.errs, api)
		return
	}
	s.errs[api] = &injected{errcode: errcode, times: times}
}

// ClearErrors removes every injected error.
func (s *Server) ClearErrors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.errs)
}

// Calls reports how many requests api received, including failed ones
// (injected errors, bad tokens, validation errors). Unknown paths are
// counted under "unknown".
func (s *Server) Calls(api string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[api]
}

// TokenFetches reports how many successful answers the token endpoints
// (/cgi-bin/token and /cgi-bin/stable_token together) gave, i.e. how often
// a client obtained an access token. Failed requests are not counted; use
// Calls("token") for those.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenFetches
}

// ExpireTokens makes every token issued so far expired: using one answers
// errcode 42001 and the token endpoints issue fresh tokens afterwards.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expired = true
	}
}

// SetDelay makes every later call to api wait d before answering (0
// removes the delay). The wait ends early with the request context, in which
// case the round tripper returns the context's error.
func (s *Server) SetDelay(api string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.delays, api)
		return
	}
	s.delays[api] = d
}

// begin counts a call to api, applies its delay and returns the injected
// error code, if any (0 = none).
func (s *Server) begin(ctx context.Context, api string) (errcode int, err error) {
	s.mu.Lock()
	s.calls[api]++
	d := s.delays[api]
	s.mu.Unlock()
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inj := s.errs[api]
	if inj == nil {
		return 0, nil
	}
	if inj.times > 0 {
		inj.times--
		if inj.times == 0 {
			delete(s.errs, api)
		}
	}
	return inj.errcode, nil
}

// RoundTripper returns an http.RoundTripper that serves requests for
// api.weixin.qq.com (any scheme) with APIHandler, in process, and refuses
// every other host with an error. Assign it to the Transport of
// util.DefaultHTTPClient.
func (s *Server) RoundTripper() http.RoundTripper { return roundTripper{h: s.APIHandler()} }

type roundTripper struct{ h http.Handler }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.URL == nil || req.URL.Hostname() != Host {
		host := ""
		if req.URL != nil {
			host = req.URL.Host
		}
		return nil, &refusedError{host: host}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	in := req.Clone(req.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	rt.h.ServeHTTP(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// refusedError is returned for requests to hosts other than Host.
type refusedError struct{ host string }

func (e *refusedError) Error() string {
	return "sim: refusing request to host " + e.host + " (only " + Host + " is simulated)"
}
