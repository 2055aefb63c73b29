package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// Audit item 10: a record whose product or category matches the query
// ranks above one that merely carries the word among its synonyms, and
// freshness breaks ties.
func TestSearchRanksProductAboveSynonym(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC()
	d := m.Demands()
	mk := func(product, category string, path, kw []string, age time.Duration) *store.Post {
		t.Helper()
		p := &store.Post{Product: product, Category: category, CategoryPath: path, Keywords: kw, OpenID: "u1",
			EnterpriseID: "e1", Region: store.Region{Province: "重庆市", City: "重庆市"}, CreatedAt: now.Add(-age)}
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wheel := []string{"汽车", "底盘", "轮毂"}
	// keywords as the conversation builds them (handlers/form.go keywords)
	rim := mk("轮圈", "轮毂", wheel, []string{"轮圈", "轮毂", "轮辋", "钢圈", "铝轮", "轮毂总成", "汽车", "底盘"}, 3*time.Hour)
	alloy := mk("铝合金轮毂", "轮毂", wheel, []string{"铝合金轮毂", "轮毂", "轮圈", "轮辋", "钢圈", "铝轮", "轮毂总成", "汽车", "底盘"}, 2*time.Hour)
	bolt := mk("轮毂螺栓", "紧固件", []string{"汽车", "通用件", "紧固件"},
		[]string{"轮毂螺栓", "轮毂", "轮圈", "轮辋", "钢圈", "铝轮", "轮毂总成", "螺栓", "紧固件", "汽车", "通用件"}, time.Hour)

	ids := func(q []string) []string {
		t.Helper()
		res, err := d.Search(ctx, store.SearchQuery{Keywords: q, Now: now, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range res.Posts {
			out = append(out, p.No)
		}
		return out
	}
	// 查需求 轮圈: the word, its synonyms and its category's name
	got := ids([]string{"轮圈", "轮毂", "轮辋", "钢圈", "铝轮", "轮毂总成"})
	if want := []string{alloy.No, rim.No, bolt.No}; !slices.Equal(got, want) {
		t.Errorf("轮圈: got %v, want %v (wheels newest first, then the bolt)", got, want)
	}
	got = ids([]string{"螺栓", "紧固件"})
	if want := []string{bolt.No}; !slices.Equal(got, want) {
		t.Errorf("螺栓: got %v, want %v", got, want)
	}
	// 查需求 底盘: the branch matches both wheels above the bolt that only
	// has a wheel word in its name.
	got = ids([]string{"底盘", "轮毂"})
	if want := []string{alloy.No, rim.No, bolt.No}; !slices.Equal(got, want) {
		t.Errorf("底盘 轮毂: got %v, want %v", got, want)
	}
}

func TestEnterpriseByName(t *testing.T) {
	m := storetest.Mongo(t)
	ents := m.Enterprises()
	ctx := context.Background()
	e := &store.Enterprise{Name: "重庆青山工业有限公司", Role: store.RoleParts, Contacts: []store.Contact{{OpenID: "n1", Name: "张伟", Mobile: "13800001111"}}}
	if err := ents.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := ents.ByName(ctx, "重庆青山工业有限公司")
	if err != nil || got.ID != e.ID {
		t.Fatalf("ByName: got %+v, %v", got, err)
	}
	if _, err := ents.ByName(ctx, "重庆青山工业"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ByName of another name: got %v, want ErrNotFound", err)
	}
}
