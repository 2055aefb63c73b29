package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/go-redis/redis/v8"
)

// TestEmbeddedRedisForgetsVersionsOfKeysGone: once WATCH is in use,
// miniredis's per-key version counters of keys that expired are dropped by the embedded server's loop,
// so that a day of messages, each writing a key of its own, does not leave
// a map of every key ever written (which slowed writes and grew by about
// 120 bytes a message); the live keys keep theirs and stay readable.
func TestEmbeddedRedisForgetsVersionsOfKeysGone(t *testing.T) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.versions == nil {
		t.Fatal("miniredis's key version counters are no longer where keyVersionsOf looks: see embedded_versions.go")
	}
	// As once a client sent WATCH: until then the loop drops every
	// counter (TestEmbeddedRedisKeepsNoIdleTimesOrVersionsUntilAWatch).
	e.tracked.Store(true)
	m := e.Server()
	for i := range 100 {
		k := "sb:sess:u" + strconv.Itoa(i)
		_ = m.Set(k, "kept")
		m.SetTTL(k, time.Hour)
	}
	for i := range 20000 {
		k := "sb:dd:m:u" + strconv.Itoa(i%100) + ":" + strconv.Itoa(i)
		_ = m.Set(k, "done")
		m.SetTTL(k, 2*time.Second)
	}
	if v, live := e.versions.counts(); v < 20100 || live != 20100 {
		t.Fatalf("before expiry: %d counters, %d live keys; want 20,100 of each", v, live)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, live := e.versions.counts()
		if live == 100 && v == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after expiry: %d counters for %d live keys", v, live)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v, err := m.Get("sb:sess:u7"); err != nil || v != "kept" {
		t.Fatalf("a live key after the prune: %q %v", v, err)
	}
}

// Until a client sends WATCH (or OBJECT), the embedded server keeps none
// of miniredis's per-key idle times and version counters past an expiry
// pass: nothing reads them, and at 300 messages/s they held an entry for
// each of the 200,000 keys of the dedupe window. A WATCH then still sees
// a change made to its key while a pass ran in between.
func TestEmbeddedRedisKeepsNoIdleTimesOrVersionsUntilAWatch(t *testing.T) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.maps == nil {
		t.Fatal("miniredis's maps are no longer where dbMapsOf looks: see embedded_expiry.go")
	}
	m := e.Server()
	for i := range 5000 {
		k := "sb:dd:m:u:" + strconv.Itoa(i)
		_ = m.Set(k, "done")
		m.SetTTL(k, time.Hour)
	}
	tracked := func() (int, int) {
		m.Lock()
		defer m.Unlock()
		return len(*e.maps.lru), len(*e.maps.keyVersion)
	}
	deadline := time.Now().Add(10 * time.Second)
	for lru, ver := tracked(); lru+ver > 0; lru, ver = tracked() {
		if time.Now().After(deadline) {
			t.Fatalf("after the expiry passes: %d idle times, %d version counters kept, want none", lru, ver)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(m.Keys()); n != 5000 {
		t.Fatalf("%d keys left, want 5,000", n)
	}

	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: e.Addr()})
	defer c.Close()
	if err := c.Set(ctx, "w", "first", 0).Err(); err != nil {
		t.Fatal(err)
	}
	err = c.Watch(ctx, func(tx *redis.Tx) error {
		time.Sleep(3 * expireEvery) // a pass runs
		_ = m.Set("w", "another client's")
		time.Sleep(3 * expireEvery)
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "w", "mine", 0)
			return nil
		})
		return err
	}, "w")
	if !errors.Is(err, redis.TxFailedErr) {
		t.Errorf("a transaction on a key changed after its WATCH: %v, want %v", err, redis.TxFailedErr)
	}
	if v, _ := m.Get("w"); v != "another client's" {
		t.Errorf("w = %q after the failed transaction", v)
	}
	if _, ver := tracked(); ver == 0 {
		t.Error("the version counters are still dropped after a WATCH")
	}
}

// While no command comes, the expiry pass runs about once a second
// instead of ten times (idleExpireEvery), and keys still expire; a
// command brings the faster pace back.
func TestEmbeddedRedisExpiresLessOftenWhenIdle(t *testing.T) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	m := e.Server()
	_ = m.Set("k", "v") // directly, not a command
	m.SetTTL("k", 300*time.Millisecond)
	time.Sleep(2 * expireEvery) // the pass after the start, which saw no command either
	from := e.passes.Load()
	time.Sleep(2500 * time.Millisecond)
	if n := e.passes.Load() - from; n > 4 {
		t.Errorf("%d expiry passes in 2.5 s without a command, want at most 4", n)
	}
	if m.Exists("k") {
		t.Error("a key with a 300 ms TTL still exists 2.5 s later")
	}

	c := redis.NewClient(&redis.Options{Addr: e.Addr()})
	defer c.Close()
	ctx := context.Background()
	from = e.passes.Load()
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.passes.Load() - from; n < 4 {
		t.Errorf("%d expiry passes in 1.5 s of commands, want the faster pace back", n)
	}
}
