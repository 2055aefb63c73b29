package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// TestServedAloneOutboxLeasesByIDOnly: the process serving a FerretDB
// store alone reads the live outbox by a filter once, at its first lease;
// after that a lease, a completion and a release read and write items by
// their lone _id only, however many wait, and hand items out in due order.
func TestServedAloneOutboxLeasesByIDOnly(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("the due index is kept on FerretDB only")
	}
	ctx := context.Background()
	now := time.Now().UTC()
	// Written before this process serves: another process, or an earlier run.
	before := m.Outbox()
	if err := before.FillWaiting(ctx, "later", 300, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := before.Enqueue(ctx, store.OutboxItem{Key: "old-due", Kind: "custom", OpenID: "u1", Text: "t", NextAt: now.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	m.ServeAlone()
	o := m.Outbox()
	for i, at := range []time.Duration{-3 * time.Second, -2 * time.Second, -time.Second} {
		if err := o.Enqueue(ctx, store.OutboxItem{Key: fmt.Sprintf("due-%d", i), Kind: "custom", OpenID: "u2", Text: "t", NextAt: now.Add(at)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.Lease(ctx, "w", 2, time.Minute, now) // the first lease loads
	if err != nil || len(got) != 2 || got[0].Key != "old-due" || got[1].Key != "due-0" {
		t.Fatalf("first lease: %+v, %v; want old-due, due-0 (due order)", got, err)
	}
	cctx, cost := store.CountCost(ctx)
	got, err = o.Lease(cctx, "w", 10, time.Minute, now)
	if err != nil || len(got) != 2 || got[0].Key != "due-1" || got[1].Key != "due-2" {
		t.Fatalf("second lease: %+v, %v; want due-1, due-2", got, err)
	}
	for _, it := range got {
		if err := o.Hold(cctx, it.Key, "w", 45015, "window"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := o.ReleaseHeld(cctx, "u2", now); err != nil || n != 2 {
		t.Fatalf("release: %d, %v; want 2", n, err)
	}
	got, err = o.Lease(cctx, "w", 10, time.Minute, now)
	if err != nil || len(got) != 2 {
		t.Fatalf("after the release: %+v, %v; want the two released", got, err)
	}
	for _, it := range got {
		if err := o.Complete(cctx, it.Key, "w", now); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := o.Lease(cctx, "w", 10, time.Minute, now); err != nil || len(got) != 0 {
		t.Fatalf("nothing due: %+v, %v", got, err)
	}
	for _, c := range cost.Mongo() {
		if !strings.Contains(c, "by _id") && !strings.HasPrefix(c, "insert") {
			t.Errorf("command %q: want only inserts and commands by a lone _id once loaded (all: %v)", c, cost.Mongo())
		}
	}
	// An item that went behind the index's back (forgotten by its user
	// via another path) is not leased, and does not stop the lease.
	if err := o.Enqueue(ctx, store.OutboxItem{Key: "gone", Kind: "custom", OpenID: "u3", Text: "t", NextAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := before.DropForOpenID(ctx, "u3", "test"); err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(ctx, store.OutboxItem{Key: "after-gone", Kind: "custom", OpenID: "u4", Text: "t", NextAt: now}); err != nil {
		t.Fatal(err)
	}
	if got, err := o.Lease(ctx, "w", 10, time.Minute, now); err != nil || len(got) != 1 || got[0].Key != "after-gone" {
		t.Fatalf("with a stale entry: %+v, %v; want after-gone only", got, err)
	}
	// The items due in an hour come due then, with the three leased
	// above and never finished, whose leases have run out by then.
	if got, err := o.Lease(ctx, "w", 500, time.Minute, now.Add(2*time.Hour)); err != nil || len(got) != 303 {
		t.Fatalf("two hours on: %d items, %v; want the 300 loaded at the start and 3 whose lease ran out", len(got), err)
	}
}
