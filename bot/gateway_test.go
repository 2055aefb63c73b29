package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"supplybot/bot/sim"
)

const (
	testToken  = "testtoken"
	testAppID  = "wxtestapp0000001"
	testSecret = "testsecret"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

type harness struct {
	gw       *Gateway
	sim      *sim.Server
	client   *Client
	kv       *memKV
	calls    atomic.Int32
	mu       sync.Mutex
	followed []string
	srv      *httptest.Server
}

// newHarness builds a gateway on the simulated WeChat API whose handler
// answers "echo:<text>" after delay.
func newHarness(t testing.TB, cfg GatewayConfig, delay time.Duration) *harness {
	t.Helper()
	h := &harness{kv: newMemKV(), sim: sim.New(sim.Options{AppID: testAppID, AppSecret: testSecret})}
	h.client = NewClient(ClientConfig{AppID: testAppID, AppSecret: testSecret, Token: testToken, EncodingAESKey: testAESKey,
		Transport: h.sim.RoundTripper(), KV: h.kv})
	cfg.Token, cfg.AppID, cfg.EncodingAESKey = testToken, testAppID, testAESKey
	if cfg.Mode == "" {
		// The harness reads every mode unless a test asks for one; the
		// refusals of safe and compatible mode have their own tests.
		cfg.Mode = ModePlain
	}
	handler := func(ctx context.Context, m *Message) (Reply, error) {
		h.calls.Add(1)
		time.Sleep(delay)
		return Text("echo:" + m.Text), nil
	}
	followUp := func(ctx context.Context, openid, text, key string) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.followed = append(h.followed, openid+"|"+text)
		return nil
	}
	h.gw = NewGateway(cfg, h.client, h.kv, handler, followUp, nil, nil)
	h.srv = httptest.NewServer(h.gw)
	t.Cleanup(h.srv.Close)
	return h
}

// testSigner signs pushes for the harness's account in mode ("" for the
// signer's default).
func testSigner(mode string) PushSigner {
	return PushSigner{Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey, Mode: mode}
}

func (h *harness) post(t *testing.T, mode string, body []byte) (int, string) {
	t.Helper()
	s := testSigner(mode)
	status, text, err := s.Post(h.srv.URL+"/wechat", body)
	if err != nil {
		t.Fatal(err)
	}
	return status, text
}

func (h *harness) followUps() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.followed...)
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	signAt := func(token, ts string) string {
		q := url.Values{"timestamp": {ts}, "nonce": {"1514711492"}, "echostr": {"hello123"}}
		q.Set("signature", util.Signature(token, ts, "1514711492"))
		return h.srv.URL + "/wechat?" + q.Encode()
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sign := func(token string) string { return signAt(token, now) }
	for _, tc := range []struct {
		name, url  string
		wantStatus int
		wantBody   string
	}{
		{"valid", sign(testToken), 200, "hello123"},
		{"wrong token", sign("other"), 403, ""},
		{"no signature", h.srv.URL + "/wechat?echostr=x&timestamp=1&nonce=2", 403, ""},
		{"stale timestamp", signAt(testToken, "1714036504"), 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d", res.StatusCode, tc.wantStatus)
			}
			if tc.wantBody != "" && string(b) != tc.wantBody {
				t.Fatalf("body: got %q, want %q", b, tc.wantBody)
			}
		})
	}
}

func TestPushModesRoundTrip(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	for i, mode := range []string{ModePlain, ModeCompatible, ModeSafe} {
		t.Run(mode, func(t *testing.T) {
			status, reply := h.post(t, mode, TextXML("user-"+mode, "你好 "+mode, int64(100+i)))
			if status != 200 || reply != "echo:你好 "+mode {
				t.Fatalf("got %d %q, want 200 %q", status, reply, "echo:你好 "+mode)
			}
		})
	}
	// A safe-mode reply is encrypted: its raw body has no plaintext.
	s := testSigner(ModeSafe)
	req, _ := s.Request(h.srv.URL+"/wechat", TextXML("u-raw", "秘密", 7))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(raw), "秘密") || !strings.Contains(string(raw), "<Encrypt>") {
		t.Fatalf("safe-mode reply not encrypted: %s", raw)
	}
}

// TestPushesAtOnceAnswerEachItsOwn: pushes served at the same time, each
// read, decrypted and answered in buffers reused from push to push
// (pushBufs), are each answered with their own text, whatever the pushes
// before them were: short, long, an event, or refused for their size.
func TestPushesAtOnceAnswerEachItsOwn(t *testing.T) {
	h := newHarness(t, GatewayConfig{MaxBody: 8 << 10}, 0)
	post := func(mode string, body []byte) (int, string) {
		status, reply, err := testSigner(mode).Post(h.srv.URL+"/wechat", body)
		if err != nil {
			t.Error(err)
		}
		return status, reply
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 40 {
				mode := []string{ModeSafe, ModeCompatible, ModePlain}[(w+i)%3]
				user := fmt.Sprintf("u-own-%d-%d", w, i)
				switch i % 7 {
				case 3: // refused before it is read: larger than MaxBody
					if status, _ := post(mode, TextXML(user, strings.Repeat("长", 3000), int64(w*1000+i))); status != http.StatusRequestEntityTooLarge {
						t.Errorf("oversized push: %d", status)
					}
					continue
				case 5: // an event, read by encoding/xml: no answer
					if status, reply := post(mode, EventXML(user, EventSubscribe, "", time.Now())); status != 200 || reply != "echo:" {
						t.Errorf("event from %s: %d %q", user, status, reply)
					}
					continue
				}
				text := fmt.Sprintf("%s:%s", user, strings.Repeat("供需", (w*40+i)%300))
				status, reply := post(mode, TextXML(user, text, int64(w*1000+i)))
				if status != 200 || reply != "echo:"+text {
					t.Errorf("%s (%s): %d %.40q, want its own text", user, mode, status, reply)
				}
			}
		})
	}
	wg.Wait()
}

func TestForgedRequestsAreRefused(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	good := testSigner(ModeSafe)
	forge := func(mutate func(q url.Values)) *http.Request {
		req, _ := good.Request(h.srv.URL+"/wechat", TextXML("attacker", "hi", 1))
		q := req.URL.Query()
		mutate(q)
		req.URL.RawQuery = q.Encode()
		return req
	}
	cases := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"wrong signature", forge(func(q url.Values) { q.Set("signature", strings.Repeat("0", 40)) }), 403},
		{"signature of another token", forge(func(q url.Values) { q.Set("signature", util.Signature("guess", q.Get("timestamp"), q.Get("nonce"))) }), 403},
		{"wrong msg_signature", forge(func(q url.Values) { q.Set("msg_signature", strings.Repeat("a", 40)) }), 403},
		{"missing msg_signature", forge(func(q url.Values) { q.Del("msg_signature") }), 403},
		{"replayed signature with other nonce", forge(func(q url.Values) { q.Set("nonce", "999") }), 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.DefaultClient.Do(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("status: got %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
	if n := h.calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for forged requests, want 0", n)
	}
}

// TestStalePushIsRefused: a correctly signed push older than the dedupe
// window (one captured and replayed later) is refused and runs nothing.
func TestStalePushIsRefused(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	for _, age := range []time.Duration{11 * time.Minute, -11 * time.Minute} {
		ts := strconv.FormatInt(time.Now().Add(-age).Unix(), 10)
		q := url.Values{"timestamp": {ts}, "nonce": {"42"}, "signature": {util.Signature(testToken, ts, "42")}}
		res, err := http.Post(h.srv.URL+"/wechat?"+q.Encode(), "text/xml", bytes.NewReader(TextXML("replayer", "hi", 5)))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Errorf("push %s old: status %d, want 403", age, res.StatusCode)
		}
	}
	if n := h.calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for stale pushes, want 0", n)
	}
	// A fresh one goes through.
	if status, reply := h.post(t, ModePlain, TextXML("replayer", "hi", 6)); status != 200 || reply != "echo:hi" {
		t.Fatalf("fresh push: %d %q", status, reply)
	}
}

func TestBadBodies(t *testing.T) {
	h := newHarness(t, GatewayConfig{MaxBody: 4096}, 0)
	big := TextXML("u", strings.Repeat("长", 2000), 1) // > 4 KiB
	cases := []struct {
		name string
		mode string
		body []byte
		want int
	}{
		{"oversized plain", ModePlain, big, 413},
		{"oversized safe", ModeSafe, big, 413},
		{"malformed XML", ModePlain, []byte("<xml><FromUserName>u</xml"), 400},
		{"not XML", ModePlain, []byte("hello"), 400},
		{"no sender", ModePlain, []byte("<xml><MsgType>text</MsgType><Content>x</Content></xml>"), 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _ := h.post(t, tc.mode, tc.body)
			if status != tc.want {
				t.Fatalf("status: got %d, want %d", status, tc.want)
			}
		})
	}
	if n := h.calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for bad bodies, want 0", n)
	}
}

func TestConcurrentRetriesRunHandlerOnce(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 200*time.Millisecond)
	body := TextXML("retry-user", "求购 轮毂", 424242)
	var wg sync.WaitGroup
	replies := make([]string, 3)
	for i := range replies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, replies[i] = h.post(t, ModeSafe, body)
		}(i)
	}
	wg.Wait()
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
	for i, r := range replies {
		if r != "echo:求购 轮毂" {
			t.Errorf("delivery %d: got %q, want the same reply", i, r)
		}
	}
	if f := h.followUps(); len(f) != 0 {
		t.Fatalf("follow-ups: got %v, want none", f)
	}
	// The same MsgId from another user is another message.
	if _, r := h.post(t, ModePlain, TextXML("other-user", "求购 轮毂", 424242)); r != "echo:求购 轮毂" || h.calls.Load() != 2 {
		t.Fatalf("other user's message: got %q after %d calls", r, h.calls.Load())
	}
}

func TestEventsDedupeOnCreateTime(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	at := time.Unix(1700000000, 0)
	h.post(t, ModePlain, EventXML("ev-user", "subscribe", "", at))
	h.post(t, ModePlain, EventXML("ev-user", "subscribe", "", at))
	h.post(t, ModePlain, EventXML("ev-user", "CLICK", "HELP", at))
	if n := h.calls.Load(); n != 2 {
		t.Fatalf("handler ran %d times, want 2 (a retry of subscribe is dropped, the click is not)", n)
	}
}

func TestDeadlineFallbackSendsFollowUp(t *testing.T) {
	h := newHarness(t, GatewayConfig{Deadline: 100 * time.Millisecond}, 400*time.Millisecond)
	start := time.Now()
	status, reply := h.post(t, ModeSafe, TextXML("slow-user", "查供应 PCB", 77))
	if status != 200 || reply != "" {
		t.Fatalf("got %d %q, want 200 and success", status, reply)
	}
	if el := time.Since(start); el > 350*time.Millisecond {
		t.Fatalf("answered after %s, want about the 100 ms deadline", el)
	}
	if err := h.gw.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f := h.followUps(); len(f) != 1 || f[0] != "slow-user|echo:查供应 PCB" {
		t.Fatalf("follow-ups: got %v, want one with the reply", f)
	}
	// A retry after the follow-up was queued gets success, not the reply again.
	if _, r := h.post(t, ModeSafe, TextXML("slow-user", "查供应 PCB", 77)); r != "" {
		t.Fatalf("retry after follow-up: got %q, want success", r)
	}
	if f := h.followUps(); len(f) != 1 || h.calls.Load() != 1 {
		t.Fatalf("after retry: %d follow-ups, %d handler runs, want 1 and 1", len(f), h.calls.Load())
	}
}

// TestDeadlineHoldsWhenRedisHangs: a dedupe store that never answers does
// not hold the answer past WeChat's patience (it is answered busy, see
// TestDedupeUnavailableAnswersBusy).
func TestDeadlineHoldsWhenRedisHangs(t *testing.T) {
	h := newHarness(t, GatewayConfig{Deadline: 100 * time.Millisecond}, 0)
	h.kv.hang.Store(true)
	type answer struct {
		status int
		reply  string
	}
	got := make(chan answer, 1)
	go func() {
		s := testSigner(ModeSafe)
		status, text, _ := s.Post(h.srv.URL+"/wechat", TextXML("hang-user", "帮助", 78))
		got <- answer{status, text}
	}()
	select {
	case a := <-got:
		if a.status != 200 {
			t.Fatalf("got status %d, want 200", a.status)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("no answer while the dedupe store hangs; WeChat would give up at 5 s")
	}
	h.kv.hang.Store(false)
	if err := h.gw.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRetryDuringSlowHandlerAnswersPassively(t *testing.T) {
	// The handler (220 ms) outlasts the first delivery's deadline (150 ms)
	// and ends within the retry's.
	h := newHarness(t, GatewayConfig{Deadline: 150 * time.Millisecond}, 220*time.Millisecond)
	body := TextXML("retry-slow", "我的发布", 88)
	if _, r := h.post(t, ModePlain, body); r != "" {
		t.Fatalf("first delivery: got %q, want success at the deadline", r)
	}
	// WeChat retries; the handler finishes while the retry waits.
	if _, r := h.post(t, ModePlain, body); r != "echo:我的发布" {
		t.Fatalf("retry: got %q, want the reply", r)
	}
	h.gw.Wait(context.Background())
	if f := h.followUps(); len(f) != 0 {
		t.Fatalf("follow-ups: got %v, want none (the retry delivered it)", f)
	}
}

// TestSafeModeRefusesPlaintext is the attack of issue 8: a signed URL
// captured from a safe-mode push, replayed with a plaintext body that names
// another user, must not reach a handler.
func TestSafeModeRefusesPlaintext(t *testing.T) {
	for _, mode := range []string{ModeSafe, ModeCompatible} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, GatewayConfig{Mode: mode}, 0)
			good := testSigner(ModeSafe)
			captured, _ := good.Request(h.srv.URL+"/wechat", TextXML("u-owner", "帮助", 1))
			attack := []byte("<xml><ToUserName>gh</ToUserName><FromUserName>u-other</FromUserName><CreateTime>1</CreateTime>" +
				"<MsgType>text</MsgType><Content>同意 3</Content><MsgId>2</MsgId></xml>")
			cases := []struct {
				name  string
				query func(q url.Values)
				body  []byte
				want  int
			}{
				{"plaintext body on the captured URL", func(q url.Values) { q.Del("encrypt_type"); q.Del("msg_signature") }, attack, 403},
				{"plaintext body, encrypt_type kept", func(q url.Values) {}, attack, 400},
				{"encrypt_type other than aes", func(q url.Values) { q.Set("encrypt_type", "raw") }, attack, 403},
			}
			for _, tc := range cases {
				q := captured.URL.Query()
				tc.query(q)
				res, err := http.Post(h.srv.URL+"/wechat?"+q.Encode(), "text/xml", bytes.NewReader(tc.body))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != tc.want {
					t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.want)
				}
			}
			if n := h.calls.Load(); n != 0 {
				t.Fatalf("handler ran %d times, want 0", n)
			}
			// The genuine push still goes through.
			if status, reply := h.post(t, ModeSafe, TextXML("u-owner", "帮助", 3)); status != 200 || reply != "echo:帮助" {
				t.Fatalf("genuine push: %d %q", status, reply)
			}
		})
	}
}

// TestCompatibleModeReadsOnlyTheEncryptedPart: plaintext fields beside a
// valid Encrypt are ignored, whatever they say.
func TestCompatibleModeReadsOnlyTheEncryptedPart(t *testing.T) {
	var seen atomic.Value
	h := newHarness(t, GatewayConfig{Mode: ModeCompatible}, 0)
	h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
		seen.Store(m.OpenID + "|" + m.Text)
		return Text("ok"), nil
	}
	s := testSigner(ModeSafe)
	req, _ := s.Request(h.srv.URL+"/wechat", TextXML("u-owner", "帮助", 4))
	body, _ := io.ReadAll(req.Body)
	forged := bytes.Replace(body, []byte("<xml>"), []byte("<xml><FromUserName>u-other</FromUserName><MsgType>text</MsgType><Content>同意 3</Content>"), 1)
	req.Body = io.NopCloser(bytes.NewReader(forged))
	req.ContentLength = int64(len(forged))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || seen.Load() != "u-owner|帮助" {
		t.Fatalf("got %d, handler saw %v; want 200 and u-owner|帮助", res.StatusCode, seen.Load())
	}
}

// TestMessageMetricLabelsAreBounded: invented MsgTypes count as "other".
func TestMessageMetricLabelsAreBounded(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe}, 0)
	for i := range 5 {
		h.post(t, ModeSafe, pushXML("u-label", "invented"+strconv.Itoa(i), int64(500+i), ""))
	}
	h.post(t, ModeSafe, TextXML("u-label", "hi", 600))
	got := map[string]float64{}
	fams, _ := h.gw.metrics.Registry.Gather()
	for _, f := range fams {
		if f.GetName() != "supplybot_messages_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	if len(got) != 2 || got["other"] != 5 || got["text"] != 1 {
		t.Fatalf("series: got %v, want other=5 and text=1", got)
	}
}

// TestDedupeUnavailableAnswersBusy: when the dedupe store fails or hangs,
// the push is answered busy and no handler runs (it could be a retry of
// one already handled).
func TestDedupeUnavailableAnswersBusy(t *testing.T) {
	for _, how := range []string{"fails", "hangs"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, GatewayConfig{Mode: ModeSafe, DedupeTimeout: 50 * time.Millisecond}, 0)
			if how == "fails" {
				h.kv.fail = errors.New("connection refused")
			} else {
				h.kv.hang.Store(true)
			}
			status, reply := h.post(t, ModeSafe, TextXML("busy-user", "确认", 31))
			if status != 200 || reply != DefaultBusyText {
				t.Fatalf("got %d %q, want 200 %q", status, reply, DefaultBusyText)
			}
			h.gw.Wait(context.Background())
			if n := h.calls.Load(); n != 0 || len(h.followUps()) != 0 {
				t.Fatalf("handler ran %d times, %d follow-ups; want none", n, len(h.followUps()))
			}
		})
	}
}

// TestDedupeHasItsOwnBudget: with a reply deadline shorter than any store
// call, concurrent deliveries of one push still run the handler once, and
// the handler knows the message's key.
func TestDedupeHasItsOwnBudget(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, Deadline: 2 * time.Millisecond}, 0)
	var keys sync.Map
	h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
		h.calls.Add(1)
		keys.Store(MessageKey(ctx), m.DedupeKey())
		time.Sleep(20 * time.Millisecond)
		return Text("已发布"), nil
	}
	h.kv.delay = 5 * time.Millisecond // every store call outlasts the deadline
	body := TextXML("budget-user", "确认", 32)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.post(t, ModeSafe, body)
		}()
	}
	wg.Wait()
	h.gw.Wait(context.Background())
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
	keys.Range(func(k, v any) bool {
		if k != v {
			t.Errorf("MessageKey(ctx) %q, want %q", k, v)
		}
		return true
	})
	if f := h.followUps(); len(f) != 1 || f[0] != "budget-user|已发布" {
		t.Fatalf("follow-ups: got %v, want the one reply", f)
	}
}

// TestOverloadIsShed: beyond MaxInflight running handlers a push is
// answered busy at once and runs nothing; the running ones still answer.
func TestOverloadIsShed(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, MaxInflight: 2}, 0)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
		h.calls.Add(1)
		started <- struct{}{}
		<-release
		return Text("echo:" + m.Text), nil
	}
	var wg sync.WaitGroup
	replies := make([]string, 2)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, replies[i] = h.post(t, ModeSafe, TextXML("load-"+strconv.Itoa(i), "查供应", int64(900+i)))
		}()
	}
	<-started
	<-started
	status, reply := h.post(t, ModeSafe, TextXML("load-late", "查供应", 902))
	if status != 200 || reply != DefaultBusyText {
		t.Fatalf("push beyond the bound: got %d %q, want %q", status, reply, DefaultBusyText)
	}
	close(release)
	wg.Wait()
	for i, r := range replies {
		if r != "echo:查供应" {
			t.Errorf("running push %d: got %q", i, r)
		}
	}
	if n := h.calls.Load(); n != 2 {
		t.Fatalf("handler ran %d times, want 2", n)
	}
	// The slots are free again.
	h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) { return Text("ok"), nil }
	if _, reply := h.post(t, ModeSafe, TextXML("load-late", "查供应", 903)); reply != "ok" {
		t.Fatalf("after the load: got %q, want ok", reply)
	}
}

// TestAbandonedPushRunsNoHandler: a push whose request WeChat dropped
// while dedupe answered runs no handler; its retry runs it once.
func TestAbandonedPushRunsNoHandler(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe}, 0)
	s := testSigner(ModeSafe)
	body := TextXML("gone-user", "确认", 904)
	req, _ := s.Request("/wechat", body)
	ctx, cancel := context.WithCancel(context.Background())
	h.kv.onMark = cancel // the client goes away while the mark is set
	h.gw.ServeHTTP(httptest.NewRecorder(), req.WithContext(ctx))
	h.kv.onMark = nil
	h.gw.Wait(context.Background())
	if n := h.calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for an abandoned push, want 0", n)
	}
	if _, reply := h.post(t, ModeSafe, body); reply != "echo:确认" || h.calls.Load() != 1 {
		t.Fatalf("retry: got %q after %d runs, want the reply after 1", reply, h.calls.Load())
	}
}

// TestBurstWaitsForASlot: a push beyond the bound waits for a slot that
// comes free within QueueWait instead of being answered busy.
func TestBurstWaitsForASlot(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, MaxInflight: 1, QueueWait: time.Minute}, 0)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
		started <- struct{}{}
		if m.Text == "first" {
			<-release
		}
		return Text("echo:" + m.Text), nil
	}
	first := make(chan string, 1)
	go func() { _, r := h.post(t, ModeSafe, TextXML("burst-1", "first", 910)); first <- r }()
	<-started
	second := make(chan string, 1)
	go func() { _, r := h.post(t, ModeSafe, TextXML("burst-2", "second", 911)); second <- r }()
	close(release)
	if r := <-first; r != "echo:first" {
		t.Fatalf("first: got %q", r)
	}
	if r := <-second; r != "echo:second" {
		t.Fatalf("second: got %q, want it handled once the slot came free", r)
	}
}

// TestPlainModeWarnsAndRefusalsAreLogged: plain mode says at start that
// bodies cannot be authenticated; a refused plaintext push is logged.
func TestPlainModeWarnsAndRefusalsAreLogged(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	NewGateway(GatewayConfig{Token: testToken, Mode: ModePlain}, nil, newMemKV(), nil, nil, nil, log)
	if !strings.Contains(buf.String(), "cannot be authenticated") {
		t.Fatalf("plain mode start-up log: %q", buf.String())
	}
	h := newHarness(t, GatewayConfig{Mode: ModeSafe}, 0)
	h.gw.log = log
	if status, _ := h.post(t, ModePlain, TextXML("u-log", "hi", 1)); status != http.StatusForbidden {
		t.Fatalf("plaintext push in safe mode: %d", status)
	}
	if !strings.Contains(buf.String(), "plaintext push refused") {
		t.Fatalf("refusal not logged: %q", buf.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
