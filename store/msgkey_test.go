package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// TestMsgKeyIsUniqueWhereSet: records and contact requests without a
// message key are many; with one, a repeat of the message (even a
// concurrent one) gets ErrConflict and creates nothing.
func TestMsgKeyIsUniqueWhereSet(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	offers := m.Offers()
	for range 2 {
		if err := offers.Create(ctx, &store.Post{Product: "线束", OpenID: "u1"}); err != nil {
			t.Fatalf("create without a key: %v", err)
		}
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created []string
		errs    []error
	)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &store.Post{Product: "线束", OpenID: "u1", MsgKey: "m:u1:42"}
			err := offers.Create(ctx, p)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				created = append(created, p.No)
			} else {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(created) != 1 {
		t.Fatalf("concurrent creates of one message: %d records %v, want 1", len(created), created)
	}
	for _, err := range errs {
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("repeat: got %v, want ErrConflict", err)
		}
	}
	// The same key in the other collection is another record.
	if err := m.Demands().Create(ctx, &store.Post{Product: "线束", OpenID: "u1", MsgKey: "m:u1:42"}); err != nil {
		t.Fatalf("demand with an offer's key: %v", err)
	}

	reqs := m.ContactRequests()
	now := time.Now().UTC()
	q := func(record, key string) *store.ContactRequest {
		return &store.ContactRequest{RequesterOpenID: "u2", OwnerOpenID: "u1", RecordID: record, RecordNo: record,
			CreatedAt: now, ExpiresAt: now.Add(time.Hour), MsgKey: key}
	}
	if err := reqs.Create(ctx, q("r1", "")); err != nil {
		t.Fatal(err)
	}
	if err := reqs.Create(ctx, q("r2", "")); err != nil {
		t.Fatalf("second request without a key: %v", err)
	}
	if err := reqs.Create(ctx, q("r3", "m:u2:7")); err != nil {
		t.Fatal(err)
	}
	if err := reqs.Create(ctx, q("r4", "m:u2:7")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("request of the same message: got %v, want ErrConflict", err)
	}
}
