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

// The in-memory index answers every kind of query with the records, in
// the order, that the store's search gives over the same records.
func TestSearchIndexAgreesWithStore(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	offers := m.Offers()
	regions := []store.Region{
		{Province: "重庆市", City: "重庆市", District: "渝北区"},
		{Province: "重庆市", City: "重庆市", District: "九龙坡区"},
		{Province: "四川省", City: "成都市", District: "郫都区"},
		{Province: "四川省", City: "绵阳市"},
	}
	type spec struct {
		product, category, code string
		path, kw                []string
	}
	specs := []spec{
		{"PCB", "PCB", "elec.pcb", []string{"电子", "PCB"}, []string{"PCB", "线路板", "电路板", "电子"}},
		{"多层PCB", "PCB", "elec.pcb.multi", []string{"电子", "PCB"}, []string{"多层PCB", "PCB", "线路板", "电子"}},
		{"铝合金轮毂", "轮毂", "auto.chassis.wheel", []string{"汽车", "底盘", "轮毂"}, []string{"铝合金轮毂", "轮毂", "轮圈", "汽车", "底盘"}},
		{"轮毂螺栓", "紧固件", "auto.general.fastener", []string{"汽车", "通用件", "紧固件"}, []string{"轮毂螺栓", "轮毂", "螺栓", "紧固件", "汽车"}},
		{"线束", "线束", "auto.electric.harness", []string{"汽车", "电气", "线束"}, []string{"线束", "汽车线束", "汽车", "电气"}},
		{"pcb板", "PCB", "elec.pcb", []string{"电子", "PCB"}, []string{"pcb", "电子"}}, // a keyword in lower case
	}
	ix := store.NewSearchIndex()
	var closed []string
	for i := range 60 {
		s := specs[i%len(specs)]
		p := &store.Post{Product: s.product, Category: s.category, CategoryCode: s.code, CategoryPath: s.path, Keywords: s.kw,
			Region: regions[i%len(regions)], EnterpriseID: fmt.Sprintf("e%d", i%7), Anonymous: i%5 == 0, Verified: i%3 == 0,
			OpenID: fmt.Sprintf("u%d", i%7), CreatedAt: now.Add(-time.Duration(i*7%60) * time.Hour)}
		if i%11 == 0 {
			p.ExpiresAt = now.Add(-time.Minute) // expired, not yet swept
		}
		if err := offers.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		if i%13 == 0 {
			if err := offers.Close(ctx, p.ID, store.StatusClosed, "已成交", nil); err != nil {
				t.Fatal(err)
			}
			closed = append(closed, p.ID)
			p.Status = store.StatusClosed
		}
		ix.Put(*p)
	}
	for _, id := range closed {
		if _, ok := ix.Get(id); ok {
			t.Fatalf("closed record %s held", id)
		}
	}
	queries := map[string]store.SearchQuery{
		"all":             {},
		"pcb":             {Keywords: []string{"PCB", "线路板"}},
		"wheel":           {Keywords: []string{"轮毂", "轮圈"}},
		"chassis":         {Keywords: []string{"底盘"}},
		"category":        {CategoryPrefix: "elec.pcb"},
		"prefix-not":      {CategoryPrefix: "elec.pc"},
		"chongqing":       {Province: "重庆市", Keywords: []string{"汽车"}},
		"district":        {Province: "重庆市", City: "重庆市", District: "渝北区"},
		"companies":       {EnterpriseIDs: []string{"e1", "e2"}},
		"companies-words": {EnterpriseIDs: []string{"e1", "e3", "e1"}, Keywords: []string{"PCB", "轮毂"}},
		"company-city":    {EnterpriseIDs: []string{"e2", "e4"}, City: "成都市"},
		"no-company":      {EnterpriseIDs: []string{"none"}},
		"city":            {City: "成都市", Keywords: []string{"PCB", "汽车"}},
		"city-alone":      {City: "绵阳市"},
		"district-words":  {District: "九龙坡区", Keywords: []string{"汽车", "线束"}},
		"district-none":   {Province: "四川省", City: "成都市", District: "渝北区"},
		"district-case":   {District: "郫都区", Keywords: []string{"PCB"}},
		"companies-case":  {EnterpriseIDs: []string{"e1", "e2", "e3", "e4", "e5", "e6"}, Keywords: []string{"pcb"}},
		"verified":        {VerifiedOnly: true, Keywords: []string{"PCB", "轮毂"}},
		"page2":           {Keywords: []string{"汽车"}, Offset: 5},
		"nothing":         {Keywords: []string{"不存在"}},
	}
	for name, q := range queries {
		q.Now, q.Limit = now, 10
		want, err := offers.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got := ix.Search(store.KindOffer, q)
		if !slices.Equal(nos(got.Posts), nos(want.Posts)) || got.More != want.More {
			t.Errorf("%s: got %v more=%v, want %v more=%v", name, nos(got.Posts), got.More, nos(want.Posts), want.More)
		}
	}
	if got := ix.Search(store.KindDemand, store.SearchQuery{Now: now}); len(got.Posts) != 0 {
		t.Errorf("demands: got %v, want none", nos(got.Posts))
	}
}

// A record edited, re-keyed, closed or expired is found as it is now.
func TestSearchIndexFollowsChanges(t *testing.T) {
	now := time.Now().UTC()
	ix := store.NewSearchIndex()
	mk := func(id string, age time.Duration, kw ...string) store.Post {
		return store.Post{ID: id, No: "O" + id, Kind: store.KindOffer, Status: store.StatusOpen, Product: kw[0], Keywords: kw,
			CreatedAt: now.Add(-age), ExpiresAt: now.Add(time.Hour)}
	}
	// Put in random order (a bulk load), then searched newest first.
	for i, age := range []int{5, 1, 9, 3, 7} {
		ix.Put(mk(fmt.Sprint(i), time.Duration(age)*time.Minute, "PCB"))
	}
	search := func(kw ...string) []string {
		return nos(ix.Search(store.KindOffer, store.SearchQuery{Keywords: kw, Now: now, Limit: 10}).Posts)
	}
	if got, want := search("PCB"), []string{"O1", "O3", "O0", "O4", "O2"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	ix.Put(mk("3", 3*time.Minute, "线束")) // edited into another product
	closedOne := mk("1", time.Minute, "PCB")
	closedOne.Status = store.StatusClosed
	ix.Put(closedOne)
	expiring := mk("0", 5*time.Minute, "PCB")
	expiring.ExpiresAt = now
	ix.Put(expiring)
	if got, want := search("PCB"), []string{"O4", "O2"}; !slices.Equal(got, want) {
		t.Errorf("after the changes: got %v, want %v", got, want)
	}
	if got, want := search("线束"), []string{"O3"}; !slices.Equal(got, want) {
		t.Errorf("edited: got %v, want %v", got, want)
	}
	ix.Prune(now)
	ix.Remove("4")
	if got, want := ix.Len(), 2; got != want {
		t.Errorf("held: got %d, want %d", got, want)
	}
}

func nos(ps []store.Post) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.No)
	}
	return out
}

// TestSearchIndexByProvince: a search limited to a province walks that
// province's lists, which follow edits and closes like the others, and
// answers as the unlimited search filtered would.
func TestSearchIndexByProvince(t *testing.T) {
	now := time.Now().UTC()
	ix := store.NewSearchIndex()
	put := func(id, province string, age time.Duration) store.Post {
		p := store.Post{ID: id, No: "O" + id, Kind: store.KindOffer, Status: store.StatusOpen, Product: "PCB", Keywords: []string{"PCB"},
			Region: store.Region{Province: province}, CreatedAt: now.Add(-age), ExpiresAt: now.Add(time.Hour)}
		ix.Put(p)
		return p
	}
	put("1", "四川省", time.Minute)
	moved := put("2", "重庆市", 2*time.Minute)
	put("3", "重庆市", 3*time.Minute)
	closing := put("4", "四川省", 4*time.Minute)
	search := func(province string, kw ...string) []string {
		return nos(ix.Search(store.KindOffer, store.SearchQuery{Keywords: kw, Province: province, Now: now, Limit: 10}).Posts)
	}
	if got, want := search("重庆市", "PCB"), []string{"O2", "O3"}; !slices.Equal(got, want) {
		t.Fatalf("Chongqing: got %v, want %v", got, want)
	}
	moved.Region.Province = "四川省" // edited: the region was wrong
	ix.Put(moved)
	closing.Status = store.StatusClosed
	ix.Put(closing)
	if got, want := search("重庆市", "PCB"), []string{"O3"}; !slices.Equal(got, want) {
		t.Errorf("Chongqing after the edit: got %v, want %v", got, want)
	}
	if got, want := search("四川省", "PCB"), []string{"O1", "O2"}; !slices.Equal(got, want) {
		t.Errorf("Sichuan after the edit and the close: got %v, want %v", got, want)
	}
	if got, want := search("四川省"), []string{"O1", "O2"}; !slices.Equal(got, want) {
		t.Errorf("Sichuan without a keyword: got %v, want %v", got, want)
	}
	if got := search("湖北省", "PCB"); len(got) != 0 {
		t.Errorf("a province without records: got %v", got)
	}
}
