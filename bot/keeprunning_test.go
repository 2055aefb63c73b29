package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// renewKV counts the renewals of running marks (a Set of dd:…) and can
// hold one until released.
type renewKV struct {
	*memKV
	renewals atomic.Int32
	hold     chan struct{} // when set, a renewal waits for it to close
	entered  chan struct{} // a renewal signals it started
}

func (k *renewKV) Set(ctx context.Context, key, v string, ttl time.Duration) error {
	if strings.HasPrefix(key, "dd:") {
		k.renewals.Add(1)
		if k.hold != nil {
			k.entered <- struct{}{}
			<-k.hold
		}
	}
	return k.memKV.Set(ctx, key, v, ttl)
}

// TestKeepRunningRenewsUntilStopped: the running mark is renewed every
// RunningTTL/4 while the handler runs, never once stop has returned, and
// stop waits for a renewal under way, so that none lands after the reply
// is recorded.
func TestKeepRunningRenewsUntilStopped(t *testing.T) {
	kv := &renewKV{memKV: newMemKV()}
	g := NewGateway(GatewayConfig{Token: testToken, Mode: ModePlain, RunningTTL: 80 * time.Millisecond}, nil, kv, nil, nil, nil, nil)
	stop := g.keepRunning("k1", "running")
	time.Sleep(150 * time.Millisecond) // about seven renewal periods
	stop()
	n := kv.renewals.Load()
	if n < 2 {
		t.Fatalf("%d renewals in seven periods, want several", n)
	}
	time.Sleep(100 * time.Millisecond)
	if after := kv.renewals.Load(); after != n {
		t.Fatalf("%d renewals after stop returned", after-n)
	}

	// A renewal under way: stop returns only once it is done.
	kv.hold, kv.entered = make(chan struct{}), make(chan struct{}, 1)
	stop = g.keepRunning("k2", "running")
	<-kv.entered
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("stop returned while a renewal was under way")
	case <-time.After(50 * time.Millisecond):
	}
	close(kv.hold)
	<-stopped
}
