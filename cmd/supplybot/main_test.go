package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/bot/sim"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testConfig is the shipped local default pointed at the test's stores.
func testConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := LoadConfig("../../config.yaml", nil)
	if err != nil {
		t.Fatalf("shipped config.yaml: %v", err)
	}
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Mongo.URI = storetest.MongoURI(t)
	cfg.Mongo.Database = storetest.UniqueName("e2e_")
	r := storetest.RedisAddr(t)
	cfg.Redis.Addr, cfg.Redis.Prefix = r.Addr, r.Prefix
	return cfg
}

// mustRun starts a Main and closes it (dropping its database) at cleanup.
func mustRun(t *testing.T, cfg Config, shared *sim.Server) *Main {
	t.Helper()
	m := NewMain(cfg, nil)
	m.SharedSim = shared
	return start(t, m)
}

// start runs m and closes it (dropping its database) at cleanup.
func start(t *testing.T, m *Main) *Main {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		m.Close(context.Background())
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if m.Mongo != nil {
			_ = m.Mongo.DropDatabase(ctx)
		}
		if err := m.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// send posts a signed push to m's /wechat and returns the passive reply.
func send(t *testing.T, m *Main, mode string, body []byte) (int, string) {
	t.Helper()
	s := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey, Mode: mode}
	status, text, err := s.Post(m.URL()+"/wechat", body)
	if err != nil {
		t.Fatal(err)
	}
	return status, text
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

type simPush struct {
	Type, OpenID, Text string
	At                 time.Time
}

// pushes reads GET /sim/api/pushes for openid.
func pushes(t *testing.T, m *Main, openid string) []simPush {
	t.Helper()
	status, body := get(t, m.URL()+"/sim/api/pushes?openid="+openid)
	if status != 200 {
		t.Fatalf("pushes: status %d", status)
	}
	var out []simPush
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("pushes: %v: %s", err, body)
	}
	return out
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFirstPath(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	cases := []struct {
		name, mode string
		body       []byte
		want       []string
	}{
		{"帮助 in safe mode", bot.ModeSafe, bot.TextXML("fp-1", "帮助", 1), []string{"发布求购", "发布供应", "查找", "我的"}},
		{"unknown text", bot.ModeCompatible, bot.TextXML("fp-1", "今天天气怎么样", 3), []string{"没看懂", "帮助"}},
		{"markup is echoed as text", bot.ModeSafe, bot.TextXML("fp-1", "<script>alert(1)</script>", 4), []string{"没看懂"}},
		{"subscribe", bot.ModeSafe, bot.EventXML("fp-2", "subscribe", "", time.Now()), []string{"欢迎", "注册"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, reply := send(t, m, tc.mode, tc.body)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("reply %q lacks %q", reply, w)
				}
			}
			if len(reply) > 2048 {
				t.Errorf("reply is %d bytes, over WeChat's 2048", len(reply))
			}
		})
	}
	if got := m.Sim.Followers(); len(got) != 2 {
		t.Fatalf("simulator followers: got %v, want fp-1 and fp-2", got)
	}
}

// TestPlainModeWhenConfigured: with wechat.message_mode plain a plaintext
// push is read; with the shipped default (safe, a key is set) the same
// push is refused.
func TestPlainModeWhenConfigured(t *testing.T) {
	cfg := testConfig(t)
	if status, _ := send(t, mustRun(t, cfg, nil), bot.ModePlain, bot.TextXML("fp-1", "help", 2)); status != http.StatusForbidden {
		t.Fatalf("plaintext push in safe mode: status %d, want 403", status)
	}
	cfg = testConfig(t)
	cfg.WeChat.MessageMode = bot.ModePlain
	m := mustRun(t, cfg, nil)
	status, reply := send(t, m, bot.ModePlain, bot.TextXML("fp-1", "help", 2))
	if status != 200 || !strings.Contains(reply, "发布求购") {
		t.Fatalf("help in plain mode: got %d %q", status, reply)
	}
}

func TestSimulatorChatEndpoint(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	res, err := http.Post(m.URL()+"/sim/api/send", "application/json", strings.NewReader(`{"openid":"sim-u","type":"text","content":"帮助"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Reply string }
	json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != 200 || !strings.Contains(out.Reply, "发布求购") {
		t.Fatalf("got %d %q, want the help text", res.StatusCode, out.Reply)
	}
	// The page draws its windows, each with a form, from its script.
	if status, page := get(t, m.URL()+"/sim/"); status != 200 || !strings.Contains(page, `<script src="app.js">`) {
		t.Fatalf("simulator page: got %d", status)
	}
	if status, script := get(t, m.URL()+"/sim/app.js"); status != 200 || !strings.Contains(script, `el("form"`) {
		t.Fatalf("simulator script: got %d", status)
	}
}

func TestDeadlineFollowUpReachesUser(t *testing.T) {
	cfg := testConfig(t)
	cfg.Server.ReplyDeadline = 100 * time.Millisecond
	m := mustRun(t, cfg, nil)
	m.Router.Exact(func(ctx context.Context, msg *bot.Message) (bot.Reply, error) {
		time.Sleep(400 * time.Millisecond)
		return bot.Text("慢慢来的回复"), nil
	}, "慢")
	if _, reply := send(t, m, bot.ModeSafe, bot.TextXML("slow-e2e", "慢", 9)); reply != "" {
		t.Fatalf("got %q, want success at the deadline", reply)
	}
	eventually(t, "the customer-service follow-up", func() bool { return len(pushes(t, m, "slow-e2e")) == 1 })
	p := pushes(t, m, "slow-e2e")[0]
	if p.Type != "custom" || p.Text != "慢慢来的回复" {
		t.Fatalf("push: got %+v, want the reply as a custom message", p)
	}
	// WeChat's retries of the same push neither run the handler again nor
	// send the reply twice.
	send(t, m, bot.ModeSafe, bot.TextXML("slow-e2e", "慢", 9))
	time.Sleep(200 * time.Millisecond)
	if n := len(pushes(t, m, "slow-e2e")); n != 1 {
		t.Fatalf("pushes after a retry: got %d, want 1", n)
	}
}

func TestHealthMetrics(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	if s, b := get(t, m.URL()+"/healthz"); s != 200 || strings.TrimSpace(b) != "ok" {
		t.Fatalf("healthz: %d %q", s, b)
	}
	if s, _ := get(t, m.URL()+"/readyz"); s != 200 {
		t.Fatalf("readyz: %d", s)
	}
	send(t, m, bot.ModeSafe, bot.TextXML("metrics-u", "帮助", 5))
	send(t, m, bot.ModeSafe, bot.TextXML("metrics-u", "帮助", 5))
	_, body := get(t, m.URL()+"/metrics")
	for _, want := range []string{
		`supplybot_messages_total{type="text"} 1`, // the second is a retry
		`supplybot_dedupe_hits_total 1`,
		`supplybot_reply_seconds_count`,
		`supplybot_deadline_fallbacks_total 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
