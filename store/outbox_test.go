package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func openOutboxes(t *testing.T, n int) []*store.Outbox {
	t.Helper()
	uri, name := storetest.MongoURI(t), storetest.UniqueName("ob_")
	var out []*store.Outbox
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		m, err := store.OpenMongo(ctx, uri, name)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = m.DropDatabase(ctx)
			_ = m.Close(ctx)
		})
		out = append(out, m.Outbox())
	}
	return out
}

// eachOutboxMode runs test on a fresh outbox as every process sees it (on
// FerretDB: leases that read the live outbox by a filter) and as the
// process serving a FerretDB store alone sees it (Mongo.ServeAlone: leases
// from the due index, outbox_due.go); on MongoDB both are the former.
func eachOutboxMode(t *testing.T, test func(t *testing.T, o *store.Outbox)) {
	for _, alone := range []bool{false, true} {
		t.Run(map[bool]string{false: "shared", true: "served-alone"}[alone], func(t *testing.T) {
			m := storetest.Mongo(t)
			if alone {
				m.ServeAlone()
			}
			test(t, m.Outbox())
		})
	}
}

func TestOutboxLifecycle(t *testing.T) {
	eachOutboxMode(t, func(t *testing.T, o *store.Outbox) {
		ctx := context.Background()
		now := time.Now().UTC()
		if err := o.Enqueue(ctx, store.OutboxItem{Key: "k1", Kind: "custom", OpenID: "u", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := o.Enqueue(ctx, store.OutboxItem{Key: "k1", Kind: "custom", OpenID: "u", Text: "x"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second enqueue: %v, want ErrConflict", err)
		}
		got, err := o.Lease(ctx, "a", 10, 100*time.Millisecond, now)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].LeaseOwner != "a" {
			t.Fatalf("lease: %+v %v", got, err)
		}
		if again, _ := o.Lease(ctx, "b", 10, time.Minute, now); len(again) != 0 {
			t.Fatalf("leased twice while the lease holds: %+v", again)
		}
		if err := o.Complete(ctx, "k1", "b", now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("complete by a non-owner: %v, want ErrNotFound", err)
		}
		// a dies; its lease runs out and b takes the item over.
		later := now.Add(time.Second)
		got, _ = o.Lease(ctx, "b", 10, time.Minute, later)
		if len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("take-over: %+v", got)
		}
		if err := o.Complete(ctx, "k1", "a", later); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("late complete by the dead owner: %v, want ErrNotFound", err)
		}
		if err := o.Hold(ctx, "k1", "b", 45015, "window"); err != nil {
			t.Fatal(err)
		}
		if got, _ := o.Lease(ctx, "c", 10, time.Minute, later.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("a held item was leased: %+v", got)
		}
		if n, err := o.ReleaseHeld(ctx, "u", later); err != nil || n != 1 {
			t.Fatalf("release: %d %v", n, err)
		}
		got, _ = o.Lease(ctx, "c", 10, time.Minute, later)
		if len(got) != 1 || got[0].Attempts != 3 {
			t.Fatalf("after release: %+v", got)
		}
		if err := o.Complete(ctx, "k1", "c", later); err != nil {
			t.Fatal(err)
		}
		it, _ := o.Get(ctx, "k1")
		if it.Status != store.OutboxSent || it.LastCode != 0 {
			t.Fatalf("final: %+v", it)
		}
	})
}

// TestLeaseExclusive: workers on separate connections lease concurrently;
// each item must be handed out exactly once.
func TestLeaseExclusive(t *testing.T) {
	obs := openOutboxes(t, 4)
	ctx := context.Background()
	const n = 60
	for i := range n {
		if err := obs[0].Enqueue(ctx, store.OutboxItem{Key: fmt.Sprintf("x%d", i), Kind: "custom", OpenID: "u"}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string][]string{}
	var wg sync.WaitGroup
	for w, o := range obs {
		for g := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("w%d-%d", w, g)
				for empty := 0; empty < 3; {
					got, err := o.Lease(ctx, owner, 4, time.Hour, time.Now())
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						empty++
						continue
					}
					mu.Lock()
					for _, it := range got {
						seen[it.Key] = append(seen[it.Key], owner)
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for i := range n {
		if owners := seen[fmt.Sprintf("x%d", i)]; len(owners) != 1 {
			t.Errorf("x%d leased by %v, want exactly one owner", i, owners)
		}
	}
}

// TestOutboxArchive: finished items leave the live outbox, stay readable,
// and their keys stay taken.
func TestOutboxArchive(t *testing.T) {
	eachOutboxMode(t, func(t *testing.T, o *store.Outbox) {
		ctx := context.Background()
		now := time.Now().UTC()
		for _, k := range []string{"sent", "failed"} {
			if err := o.Enqueue(ctx, store.OutboxItem{Key: k, Kind: "custom", OpenID: "u", Text: k}); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(time.Second)
		got, err := o.Lease(ctx, "w", 10, time.Minute, now)
		if err != nil || len(got) != 2 {
			t.Fatalf("lease: %+v %v", got, err)
		}
		if err := o.Complete(ctx, "sent", "w", now); err != nil {
			t.Fatal(err)
		}
		if err := o.Fail(ctx, "failed", "w", 43004, "unsubscribed"); err != nil {
			t.Fatal(err)
		}
		if n, err := o.LiveOutboxLen(ctx); err != nil || n != 0 {
			t.Fatalf("live outbox holds %d items (%v), want 0", n, err)
		}
		for k, want := range map[string]string{"sent": store.OutboxSent, "failed": store.OutboxFailed} {
			it, err := o.Get(ctx, k)
			if err != nil || it.Status != want {
				t.Errorf("Get(%s) = %q %v, want %q", k, it.Status, err, want)
			}
			if err := o.Enqueue(ctx, store.OutboxItem{Key: k, Kind: "custom", OpenID: "u"}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("enqueue %s again after archiving: %v, want ErrConflict", k, err)
			}
		}
		if got, _ := o.Lease(ctx, "w", 10, time.Minute, now.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("a refused repeat was leased: %+v", got)
		}
		c, err := o.CountByStatus(ctx)
		if err != nil || c[store.OutboxSent] != 1 || c[store.OutboxFailed] != 1 {
			t.Fatalf("counts %v %v, want one sent and one failed", c, err)
		}
	})
}

// TestOutboxEnqueueCrash: a process killed between Enqueue's two writes
// loses nothing; a Lease after the grace period finishes the enqueue, and
// only once even when a repeat enqueue of the key came meanwhile.
func TestOutboxEnqueueCrash(t *testing.T) {
	eachOutboxMode(t, func(t *testing.T, o *store.Outbox) {
		ctx := context.Background()
		now := time.Now().UTC()
		if err := o.EnqueueDiesBeforeReserve(ctx, store.OutboxItem{Key: "c1", Kind: "custom", OpenID: "u", Text: "x", CreatedAt: now, NextAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := o.Enqueue(ctx, store.OutboxItem{Key: "c1", Kind: "custom", OpenID: "u"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("repeat enqueue while the first is unfinished: %v, want ErrConflict", err)
		}
		if got, _ := o.Lease(ctx, "w", 10, time.Minute, now); len(got) != 0 {
			t.Fatalf("an unreserved item was leased within the grace period: %+v", got)
		}
		later := now.Add(store.EnqueueGrace + time.Second)
		got, err := o.Lease(ctx, "w", 10, time.Minute, later)
		if err != nil || len(got) != 1 || got[0].Key != "c1" || got[0].Text != "x" {
			t.Fatalf("lease after the grace period: %+v %v, want the recovered c1", got, err)
		}
		if again, _ := o.Lease(ctx, "w2", 10, time.Minute, later); len(again) != 0 {
			t.Fatalf("recovered item leased twice: %+v", again)
		}
		if err := o.Enqueue(ctx, store.OutboxItem{Key: "c1", Kind: "custom", OpenID: "u"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("repeat enqueue after recovery: %v, want ErrConflict", err)
		}
	})
}

// TestLeaseAfterWorkerDiedMidClaim: a worker killed between claiming a
// lease and updating the item leaves its claim behind; once that claim is
// older than a lease, another worker takes the item, and only one does.
func TestLeaseAfterWorkerDiedMidClaim(t *testing.T) {
	obs := openOutboxes(t, 1)
	o := obs[0]
	ctx := context.Background()
	now := time.Now().UTC().Add(time.Second)
	if err := o.Enqueue(ctx, store.OutboxItem{Key: "k1", Kind: "custom", OpenID: "u", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := o.ClaimOnly(ctx, "k1", "dead", now); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Lease(ctx, "w", 10, time.Minute, now.Add(30*time.Second)); len(got) != 0 {
		t.Fatalf("leased while the dead worker's claim is younger than a lease: %+v", got)
	}
	later := now.Add(2 * time.Minute)
	got, err := o.Lease(ctx, "w", 10, time.Minute, later)
	if err != nil || len(got) != 1 || got[0].Key != "k1" || got[0].Attempts != 1 {
		t.Fatalf("lease after the claim went stale: %+v %v, want k1 at attempt 1", got, err)
	}
	if again, _ := o.Lease(ctx, "w2", 10, time.Minute, later); len(again) != 0 {
		t.Fatalf("leased twice: %+v", again)
	}
}
