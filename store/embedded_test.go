package store_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/store"
)

// TestEmbeddedRedisSurvivesAKill: the embedded Redis saves while it runs,
// so a process killed without Close keeps the sessions written before.
func TestEmbeddedRedisSurvivesAKill(t *testing.T) {
	store.SetSnapshotEvery(t, 50*time.Millisecond)
	snap := filepath.Join(t.TempDir(), "redis.json")
	first, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	// Killed: never closed, so no final save (its server is stopped at the end).
	t.Cleanup(func() { first.Close() })
	ctx := context.Background()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: first.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Set(ctx, "session:u1", "form", time.Hour); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		second, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
		if err != nil {
			t.Fatal(err)
		}
		v, gerr := second.Server().Get("sb:session:u1")
		second.Close()
		if gerr == nil && v == "form" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session written before the kill is lost: %q %v", v, gerr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEmbeddedRedisSnapshotKeepsEveryStringKey: the snapshot, written
// entry by entry, brings back every string key with its value (quotes,
// line breaks, Chinese) and its expiry, and every set (the dedupe
// window's done marks) with its members and expiry, and leaves the other
// types out.
func TestEmbeddedRedisSnapshotKeepsEveryStringKey(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "redis.json")
	first, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	m := first.Server()
	want := map[string]string{"plain": "v", "quoted": `他说"你好"` + "\n第二行", "empty": ""}
	for i := range 500 {
		want["k"+strconv.Itoa(i)] = strconv.Itoa(i * i)
	}
	for k, v := range want {
		if err := m.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	m.SetTTL("plain", time.Hour)
	if _, err := m.Lpush("a-list", "x"); err != nil {
		t.Fatal(err)
	}
	members := []string{"0123456789abcdef", `a "quoted" one`, "成都"}
	if _, err := m.SetAdd("dn:1", members...); err != nil {
		t.Fatal(err)
	}
	m.SetTTL("dn:1", 20*time.Minute)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	m = second.Server()
	for k, v := range want {
		if got, err := m.Get(k); err != nil || got != v {
			t.Fatalf("%s: %q, %v; want %q", k, got, err, v)
		}
	}
	if ttl := m.TTL("plain"); ttl <= 0 || ttl > time.Hour {
		t.Errorf("plain's TTL after the restart: %v, want up to an hour", ttl)
	}
	got, err := m.Members("dn:1")
	slices.Sort(members)
	if err != nil || !slices.Equal(got, members) {
		t.Errorf("the set after the restart: %q, %v; want %q", got, err, members)
	}
	if ttl := m.TTL("dn:1"); ttl <= 19*time.Minute || ttl > 20*time.Minute {
		t.Errorf("the set's TTL after the restart: %v, want up to 20 min", ttl)
	}
	if m.Exists("a-list") {
		t.Errorf("a list came back; the snapshot keeps string keys and sets only")
	}
}

// TestEmbeddedRedisSavesOnlyAfterAWrite: the snapshot is written again
// only after a command that may write; reads and pings leave the file as
// it is (an idle bot encoded every key again every few seconds: most of
// its CPU after a load).
func TestEmbeddedRedisSavesOnlyAfterAWrite(t *testing.T) {
	store.SetSnapshotEvery(t, 20*time.Millisecond)
	snap := filepath.Join(t.TempDir(), "redis.json")
	e, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: e.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	saved := func(key string) os.FileInfo {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			b, _ := os.ReadFile(snap)
			if strings.Contains(string(b), key) {
				fi, err := os.Stat(snap)
				if err != nil {
					t.Fatal(err)
				}
				return fi
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never saved", key)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := r.Set(ctx, "k1", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	before := saved("sb:k1")
	for range 30 { // reads only, for many save periods
		if _, _, err := r.Lookup(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if err := r.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after, err := os.Stat(snap); err != nil || !os.SameFile(before, after) {
		t.Fatalf("the snapshot was written again without a write (%v)", err)
	}
	if err := r.Set(ctx, "k2", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	saved("sb:k2")
}

// TestEmbeddedRedisSnapshotCountsTheDowntime: a key is saved with when it
// expires, so a key whose time ran out while the process was down does not
// come back, and one that has time left comes back with what is left; a
// snapshot of the older shape (the time left when saved) is still read.
func TestEmbeddedRedisSnapshotCountsTheDowntime(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "redis.json")
	first, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	_ = first.Server().Set("soon", "x")
	first.Server().SetTTL("soon", time.Hour)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(snap); !strings.Contains(string(b), `"exp":`) || strings.Contains(string(b), `"ttl":`) {
		t.Fatalf("snapshot %s: want each TTL saved as when it expires", b)
	}
	now := time.Now()
	entries := []map[string]any{
		{"k": "gone", "v": "x", "exp": now.Add(-time.Second).UnixMilli()},
		{"k": "kept", "v": "y", "exp": now.Add(time.Hour).UnixMilli()},
		{"k": "older", "v": "z", "ttl": int64(time.Minute)},
		{"k": "forever", "v": "w"},
	}
	b, _ := json.Marshal(entries)
	if err := os.WriteFile(snap, b, 0o600); err != nil {
		t.Fatal(err)
	}
	second, err := store.StartEmbeddedRedis("127.0.0.1:0", snap)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	m := second.Server()
	if m.Exists("gone") {
		t.Error("a key that expired while the process was down came back")
	}
	if ttl := m.TTL("kept"); ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("kept: TTL %v, want what was left of an hour", ttl)
	}
	if ttl := m.TTL("older"); ttl != time.Minute {
		t.Errorf("older: TTL %v, want the minute the older snapshot held", ttl)
	}
	if v, err := m.Get("forever"); err != nil || v != "w" || m.TTL("forever") != 0 {
		t.Errorf("forever: %q %v, TTL %v; want it back without a TTL", v, err, m.TTL("forever"))
	}
}

// TestEmbeddedRedisClosesWhileClientsWrite: Close while connections still
// send commands stops the server without a data race (go test -race): the
// command hook used to read the Miniredis's server, which Close clears.
func TestEmbeddedRedisClosesWhileClientsWrite(t *testing.T) {
	e, err := store.StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: e.Addr(), Dialer: e.Dial})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				_ = r.Set(cctx, "close:"+strconv.Itoa(w)+":"+strconv.Itoa(i), "v", time.Minute) // fails once closed
				cancel()
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	if err := e.Close(); err != nil {
		t.Error(err)
	}
	close(stop)
	wg.Wait()
}
