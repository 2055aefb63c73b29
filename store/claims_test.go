package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func TestAlertClaimDecideOnceAndSettle(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	a := m.Alerts()
	claim := store.Alert{Key: "match:d:o:u1", OpenID: "u1", Day: "20261224", Pending: true, CreatedAt: time.Now()}
	if err := a.Add(ctx, claim); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(ctx, claim); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second claim: got %v, want ErrConflict", err)
	}
	if got, err := a.Decide(ctx, claim.Key, store.DeliveryPush); err != nil || got != store.DeliveryPush {
		t.Fatalf("decide: got %q, %v", got, err)
	}
	if got, err := a.Decide(ctx, claim.Key, store.DeliveryDigest); err != nil || got != store.DeliveryPush {
		t.Fatalf("decide again: got %q, %v, want the first decision", got, err)
	}

	if err := a.Release(ctx, claim.Key); err != nil {
		t.Fatal(err)
	}
	if took, err := a.Reclaim(ctx, claim.Key); err != nil || !took {
		t.Fatalf("reclaim: got %v, %v, want taken", took, err)
	}
	if took, _ := a.Reclaim(ctx, claim.Key); took {
		t.Fatal("reclaim twice: got taken")
	}
	if err := a.Settle(ctx, claim.Key); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get(ctx, claim.Key); got.Pending || got.Released || got.Delivery != store.DeliveryPush {
		t.Fatalf("settled: got %+v", got)
	}

	// The slot an alert took is found again by its key.
	if n, _ := a.TakeSlot(ctx, "u1", "20261224", 5, claim.Key); n != 1 {
		t.Fatalf("slot: got %d", n)
	}
	if n, err := a.SlotOf(ctx, claim.Key); err != nil || n != 1 {
		t.Fatalf("slot of: got %d, %v", n, err)
	}
	if _, err := a.SlotOf(ctx, "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("slot of an alert without one: got %v", err)
	}
	if n, _ := a.SlotsTaken(ctx, "u1", "20261224"); n != 1 {
		t.Fatalf("slots taken: got %d", n)
	}
}

func TestDigestParts(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	a := m.Alerts()
	if n, err := a.LastDigestPart(ctx, "u1", "20261224"); err != nil || n != 0 {
		t.Fatalf("last part with none: got %d, %v", n, err)
	}
	for i, k := range []string{"a1", "a2", "a3"} {
		al := store.Alert{Key: k, OpenID: "u1", Day: "20261224", Delivery: store.DeliveryDigest, CreatedAt: time.Now().Add(time.Duration(i) * time.Second)}
		if err := a.Add(ctx, al); err != nil {
			t.Fatal(err)
		}
	}
	for k, part := range map[string]int{"a1": 1, "a2": 1, "a3": 2} {
		if err := a.SetDigestPart(ctx, k, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SetDigestPart(ctx, "a3", 1); err != nil { // never back
		t.Fatal(err)
	}
	if p1, _ := a.DigestPart(ctx, "u1", "20261224", 1); len(p1) != 2 || p1[0].Key != "a1" {
		t.Fatalf("part 1: got %+v", p1)
	}
	if p2, _ := a.DigestPart(ctx, "u1", "20261224", 2); len(p2) != 1 || p2[0].Key != "a3" {
		t.Fatalf("part 2: got %+v", p2)
	}
	if n, _ := a.LastDigestPart(ctx, "u1", "20261224"); n != 2 {
		t.Fatalf("last part: got %d, want 2", n)
	}
}

func TestDigestLockIsExclusive(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := m.Alerts().LockDigest(ctx, "u1", "20261224")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(20 * time.Millisecond)
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("holders at once: got %d, want 1", most.Load())
	}
	// A held lock makes the next taker wait until its context ends.
	unlock, err := m.Alerts().LockDigest(ctx, "u1", "20261224")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := m.Alerts().LockDigest(short, "u1", "20261224"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("taking a held lock: got %v, want the deadline", err)
	}
	if u2, err := m.Alerts().LockDigest(ctx, "u1", "20261225"); err != nil {
		t.Fatalf("another day's lock: %v", err)
	} else {
		u2()
	}
}

func TestSetPendingTextBeforeLeavesADueItem(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	o := m.Outbox()
	due := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	if err := o.Enqueue(ctx, store.OutboxItem{Key: "digest:u1:20261224", Kind: "custom", OpenID: "u1", Text: "v1", NextAt: due}); err != nil {
		t.Fatal(err)
	}
	if err := o.SetPendingTextBefore(ctx, "digest:u1:20261224", "v2", due.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := o.SetPendingTextBefore(ctx, "digest:u1:20261224", "v3", due); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rewrite of an item due by then: got %v, want ErrNotFound", err)
	}
	if it, _ := o.Get(ctx, "digest:u1:20261224"); it.Text != "v2" {
		t.Fatalf("text: got %q, want v2", it.Text)
	}
}

func TestContactRequestsOwing(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	r := m.ContactRequests()
	now := time.Now().UTC().Truncate(time.Millisecond)
	q1 := &store.ContactRequest{RequesterOpenID: "a", OwnerOpenID: "b", RecordID: "r1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	q2 := &store.ContactRequest{RequesterOpenID: "c", OwnerOpenID: "b", RecordID: "r1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	for _, q := range []*store.ContactRequest{q1, q2} {
		if err := r.Create(ctx, q); err != nil {
			t.Fatal(err)
		}
		if !q.Owes() {
			t.Fatalf("new request %d: Owes false, want the ask owed", q.No)
		}
	}
	later := now.Add(time.Minute)
	if owing, _ := r.Owing(ctx, now.Add(-time.Second), later, 10); len(owing) != 0 {
		t.Fatalf("owing before they were made: got %d", len(owing))
	}
	if owing, _ := r.Owing(ctx, now, later, 10); len(owing) != 2 {
		t.Fatalf("owing: got %d, want 2", len(owing))
	}
	if err := r.MarkAsked(ctx, q1.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := r.Answer(ctx, q1.ID, store.ContactAccepted, now); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkAsked(ctx, q2.ID, now); err != nil {
		t.Fatal(err)
	}
	owing, _ := r.Owing(ctx, now, later, 10)
	if len(owing) != 1 || owing[0].ID != q1.ID || !owing[0].Owes() {
		t.Fatalf("owing after the answer: got %+v, want the accepted one", owing)
	}
	if untold, _ := r.UntoldForOwner(ctx, "b"); len(untold) != 1 || untold[0].ID != q1.ID {
		t.Fatalf("untold: got %+v", untold)
	}
	if err := r.MarkTold(ctx, q1.ID, now); err != nil {
		t.Fatal(err)
	}
	if owing, _ := r.Owing(ctx, now, later, 10); len(owing) != 0 {
		t.Fatalf("owing when all is told: got %+v", owing)
	}
	if q, err := r.ByNo(ctx, "b", q2.No); err != nil || q.ID != q2.ID {
		t.Fatalf("by number: got %+v, %v", q, err)
	}
	if _, err := r.ByNo(ctx, "someone else", q2.No); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another owner's number: got %v", err)
	}
	// A request past its expiry is not asked any more; once expired, it
	// owes its requester the notice.
	q3 := &store.ContactRequest{RequesterOpenID: "d", OwnerOpenID: "b", RecordID: "r1", CreatedAt: now, ExpiresAt: now.Add(time.Second)}
	if err := r.Create(ctx, q3); err != nil {
		t.Fatal(err)
	}
	if owing, _ := r.Owing(ctx, now, now.Add(time.Hour), 10); len(owing) != 0 {
		t.Fatalf("owing with a request past its expiry: got %+v", owing)
	}
	if _, err := r.ExpireDue(ctx, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if owing, _ := r.Owing(ctx, now.Add(time.Minute), now.Add(time.Hour), 10); len(owing) != 1 || owing[0].ID != q3.ID {
		t.Fatalf("owing after the expiry: got %+v, want the notice of %d", owing, q3.No)
	}
}
