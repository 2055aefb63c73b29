package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// ChangedSince finds what each kind of write changed since a time, and
// nothing older; MatchOwed finds the owed saves, including those saved
// before the owed entries were kept, and not the settled or closed ones.
//
// Both as any process reads the feed (<kind>_changes on FerretDB) and as
// the process serving a FerretDB store alone keeps it (in memory).
func TestChangeFeedAndOwedList(t *testing.T) {
	for _, alone := range []bool{false, true} {
		t.Run(map[bool]string{false: "shared", true: "served-alone"}[alone], func(t *testing.T) {
			m := storetest.Mongo(t)
			if alone {
				m.ServeAlone()
			}
			testChangeFeedAndOwedList(t, m, alone)
		})
	}
}

func testChangeFeedAndOwedList(t *testing.T, m *store.Mongo, alone bool) {
	ctx := context.Background()
	offers := m.Offers()
	mk := func(product string) *store.Post {
		t.Helper()
		p := &store.Post{Product: product, OpenID: "u1", EnterpriseID: "e1"}
		if err := offers.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old, legacy, settled, closed := mk("旧"), mk("遗留"), mk("已匹配"), mk("关闭")
	if err := m.ForgetOwedEntries(ctx); err != nil {
		t.Fatal(err)
	}
	if err := offers.MatchSettled(ctx, old.ID, old.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	since := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	fresh := mk("新")
	if err := offers.MatchSettled(ctx, settled.ID, settled.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if err := offers.Close(ctx, closed.ID, store.StatusClosed, "已成交", nil); err != nil {
		t.Fatal(err)
	}
	cctx, cost := store.CountCost(ctx)
	changed, err := offers.ChangedSince(cctx, since, nil)
	if err != nil {
		t.Fatal(err)
	}
	if alone && m.IsFerretDB() && slices.ContainsFunc(cost.Mongo(), func(c string) bool { return strings.Contains(c, "_changes") }) {
		t.Errorf("served alone, the feed is read from memory; commands: %v", cost.Mongo())
	}
	if got, want := sortedNos(changed), sortedNos([]store.Post{*fresh, *closed}); !slices.Equal(got, want) {
		t.Errorf("changed since: got %v, want %v", got, want)
	}
	owed, err := offers.MatchOwed(ctx, time.Now().Add(time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nos(owed), []string{legacy.No, fresh.No}; !slices.Equal(got, want) {
		t.Errorf("owed: got %v, want %v (oldest first)", got, want)
	}
	if owed, _ = offers.MatchOwed(ctx, time.Now().Add(time.Second), 10, legacy.ID); !slices.Equal(nos(owed), []string{fresh.No}) {
		t.Errorf("owed, skipping %s: got %v", legacy.No, nos(owed))
	}
	// A write of many records tells the readers to read them all.
	if _, err := offers.SetVerifiedOf(ctx, "e1", true); err != nil {
		t.Fatal(err)
	}
	changed, err = offers.ChangedSince(ctx, since, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(changed); got != 5 {
		t.Errorf("after verifying the enterprise: %d changed, want 5 (the four verified, the closed one)", got)
	}
}

func sortedNos(ps []store.Post) []string {
	out := nos(ps)
	slices.Sort(out)
	return out
}
