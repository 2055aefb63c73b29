package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// owedIDs lists the ids of the demands whose matching is owed, saved before
// a moment from now.
func owedIDs(t *testing.T, d *store.Posts) map[string]bool {
	t.Helper()
	owed, err := d.MatchOwed(context.Background(), time.Now().Add(time.Second), 100)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range owed {
		ids[p.ID] = true
	}
	return ids
}

// Every save of an open record owes its matching, in the same write; only
// settling the version saved clears it, and a later save owes again.
func TestPostsMatchOwed(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	d := m.Demands()
	a := &store.Post{Product: "轮毂", OpenID: "u"}
	if err := d.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); !got[a.ID] {
		t.Fatalf("after create: owed %v, want %s", got, a.ID)
	}
	if owed, err := d.MatchOwed(ctx, a.UpdatedAt, 100); err != nil || len(owed) != 0 {
		t.Fatalf("saved before its own save time: got %d, %v; want none", len(owed), err)
	}
	got, err := d.Get(ctx, a.ID)
	if err != nil || !got.UpdatedAt.Equal(a.UpdatedAt) {
		t.Fatalf("stored version: got %v, %v; want %v", got.UpdatedAt, err, a.UpdatedAt)
	}

	// A stale version does not settle the record.
	if err := d.MatchSettled(ctx, a.ID, a.UpdatedAt.Add(-time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); !got[a.ID] {
		t.Fatalf("settled with a stale version: owed %v, want %s still", got, a.ID)
	}
	if err := d.MatchSettled(ctx, a.ID, a.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); got[a.ID] {
		t.Fatalf("settled: %s still owed", a.ID)
	}
	if got, _ := d.Get(ctx, a.ID); !got.UpdatedAt.Equal(a.UpdatedAt) {
		t.Errorf("settling changed updated_at: got %v, want %v", got.UpdatedAt, a.UpdatedAt)
	}

	// An edit owes again; settling the version before it leaves the edit owing.
	before := a.UpdatedAt
	time.Sleep(2 * time.Millisecond)
	a.Spec = "18寸"
	if err := d.Replace(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := d.MatchSettled(ctx, a.ID, before); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); !got[a.ID] {
		t.Fatalf("after edit: owed %v, want %s", got, a.ID)
	}
	if err := d.MatchSettled(ctx, a.ID, a.UpdatedAt); err != nil {
		t.Fatal(err)
	}

	// Closing pays nothing and owes nothing; renewing owes again.
	if err := d.Close(ctx, a.ID, store.StatusClosed, "撤回", nil); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); got[a.ID] {
		t.Fatalf("closed: %s owed", a.ID)
	}
	if err := d.Renew(ctx, a.ID, time.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); !got[a.ID] {
		t.Fatalf("renewed: owed %v, want %s", got, a.ID)
	}
}

// MatchOwed returns the oldest first, at most limit.
func TestPostsMatchOwedBounded(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	d := m.Offers()
	var ids []string
	for _, name := range []string{"轮毂", "线束", "电容"} {
		p := &store.Post{Product: name, OpenID: "u"}
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		time.Sleep(2 * time.Millisecond)
	}
	owed, err := d.MatchOwed(ctx, time.Now().Add(time.Second), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(owed) != 2 || owed[0].ID != ids[0] || owed[1].ID != ids[1] {
		t.Fatalf("got %d records, want the oldest two %v", len(owed), ids[:2])
	}
}

// OweMatching puts the version given back in debt, never a later save or
// a record no longer open.
func TestPostsOweMatching(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	d := m.Demands()
	a := &store.Post{Product: "轮毂", OpenID: "u"}
	if err := d.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := d.MatchSettled(ctx, a.ID, a.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if err := d.OweMatching(ctx, a.ID, a.UpdatedAt.Add(-time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); got[a.ID] {
		t.Fatalf("owed by a stale version")
	}
	if err := d.OweMatching(ctx, a.ID, a.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); !got[a.ID] {
		t.Fatalf("owed again: got %v, want %s", got, a.ID)
	}
	if err := d.Close(ctx, a.ID, store.StatusClosed, "撤回", nil); err != nil {
		t.Fatal(err)
	}
	closed, _ := d.Get(ctx, a.ID)
	if err := d.OweMatching(ctx, a.ID, closed.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if got := owedIDs(t, d); got[a.ID] {
		t.Fatalf("a closed record owes its matching")
	}
}

// TestSettledStaysSettledAfterARestart: on FerretDB settling drops only
// the owed entry (an update of the record would scan every record there);
// a later process on the same database does not owe the settled record
// again, and a record still owed stays owed.
func TestSettledStaysSettledAfterARestart(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	settled, owed := &store.Post{Product: "轮毂", OpenID: "u"}, &store.Post{Product: "线束", OpenID: "u"}
	for _, p := range []*store.Post{settled, owed} {
		if err := m.Demands().Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cctx, cost := store.CountCost(ctx)
	if err := m.Demands().MatchSettled(cctx, settled.ID, settled.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if m.IsFerretDB() {
		for _, cmd := range cost.Mongo() {
			if strings.HasPrefix(cmd, "update demands") {
				t.Errorf("settling updated the record (%q), which scans every record on FerretDB", cmd)
			}
		}
	}
	if got := owedIDs(t, m.Demands()); got[settled.ID] || !got[owed.ID] {
		t.Fatalf("before the restart: owed %v, want only %s", got, owed.ID)
	}
	later, err := store.OpenMongo(ctx, storetest.MongoURI(t), m.DatabaseName())
	if err != nil {
		t.Fatal(err)
	}
	defer later.Close(ctx)
	if got := owedIDs(t, later.Demands()); got[settled.ID] || !got[owed.ID] {
		t.Fatalf("after the restart: owed %v, want only %s", got, owed.ID)
	}
}

// TestANewRecordOwesByAnInsert: on FerretDB a new record's owed entry is
// inserted, not upserted (an upsert there reads before it writes, on the
// one write lock a publish queues on), and the record is owed all the same.
func TestANewRecordOwesByAnInsert(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("owed entries are kept on FerretDB only")
	}
	m.ServeAlone()
	d := m.Demands()
	ctx, cost := store.CountCost(context.Background())
	p := &store.Post{Product: "轮毂", OpenID: "u"}
	if err := d.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	var owes []string
	for _, cmd := range cost.Mongo() {
		if strings.Contains(cmd, "demands_owed") {
			owes = append(owes, cmd)
		}
	}
	if len(owes) != 1 || owes[0] != "insert demands_owed" {
		t.Errorf("a new record's owed entry: %q, want one insert", owes)
	}
	if got := owedIDs(t, d); !got[p.ID] {
		t.Fatalf("owed %v, want %s", got, p.ID)
	}
}
