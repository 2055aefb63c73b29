package store_test

import (
	"context"
	"testing"
	"time"

	"supplybot/store/storetest"
)

// TestIncrGivesACounterWithoutExpiryOne: a counter left without expiry (as
// INCR leaves one when the key expired a moment before) gets the window
// again, so a rate limit never holds a user for good.
func TestIncrGivesACounterWithoutExpiryOne(t *testing.T) {
	r := storetest.Redis(t)
	ctx := context.Background()
	if err := r.Set(ctx, "rl:u", "7", 0); err != nil {
		t.Fatal(err)
	}
	n, err := r.Incr(ctx, "rl:u", 5*time.Second)
	if err != nil || n != 8 {
		t.Fatalf("Incr: got %d, %v, want 8", n, err)
	}
	ttl, err := r.Client().PTTL(ctx, r.Key("rl:u")).Result()
	if err != nil || ttl <= 0 || ttl > 5*time.Second {
		t.Fatalf("PTTL after Incr: got %v, %v, want within 5s", ttl, err)
	}
	// A live counter keeps its window: Incr does not extend it.
	time.Sleep(20 * time.Millisecond)
	if _, err := r.Incr(ctx, "rl:u", time.Hour); err != nil {
		t.Fatal(err)
	}
	if ttl2, _ := r.Client().PTTL(ctx, r.Key("rl:u")).Result(); ttl2 > 5*time.Second {
		t.Fatalf("PTTL after a second Incr: got %v, want the first window kept", ttl2)
	}
}
