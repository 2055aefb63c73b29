package sim

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// TestPushesNeedAnOpenID: without openid the pushes of every user (their
// contacts included) are not listed.
func TestPushesNeedAnOpenID(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("a")
	wantErrcode(t, sendText(e, "a", "13800001111"), 0)
	for _, h := range []http.Handler{e.s.PushesHandler(), e.s.ChatHandler(nil)} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/api/pushes", nil))
		if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "13800001111") {
			t.Fatalf("got %d %s, want 400 without the pushes", rec.Code, rec.Body.String())
		}
	}
}

// TestPageCSPAllowsOnlyItsOwnScript: the page runs no inline script at
// all, only its own script file; its policy names its one style block by
// hash, allows no other inline script or style and forbids framing.
func TestPageCSPAllowsOnlyItsOwnScript(t *testing.T) {
	s := New(Options{})
	h := s.ChatHandler(func(context.Context, string, string, string) (string, error) { return "", nil })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	page := rec.Body.String()
	if strings.Count(page, "<script") != 1 || !strings.Contains(page, `<script src="app.js"></script>`) {
		t.Errorf("the page has inline script or another script than app.js:\n%s", page)
	}
	style := page[strings.Index(page, "<style>")+len("<style>") : strings.Index(page, "</style>")]
	sum := sha256.Sum256([]byte(style))
	if !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"';") {
		t.Errorf("CSP %q does not name the page's style", csp)
	}
	if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		!strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q allows inline script or style, or framing", csp)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/app.js", nil))
	if ct := rec.Header().Get("Content-Type"); rec.Code != 200 || !strings.HasPrefix(ct, "text/javascript") || rec.Body.Len() == 0 {
		t.Errorf("app.js: %d %q (%d bytes)", rec.Code, ct, rec.Body.Len())
	}
}

// TestFollowersSurviveRestart: with a StateFile, a new Server knows the
// followers (and their interaction window) of the one before.
func TestFollowersSurviveRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sim", "followers.json")
	e := newEnv(t)
	e.s = New(Options{AppID: testAppID, AppSecret: testSecret, Now: e.clk.Now, StateFile: file})
	e.s.Follow("a")
	e.s.Follow("b")
	e.s.Unfollow("b")
	if err := e.s.SaveState(); err != nil { // as the process does when it stops
		t.Fatal(err)
	}

	again := New(Options{AppID: testAppID, AppSecret: testSecret, Now: e.clk.Now, StateFile: file})
	if got := again.Followers(); !equalStrings(got, []string{"a"}) {
		t.Fatalf("followers after restart: got %v, want [a]", got)
	}
	e.s = again
	util.DefaultHTTPClient = &http.Client{Transport: again.RoundTripper()} // newEnv restores it
	wantErrcode(t, sendText(e, "a", "重启之后"), 0)
	wantErrcode(t, sendText(e, "b", "重启之后"), 43004)
}
