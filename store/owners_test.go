package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// 我的发布's lookups list the enterprise's and the user's records newest
// first, without removed ones, up to the limit, also for records saved
// before the owner documents were kept.
func TestByEnterpriseAndByOpenID(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	offers := m.Offers()
	now := time.Now().UTC()
	var mine []*store.Post
	for i := range 5 {
		p := &store.Post{Product: "线束", OpenID: []string{"u1", "u2"}[i%2], EnterpriseID: "e1", CreatedAt: now.Add(time.Duration(i) * time.Minute)}
		if err := offers.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		mine = append(mine, p)
	}
	other := &store.Post{Product: "线束", OpenID: "u3", EnterpriseID: "e2"}
	if err := offers.Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := offers.Close(ctx, mine[4].ID, store.StatusRemoved, "撤回", nil); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		got, err := offers.ByEnterprise(ctx, "e1", 3)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{mine[3].No, mine[2].No, mine[1].No}; !slices.Equal(nos(got), want) {
			t.Errorf("%s: by enterprise: got %v, want %v", when, nos(got), want)
		}
		got, err = offers.ByOpenID(ctx, "u1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{mine[2].No, mine[0].No}; !slices.Equal(nos(got), want) {
			t.Errorf("%s: by openid: got %v, want %v", when, nos(got), want)
		}
		if got, _ := offers.ByOpenID(ctx, "nobody", 10); len(got) != 0 {
			t.Errorf("%s: a user without records: got %v", when, nos(got))
		}
	}
	check("with owner documents")
	if err := m.ForgetOwners(ctx); err != nil {
		t.Fatal(err)
	}
	check("built from the records")
	if n, err := offers.RemoveByOpenID(ctx, "u1"); err != nil || n != 3 {
		t.Fatalf("deregistration: %d %v", n, err)
	}
	got, err := offers.ByEnterprise(ctx, "e1", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{mine[3].No, mine[1].No}; !slices.Equal(nos(got), want) {
		t.Errorf("after u1 left: got %v, want %v", nos(got), want)
	}
}

// TestOwnerDocumentsKeptInMemory: on FerretDB, served alone, a process
// reads a poster's owner document once and
// then from memory; a save of theirs makes the next read fetch it again,
// so the new record is listed.
func TestOwnerDocumentsKeptInMemory(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("the owner documents are kept on FerretDB only")
	}
	m.ServeAlone()
	ctx := context.Background()
	offers := m.Offers()
	first := &store.Post{Product: "PCB", OpenID: "mem-u"}
	if err := offers.Create(ctx, first); err != nil {
		t.Fatal(err)
	}
	list := func() ([]store.Post, []string) {
		cctx, cost := store.CountCost(ctx)
		ps, err := offers.ByOpenID(cctx, "mem-u", 10)
		if err != nil {
			t.Fatal(err)
		}
		return ps, cost.Mongo()
	}
	if ps, _ := list(); len(ps) != 1 {
		t.Fatalf("first listing: %d records, want 1", len(ps))
	}
	ps, cmds := list()
	if len(ps) != 1 || slices.Contains(cmds, "find post_owners by _id") {
		t.Fatalf("second listing: %d records, commands %v; want 1 record and no read of post_owners", len(ps), cmds)
	}
	second := &store.Post{Product: "线束", OpenID: "mem-u"}
	if err := offers.Create(ctx, second); err != nil {
		t.Fatal(err)
	}
	if ps, _ := list(); len(ps) != 2 || ps[0].ID != second.ID {
		t.Fatalf("after a save: %v, want the new record first of 2", nos(ps))
	}
}
