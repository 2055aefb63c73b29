package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// A user who deregisters leaves no text, subscription or unsent push behind.
func TestForgetUser(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC()

	mine := store.Post{Product: "PCB", OpenID: "gone", EnterpriseID: "e1", RawText: "供应 PCB 电话13800001111 王经理"}
	theirs := store.Post{Product: "PCB", OpenID: "stays", EnterpriseID: "e2", RawText: "供应 PCB 成都"}
	for _, p := range []*store.Post{&mine, &theirs} {
		if err := m.Offers().Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []store.Subscription{
		{ID: "s1", OpenID: "gone", Words: []string{"轮毂"}},
		{ID: "s2", OpenID: "gone", Words: []string{"PCB"}},
		{ID: "s3", OpenID: "stays", Words: []string{"轮毂"}},
	} {
		if err := m.Subscriptions().Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	ob := m.Outbox()
	for _, it := range []store.OutboxItem{
		{Key: "later", Kind: "custom", OpenID: "gone", Text: "a", NextAt: now.Add(time.Hour)},
		{Key: "held", Kind: "custom", OpenID: "gone", Text: "b", NextAt: now},
		{Key: "other", Kind: "custom", OpenID: "stays", Text: "c", NextAt: now.Add(time.Hour)},
	} {
		if err := ob.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := ob.Lease(ctx, "w", 10, time.Minute, now); err != nil || len(got) != 1 {
		t.Fatalf("lease: got %d, %v, want the due item", len(got), err)
	}
	if err := ob.Hold(ctx, "held", "w", 45015, "window closed"); err != nil {
		t.Fatal(err)
	}

	reqs := m.ContactRequests()
	asked := store.ContactRequest{RequesterOpenID: "gone", OwnerOpenID: "stays", RecordID: theirs.ID, RecordNo: theirs.No, ExpiresAt: now.Add(7 * 24 * time.Hour)}
	kept := store.ContactRequest{RequesterOpenID: "stays2", OwnerOpenID: "stays", RecordID: theirs.ID, RecordNo: theirs.No, ExpiresAt: now.Add(7 * 24 * time.Hour)}
	for _, q := range []*store.ContactRequest{&asked, &kept} {
		if err := reqs.Create(ctx, q); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := m.Offers().RemoveByOpenID(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := m.ForgetUser(ctx, "gone"); err != nil {
		t.Fatal(err)
	}

	if p, _ := m.Offers().Get(ctx, mine.ID); p.Status != store.StatusRemoved || p.OpenID != "" || p.EnterpriseID != "" || p.RawText != "" {
		t.Errorf("removed record: got status %s openid %q enterprise %q raw %q, want removed and blank", p.Status, p.OpenID, p.EnterpriseID, p.RawText)
	}
	if p, _ := m.Offers().Get(ctx, theirs.ID); p.Status != store.StatusOpen || p.RawText != theirs.RawText || p.EnterpriseID != "e2" {
		t.Errorf("another user's record: got %+v", p)
	}
	if subs, _ := m.Subscriptions().ByOpenID(ctx, "gone"); len(subs) != 0 {
		t.Errorf("subscriptions of the user: got %d, want 0", len(subs))
	}
	if subs, _ := m.Subscriptions().ByOpenID(ctx, "stays"); len(subs) != 1 {
		t.Errorf("subscriptions of another user: got %d, want 1", len(subs))
	}
	for key, want := range map[string]string{"later": store.OutboxFailed, "held": store.OutboxFailed, "other": store.OutboxPending} {
		if it, err := ob.Get(ctx, key); err != nil || it.Status != want {
			t.Errorf("push %s: got %q (%v), want %q", key, it.Status, err, want)
		}
	}
	if n, _ := ob.ReleaseHeld(ctx, "gone", now); n != 0 {
		t.Errorf("held pushes released after ForgetUser: %d", n)
	}
	if got, _ := ob.Lease(ctx, "w", 10, time.Minute, now.Add(2*time.Hour)); len(got) != 1 || got[0].Key != "other" {
		t.Errorf("lease after ForgetUser: got %+v, want only the other user's push", got)
	}
	if err := ob.Enqueue(ctx, store.OutboxItem{Key: "later", Kind: "custom", OpenID: "gone", Text: "a"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("enqueue of a dropped key again: got %v, want ErrConflict", err)
	}
	if q, _ := reqs.ByID(ctx, asked.ID); q.Status != store.ContactExpired || q.Owes() {
		t.Errorf("the user's own request: got %s owes=%v, want withdrawn with nothing owed", q.Status, q.Owes())
	}
	if q, _ := reqs.ByID(ctx, kept.ID); q.Status != store.ContactPending {
		t.Errorf("another user's request: got %s, want pending", q.Status)
	}
	if err := m.ForgetUser(ctx, "gone"); err != nil {
		t.Errorf("ForgetUser again: %v", err)
	}
}
