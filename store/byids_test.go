package store_test

import (
	"context"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// TestByIDsReadsByLoneID: on FerretDB, which serves only a lone _id from
// its index, ByIDs (我的匹配's counterparts) reads each record by its _id
// instead of one $in query that scans every record; on MongoDB it is one
// query. Ids not stored are left out.
func TestByIDsReadsByLoneID(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	var ids []string
	for range 3 {
		p := store.Post{Kind: store.KindOffer, Product: "PCB"}
		if err := m.Offers().Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	cctx, cost := store.CountCost(ctx)
	got, err := m.Offers().ByIDs(cctx, append(ids, "000000000000000000000000"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d records, want 3", len(got))
	}
	want := []string{"find offers"}
	if m.IsFerretDB() {
		want = []string{"find offers by _id", "find offers by _id", "find offers by _id", "find offers by _id"}
	}
	if got := cost.Mongo(); len(got) != len(want) || got[0] != want[0] {
		t.Fatalf("commands %v, want %v", got, want)
	}
}
