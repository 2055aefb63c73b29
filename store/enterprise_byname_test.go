package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// TestByNameServedAlone: the process serving a FerretDB store alone finds
// an enterprise by name from memory and a read by _id: the enterprises
// registered before it served, those it registers, the oldest of a
// name, and the next oldest once the oldest is gone.
func TestByNameServedAlone(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("the names are kept on FerretDB only")
	}
	ctx := context.Background()
	create := func(r *store.Enterprises, name, openid string) store.Enterprise {
		t.Helper()
		e := store.Enterprise{Name: name, Contacts: []store.Contact{{OpenID: openid, Name: "张伟"}}}
		if err := r.Create(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	old := create(m.Enterprises(), "成都老牌电子有限公司", "u-old") // before this process serves
	m.ServeAlone()
	r := m.Enterprises()
	first := create(r, "重庆同名零部件有限公司", "u-1")
	second := create(r, "重庆同名零部件有限公司", "u-2") // a name in dispute: two hold it
	cctx, cost := store.CountCost(ctx)
	for _, c := range []struct {
		name, want string
	}{{"成都老牌电子有限公司", old.ID}, {"重庆同名零部件有限公司", first.ID}} {
		got, err := r.ByName(cctx, c.name)
		if err != nil || got.ID != c.want {
			t.Fatalf("ByName(%s): %s, %v; want %s", c.name, got.ID, err, c.want)
		}
	}
	if _, err := r.ByName(cctx, "没有这家公司"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown name: %v, want ErrNotFound", err)
	}
	for _, c := range cost.Mongo() {
		if c != "find enterprises" && c != "find enterprises by _id" {
			t.Errorf("command %q", c)
		}
	}
	if n := strings.Count(strings.Join(cost.Mongo(), ","), "find enterprises,"); n > 1 || (n == 1 && cost.Mongo()[0] != "find enterprises") {
		t.Fatalf("commands %v: want the names read once (the load), then only reads by _id", cost.Mongo())
	}
	// The oldest holder of the name leaves; the next one holds it.
	if deleted, err := r.RemoveContact(ctx, "u-1"); err != nil || !deleted {
		t.Fatalf("remove: %v, %v", deleted, err)
	}
	if got, err := r.ByName(ctx, "重庆同名零部件有限公司"); err != nil || got.ID != second.ID {
		t.Fatalf("after the oldest left: %s, %v; want %s", got.ID, err, second.ID)
	}
	if _, err := r.RemoveContact(ctx, "u-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ByName(ctx, "重庆同名零部件有限公司"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after both left: %v, want ErrNotFound", err)
	}
	// Gone behind its back (another process): found missing by _id, and
	// looked up by the filter once more.
	if _, err := m.Enterprises().RemoveContact(ctx, "u-old"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ByName(ctx, "成都老牌电子有限公司"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("gone behind its back: %v, want ErrNotFound", err)
	}
}

// TestWarmUpReadsAhead: WarmUp reads the names and the outbox's due times
// at start, so the first registration and the first lease read by _id
// only.
func TestWarmUpReadsAhead(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("kept on FerretDB only")
	}
	ctx := context.Background()
	e := store.Enterprise{Name: "绵阳预读电子有限公司", Contacts: []store.Contact{{OpenID: "warm-u"}}}
	if err := m.Enterprises().Create(ctx, &e); err != nil {
		t.Fatal(err)
	}
	if err := m.Outbox().Enqueue(ctx, store.OutboxItem{Key: "warm-1", Kind: "custom", OpenID: "warm-u", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	m.ServeAlone()
	if err := m.WarmUp(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cost := store.CountCost(ctx)
	if got, err := m.Enterprises().ByName(cctx, e.Name); err != nil || got.ID != e.ID {
		t.Fatalf("ByName: %s, %v", got.ID, err)
	}
	if got, err := m.Outbox().Lease(cctx, "w", 10, time.Minute, time.Now().Add(time.Second)); err != nil || len(got) != 1 {
		t.Fatalf("lease: %+v, %v", got, err)
	}
	for _, c := range cost.Mongo() {
		if !strings.Contains(c, "by _id") && !strings.HasPrefix(c, "insert") {
			t.Errorf("command %q after WarmUp (all: %v)", c, cost.Mongo())
		}
	}
}
