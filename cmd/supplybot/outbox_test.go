package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/bot/sim"
	"supplybot/store"
	"supplybot/store/storetest"
)

// ---- helpers ----

// configTB is testConfig for benchmarks too.
func configTB(tb testing.TB) Config {
	tb.Helper()
	cfg, err := LoadConfig("../../config.yaml", nil)
	if err != nil {
		tb.Fatalf("shipped config.yaml: %v", err)
	}
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.DataDir = tb.TempDir()
	cfg.Mongo.URI = storetest.MongoURI(tb)
	cfg.Mongo.Database = storetest.UniqueName("e2e_")
	r := storetest.RedisAddr(tb)
	cfg.Redis.Addr, cfg.Redis.Prefix = r.Addr, r.Prefix
	return cfg
}

// runTB is mustRun for benchmarks too.
func runTB(tb testing.TB, cfg Config, shared *sim.Server) *Main {
	tb.Helper()
	m := NewMain(cfg, nil)
	m.SharedSim = shared
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		m.Close(context.Background())
		tb.Fatalf("run: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Mongo.DropDatabase(ctx)
		m.Close(ctx)
	})
	return m
}

// stopMainPusher stops the workers Main started, so a test can run its own.
func stopMainPusher(m *Main) {
	m.stopPusher()
	<-m.pusherDone
}

// runner is a Pusher the test controls: Stop cancels it like a SIGTERM.
type runner struct {
	P      *bot.Pusher
	cancel context.CancelFunc
	done   chan struct{}
}

func (r *runner) Stop() { r.cancel(); <-r.done }

// startPusher runs a Pusher on m's client and KV with cfg (fast polls and
// backoff unless set). ob defaults to m's outbox; kv to m's Redis.
func startPusher(tb testing.TB, m *Main, cfg bot.PusherConfig, ob bot.Outbox, kv bot.KV) *runner {
	tb.Helper()
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 20 * time.Millisecond
		cfg.RetryMax = 200 * time.Millisecond
	}
	if ob == nil {
		ob = outboxAdapter{m.Outbox}
	}
	if kv == nil {
		kv = m.Redis
	}
	p := bot.NewPusher(cfg, ob, m.Client, kv, m.Metrics, m.Log)
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{P: p, cancel: cancel, done: make(chan struct{})}
	go func() { defer close(r.done); p.Run(ctx) }()
	var once sync.Once
	tb.Cleanup(func() { once.Do(r.Stop) })
	return r
}

type giveUps struct {
	mu    sync.Mutex
	codes map[string][]int
}

func (g *giveUps) add(_ context.Context, p bot.Push, code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.codes == nil {
		g.codes = map[string][]int{}
	}
	g.codes[p.Key] = append(g.codes[p.Key], code)
}

func (g *giveUps) of(key string) []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int(nil), g.codes[key]...)
}

func enqueue(t testing.TB, m *Main, it store.OutboxItem) {
	t.Helper()
	if err := m.Outbox.Enqueue(context.Background(), it); err != nil {
		t.Fatalf("enqueue %s: %v", it.Key, err)
	}
}

func item(t testing.TB, m *Main, key string) store.OutboxItem {
	t.Helper()
	it, err := m.Outbox.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return it
}

func waitStatus(t *testing.T, m *Main, key, status string, extra func(store.OutboxItem) bool) store.OutboxItem {
	t.Helper()
	var it store.OutboxItem
	eventually(t, key+" "+status, func() bool {
		it = item(t, m, key)
		return it.Status == status && (extra == nil || extra(it))
	})
	return it
}

// simPushesWith counts the simulator's pushes (to anyone) with text.
func simPushesWith(s *sim.Server, text string) int {
	n := 0
	for _, p := range s.Pushes("") {
		if p.Text == text {
			n++
		}
	}
	return n
}

// ---- 1: the reaction to each errcode ----

func TestOutboxErrorReactions(t *testing.T) {
	type tc struct {
		name      string
		code      int  // injected on "custom" (0: none)
		times     int  // how many calls fail
		noFollow  bool // the user never followed (the simulator answers 43004)
		status    string
		lastCode  int
		delivered int
		giveUp    bool
		held      bool // the user writes; then delivered once
		check     func(t *testing.T, m *Main, it store.OutboxItem, before, after time.Time)
	}
	pauseSet := func(t *testing.T, m *Main, want time.Time) {
		t.Helper()
		v, ok, err := m.Redis.Lookup(context.Background(), "wechat:pause:custom")
		if err != nil || !ok {
			t.Fatalf("pause key: %q %v %v, want set", v, ok, err)
		}
		at, _ := time.Parse(time.RFC3339, v)
		if d := at.Sub(want); d < -2*time.Second || d > 2*time.Second {
			t.Fatalf("pause until %v, want ≈ %v", at, want)
		}
	}
	cases := []tc{
		{name: "40001 token invalid", code: 40001, times: 1, status: store.OutboxSent, delivered: 1},
		{name: "42001 token expired", code: 42001, times: 1, status: store.OutboxSent, delivered: 1},
		{name: "-1 busy", code: -1, times: 2, status: store.OutboxSent, delivered: 1,
			check: func(t *testing.T, m *Main, it store.OutboxItem, _, _ time.Time) {
				if it.Attempts != 3 {
					t.Errorf("attempts %d, want 3 (two backed off)", it.Attempts)
				}
			}},
		{name: "-1 busy until MaxAttempts", code: -1, times: -1, status: store.OutboxFailed, lastCode: -1, delivered: 0,
			check: func(t *testing.T, m *Main, it store.OutboxItem, _, _ time.Time) {
				if it.Attempts != 3 {
					t.Errorf("attempts %d, want MaxAttempts 3", it.Attempts)
				}
			}},
		{name: "45011 minute quota", code: 45011, times: 1, status: store.OutboxPending, lastCode: 45011,
			check: func(t *testing.T, m *Main, it store.OutboxItem, before, after time.Time) {
				if it.NextAt.Before(before.Add(59*time.Second)) || it.NextAt.After(after.Add(61*time.Second)) {
					t.Errorf("next_at %v, want ≈ now+60s (%v)", it.NextAt, before.Add(60*time.Second))
				}
				pauseSet(t, m, it.NextAt)
			}},
		{name: "45009 daily quota", code: 45009, times: 1, status: store.OutboxPending, lastCode: 45009, giveUp: true,
			check: func(t *testing.T, m *Main, it store.OutboxItem, before, _ time.Time) {
				cst := time.FixedZone("CST", 8*3600)
				c := before.In(cst)
				want := time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, cst)
				if !it.NextAt.Equal(want) {
					t.Errorf("next_at %v, want next China midnight %v", it.NextAt, want)
				}
				pauseSet(t, m, want)
			}},
		{name: "43004 not subscribed", noFollow: true, status: store.OutboxHeld, lastCode: 43004, giveUp: true, held: true, delivered: 1},
		{name: "48001 unauthorised", code: 48001, times: 1, status: store.OutboxFailed, lastCode: 48001, giveUp: true},
		{name: "45015 outside window", code: 45015, times: 1, status: store.OutboxHeld, lastCode: 45015, giveUp: true, held: true, delivered: 1},
		{name: "45047 too many messages", code: 45047, times: 1, status: store.OutboxHeld, lastCode: 45047, giveUp: true, held: true, delivered: 1},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustRun(t, testConfig(t), nil)
			stopMainPusher(m)
			gu := &giveUps{}
			openid := fmt.Sprintf("err-user-%d", i)
			if !c.noFollow {
				m.Sim.Follow(openid)
			}
			if c.code != 0 {
				m.Sim.InjectError("custom", c.code, c.times)
			}
			text := "推送 " + c.name
			key := "k-" + strconv.Itoa(i)
			before := time.Now()
			enqueue(t, m, store.OutboxItem{Key: key, Kind: bot.PushCustom, OpenID: openid, Text: text})
			startPusher(t, m, bot.PusherConfig{OnGiveUp: gu.add, MaxAttempts: 3}, nil, nil)
			it := waitStatus(t, m, key, c.status, func(it store.OutboxItem) bool { return it.LastCode == c.lastCode && it.Attempts > 0 })
			after := time.Now()
			if c.status == store.OutboxFailed && !strings.Contains(it.LastError, strconv.Itoa(c.lastCode)) {
				t.Errorf("last_error %q does not name %d", it.LastError, c.lastCode)
			}
			if c.check != nil {
				c.check(t, m, it, before, after)
			}
			if got := gu.of(key); c.giveUp != (len(got) == 1 && got[0] == c.lastCode) {
				t.Errorf("OnGiveUp calls %v, want told=%v with %d", got, c.giveUp, c.lastCode)
			}
			if c.held {
				if n := len(m.Sim.Pushes(openid)); n != 0 {
					t.Fatalf("held push delivered %d times before the user wrote", n)
				}
				// The user writes again: the window is open, the push goes out.
				if status, _ := send(t, m, bot.ModeSafe, bot.TextXML(openid, "帮助", 77)); status != 200 {
					t.Fatalf("user message: %d", status)
				}
				it = waitStatus(t, m, key, store.OutboxSent, nil)
				if it.LastCode != 0 {
					t.Errorf("last_code after delivery %d, want 0", it.LastCode)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if n := simPushesWith(m.Sim, text); n != c.delivered {
				t.Errorf("simulator pushes of the item: %d, want %d", n, c.delivered)
			}
		})
	}
}

// ---- 2: a worker dies mid-delivery ----

var errDied = errors.New("simulated crash: the worker died here")

// diesAfterSend is an outbox whose worker dies after the WeChat call: no
// outcome is ever recorded, the item stays leased until the lease runs out.
type diesAfterSend struct{ bot.Outbox }

func (diesAfterSend) Complete(context.Context, string, string, time.Time) error { return errDied }
func (diesAfterSend) Retry(context.Context, string, string, time.Time, int, string) error {
	return errDied
}
func (diesAfterSend) Hold(context.Context, string, string, int, string) error { return errDied }
func (diesAfterSend) Fail(context.Context, string, string, int, string) error { return errDied }

// diesBeforeSentMark is a KV on which the worker dies right after WeChat
// answered, before it could note that the push went out.
type diesBeforeSentMark struct{ bot.KV }

func (k diesBeforeSentMark) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if value == "sent" {
		return errDied
	}
	return k.KV.Set(ctx, key, value, ttl)
}

type pushKind struct {
	kind, api string
	item      func(key, text string) store.OutboxItem
}

var crashKinds = []pushKind{
	{bot.PushCustom, "custom", func(key, text string) store.OutboxItem {
		return store.OutboxItem{Key: key, Kind: bot.PushCustom, OpenID: "crash-a", Text: text}
	}},
	{bot.PushTemplate, "template", func(key, text string) store.OutboxItem {
		return store.OutboxItem{Key: key, Kind: bot.PushTemplate, OpenID: "crash-a", TemplateID: "tpl-1", Fields: map[string]string{"first": text}}
	}},
	{bot.PushMass, "mass_send", func(key, text string) store.OutboxItem {
		return store.OutboxItem{Key: key, Kind: bot.PushMass, OpenIDs: []string{"crash-a", "crash-b"}, Text: text}
	}},
}

// recipients is how many pushes one delivery of k records in the simulator.
func (k pushKind) recipients() int {
	if k.kind == bot.PushMass {
		return 2
	}
	return 1
}

func TestOutboxWorkerDiesAfterLeaseBeforeSend(t *testing.T) {
	for _, k := range crashKinds {
		t.Run(k.kind, func(t *testing.T) {
			m := mustRun(t, testConfig(t), nil)
			stopMainPusher(m)
			m.Sim.Follow("crash-a")
			m.Sim.Follow("crash-b")
			text := "lease-die " + k.kind
			enqueue(t, m, k.item("a-"+k.kind, text))
			// The dead worker leased the item and never sent it.
			// The lease runs from leasedAt: measured from after the call, a
			// slow Lease under load made the take-over look early.
			leasedAt := time.Now()
			got, err := m.Outbox.Lease(context.Background(), "dead-worker", 10, 300*time.Millisecond, leasedAt)
			if err != nil || len(got) != 1 {
				t.Fatalf("dead worker's lease: %d items, %v", len(got), err)
			}
			startPusher(t, m, bot.PusherConfig{}, nil, nil)
			it := waitStatus(t, m, "a-"+k.kind, store.OutboxSent, nil)
			if el := time.Since(leasedAt); el < 300*time.Millisecond {
				t.Errorf("taken over %v after the lease, before the dead worker's lease ran out", el)
			}
			if it.Attempts != 2 {
				t.Errorf("attempts %d, want 2", it.Attempts)
			}
			if n := simPushesWith(m.Sim, text); n != k.recipients() {
				t.Errorf("simulator pushes %d, want %d (delivered once)", n, k.recipients())
			}
		})
	}
}

func TestOutboxWorkerDiesAfterSend(t *testing.T) {
	for _, point := range []string{"after the sent mark", "before the sent mark"} {
		for _, k := range crashKinds {
			t.Run(point+"/"+k.kind, func(t *testing.T) {
				m := mustRun(t, testConfig(t), nil)
				stopMainPusher(m)
				m.Sim.Follow("crash-a")
				m.Sim.Follow("crash-b")
				gu := &giveUps{}
				key, text := "b-"+k.kind, "send-die "+k.kind
				enqueue(t, m, k.item(key, text))
				var kv bot.KV = m.Redis
				if point == "before the sent mark" {
					kv = diesBeforeSentMark{m.Redis}
				}
				victim := startPusher(t, m, bot.PusherConfig{Owner: "victim", Lease: 300 * time.Millisecond}, diesAfterSend{outboxAdapter{m.Outbox}}, kv)
				eventually(t, "the victim's send", func() bool { return simPushesWith(m.Sim, text) == k.recipients() })
				victim.Stop()
				if it := item(t, m, key); it.Status != store.OutboxLeased || it.LeaseOwner != "victim" {
					t.Fatalf("after the crash: %s by %q, want leased by the victim", it.Status, it.LeaseOwner)
				}
				callsBefore := m.Sim.Calls(k.api)
				startPusher(t, m, bot.PusherConfig{Owner: "rescuer", OnGiveUp: gu.add}, nil, nil)

				resent := 0
				switch {
				case point == "after the sent mark":
					// The marker says it went out: completed without a call.
					waitStatus(t, m, key, store.OutboxSent, nil)
				case k.kind == bot.PushCustom:
					// Outcome unknown and no dedupe key: at most once.
					it := waitStatus(t, m, key, store.OutboxFailed, nil)
					if it.LastCode != bot.CodeOutcomeUnknown || !strings.Contains(it.LastError, "outcome unknown") {
						t.Errorf("last_code %d %q, want %d outcome unknown", it.LastCode, it.LastError, bot.CodeOutcomeUnknown)
					}
					if got := gu.of(key); len(got) != 1 || got[0] != bot.CodeOutcomeUnknown {
						t.Errorf("OnGiveUp %v, want [%d]", got, bot.CodeOutcomeUnknown)
					}
				default:
					// Sent again with the same client id; WeChat drops it.
					waitStatus(t, m, key, store.OutboxSent, nil)
					resent = 1
				}
				if n := m.Sim.Calls(k.api) - callsBefore; n != resent {
					t.Errorf("calls to %s by the rescuer: %d, want %d", k.api, n, resent)
				}
				time.Sleep(100 * time.Millisecond)
				if n := simPushesWith(m.Sim, text); n != k.recipients() {
					t.Errorf("simulator pushes %d, want %d (exactly once)", n, k.recipients())
				}
			})
		}
	}
}

// ---- 4: shutdown (context cancelled) in the middle of a batch ----

func TestOutboxCancelMidBatch(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	stopMainPusher(m)
	m.Sim.Follow("cancel-u")
	m.Sim.SetDelay("template", 150*time.Millisecond)
	const n = 10
	for i := range n {
		enqueue(t, m, store.OutboxItem{Key: fmt.Sprintf("c-%d", i), Kind: bot.PushTemplate, OpenID: "cancel-u",
			TemplateID: "tpl", Fields: map[string]string{"first": fmt.Sprintf("cancel %d", i)}})
	}
	first := startPusher(t, m, bot.PusherConfig{Workers: 1, Batch: n}, nil, nil)
	eventually(t, "a first push", func() bool { return len(m.Sim.Pushes("cancel-u")) >= 1 })
	first.Stop() // returns once the send in flight is done
	counts, err := m.Outbox.CountByStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sent := len(m.Sim.Pushes("cancel-u"))
	if counts[store.OutboxLeased] != 0 || counts[store.OutboxSent] != int64(sent) || counts[store.OutboxPending] != int64(n-sent) || sent == n {
		t.Fatalf("after the shutdown: %v with %d pushes, want the unsent ones pending again", counts, sent)
	}
	m.Sim.SetDelay("template", 0)
	startPusher(t, m, bot.PusherConfig{}, nil, nil)
	eventually(t, "all sent", func() bool {
		c, _ := m.Outbox.CountByStatus(context.Background())
		return c[store.OutboxSent] == n
	})
	for i := range n {
		if k := simPushesWith(m.Sim, fmt.Sprintf("cancel %d", i)); k != 1 {
			t.Errorf("cancel %d pushed %d times, want 1", i, k)
		}
	}
}

// ---- 3: two processes drain one outbox ----

func TestOutboxTwoProcesses(t *testing.T) {
	cfg := testConfig(t)
	m1 := mustRun(t, cfg, nil)
	m2 := mustRun(t, cfg, m1.Sim) // same database, Redis prefix and simulator
	const users, n = 20, 200
	for u := range users {
		m1.Sim.Follow(fmt.Sprintf("two-%d", u))
	}
	for i := range n {
		it := store.OutboxItem{Key: fmt.Sprintf("t-%d", i), Kind: bot.PushCustom, OpenID: fmt.Sprintf("two-%d", i%users), Text: fmt.Sprintf("two %d", i)}
		if i%4 == 0 {
			it.Kind, it.Text, it.TemplateID, it.Fields = bot.PushTemplate, "", "tpl", map[string]string{"first": fmt.Sprintf("two %d", i)}
		}
		enqueue(t, m1, it)
	}
	m1.Pusher.Kick()
	m2.Pusher.Kick()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := m1.Outbox.CountByStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c[store.OutboxSent] == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not drained: %v", c)
		}
		time.Sleep(50 * time.Millisecond)
	}
	counts := map[string]int{}
	for _, p := range m1.Sim.Pushes("") {
		counts[p.OpenID+"|"+p.Text]++
	}
	for i := range n {
		if k := counts[fmt.Sprintf("two-%d|two %d", i%users, i)]; k != 1 {
			t.Errorf("push %d delivered %d times, want 1", i, k)
		}
	}
	if len(m1.Sim.Pushes("")) != n {
		t.Errorf("simulator recorded %d pushes, want %d", len(m1.Sim.Pushes("")), n)
	}
	// A worker counts a push in the metric after the outbox recorded it
	// sent and archived it, so the count can lag the outbox for a moment.
	var s1, s2 int
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s1, s2 = sentMetric(t, m1), sentMetric(t, m2)
		if s1+s2 == n || time.Now().After(end) {
			break
		}
	}
	t.Logf("process 1 sent %v, process 2 sent %v", s1, s2)
	if s1+s2 != n {
		t.Errorf("sent by the two: %v + %v, want %d", s1, s2, n)
	}
	if s1 == 0 || s2 == 0 {
		t.Errorf("one process did all the work (%v, %v)", s1, s2)
	}
}

var pushesRE = regexp.MustCompile(`(?m)^supplybot_pushes_total\{kind="(\w+)",outcome="(\w+)"\} (\d+)$`)

// pushMetrics reads supplybot_pushes_total from /metrics as kind/outcome → value.
func pushMetrics(t *testing.T, m *Main) map[string]int {
	t.Helper()
	_, body := get(t, m.URL()+"/metrics")
	out := map[string]int{}
	for _, g := range pushesRE.FindAllStringSubmatch(body, -1) {
		v, _ := strconv.Atoi(g[3])
		out[g[1]+"/"+g[2]] = v
	}
	return out
}

func sentMetric(t *testing.T, m *Main) int {
	pm := pushMetrics(t, m)
	return pm["custom/sent"] + pm["template/sent"]
}

// ---- 5: metrics ----

func TestOutboxPushMetrics(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	stopMainPusher(m)
	m.Sim.Follow("met-ok")
	m.Sim.Follow("met-held")
	enqueue(t, m, store.OutboxItem{Key: "m-ok", Kind: bot.PushCustom, OpenID: "met-ok", Text: "ok"})
	r := startPusher(t, m, bot.PusherConfig{}, nil, nil)
	waitStatus(t, m, "m-ok", store.OutboxSent, nil)
	r.Stop()
	m.Sim.InjectError("custom", -1, 1)
	enqueue(t, m, store.OutboxItem{Key: "m-busy", Kind: bot.PushCustom, OpenID: "met-ok", Text: "busy"})
	startPusher(t, m, bot.PusherConfig{}, nil, nil)
	waitStatus(t, m, "m-busy", store.OutboxSent, nil)
	enqueue(t, m, store.OutboxItem{Key: "m-gone", Kind: bot.PushCustom, OpenID: "met-never-followed", Text: "gone"})
	waitStatus(t, m, "m-gone", store.OutboxHeld, nil) // for the user's next visit
	m.Sim.InjectError("custom", 48001, 1)
	enqueue(t, m, store.OutboxItem{Key: "m-denied", Kind: bot.PushCustom, OpenID: "met-ok", Text: "denied"})
	waitStatus(t, m, "m-denied", store.OutboxFailed, nil)
	m.Sim.InjectError("custom", 45015, 1)
	enqueue(t, m, store.OutboxItem{Key: "m-held", Kind: bot.PushCustom, OpenID: "met-held", Text: "held"})
	waitStatus(t, m, "m-held", store.OutboxHeld, nil)
	m.Sim.InjectError("template", 45011, 1)
	enqueue(t, m, store.OutboxItem{Key: "m-tpl", Kind: bot.PushTemplate, OpenID: "met-ok", TemplateID: "tpl", Fields: map[string]string{"first": "x"}})
	waitStatus(t, m, "m-tpl", store.OutboxPending, func(it store.OutboxItem) bool { return it.LastCode == 45011 })
	want := map[string]int{"custom/sent": 2, "custom/retry": 1, "custom/failed": 1, "custom/held": 2, "template/retry": 1}
	got := pushMetrics(t, m)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("supplybot_pushes_total %s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want exactly %v", got, want)
	}
}

// ---- 6: throughput ----

// BenchmarkOutboxThroughput drains b.N custom pushes through the simulated
// API with 4 workers, from the real stores.
func BenchmarkOutboxThroughput(b *testing.B) {
	m := runTB(b, configTB(b), nil)
	stopMainPusher(m)
	const users = 50
	for u := range users {
		m.Sim.Follow(fmt.Sprintf("bench-%d", u))
	}
	ctx := context.Background()
	for i := range b.N {
		enqueue(b, m, store.OutboxItem{Key: fmt.Sprintf("bench-%d", i), Kind: bot.PushCustom, OpenID: fmt.Sprintf("bench-%d", i%users), Text: "bench"})
	}
	b.ResetTimer()
	start := time.Now()
	r := startPusher(b, m, bot.PusherConfig{Workers: 4, Batch: 16}, nil, nil)
	// Watch the simulator (in memory) so the polling does not load the store.
	for len(m.Sim.Pushes("")) < b.N {
		time.Sleep(5 * time.Millisecond)
	}
	for {
		c, err := m.Outbox.CountByStatus(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if c[store.OutboxSent] == int64(b.N) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	r.Stop()
	b.ReportMetric(float64(b.N)/el.Seconds(), "pushes/s")
	if n := len(m.Sim.Pushes("")); n != b.N {
		b.Fatalf("simulator pushes %d, want %d", n, b.N)
	}
}
