package store_test

import (
	"context"
	"path/filepath"
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
