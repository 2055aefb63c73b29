package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// TestNameContainsServedAlone: the process serving a FerretDB store alone
// answers NameContains from memory as the store's filter does — the
// enterprises registered before it served and by it, without those
// deleted, oldest first, up to the limit — and reads nothing for it once
// warmed up.
func TestNameContainsServedAlone(t *testing.T) {
	m := storetest.Mongo(t)
	if !m.IsFerretDB() {
		t.Skip("the names are kept on FerretDB only")
	}
	ctx := context.Background()
	// A second handle on the same database, not serving alone: the filter.
	ref, err := store.OpenMongo(ctx, storetest.MongoURI(t), m.DatabaseName())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ref.Close(context.Background()) })

	names := []string{"四川富临精工股份有限公司", "成都富临汽车零部件有限公司", "重庆精工电子有限公司", "绵阳富临精工", "重庆长安汽车",
		"PCB电路科技（成都）有限公司", "成都pcb板厂", "重庆😀科技有限公司", "重庆精工电子有限公司", "宜宾精密铸造厂"}
	n := 0
	create := func(r *store.Enterprises, name string) {
		t.Helper()
		n++
		e := store.Enterprise{Name: name, Contacts: []store.Contact{{OpenID: fmt.Sprintf("nc-%d", n)}}}
		if err := r.Create(ctx, &e); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // creation times apart, as the order's ties are the store's own
	}
	for _, name := range names[:5] {
		create(ref.Enterprises(), name) // before this process serves
	}
	m.ServeAlone()
	if err := m.WarmUp(ctx); err != nil {
		t.Fatal(err)
	}
	r := m.Enterprises()
	for _, name := range names[5:] {
		create(r, name)
	}
	// Deleted: one registered before, one by this process.
	for _, openid := range []string{"nc-2", "nc-9"} {
		if deleted, err := r.RemoveContact(ctx, openid); err != nil || !deleted {
			t.Fatalf("remove %s: %v, %v", openid, deleted, err)
		}
	}

	cctx, cost := store.CountCost(ctx)
	for _, frag := range []string{"富临", "富临精工", "精工", "有限公司", "重庆", "汽车", "PCB", "pcb", "科技", "😀", "重庆😀科",
		"精", "厂", "四川富临精工股份有限公司", "没有这家", "临汽", "", "成都富临汽车零部件有限公司"} {
		for _, limit := range []int{2, 20} {
			want, err := ref.Enterprises().NameContains(ctx, frag, limit)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.NameContains(cctx, frag, limit)
			if err != nil {
				t.Fatal(err)
			}
			ids := func(es []store.Enterprise) []string {
				var out []string
				for _, e := range es {
					out = append(out, e.Name+"/"+e.ID)
				}
				return out
			}
			if !slices.Equal(ids(got), ids(want)) {
				t.Errorf("NameContains(%q, %d) = %v, want %v", frag, limit, ids(got), ids(want))
			}
		}
	}
	// Half a character, which the store's filter refuses: in no name.
	if got, err := r.NameContains(cctx, "\xe7\xb2", 20); err != nil || len(got) > 0 {
		t.Errorf("half a character: %v, %v; want none", got, err)
	}
	if c := cost.Mongo(); len(c) > 0 {
		t.Errorf("commands %v: want none once warmed up", c)
	}
}
