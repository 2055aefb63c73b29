package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// ---- tokens ----

// newTokenLocked issues a token in the chain (cur, prev) and returns it.
func (s *Server) newTokenLocked(cur, prev *string) string {
	s.tokenSeq++
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tok := fmt.Sprintf("SIM_AT_%d_%s", s.tokenSeq, hex.EncodeToString(rnd[:]))
	if *prev != "" {
		if t := s.tokens[*prev]; t != nil {
			t.replaced = true
		}
	}
	*prev = *cur
	*cur = tok
	s.tokens[tok] = &tokenInfo{issued: s.now()}
	return tok
}

// tokenStateLocked returns 0 for a usable token, 40001 for an unknown or
// superseded one and 42001 for an expired one.
func (s *Server) tokenStateLocked(tok string) int {
	t := s.tokens[tok]
	switch {
	case t == nil || t.replaced:
		return 40001
	case t.expired || !s.now().Before(t.issued.Add(s.opts.TokenTTL)):
		return 42001
	}
	return 0
}

func (s *Server) checkTokenLocked(tok string) *apiError {
	if tok == "" {
		return fail(41001)
	}
	if code := s.tokenStateLocked(tok); code != 0 {
		return fail(code)
	}
	return nil
}

func (s *Server) checkCredentials(grantType, appid, secret string) *apiError {
	switch {
	case grantType != "client_credential":
		return fail(40002)
	case appid == "":
		return fail(41002)
	case s.opts.AppID != "" && appid != s.opts.AppID:
		return failMsg(40013, "invalid appid")
	case secret == "":
		return fail(41004)
	case s.opts.AppSecret != "" && secret != s.opts.AppSecret:
		return failMsg(40125, "invalid appsecret")
	}
	return nil
}

func (s *Server) tokenAnswer(tok string) obj {
	left := s.opts.TokenTTL - s.now().Sub(s.tokens[tok].issued)
	return obj{"access_token": tok, "expires_in": int64(left.Round(time.Second) / time.Second)}
}

// apiToken: GET /cgi-bin/token. Every successful call issues a new token;
// the immediately previous one stays valid, older ones become invalid.
// Success answers carry only access_token and expires_in, like WeChat.
func (s *Server) apiToken(r *http.Request, _ []byte) (obj, *apiError) {
	q := r.URL.Query()
	if e := s.checkCredentials(q.Get("grant_type"), q.Get("appid"), q.Get("secret")); e != nil {
		return nil, e
	}
	tok := s.newTokenLocked(&s.curToken, &s.prevToken)
	s.tokenFetches++
	return withoutStatus(s.tokenAnswer(tok)), nil
}

// apiStableToken: POST /cgi-bin/stable_token, a chain independent of
// /cgi-bin/token. Without force_refresh the current stable token is
// returned while valid (with its remaining lifetime); with force_refresh a
// new one is issued and the previous one stays valid.
func (s *Server) apiStableToken(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if e := s.checkCredentials(req.GrantType, req.AppID, req.Secret); e != nil {
		return nil, e
	}
	tok := s.curStableToken
	if req.ForceRefresh || tok == "" || s.tokenStateLocked(tok) != 0 {
		tok = s.newTokenLocked(&s.curStableToken, &s.prevStableToken)
	}
	s.tokenFetches++
	return withoutStatus(s.tokenAnswer(tok)), nil
}
