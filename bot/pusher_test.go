package bot

import (
	"context"
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
