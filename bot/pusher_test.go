package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// ttlKV records the TTL of each Set.
type ttlKV struct {
	KV
	mu   sync.Mutex
	vals map[string]string
	ttls map[string]time.Duration
}

func (k *ttlKV) Set(_ context.Context, key, value string, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.vals[key], k.ttls[key] = value, ttl
	return nil
}

func (k *ttlKV) Lookup(_ context.Context, key string) (string, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.vals[key]
	return v, ok, nil
}

// The pause lasts until the configured clock's "until": with an injected
// Now the TTL used to be computed from the wall clock instead.
func TestPauseUsesConfiguredClock(t *testing.T) {
	kv := &ttlKV{vals: map[string]string{}, ttls: map[string]time.Duration{}}
	fake := time.Now().Add(-3 * time.Hour)
	p := NewPusher(PusherConfig{Now: func() time.Time { return fake }}, nil, nil, kv, nil, nil)
	p.pause(context.Background(), "custom", fake.Add(60*time.Second))
	if got := kv.ttls["wechat:pause:custom"]; got != 60*time.Second {
		t.Fatalf("pause TTL %v, want 60s on the pusher's clock", got)
	}
	if until, ok := p.paused(context.Background(), "custom"); !ok || !until.Equal(fake.Add(60*time.Second).Truncate(time.Second)) {
		t.Fatalf("paused: %v %v", until, ok)
	}
}

func TestRetryDelayBase(t *testing.T) {
	p := NewPusher(PusherConfig{RetryBase: 10 * time.Millisecond, RetryMax: 40 * time.Millisecond}, nil, nil, nil, nil, nil)
	for attempt := 1; attempt <= 10; attempt++ {
		d := p.retryDelay(attempt)
		if d < 5*time.Millisecond || d > 60*time.Millisecond {
			t.Fatalf("attempt %d: delay %v outside [base/2, 1.5×max]", attempt, d)
		}
	}
	def := NewPusher(PusherConfig{}, nil, nil, nil, nil, nil)
	if d := def.retryDelay(1); d < time.Second || d > 3*time.Second {
		t.Fatalf("default first delay %v, want about 2 s", d)
	}
}

func TestNextChinaMidnight(t *testing.T) {
	cases := map[string]string{
		"2024-03-01T15:59:59Z": "2024-03-02T00:00:00+08:00",
		"2024-03-01T16:00:00Z": "2024-03-03T00:00:00+08:00",
		"2024-12-31T20:00:00Z": "2025-01-02T00:00:00+08:00",
	}
	for in, want := range cases {
		now, _ := time.Parse(time.RFC3339, in)
		w, _ := time.Parse(time.RFC3339, want)
		if got := nextChinaMidnight(now); !got.Equal(w) {
			t.Errorf("%s: got %v, want %v", in, got, w)
		}
	}
}

// outcomeOutbox hands out its items once and records what became of each.
type outcomeOutbox struct {
	mu    sync.Mutex
	items []Push
	got   []string
}

func (o *outcomeOutbox) Lease(context.Context, string, int, time.Duration, time.Time) ([]Push, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	items := o.items
	o.items = nil
	return items, nil
}

func (o *outcomeOutbox) record(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, s)
	return nil
}

func (o *outcomeOutbox) Complete(context.Context, string, string, time.Time) error {
	return o.record("complete")
}
func (o *outcomeOutbox) Retry(context.Context, string, string, time.Time, int, string) error {
	return o.record("retry")
}
func (o *outcomeOutbox) Backoff(context.Context, string, string, time.Time, int, string) error {
	return o.record("backoff")
}
func (o *outcomeOutbox) Hold(context.Context, string, string, int, string) error {
	return o.record("hold")
}
func (o *outcomeOutbox) Fail(context.Context, string, string, int, string) error {
	return o.record("fail")
}

// TestAttemptLimitCountsFailedSends: leases that only met a paused API or
// a quota wait do not use up the attempts; failed sends do.
func TestAttemptLimitCountsFailedSends(t *testing.T) {
	for _, c := range []struct {
		name               string
		attempts, failures int
		want               string
	}{
		{"many leases, no failed send yet", 10, 0, "backoff"},
		{"third failed send", 3, 2, "fail"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, GatewayConfig{}, 0)
			h.sim.Follow("u")
			h.sim.InjectError("custom", CodeSystemBusy, 1)
			ob := &outcomeOutbox{items: []Push{{Key: "k", Kind: PushCustom, OpenID: "u", Text: "x", Attempts: c.attempts, Failures: c.failures}}}
			p := NewPusher(PusherConfig{MaxAttempts: 3}, ob, h.client, h.kv, nil, nil)
			p.drainOnce(context.Background())
			if len(ob.got) != 1 || ob.got[0] != c.want {
				t.Fatalf("outcome %v, want [%s]", ob.got, c.want)
			}
		})
	}
}

// fakeSender answers every send with err and records the calls.
type fakeSender struct {
	err   error
	mu    sync.Mutex
	calls []string
}

func (f *fakeSender) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.err
}

func (f *fakeSender) SendText(_ context.Context, openid, text string) error {
	return f.record("custom " + openid + " " + text)
}

func (f *fakeSender) SendTemplate(_ context.Context, t TemplateMessage) error {
	return f.record("template " + t.OpenID + " " + t.TemplateID + " " + t.ClientMsgID)
}

func (f *fakeSender) MassSend(_ context.Context, openids []string, text, clientMsgID string) error {
	return f.record(fmt.Sprintf("mass %d %s %s", len(openids), text, clientMsgID))
}

// outboxCall is one call the pusher made on the outbox.
type outboxCall struct {
	op   string // complete | retry | backoff | hold | fail
	key  string
	at   time.Time // complete, retry, backoff
	code int
}

// callOutbox records the outbox calls with their arguments.
type callOutbox struct {
	mu    sync.Mutex
	calls []outboxCall
}

func (o *callOutbox) add(c outboxCall) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, c)
	return nil
}

func (o *callOutbox) Lease(context.Context, string, int, time.Duration, time.Time) ([]Push, error) {
	return nil, nil
}
func (o *callOutbox) Complete(_ context.Context, key, _ string, now time.Time) error {
	return o.add(outboxCall{op: "complete", key: key, at: now})
}
func (o *callOutbox) Retry(_ context.Context, key, _ string, at time.Time, code int, _ string) error {
	return o.add(outboxCall{op: "retry", key: key, at: at, code: code})
}
func (o *callOutbox) Backoff(_ context.Context, key, _ string, at time.Time, code int, _ string) error {
	return o.add(outboxCall{op: "backoff", key: key, at: at, code: code})
}
func (o *callOutbox) Hold(_ context.Context, key, _ string, code int, _ string) error {
	return o.add(outboxCall{op: "hold", key: key, code: code})
}
func (o *callOutbox) Fail(_ context.Context, key, _ string, code int, _ string) error {
	return o.add(outboxCall{op: "fail", key: key, code: code})
}

// TestPusherReactsToEachWeChatError drives one delivery per case through a
// fake sender and checks the outbox call (and its time), OnGiveUp, the API
// pause and the follower mark: the reactions of the error-code table.
// Token errors (40001, 40014, 42001) reach the pusher only when the
// client's own refresh and retry failed too.
func TestPusherReactsToEachWeChatError(t *testing.T) {
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC) // 18:00 China time
	const base = 10 * time.Second
	apiErr := func(api string, code int) error { return &APIError{API: api, Code: code, Msg: "injected"} }
	custom := Push{Key: "k-custom", Kind: PushCustom, OpenID: "u1", Text: "你好"}
	template := Push{Key: "k-template", Kind: PushTemplate, OpenID: "u1", TemplateID: "tpl", Fields: map[string]string{"first": "x"}}
	mass := Push{Key: "k-mass", Kind: PushMass, OpenIDs: []string{"u1", "u2"}, Text: "公告"}
	lastTry := custom
	lastTry.Failures = 2 // MaxAttempts is 3: this send is the third
	type want struct {
		op       string
		code     int
		at       time.Time // exact time of complete / retry
		backoff  bool      // at is now + a jittered first backoff
		giveUp   bool      // OnGiveUp is told with code
		pause    string    // the API paused until at
		unfollow bool      // the user is marked unfollowed
	}
	cases := []struct {
		name string
		push Push
		err  error
		want want
	}{
		{"success", custom, nil, want{op: "complete", at: now}},
		{"success template", template, nil, want{op: "complete", at: now}},
		{"success mass", mass, nil, want{op: "complete", at: now}},
		{"45065 client msg id exists: sent before", template, apiErr("template", CodeClientMsgIDExists), want{op: "complete", at: now}},
		{"40001 token invalid after the client's retry", custom, apiErr("custom", CodeInvalidToken), want{op: "backoff", code: CodeInvalidToken, backoff: true}},
		{"40014 token not latest after the client's retry", custom, apiErr("custom", CodeTokenNotLatest), want{op: "backoff", code: CodeTokenNotLatest, backoff: true}},
		{"42001 token expired after the client's retry", custom, apiErr("custom", CodeTokenExpired), want{op: "backoff", code: CodeTokenExpired, backoff: true}},
		{"-1 system busy", custom, apiErr("custom", CodeSystemBusy), want{op: "backoff", code: CodeSystemBusy, backoff: true}},
		{"-1 system busy on the last attempt", lastTry, apiErr("custom", CodeSystemBusy), want{op: "fail", code: CodeSystemBusy}},
		{"45011 minute quota", custom, apiErr("custom", CodeMinuteQuota), want{op: "retry", code: CodeMinuteQuota, at: now.Add(60 * time.Second), pause: "custom"}},
		{"45011 minute quota on templates", template, apiErr("template", CodeMinuteQuota), want{op: "retry", code: CodeMinuteQuota, at: now.Add(60 * time.Second), pause: "template"}},
		{"45009 daily quota", custom, apiErr("custom", CodeDailyQuota),
			want{op: "retry", code: CodeDailyQuota, at: time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC), giveUp: true, pause: "custom"}},
		{"45009 daily quota on mass sends", mass, apiErr("mass_send", CodeDailyQuota),
			want{op: "retry", code: CodeDailyQuota, at: time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC), giveUp: true, pause: "mass"}},
		{"43004 not subscribed", custom, apiErr("custom", CodeNotSubscribed), want{op: "fail", code: CodeNotSubscribed, giveUp: true, unfollow: true}},
		{"45015 outside the 48-hour window", custom, apiErr("custom", CodeOutsideWindow), want{op: "hold", code: CodeOutsideWindow, giveUp: true}},
		{"45047 too many customer-service messages", custom, apiErr("custom", CodeTooManyCustomMsgs), want{op: "hold", code: CodeTooManyCustomMsgs, giveUp: true}},
		{"48001 unauthorised", template, apiErr("template", CodeUnauthorized), want{op: "fail", code: CodeUnauthorized, giveUp: true}},
		{"43101 user refused", template, apiErr("template", CodeUserRefused), want{op: "fail", code: CodeUserRefused, giveUp: true}},
		{"network error", custom, errors.New("dial tcp api.weixin.qq.com: i/o timeout"), want{op: "backoff", code: 0, backoff: true}},
		{"40003, a code the project does not handle", custom, apiErr("custom", 40003), want{op: "backoff", code: 40003, backoff: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kv := newMemKV()
			ob := &callOutbox{}
			sender := &fakeSender{err: c.err}
			var told []int
			p := NewPusher(PusherConfig{
				Now: func() time.Time { return now }, MaxAttempts: 3, RetryBase: base, RetryMax: time.Hour,
				OnGiveUp: func(_ context.Context, got Push, code int) {
					if got.Key != c.push.Key {
						t.Errorf("OnGiveUp for %q, want %q", got.Key, c.push.Key)
					}
					told = append(told, code)
				},
			}, ob, sender, kv, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			p.deliver(context.Background(), c.push)

			if len(sender.calls) != 1 {
				t.Fatalf("sends %v, want one", sender.calls)
			}
			if len(ob.calls) != 1 {
				t.Fatalf("outbox calls %+v, want one", ob.calls)
			}
			got := ob.calls[0]
			if got.op != c.want.op || got.key != c.push.Key || got.code != c.want.code {
				t.Errorf("outbox call %s %s code %d, want %s %s code %d", got.op, got.key, got.code, c.want.op, c.push.Key, c.want.code)
			}
			switch {
			case c.want.backoff:
				// The first backoff is base with ±50 % jitter.
				if d := got.at.Sub(now); d < base/2 || d > base*3/2 {
					t.Errorf("backoff until now+%v, want within [%v, %v]", d, base/2, base*3/2)
				}
			case !c.want.at.IsZero():
				if !got.at.Equal(c.want.at) {
					t.Errorf("%s at %v, want %v", got.op, got.at, c.want.at)
				}
			}
			if c.want.giveUp != (len(told) == 1 && told[0] == c.want.code) || len(told) > 1 {
				t.Errorf("OnGiveUp told %v, want told=%v with %d", told, c.want.giveUp, c.want.code)
			}
			for _, api := range []string{"custom", "template", "mass"} {
				v, paused, _ := kv.Lookup(context.Background(), "wechat:pause:"+api)
				switch {
				case api == c.want.pause && v != c.want.at.UTC().Format(time.RFC3339):
					t.Errorf("pause of %s: %q (set %v), want until %v", api, v, paused, c.want.at)
				case api != c.want.pause && paused:
					t.Errorf("pause of %s set to %q, want none", api, v)
				}
			}
			_, unfollowed, _ := kv.Lookup(context.Background(), "wechat:unfollowed:u1")
			if unfollowed != c.want.unfollow {
				t.Errorf("user marked unfollowed: %v, want %v", unfollowed, c.want.unfollow)
			}
			if v, ok, _ := kv.Lookup(context.Background(), markerKey(c.push.Key)); ok {
				t.Errorf("send marker left behind: %q", v)
			}
		})
	}
}

// The sender gets the push as the outbox holds it, with the key as
// WeChat's dedupe id for template and mass sends.
func TestPusherSendsEachKindThroughTheSender(t *testing.T) {
	long := strings.Repeat("k", 70)
	for _, c := range []struct {
		push Push
		want string
	}{
		{Push{Key: "k1", Kind: PushCustom, OpenID: "u1", Text: "你好"}, "custom u1 你好"},
		{Push{Key: "k2", Kind: PushTemplate, OpenID: "u1", TemplateID: "tpl"}, "template u1 tpl k2"},
		{Push{Key: long, Kind: PushTemplate, OpenID: "u1", TemplateID: "tpl"}, "template u1 tpl " + clientMsgID(long)},
		{Push{Key: "k3", Kind: PushMass, OpenIDs: []string{"a", "b", "c"}, Text: "公告"}, "mass 3 公告 k3"},
	} {
		t.Run(c.push.Kind+" "+c.push.Key[:2], func(t *testing.T) {
			sender := &fakeSender{}
			p := NewPusher(PusherConfig{}, &callOutbox{}, sender, newMemKV(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			p.deliver(context.Background(), c.push)
			if len(sender.calls) != 1 || sender.calls[0] != c.want {
				t.Fatalf("sends %q, want [%q]", sender.calls, c.want)
			}
		})
	}
	if n := len(clientMsgID(long)); n > 64 {
		t.Fatalf("client msg id of a long key: %d bytes, want at most 64", n)
	}
}
