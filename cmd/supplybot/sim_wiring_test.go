package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/scenario"
	"supplybot/store"
)

// simPost posts body to the simulator's path and decodes the answer.
func simPost(t *testing.T, m *Main, path, body string) (int, map[string]string) {
	t.Helper()
	res, err := http.Post(m.URL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %d %s is not a JSON object of strings", path, res.StatusCode, b)
	}
	return res.StatusCode, out
}

// The page's voice and image messages and its scan and follow events reach
// the bot through /wechat as WeChat sends them: a voice message is read by
// its recognised text, like typing it.
func TestSimVoiceImageAndEvents(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	_, typed := simPost(t, m, "/sim/api/send", `{"openid":"u-voice","type":"text","content":"帮助"}`)
	code, spoken := simPost(t, m, "/sim/api/send", `{"openid":"u-voice","type":"voice","content":"帮助"}`)
	if code != 200 || spoken["reply"] == "" || spoken["reply"] != typed["reply"] {
		t.Fatalf("voice 帮助: %d %q, want the reply to typed 帮助 %q", code, spoken, typed["reply"])
	}
	for _, body := range []string{
		`{"openid":"u-voice","type":"image"}`,
		`{"openid":"u-voice","type":"event","content":"unsubscribe"}`,
		`{"openid":"u-voice","type":"event","content":"subscribe"}`,
		`{"openid":"u-voice","type":"event","content":"SCAN:no-such-login"}`,
	} {
		if code, res := simPost(t, m, "/sim/api/send", body); code != 200 || res["error"] != "" {
			t.Errorf("%s: %d %v", body, code, res)
		}
	}
	if code, res := simPost(t, m, "/sim/api/send", `{"openid":"u-voice","type":"image"}`); code != 200 || !strings.Contains(res["reply"], "图片") {
		t.Errorf("image outside a post: %d %v, want a reply about the picture", code, res)
	}
}

// 场景演示 registers the scenario's enterprises and publishes their records
// through the chat, and the windows' users get their match alerts; a
// second run changes nothing.
func TestSimScenario(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	code, res := simPost(t, m, "/sim/api/scenario", `{}`)
	if code != 200 || !strings.Contains(res["summary"], "场景已就绪") {
		t.Fatalf("scenario: %d %v", code, res)
	}
	for _, openid := range []string{scenario.Purchaser, scenario.Parts, scenario.Electronics} {
		eventually(t, "a match alert for "+openid, func() bool {
			for _, p := range pushes(t, m, openid) {
				if strings.Contains(p.Text, "匹配") {
					return true
				}
			}
			return false
		})
	}
	if f := m.Sim.Followers(); !slices.Contains(f, scenario.TaskForce) {
		t.Errorf("followers %v lack the task-force member's window", f)
	}
	open, err := m.Mongo.Demands().Open(context.Background(), time.Now())
	if err != nil || len(open) != 3 {
		t.Fatalf("open demands after the scenario: %d, %v; want 3", len(open), err)
	}
	if code, res := simPost(t, m, "/sim/api/scenario", `{}`); code != 200 || !strings.Contains(res["summary"], "已经演示过") {
		t.Fatalf("second scenario: %d %v", code, res)
	}
	if open2, _ := m.Mongo.Demands().Open(context.Background(), time.Now()); len(open2) != 3 {
		t.Fatalf("open demands after a second run: %d, want 3", len(open2))
	}
}

// 重置 refuses stores that are not this machine's embedded ones; on local
// stores it clears the database, Redis and the simulator, and the scenario
// runs again afterwards.
func TestSimReset(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	if code, res := simPost(t, m, "/sim/api/scenario", `{}`); code != 200 {
		t.Fatalf("scenario: %d %v", code, res)
	}
	code, res := simPost(t, m, "/sim/api/reset", `{"confirm":true}`)
	if code != http.StatusConflict || !strings.Contains(res["error"], "embedded") {
		t.Fatalf("reset against a store that is not embedded: %d %v, want 409 naming embedded", code, res)
	}
	if _, err := m.Mongo.Enterprises().ByOpenID(context.Background(), scenario.Purchaser); err != nil {
		t.Fatalf("a refused reset removed data: %v", err)
	}

	m.allowSimReset = true // the test's own stores
	if code, res := simPost(t, m, "/sim/api/reset", `{"confirm":true}`); code != 200 {
		t.Fatalf("reset: %d %v", code, res)
	}
	if _, err := m.Mongo.Enterprises().ByOpenID(context.Background(), scenario.Purchaser); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("enterprise after reset: %v, want not found", err)
	}
	if f := m.Sim.Followers(); len(f) != 0 || len(pushes(t, m, scenario.Parts)) != 0 {
		t.Fatalf("simulator after reset: followers %v", f)
	}
	if n := m.Alerts.Service.Engine().Len(); n != 0 {
		t.Fatalf("the matching engine keeps %d records after reset", n)
	}
	if code, res := simPost(t, m, "/sim/api/scenario", `{}`); code != 200 || !strings.Contains(res["summary"], "场景已就绪") {
		t.Fatalf("scenario after reset: %d %v", code, res)
	}
}

// Close ends the page's event streams first: an open stream would hold
// the HTTP server's shutdown until its deadline.
func TestSimStreamsEndOnClose(t *testing.T) {
	m := NewMain(testConfig(t), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(m.URL() + "/sim/api/events?openid=u-stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("events: %d %q", res.StatusCode, ct)
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		_, _ = io.Copy(io.Discard, res.Body)
	}()
	closed := make(chan error, 1)
	go func() {
		_ = m.Mongo.DropDatabase(context.Background())
		closed <- m.Close(ctx) // 30 s: its shutdown would wait 28 s for the stream
	}()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the event stream is still open while the server shuts down")
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
}

// Other machines get none of the simulator's acting parts: a remote scan
// would log anyone in to the console as a member (the scan of the login
// code by the member's openid), a remote reset would clear the data.
func TestSimHooksServedToLoopbackOnly(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	m.allowSimReset = true
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/sim/api/scan?openid=o-member&scene=login-1", ""},
		{http.MethodPost, "/sim/api/reset", `{"confirm":true}`},
		{http.MethodPost, "/sim/api/scenario", `{}`},
		{http.MethodGet, "/sim/api/events?openid=x", ""},
		{http.MethodGet, "/sim/api/personas", ""},
		{http.MethodGet, "/sim/app.js", ""},
	} {
		rec := httptest.NewRecorder()
		m.http.Handler.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))) // from 192.0.2.1
		if rec.Code != http.StatusNotFound {
			t.Errorf("remote %s %s answered %d, want 404", tc.method, tc.path, rec.Code)
		}
	}
}
