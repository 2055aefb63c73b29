package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sse is one server-sent event as a browser reads it.
type sse struct {
	id, event string
	push      Push
}

// openStream connects to the events of openid (with Last-Event-ID last)
// (comma-separated) and returns the events as they arrive; the channel closes when the
// stream ends.
func openStream(t *testing.T, base, openids, last string) (<-chan sse, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sim/api/events?openid="+strings.ReplaceAll(openids, ",", "&openid="), nil)
	if last != "" {
		req.Header.Set("Last-Event-ID", last)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("events: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sse, 256)
	go func() {
		defer close(out)
		defer res.Body.Close()
		r := bufio.NewReader(res.Body)
		var cur sse
		var data string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if data != "" {
					_ = json.Unmarshal([]byte(data), &cur.push)
					out <- cur
				}
				cur, data = sse{}, ""
			case strings.HasPrefix(line, "id: "):
				cur.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				cur.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			}
		}
	}()
	return out, cancel
}

// next waits for the next event; ok is false when the stream ended.
func next(t *testing.T, c <-chan sse) (sse, bool) {
	t.Helper()
	select {
	case e, ok := <-c:
		return e, ok
	case <-time.After(10 * time.Second):
		t.Fatal("no event and the stream did not end")
	}
	return sse{}, false
}

// waitStreams waits until n streams are open.
func waitStreams(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Streams() != n {
		if time.Now().After(deadline) {
			t.Fatalf("streams: got %d, want %d", s.Streams(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func frontServer(t *testing.T, e *env, f Front) *httptest.Server {
	t.Helper()
	if f.Send == nil {
		f.Send = func(context.Context, string, string, string) (string, error) { return "", nil }
	}
	srv := httptest.NewServer(e.s.FrontHandler(f))
	t.Cleanup(srv.Close)
	return srv
}

// A push reaches the recipient's open stream as soon as the API call
// returns, after the pushes from before the stream opened; another user's
// pushes do not; a reconnect continues after the last id read.
func TestEventsDeliverPushes(t *testing.T) {
	e := newEnv(t)
	srv := frontServer(t, e, Front{})
	e.s.Follow("a")
	e.s.Follow("b")
	wantErrcode(t, sendText(e, "a", "早先的"), 0)

	events, stop := openStream(t, srv.URL, "a", "")
	first, _ := next(t, events)
	if first.event != "push" || first.push.Text != "早先的" || first.push.Type != "custom" || first.id != "0-1" {
		t.Fatalf("backlog: got %+v, want the earlier push with id 0-1", first)
	}
	wantErrcode(t, sendText(e, "b", "给别人的"), 0)
	wantErrcode(t, sendText(e, "a", "匹配提醒"), 0)
	got, _ := next(t, events)
	if got.push.Text != "匹配提醒" || got.push.OpenID != "a" || got.id != "0-3" || got.push.At.IsZero() {
		t.Fatalf("live: got %+v, want a's second push with its time", got)
	}
	stop()
	waitStreams(t, e.s, 0)

	wantErrcode(t, sendText(e, "a", "断开时的"), 0)
	events, stop = openStream(t, srv.URL, "a", got.id)
	defer stop()
	if again, _ := next(t, events); again.push.Text != "断开时的" || again.id != "0-4" {
		t.Fatalf("after reconnect: got %+v, want only the push missed", again)
	}
}

// A stream whose reader falls behind is ended instead of blocking the API
// or growing without bound; the reconnect reads the rest from the record.
func TestEventsSlowReaderIsCut(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("a")
	_, sub, err := e.s.subscribe([]string{"a"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.s.unsubscribe(sub)
	n := subscriberBuffer + 5
	for i := range n {
		wantErrcode(t, sendText(e, "a", "第"+strconv.Itoa(i+1)+"条"), 0) // never blocks on the unread stream
	}
	read := 0
	for range sub.ch {
		read++
	}
	if read != subscriberBuffer {
		t.Fatalf("buffered %d pushes before the stream was cut, want %d", read, subscriberBuffer)
	}
	backlog, sub2, err := e.s.subscribe([]string{"a"}, "0-"+strconv.Itoa(read))
	if err != nil {
		t.Fatal(err)
	}
	e.s.unsubscribe(sub2)
	if len(backlog) != n-read || backlog[0].push.Text != "第"+strconv.Itoa(read+1)+"条" {
		t.Fatalf("backlog after the cut: %d pushes, want %d from the first unread", len(backlog), n-read)
	}
}

// Streams end when the server shuts down (done) and on Reset; after a
// reset, a reconnect with an old id still gets the new pushes.
func TestEventsEndOnDoneAndReset(t *testing.T) {
	e := newEnv(t)
	done := make(chan struct{})
	srv := frontServer(t, e, Front{Done: done})
	e.s.Follow("a")
	wantErrcode(t, sendText(e, "a", "一"), 0)
	wantErrcode(t, sendText(e, "a", "二"), 0)

	events, stop := openStream(t, srv.URL, "a", "")
	defer stop()
	next(t, events)
	last, _ := next(t, events)
	e.s.Reset()
	if _, ok := next(t, events); ok {
		t.Fatal("the stream goes on after Reset")
	}
	if f := e.s.Followers(); len(f) != 0 || len(e.s.Pushes("a")) != 0 {
		t.Fatalf("after Reset: followers %v, pushes %v", f, e.s.Pushes("a"))
	}
	e.s.Follow("a")
	wantErrcode(t, sendText(e, "a", "重置之后"), 0)
	events2, stop2 := openStream(t, srv.URL, "a", last.id)
	defer stop2()
	if got, _ := next(t, events2); got.push.Text != "重置之后" {
		t.Fatalf("after Reset, reconnecting with %s: got %+v", last.id, got)
	}
	close(done)
	if _, ok := next(t, events2); ok {
		t.Fatal("the stream goes on after done")
	}
	waitStreams(t, e.s, 0)
}

// One stream carries the pushes of several users, in the order they were
// recorded, and no one else's.
func TestEventsSeveralUsersInOneStream(t *testing.T) {
	e := newEnv(t)
	srv := frontServer(t, e, Front{})
	for _, id := range []string{"a", "b", "c"} {
		e.s.Follow(id)
	}
	events, stop := openStream(t, srv.URL, "a,b", "")
	defer stop()
	wantErrcode(t, sendText(e, "b", "给b"), 0)
	wantErrcode(t, sendText(e, "c", "给c"), 0)
	wantErrcode(t, sendText(e, "a", "给a"), 0)
	first, _ := next(t, events)
	second, _ := next(t, events)
	if first.push.OpenID != "b" || first.id != "0-1" || second.push.OpenID != "a" || second.id != "0-3" {
		t.Fatalf("got %+v then %+v, want b's push (0-1) then a's (0-3)", first, second)
	}
}

func TestEventsLimits(t *testing.T) {
	e := newEnv(t)
	h := e.s.EventsHandler(nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/api/events", nil))
	if rec.Code != 400 {
		t.Fatalf("without openid: got %d, want 400", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/api/events?openid=a"+strings.Repeat("&openid=a", maxStreamOpenIDs), nil))
	if rec.Code != 400 {
		t.Fatalf("with %d openids: got %d, want 400", maxStreamOpenIDs+1, rec.Code)
	}
	var subs []*subscription
	for range maxSubscribers {
		_, sub, err := e.s.subscribe([]string{"a"}, "")
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/api/events?openid=a", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("stream over the limit: got %d, want 503", rec.Code)
	}
	for _, sub := range subs {
		e.s.unsubscribe(sub)
	}
	if n := e.s.Streams(); n != 0 {
		t.Fatalf("streams after unsubscribing: %d", n)
	}
}

func TestFrontHooks(t *testing.T) {
	e := newEnv(t)
	resets := 0
	srv := frontServer(t, e, Front{
		Reset:    func(context.Context) error { resets++; return nil },
		Personas: []Persona{{OpenID: "p1", Name: "采购", Role: "整车"}},
	})
	post := func(path, body string, hdr map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		_, _ = bufio.NewReader(res.Body).WriteTo(&b)
		return res.StatusCode, b.String()
	}
	if code, _ := post("/sim/api/reset", `{}`, nil); code != 400 || resets != 0 {
		t.Fatalf("reset without confirm: %d, %d resets", code, resets)
	}
	if code, _ := post("/sim/api/reset", `{"confirm":true}`, map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}); code != 403 || resets != 0 {
		t.Fatalf("cross-site reset: %d, %d resets", code, resets)
	}
	if code, _ := post("/sim/api/send", `{"openid":"a","type":"text","content":"x"}`, map[string]string{"Sec-Fetch-Site": "cross-site"}); code != 403 {
		t.Fatalf("cross-site send: %d", code)
	}
	e.s.Follow("a")
	if code, body := post("/sim/api/reset", `{"confirm":true}`, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}); code != 200 || resets != 1 {
		t.Fatalf("reset: %d %s, %d resets", code, body, resets)
	}
	if f := e.s.Followers(); len(f) != 0 {
		t.Fatalf("followers after reset: %v", f)
	}
	if code, _ := post("/sim/api/scenario", `{}`, nil); code != http.StatusNotImplemented {
		t.Fatalf("scenario without a hook: %d", code)
	}
	res, err := http.Get(srv.URL + "/sim/api/personas")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ps []Persona
	if err := json.NewDecoder(res.Body).Decode(&ps); err != nil || len(ps) != 1 || ps[0].OpenID != "p1" {
		t.Fatalf("personas: %v %v", ps, err)
	}
}
