package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/store"
)

// A completed item moves from outbox to outbox_done: inserted there, then
// deleted here. CountByStatus counted it in both while it moved, so the
// sent count ran ahead of the sends (TestOutboxCancelMidBatch saw all ten
// sent while one was still waiting).
func TestOutboxCountNeverCountsAnItemTwice(t *testing.T) {
	eachOutboxMode(t, func(t *testing.T, o *store.Outbox) {
		ctx := context.Background()
		now := time.Now().UTC()
		const n = 40
		for i := range n {
			if err := o.Enqueue(ctx, store.OutboxItem{Key: fmt.Sprintf("k%d", i), Kind: "custom", OpenID: "u", Text: "t", NextAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		items, err := o.Lease(ctx, "w", n, time.Minute, now)
		if err != nil || len(items) != n {
			t.Fatalf("lease: %d items, %v", len(items), err)
		}
		var started atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, it := range items {
				started.Add(1)
				if err := o.Complete(ctx, it.Key, "w", now); err != nil {
					t.Error(err)
				}
			}
		}()
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
			}
			c, err := o.CountByStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s := started.Load(); c[store.OutboxSent] > s {
				t.Fatalf("counted %d sent with %d completions begun: %v", c[store.OutboxSent], s, c)
			}
		}
		c, err := o.CountByStatus(ctx)
		if err != nil || c[store.OutboxSent] != n || c[store.OutboxLeased] != 0 {
			t.Fatalf("at the end: %v, %v; want %d sent", c, err, n)
		}
	})
}
