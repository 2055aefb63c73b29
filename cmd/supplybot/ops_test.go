package main

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// tcpProxy forwards a local port to target and can cut every connection,
// so a test can take a real server "down" without owning it.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

// down closes the listener and every connection.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// up listens again on the same address.
func (p *tcpProxy) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

func TestReadinessFollowsRedis(t *testing.T) {
	cfg := testConfig(t)
	proxy := newTCPProxy(t, cfg.Redis.Addr)
	cfg.Redis.Addr = proxy.addr
	m := mustRun(t, cfg, nil)

	if s, b := get(t, m.URL()+"/readyz"); s != 200 {
		t.Fatalf("readyz before the outage: %d %s", s, b)
	}
	proxy.down()
	start := time.Now()
	if s, _ := get(t, m.URL()+"/readyz"); s != 503 {
		t.Fatalf("readyz while Redis is down: got %d, want 503", s)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("readyz took %s while Redis was down, want about a second", el)
	}
	if s, _ := get(t, m.URL()+"/healthz"); s != 200 {
		t.Fatalf("healthz while Redis is down: got %d, want 200 (the process is up)", s)
	}
	proxy.up(t)
	eventually(t, "readiness after Redis is back", func() bool {
		s, _ := get(t, m.URL()+"/readyz")
		return s == 200
	})
}

func TestEmbeddedDataSurvivesRestart(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mongo.URI, cfg.Redis.Addr = embedded, embedded
	cfg.Mongo.EmbeddedListen, cfg.Redis.EmbeddedListen = "127.0.0.1:0", "127.0.0.1:0"
	ctx := context.Background()

	first := NewMain(cfg, nil)
	if err := first.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// A conversation over the default stores: the embedded Redis reached
	// in-process (EmbeddedRedis.Dial), the embedded FerretDB.
	c := newChat(t, first, "persist-chat")
	c.register("成都嵌入电子有限公司")
	c.expect("供应 6层PCB 月产能2万平米 成都", "确认")
	c.expect("确认", "已发布")
	if err := first.Outbox.Enqueue(ctx, store.OutboxItem{Key: "persist-1", Kind: "custom", OpenID: "nobody", Text: "留存", NextAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	sessions := bot.NewSessions(first.Redis, time.Hour)
	if err := sessions.Save(ctx, "persist-user", &bot.Session{Flow: "post", Step: "quantity"}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}

	second := NewMain(cfg, nil)
	if err := second.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer second.Close(ctx)
	// Every collection, including those the first run created, has the
	// index FerretDB's lookups by _id need (store/embedded_ids.go).
	if n, err := second.EmbeddedMongo.IndexIDs(ctx, cfg.Mongo.Database); err != nil || n != 0 {
		t.Fatalf("collections without the _id lookup index after the start: %d, %v; want none", n, err)
	}
	it, err := second.Outbox.Get(ctx, "persist-1")
	if err != nil || it.Text != "留存" {
		t.Fatalf("MongoDB after restart: got %+v, %v", it, err)
	}
	s, err := bot.NewSessions(second.Redis, time.Hour).Load(ctx, "persist-user")
	if err != nil || s.Flow != "post" || s.Step != "quantity" {
		t.Fatalf("session after restart: got %+v, %v", s, err)
	}
	// The process serves its embedded store alone (store.ServeAlone):
	// the names registered before it started are known, and a push it
	// queues is leased from its due index and delivered once.
	other := newChat(t, second, "persist-other")
	other.expect("注册 成都嵌入电子有限公司 零部件 重庆市璧山区 联系人李四 13800002222", "已在平台登记")
	second.Sim.Follow("persist-push")
	enqueue(t, second, store.OutboxItem{Key: "persist-2", Kind: bot.PushCustom, OpenID: "persist-push", Text: "重启后的推送"})
	second.Pusher.Kick()
	eventually(t, "the push queued after the restart", func() bool { return simPushesWith(second.Sim, "重启后的推送") == 1 })
}

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	m := NewMain(testConfig(t), nil)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Router.Exact(func(ctx context.Context, msg *bot.Message) (bot.Reply, error) {
		time.Sleep(500 * time.Millisecond)
		return bot.Text("做完了"), nil
	}, "慢")
	got := make(chan string, 1)
	go func() {
		_, reply := send(t, m, bot.ModeSafe, bot.TextXML("shutdown-u", "慢", 1))
		got <- reply
	}()
	time.Sleep(150 * time.Millisecond) // the request is in the handler
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := m.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if r := <-got; r != "做完了" {
		t.Fatalf("in-flight request: got %q, want its reply", r)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("shutdown took %s", el)
	}
	if _, err := net.DialTimeout("tcp", m.Addr(), 200*time.Millisecond); err == nil {
		t.Fatal("still accepting connections after Close")
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

// TestRunStopsOnSignal runs the command as main does; cancelling its
// context is what SIGTERM and SIGINT do through signal.NotifyContext.
func TestRunStopsOnSignal(t *testing.T) {
	env := []string{
		"SUPPLYBOT_SERVER_ADDR=127.0.0.1:0",
		"SUPPLYBOT_DATA_DIR=" + t.TempDir(),
		"SUPPLYBOT_MONGO_EMBEDDED_LISTEN=127.0.0.1:0",
		"SUPPLYBOT_REDIS_EMBEDDED_LISTEN=127.0.0.1:0",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-config", "../../config.yaml"}, env, &out, &out) }()
	eventually(t, "the ready line", func() bool { return strings.Contains(out.String(), "supplybot is ready") })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v, want nil (exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10 s of the signal")
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Fatalf("no stop line in the log:\n%s", out.String())
	}
}

func TestSimulatorOnlyWithSimulatedAPI(t *testing.T) {
	cfg := testConfig(t)
	cfg.WeChat.API = apiReal
	m := mustRun(t, cfg, nil)
	if m.Sim != nil {
		t.Fatal("simulator created for the real API")
	}
	for _, path := range []string{"/sim/", "/sim/api/pushes?openid=x", "/sim/api/send"} {
		if s, _ := get(t, m.URL()+path); s != 404 {
			t.Errorf("GET %s with the real API: got %d, want 404", path, s)
		}
	}
	if s, _ := get(t, m.URL()+"/healthz"); s != 200 {
		t.Fatalf("healthz: %d", s)
	}
}

func TestDailyQuotaTellsTheAdminsOnce(t *testing.T) {
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{"admin-1"}
	m := mustRun(t, cfg, nil)
	m.Sim.Follow("admin-1")
	m.Sim.Follow("quota-user")
	m.Sim.InjectError("template", bot.CodeDailyQuota, 2)
	ctx := context.Background()
	for _, key := range []string{"q1", "q2"} {
		if err := m.Outbox.Enqueue(ctx, store.OutboxItem{Key: key, Kind: bot.PushTemplate, OpenID: "quota-user", TemplateID: "tpl",
			Fields: map[string]string{"first": "匹配提醒"}}); err != nil {
			t.Fatal(err)
		}
	}
	m.Pusher.Kick()
	eventually(t, "the admin's quota notice", func() bool { return len(pushes(t, m, "admin-1")) == 1 })
	if p := pushes(t, m, "admin-1")[0]; p.Type != "custom" || !strings.Contains(p.Text, "45009") || !strings.Contains(p.Text, "模板消息") {
		t.Fatalf("notice: got %+v", p)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(pushes(t, m, "admin-1")); n != 1 {
		t.Fatalf("admin notices: got %d, want 1 a day", n)
	}
	if n := len(pushes(t, m, "quota-user")); n != 0 {
		t.Fatalf("template pushes while the quota is out: got %d, want 0", n)
	}
	for _, key := range []string{"q1", "q2"} {
		it, _ := m.Outbox.Get(ctx, key)
		if it.Status != store.OutboxPending || it.NextAt.Before(time.Now().Add(time.Minute)) {
			t.Errorf("%s: got %s next at %s, want pending until tomorrow", key, it.Status, it.NextAt)
		}
	}
}

// TestShutdownCancelsOverrunningHandlers: a handler still running past its
// request when the shutdown budget nears its end is cancelled, and Close
// returns in time without an error.
func TestShutdownCancelsOverrunningHandlers(t *testing.T) {
	cfg := testConfig(t)
	cfg.Server.ReplyDeadline = 100 * time.Millisecond
	m := NewMain(cfg, nil)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cancelled := make(chan struct{})
	m.Router.Exact(func(ctx context.Context, msg *bot.Message) (bot.Reply, error) {
		<-ctx.Done() // a handler stuck on something that honours its context
		close(cancelled)
		return bot.Text("太晚了"), ctx.Err()
	}, "卡住")
	if status, reply := send(t, m, bot.ModeSafe, bot.TextXML("stuck-u", "卡住", 1)); status != 200 || reply != "" {
		t.Fatalf("got %d %q, want success at the deadline", status, reply)
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeReserve+time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatalf("close: %v, want nil once the handler was cancelled", err)
	}
	select {
	case <-cancelled:
	default:
		t.Fatal("the overrunning handler was not cancelled")
	}
}
