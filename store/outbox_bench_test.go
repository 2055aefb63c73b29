package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// BenchmarkOutboxDrain: one push through the outbox — leased, completed
// (and archived), and a new one enqueued so the depth holds — with 100 and
// 10,000 pushes waiting, pending but not due yet. "shared" is how any
// process leases (a filter on the live outbox, which FerretDB answers by
// reading it all), "served-alone" how the process that serves a FerretDB
// store alone does (the due index, outbox_due.go; its one read of the
// outbox at the first lease is not timed). The second should not grow
// with the depth; on MongoDB both are the first, served by an index.
//
//	go test ./store -run '^$' -bench OutboxDrain -benchtime 200x
func BenchmarkOutboxDrain(b *testing.B) {
	for _, depth := range []int{100, 10000} {
		for _, alone := range []bool{false, true} {
			m := storetest.Mongo(b)
			if alone {
				m.ServeAlone()
			}
			o := m.Outbox()
			ctx := context.Background()
			later := time.Now().Add(time.Hour)
			if err := o.FillWaiting(ctx, "wait", depth, later); err != nil {
				b.Fatal(err)
			}
			mode := map[bool]string{false: "shared", true: "served-alone"}[alone]
			b.Run(fmt.Sprintf("%s/waiting=%d", mode, depth), func(b *testing.B) {
				// The first lease served alone reads the outbox once
				// (the due index's load), as a process does at its start.
				if got, err := o.Lease(ctx, "w", 1, time.Minute, time.Now()); err != nil || len(got) != 0 {
					b.Fatalf("nothing is due yet: %+v, %v", got, err)
				}
				i := 0
				for b.Loop() {
					now := time.Now()
					key := fmt.Sprintf("due-%d", i)
					if err := o.Enqueue(ctx, store.OutboxItem{Key: key, Kind: "custom", OpenID: "u", Text: "t", NextAt: now}); err != nil {
						b.Fatal(err)
					}
					items, err := o.Lease(ctx, "w", 1, time.Minute, now)
					if err != nil || len(items) != 1 || items[0].Key != key {
						b.Fatalf("lease: %+v, %v; want %s", items, err, key)
					}
					if err := o.Complete(ctx, key, "w", now); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}
