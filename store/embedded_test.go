package store_test

import (
	"context"
	"path/filepath"
	"strconv"
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
// line breaks, Chinese) and its expiry, and leaves the other types out.
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
	if m.Exists("a-list") {
		t.Errorf("a list came back; the snapshot keeps string keys only")
	}
}
