package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func TestConsoleListings(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	d := m.Demands()
	mk := func(product, code, province, status string, verified bool, age time.Duration) *store.Post {
		p := &store.Post{Product: product, CategoryCode: code, OpenID: "u1", EnterpriseID: "e1", Status: status, Verified: verified,
			Region: store.Region{Province: province, City: "成都市"}, CreatedAt: now.Add(-age)}
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wheel := mk("铝合金轮毂", "auto.chassis.wheel", "四川省", store.StatusOpen, true, 3*time.Hour)
	brake := mk("制动盘 (Brake)", "auto.chassis.brake", "四川省", store.StatusRemoved, false, 2*time.Hour)
	pcb := mk("PCB.*", "elec.pcb", "重庆市", store.StatusOpen, false, 26*time.Hour)
	tr, fl := true, false
	nos := func(ps []store.Post) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.No)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		f    store.PostFilter
		want string
		more bool
	}{
		{"all, newest first", store.PostFilter{}, nos([]store.Post{*brake, *wheel, *pcb}), false},
		{"text, case-insensitive", store.PostFilter{Text: "brake"}, brake.No, false},
		{"text is literal, not a pattern", store.PostFilter{Text: ".*"}, pcb.No, false},
		{"category prefix", store.PostFilter{CategoryPrefix: "auto.chassis"}, nos([]store.Post{*brake, *wheel}), false},
		{"category prefix stops at a dot", store.PostFilter{CategoryPrefix: "auto.chas"}, "", false},
		{"province", store.PostFilter{Province: "重庆市"}, pcb.No, false},
		{"status", store.PostFilter{Status: store.StatusRemoved}, brake.No, false},
		{"verified", store.PostFilter{Verified: &tr}, wheel.No, false},
		{"unverified", store.PostFilter{Verified: &fl}, nos([]store.Post{*brake, *pcb}), false},
		{"date range", store.PostFilter{From: now.Add(-4 * time.Hour), To: now.Add(-150 * time.Minute)}, wheel.No, false},
		{"page 1", store.PostFilter{Limit: 2}, nos([]store.Post{*brake, *wheel}), true},
		{"page 2", store.PostFilter{Offset: 2, Limit: 2}, pcb.No, false},
	} {
		got, more, err := d.List(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if nos(got) != tc.want || more != tc.more {
			t.Errorf("%s: got %q more=%v, want %q more=%v", tc.name, nos(got), more, tc.want, tc.more)
		}
	}
	if got, _, _ := m.Offers().List(ctx, store.PostFilter{}); len(got) != 0 {
		t.Errorf("offers: got %d, want none", len(got))
	}

	ents := m.Enterprises()
	a := &store.Enterprise{Name: "重庆青山工业", Role: store.RoleParts, Region: store.Region{Province: "重庆市"}, Verified: true}
	b := &store.Enterprise{Name: "成都电子(集团)", Role: store.RoleElectronics, Region: store.Region{Province: "四川省"}}
	for _, e := range []*store.Enterprise{a, b} {
		if err := ents.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    store.EnterpriseFilter
		want int
	}{
		{"all", store.EnterpriseFilter{}, 2},
		{"name with brackets", store.EnterpriseFilter{Text: "电子(集团"}, 1},
		{"role", store.EnterpriseFilter{Role: store.RoleParts}, 1},
		{"province", store.EnterpriseFilter{Province: "四川省"}, 1},
		{"verified", store.EnterpriseFilter{Verified: &tr}, 1},
	} {
		got, _, err := ents.List(ctx, tc.f)
		if err != nil || len(got) != tc.want {
			t.Errorf("enterprises %s: got %d %v, want %d", tc.name, len(got), err, tc.want)
		}
	}

	mt := store.Match{ID: store.MatchID(wheel.ID, "o1"), DemandID: wheel.ID, DemandNo: wheel.No, OfferID: "o1", OfferNo: "O1001", Score: 0.9}
	if _, err := m.Matches().Upsert(ctx, mt, now); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Matches().Of(ctx, wheel.ID, 10); err != nil || len(got) != 1 || got[0].OfferNo != "O1001" {
		t.Errorf("matches of the demand: %v %v", got, err)
	}
	if got, _ := m.Matches().Of(ctx, "o1", 10); len(got) != 1 {
		t.Errorf("matches of the offer: %d", len(got))
	}
	if got, _ := m.Matches().List(ctx, 10); len(got) != 1 {
		t.Errorf("all matches: %d", len(got))
	}
	q := &store.ContactRequest{RequesterOpenID: "u2", OwnerOpenID: "u1", RecordID: wheel.ID, RecordNo: wheel.No, CreatedAt: now}
	if err := m.ContactRequests().Create(ctx, q); err != nil {
		t.Fatal(err)
	}
	if got, err := m.ContactRequests().OfRecord(ctx, wheel.ID); err != nil || len(got) != 1 || got[0].RequesterOpenID != "u2" {
		t.Errorf("contact requests of the record: %v %v", got, err)
	}
}
