package store_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
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

// TestOwnerIndexInMemory: on FerretDB, a process serving the store alone
// keeps 我的发布's owner index in memory. A save writes no owner document
// (it drops, once, the marker saying the documents were built); the index
// is built from the records (those saved before, by a reader keeping the
// documents, too) and listings read no owner document. A reader keeping
// the documents rebuilds them, whether it comes while the process runs
// (a tool) or after it closed.
func TestOwnerIndexInMemory(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("the owner index is kept in memory on FerretDB only")
	}
	ctx := context.Background()
	open := func() *store.Mongo {
		t.Helper()
		o, err := store.OpenMongo(ctx, storetest.MongoURI(t), m.DatabaseName())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close(context.Background()) })
		return o
	}
	list := func(of *store.Posts, by string) ([]store.Post, []string) {
		t.Helper()
		cctx, cost := store.CountCost(ctx)
		var ps []store.Post
		var err error
		if by == "e" {
			ps, err = of.ByEnterprise(cctx, "mem-e", 10)
		} else {
			ps, err = of.ByOpenID(cctx, "mem-u", 10)
		}
		if err != nil {
			t.Fatal(err)
		}
		return ps, cost.Mongo()
	}
	before := &store.Post{Product: "PCB", OpenID: "mem-u", EnterpriseID: "mem-e"}
	if err := m.Offers().Create(ctx, before); err != nil {
		t.Fatal(err)
	}
	alone := open()
	alone.ServeAlone()
	offers := alone.Offers()
	second := &store.Post{Product: "线束", OpenID: "mem-u", EnterpriseID: "mem-e"}
	cctx, cost := store.CountCost(ctx)
	if err := offers.Create(cctx, second); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range cost.Mongo() {
		if strings.Contains(cmd, "post_owners") && cmd != "delete post_owners by _id" {
			t.Errorf("a save served alone: %q; want no owner document written (the marker dropped)", cmd)
		}
	}
	// A tool beside it: it rebuilds the documents, the save included.
	if ps, _ := list(open().Offers(), "u"); !slices.Equal(nos(ps), []string{second.No, before.No}) {
		t.Errorf("a reader keeping the documents, after a save served alone: %v, want both", nos(ps))
	}
	for _, by := range []string{"u", "e"} {
		ps, cmds := list(offers, by)
		if want := []string{second.No, before.No}; !slices.Equal(nos(ps), want) {
			t.Errorf("served alone, by %s: %v, want %v", by, nos(ps), want)
		}
		if slices.ContainsFunc(cmds, func(c string) bool { return strings.HasPrefix(c, "find post_owners") }) {
			t.Errorf("served alone, by %s: commands %v; want no read of post_owners", by, cmds)
		}
	}
	third := &store.Post{Product: "轮毂", OpenID: "mem-u", EnterpriseID: "mem-e"}
	if err := offers.Create(ctx, third); err != nil {
		t.Fatal(err)
	}
	if ps, _ := list(offers, "u"); len(ps) != 3 || ps[0].ID != third.ID {
		t.Errorf("after a save: %v, want the new record first of 3", nos(ps))
	}
	if err := alone.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, by := range []string{"u", "e"} {
		if ps, _ := list(open().Offers(), by); !slices.Equal(nos(ps), []string{third.No, second.No, before.No}) {
			t.Errorf("a reader keeping the documents, after the process closed, by %s: %v, want all 3 newest first", by, nos(ps))
		}
	}
}

// TestAWaitForTheOwnerIndexGivesItsSlotBack: 我的发布 asked while the
// owner index is being built (at start) waits for it without its gateway
// slot, so that the messages that need no index are not held up behind it.
func TestAWaitForTheOwnerIndexGivesItsSlotBack(t *testing.T) {
	m := storetest.Mongo(t)
	m.ServeAlone()
	release, ok := m.HoldOwnerIndexBuild()
	if !ok {
		t.Skip("the owner index is kept in memory on FerretDB only")
	}
	slots := make(chan struct{}, 1)
	var away atomic.Int64
	slots <- struct{}{} // the handler's
	ctx, end := bot.WithSlot(context.Background(), slots, &away)
	defer end()
	listed := make(chan error, 1)
	go func() {
		_, err := m.Offers().ByOpenID(ctx, "slot-u", 10)
		listed <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(slots) != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(slots) != 0 {
		release()
		t.Fatal("我的发布 waiting for the owner index kept its slot")
	}
	release()
	if err := <-listed; err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 {
		t.Fatalf("after the wait: %d slots held, want the handler's back", len(slots))
	}
}
