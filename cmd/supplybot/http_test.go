package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"supplybot/bot"
	"supplybot/store"
)

// TestPagesSendSecurityHeaders: record pages (and every response) forbid
// inline script and framing, sniffing and referrers.
func TestPagesSendSecurityHeaders(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	p := &store.Post{Product: "汽车线束", OpenID: "hdr-u", EnterpriseID: "e1"}
	if err := m.Mongo.Offers().Create(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/r/" + p.No, "/r/D9999", "/healthz"} {
		res, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: nosniff %q, referrer %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
	}
	res, err := http.Get(m.URL() + "/sim/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// The page runs only its own script file: no inline script at all.
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "style-src 'sha256-") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("simulator page: Content-Security-Policy %q", csp)
	}
}

// TestReadinessHidesErrorText: /readyz names what is down, not the
// driver's error (addresses, internals); the log has it.
func TestReadinessHidesErrorText(t *testing.T) {
	cfg := testConfig(t)
	proxy := newTCPProxy(t, cfg.Redis.Addr)
	cfg.Redis.Addr = proxy.addr
	m := mustRun(t, cfg, nil)
	proxy.down()
	s, body := get(t, m.URL()+"/readyz")
	if s != 503 || strings.TrimSpace(body) != "redis: unavailable" {
		t.Fatalf("readyz while Redis is down: got %d %q, want 503 \"redis: unavailable\"", s, body)
	}
	proxy.up(t)
}

// TestSimulatorServedToLoopbackOnly: the simulator acts as any user and
// lists what each was sent, so other machines get 404 unless
// sim.allow_remote says otherwise.
func TestSimulatorServedToLoopbackOnly(t *testing.T) {
	paths := []string{"/sim/", "/sim/api/pushes?openid=x", "/sim/api/menu", "/"}
	for _, allow := range []bool{false, true} {
		cfg := testConfig(t)
		cfg.Sim.AllowRemote = allow
		m := mustRun(t, cfg, nil)
		for _, path := range paths {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil) // from 192.0.2.1
			m.http.Handler.ServeHTTP(rec, req)
			if remote := rec.Code != http.StatusNotFound; remote != allow {
				t.Errorf("allow_remote %v: remote GET %s answered %d", allow, path, rec.Code)
			}
			if s, _ := get(t, m.URL()+path); s == http.StatusNotFound {
				t.Errorf("allow_remote %v: loopback GET %s answered 404", allow, path)
			}
		}
		rec := httptest.NewRecorder()
		m.http.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/sim/api/send",
			strings.NewReader(`{"openid":"victim","type":"text","content":"注销"}`)))
		if remote := rec.Code != http.StatusNotFound; remote != allow {
			t.Errorf("allow_remote %v: remote send answered %d", allow, rec.Code)
		}
	}
}

// TestSimulatedFollowersSurviveRestart: after a restart the simulated API
// still knows who follows, so pushes are not refused with 43004.
func TestSimulatedFollowersSurviveRestart(t *testing.T) {
	cfg := testConfig(t)
	first := NewMain(cfg, nil)
	start(t, first)
	send(t, first, bot.ModeSafe, bot.TextXML("restart-u", "帮助", msgSeq.Add(1)))
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := mustRun(t, cfg, nil)
	if got := second.Sim.Followers(); len(got) != 1 || got[0] != "restart-u" {
		t.Fatalf("followers after restart: got %v, want [restart-u]", got)
	}
}
