package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestRedisKV(t *testing.T) {
	r := storetest.Redis(t)
	ctx := context.Background()
	if _, err := r.Get(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: got %v, want ErrNotFound", err)
	}
	ok, err := r.SetNX(ctx, "k", "v1", time.Minute)
	if err != nil || !ok {
		t.Fatalf("first SetNX: got %v, %v, want true", ok, err)
	}
	ok, _ = r.SetNX(ctx, "k", "v2", time.Minute)
	if ok {
		t.Fatal("second SetNX took an existing key")
	}
	if removed, _ := r.DelIfEqual(ctx, "k", "other"); removed {
		t.Fatal("DelIfEqual removed a key holding another value")
	}
	if removed, _ := r.DelIfEqual(ctx, "k", "v1"); !removed {
		t.Fatal("DelIfEqual kept a key holding the value")
	}
	for want := int64(1); want <= 3; want++ {
		n, err := r.Incr(ctx, "c", time.Minute)
		if err != nil || n != want {
			t.Fatalf("Incr: got %d, %v, want %d", n, err, want)
		}
	}
}

func TestOutboxLeaseIsExclusive(t *testing.T) {
	m := storetest.Mongo(t)
	ob := m.Outbox()
	ctx := context.Background()
	now := time.Now().UTC()
	if err := ob.Enqueue(ctx, store.OutboxItem{Key: "k1", Kind: "custom", OpenID: "u", Text: "hi", NextAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := ob.Enqueue(ctx, store.OutboxItem{Key: "k1", Kind: "custom", OpenID: "u", Text: "hi"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second Enqueue: got %v, want ErrConflict", err)
	}
	a, err := ob.Lease(ctx, "A", 10, time.Minute, now)
	if err != nil || len(a) != 1 {
		t.Fatalf("lease A: got %d items, %v, want 1", len(a), err)
	}
	b, _ := ob.Lease(ctx, "B", 10, time.Minute, now)
	if len(b) != 0 {
		t.Fatalf("lease B while A holds it: got %d items, want 0", len(b))
	}
	// A dies; after the lease runs out B takes the item over.
	b, _ = ob.Lease(ctx, "B", 10, time.Minute, now.Add(2*time.Minute))
	if len(b) != 1 || b[0].Attempts != 2 {
		t.Fatalf("lease B after expiry: got %+v, want the item with 2 attempts", b)
	}
	if err := ob.Complete(ctx, "k1", "A", now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Complete by the stale owner: got %v, want ErrNotFound", err)
	}
	if err := ob.Complete(ctx, "k1", "B", now); err != nil {
		t.Fatal(err)
	}
	it, _ := ob.Get(ctx, "k1")
	if it.Status != store.OutboxSent {
		t.Fatalf("status: got %s, want sent", it.Status)
	}
}
