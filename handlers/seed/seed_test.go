package seed_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/parse"
	"supplybot/handlers/seed"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestRecordsAddsOnlyWhatIsMissing(t *testing.T) {
	m := storetest.Mongo(t)
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	rep, err := seed.Records(ctx, m, p, 30, 60, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AddedDemands != 30 || rep.AddedOffers != 60 || rep.AddedEnterprises != 20 {
		t.Fatalf("first seed: got %+v, want 30 demands, 60 offers, 20 enterprises added", rep)
	}
	rep, err = seed.Records(ctx, m, p, 30, 80, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AddedDemands != 0 || rep.AddedOffers != 20 || rep.AddedEnterprises != 0 || rep.HadOffers != 60 {
		t.Fatalf("second seed: got %+v, want only 20 offers added", rep)
	}

	res, err := m.Offers().Search(ctx, store.SearchQuery{Keywords: []string{"PCB"}, Now: now, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Posts) == 0 {
		t.Fatal("no seeded offer is found by 查供应 PCB")
	}
	provinces, roles := map[string]bool{}, map[string]bool{}
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		for i := range 20 {
			e, err := m.Enterprises().ByOpenID(ctx, seed.OpenIDPrefix+"e"+itoa(i))
			if err != nil {
				t.Fatalf("enterprise %d: %v", i, err)
			}
			provinces[e.Region.Province], roles[e.Role] = true, true
			if !strings.HasSuffix(e.Name, "公司") {
				t.Fatalf("enterprise name %q does not look registered", e.Name)
			}
		}
		posts, err := m.Posts(kind).ByOpenID(ctx, seed.OpenIDPrefix+"e3", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			if p.Status != store.StatusOpen || p.CategoryCode == "" || p.Region.Province == "" || len(p.Keywords) == 0 || !p.ExpiresAt.After(now) {
				t.Fatalf("seeded %s %+v: want open, categorised, placed, with keywords, unexpired", kind, p)
			}
		}
	}
	if !provinces["四川省"] || !provinces["重庆市"] || !roles["整车"] || !roles["零部件"] || !roles["电子信息"] {
		t.Fatalf("seeded enterprises: provinces %v roles %v, want both provinces and all three roles", provinces, roles)
	}
	owed, err := m.Offers().MatchOwed(ctx, now.Add(time.Hour), 10)
	if err != nil || len(owed) != 0 {
		t.Fatalf("seeded offers owed matching: got %d, %v, want none", len(owed), err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
