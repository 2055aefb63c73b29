package lifecycle_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/lifecycle"
	"supplybot/handlers/notify"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// calls records what the sweep asked of matching and contact brokering,
// in order.
type calls struct {
	got      []string
	contactE error // returned by ExpireDue
}

func (c *calls) PostClosed(_ context.Context, p store.Post) { c.got = append(c.got, "closed "+p.No) }
func (c *calls) Prune(time.Time)                            { c.got = append(c.got, "prune") }
func (c *calls) CatchUp(context.Context) error {
	c.got = append(c.got, "catch-up")
	return nil
}
func (c *calls) ExpireDue(context.Context, time.Time) error {
	c.got = append(c.got, "expire requests")
	return c.contactE
}
func (c *calls) FinishOwed(context.Context, time.Time) error {
	c.got = append(c.got, "finish requests")
	return nil
}

// outbox records the queued items by key.
type outbox struct{ items map[string]store.OutboxItem }

func (o *outbox) Enqueue(_ context.Context, it store.OutboxItem) error {
	if _, ok := o.items[it.Key]; ok {
		return store.ErrConflict
	}
	o.items[it.Key] = it
	return nil
}

func (o *outbox) SetPendingTextBefore(context.Context, string, string, time.Time) error {
	return store.ErrNotFound
}

var cst = time.FixedZone("CST", 8*3600)

func TestSweepRemindsExpiresAndDrivesTheOthers(t *testing.T) {
	ctx := context.Background()
	mg := storetest.Mongo(t)
	now := time.Date(2026, 3, 1, 23, 0, 0, 0, cst) // inside the quiet hours
	post := func(kind, product string, expires time.Time) store.Post {
		p := store.Post{Kind: kind, Product: product, OpenID: "owner-" + product, ExpiresAt: expires}
		if err := mg.Posts(kind).Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	soon := post(store.KindOffer, "轮毂", now.Add(48*time.Hour))
	late := post(store.KindDemand, "线束", now.Add(10*24*time.Hour))
	past := post(store.KindDemand, "电池", now.Add(-time.Hour))

	ob := &outbox{items: map[string]store.OutboxItem{}}
	c := &calls{contactE: errors.New("contacts down")}
	s := lifecycle.New(lifecycle.Config{Quiet: notify.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}},
		lifecycle.Deps{Mongo: mg, Notify: notify.New(ob, nil), Matcher: c, Contacts: c})
	if err := s.RunOnce(ctx, now); err == nil || !strings.Contains(err.Error(), "contacts down") {
		t.Fatalf("RunOnce: got %v, want the contacts' error", err)
	}
	want := []string{"closed " + past.No, "prune", "expire requests", "finish requests", "catch-up"}
	if strings.Join(c.got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("calls: got %v, want %v (the catch-up runs despite the error)", c.got, want)
	}
	key := notify.ExpiryReminderKey(soon.ID, soon.ExpiresAt).String()
	it, ok := ob.items[key]
	if !ok || len(ob.items) != 1 {
		t.Fatalf("queued %v, want only the reminder %s", ob.items, key)
	}
	if it.OpenID != soon.OpenID || !strings.Contains(it.Text, "您的供应 "+soon.No+"（轮毂）将于 3月3日 到期，仍在供应吗？回复 续期 "+soon.No) {
		t.Errorf("reminder: %+v", it)
	}
	if wantAt := time.Date(2026, 3, 2, 8, 0, 0, 0, cst); !it.NextAt.Equal(wantAt) {
		t.Errorf("reminder due %v, want the end of the quiet hours %v", it.NextAt, wantAt)
	}
	if got, _ := mg.Posts(store.KindDemand).Get(ctx, past.ID); got.Status != store.StatusExpired {
		t.Errorf("past record: status %q, want expired", got.Status)
	}
	if got, _ := mg.Posts(store.KindDemand).Get(ctx, late.ID); got.Status != store.StatusOpen {
		t.Errorf("later record: status %q, want open", got.Status)
	}

	// A second sweep reminds nobody again and expires nothing more.
	c.got, c.contactE = nil, nil
	if err := s.RunOnce(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(ob.items) != 1 {
		t.Errorf("queued after the second sweep: %d, want still 1", len(ob.items))
	}
	if want := "prune, expire requests, finish requests, catch-up"; strings.Join(c.got, ", ") != want {
		t.Errorf("second sweep calls: got %v, want %s", c.got, want)
	}
}
