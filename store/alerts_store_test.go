package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMatchesUpsertIsIdempotent(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	mt := store.Match{DemandID: "d1", DemandNo: "D1001", OfferID: "o1", OfferNo: "O1001", Score: 0.7, Reasons: []string{"品类相同"}}
	if created, err := m.Matches().Upsert(ctx, mt, now); err != nil || !created {
		t.Fatalf("first upsert: got %v, %v, want created", created, err)
	}
	mt.Score, mt.Reasons = 0.8, []string{"品类相同", "同城"}
	if created, err := m.Matches().Upsert(ctx, mt, now.Add(time.Hour)); err != nil || created {
		t.Fatalf("second upsert: got %v, %v, want updated", created, err)
	}
	got, err := m.Matches().Get(ctx, "d1", "o1")
	if err != nil || got.Score != 0.8 || len(got.Reasons) != 2 || !got.CreatedAt.Equal(now) {
		t.Fatalf("stored: got %+v, %v", got, err)
	}
	if n, _ := m.Matches().Count(ctx); n != 1 {
		t.Fatalf("count: got %d, want 1", n)
	}
}

func TestAlertsInboxAndDailyCounter(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	a := m.Alerts()
	for i := 1; i <= 3; i++ {
		if n, err := a.TakeSlot(ctx, "u1", "20261224", 2, "k"+strconv.Itoa(i)); err != nil || n != i {
			t.Fatalf("slot %d: got %d, %v", i, n, err)
		}
	}
	if n, _ := a.TakeSlot(ctx, "u1", "20261225", 2, "k4"); n != 1 {
		t.Fatalf("next day: got %d, want 1", n)
	}
	al := store.Alert{Key: "match:d:o:u1", OpenID: "u1", Delivery: store.DeliveryDigest, Day: "20261224", CreatedAt: time.Now()}
	if err := a.Add(ctx, al); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(ctx, al); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second add: got %v, want ErrConflict", err)
	}
	if ok, _ := a.Exists(ctx, al.Key); !ok {
		t.Fatal("Exists: got false")
	}
	if d, _ := a.Digest(ctx, "u1", "20261224"); len(d) != 1 {
		t.Fatalf("digest: got %d, want 1", len(d))
	}

	o := m.Outbox()
	if err := o.Enqueue(ctx, store.OutboxItem{Key: "digest:u1:20261224", Kind: "custom", OpenID: "u1", Text: "v1"}); err != nil {
		t.Fatal(err)
	}
	if err := o.SetPendingTextBefore(ctx, "digest:u1:20261224", "v2", time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if it, _ := o.Get(ctx, "digest:u1:20261224"); it.Text != "v2" {
		t.Fatalf("text: got %q, want v2", it.Text)
	}
	if _, err := o.Lease(ctx, "w", 1, time.Minute, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := o.SetPendingTextBefore(ctx, "digest:u1:20261224", "v3", time.Now().Add(-time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rewrite a leased item: got %v, want ErrNotFound", err)
	}
}

func TestContactRequestsOncePerRecord(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	r := m.ContactRequests()
	now := time.Now().UTC()
	q := &store.ContactRequest{RequesterOpenID: "a", OwnerOpenID: "b", RecordID: "r1", RecordNo: "D1001", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := r.Create(ctx, q); err != nil || q.No != 1 || q.Status != store.ContactPending {
		t.Fatalf("create: got %+v, %v", q, err)
	}
	if err := r.Create(ctx, &store.ContactRequest{RequesterOpenID: "a", OwnerOpenID: "b", RecordID: "r1", ExpiresAt: now.Add(time.Hour)}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second request for the record: got %v, want ErrConflict", err)
	}
	q2 := &store.ContactRequest{RequesterOpenID: "c", OwnerOpenID: "b", RecordID: "r1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := r.Create(ctx, q2); err != nil || q2.No != 2 {
		t.Fatalf("another requester: got %+v, %v", q2, err)
	}
	if p, _ := r.PendingForOwner(ctx, "b", now); len(p) != 2 || p[0].No != 1 {
		t.Fatalf("pending: got %+v", p)
	}
	if err := r.Answer(ctx, q.ID, store.ContactAccepted, now); err != nil {
		t.Fatal(err)
	}
	if err := r.Answer(ctx, q.ID, store.ContactDeclined, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer twice: got %v, want ErrNotFound", err)
	}
	if ok, _ := r.HasPending(ctx, "b", now); !ok {
		t.Fatal("HasPending: got false with one pending")
	}
	exp, err := r.ExpireDue(ctx, now.Add(2*time.Hour))
	if err != nil || len(exp) != 1 || exp[0].ID != q2.ID {
		t.Fatalf("expire: got %+v, %v", exp, err)
	}
	if again, _ := r.ExpireDue(ctx, now.Add(2*time.Hour)); len(again) != 0 {
		t.Fatalf("expire again: got %d", len(again))
	}
	if got, _ := r.Get(ctx, "c", "r1"); got.Status != store.ContactExpired {
		t.Fatalf("status: got %q", got.Status)
	}
}

func TestSubscriptionsCandidates(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	s := m.Subscriptions()
	now := time.Now().UTC()
	subs := []store.Subscription{
		{ID: "s1", OpenID: "u", Words: []string{"轮毂"}, Keywords: []string{"轮毂", "轮圈"}, CreatedAt: now},
		{ID: "s2", OpenID: "u", CategoryCode: "electronics.pcb", CreatedAt: now.Add(time.Second)},
		{ID: "s3", OpenID: "v", Words: []string{"线束"}, Keywords: []string{"线束"}, CreatedAt: now},
	}
	for _, sub := range subs {
		if err := s.Create(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(ctx, subs[0]); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same subscription twice: got %v", err)
	}
	if got, _ := s.ByOpenID(ctx, "u"); len(got) != 2 || got[0].ID != "s1" {
		t.Fatalf("by openid: got %+v", got)
	}
	got, err := s.Candidates(ctx, []string{"轮圈", "铝合金轮毂"}, []string{"electronics.pcb.multilayer", "electronics.pcb", "electronics"})
	if err != nil || len(got) != 2 {
		t.Fatalf("candidates: got %+v, %v, want s1 and s2", got, err)
	}
	if err := s.Delete(ctx, "v", "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete another user's: got %v", err)
	}
	if err := s.Delete(ctx, "u", "s1"); err != nil {
		t.Fatal(err)
	}
}

func TestPostsChangedSinceAndFulfilledStats(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	d := m.Demands()
	yes := true
	a := &store.Post{Product: "轮毂", OpenID: "u"}
	b := &store.Post{Product: "线束", OpenID: "u"}
	for _, p := range []*store.Post{a, b} {
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	if err := d.Close(ctx, a.ID, store.StatusClosed, "已成交", &yes); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(ctx, b.ID, store.StatusClosed, "撤回", nil); err != nil {
		t.Fatal(err)
	}
	changed, err := d.ChangedSince(ctx, since, nil)
	if err != nil || len(changed) != 2 {
		t.Fatalf("changed: got %d, %v", len(changed), err)
	}
	closed, via, err := d.FulfilledStats(ctx)
	if err != nil || closed != 2 || via != 1 {
		t.Fatalf("stats: got %d closed, %d via platform, %v; want 2, 1", closed, via, err)
	}
}

// Concurrent alerts to one user each get their own slot. A findAndModify
// $inc counter failed this on FerretDB: duplicate keys on the first upsert
// and lost increments after it.
func TestTakeSlotConcurrent(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	const n = 8
	got := make(chan int64, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			v, err := m.Alerts().TakeSlot(ctx, "race", "20261224", n, "k"+strconv.Itoa(i))
			got <- int64(v)
			errs <- err
		}()
	}
	seen := map[int64]bool{}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("CountDay: %v", err)
		}
		seen[<-got] = true
	}
	if len(seen) != n {
		t.Fatalf("values: got %v, want 1..%d once each", seen, n)
	}
}

func TestContactRequestNumbersUniqueUnderConcurrency(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	const n = 8
	nos := make(chan int64, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			q := &store.ContactRequest{RequesterOpenID: "r" + string(rune('a'+i)), OwnerOpenID: "o", RecordID: "rec", ExpiresAt: time.Now().Add(time.Hour)}
			errs <- m.ContactRequests().Create(ctx, q)
			nos <- q.No
		}()
	}
	seen := map[int64]bool{}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("create: %v", err)
		}
		seen[<-nos] = true
	}
	if len(seen) != n {
		t.Fatalf("numbers: got %v, want %d distinct", seen, n)
	}
}
