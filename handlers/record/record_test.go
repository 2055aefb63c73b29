package record_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// now is 10:00 on 25 November 2026 in China.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, record.China)

func TestChina(t *testing.T) {
	// 16:30 UTC is already the next day in China.
	got := time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC).In(record.China)
	if got.Day() != 1 || got.Month() != time.January || got.Hour() != 0 {
		t.Errorf("got %v, want 2027-01-01 00:30 CST", got)
	}
}

func TestKindName(t *testing.T) {
	for _, c := range []struct{ kind, name, other string }{
		{store.KindDemand, "求购", store.KindOffer},
		{store.KindOffer, "供应", store.KindDemand},
	} {
		if got := record.KindName(c.kind); got != c.name {
			t.Errorf("KindName(%q): got %q, want %q", c.kind, got, c.name)
		}
		if got := record.OtherKind(c.kind); got != c.other {
			t.Errorf("OtherKind(%q): got %q, want %q", c.kind, got, c.other)
		}
	}
}

func TestQuantity(t *testing.T) {
	for _, c := range []struct {
		name string
		q    *store.Quantity
		want string
	}{
		{"none", nil, ""},
		{"zero", &store.Quantity{Value: 0, Unit: "件"}, ""},
		{"small", &store.Quantity{Value: 5000, Unit: "件"}, "5000件"},
		{"ten thousand", &store.Quantity{Value: 10000, Unit: "件"}, "1万件"},
		{"hundreds over 万", &store.Quantity{Value: 12300, Unit: "件"}, "1.23万件"},
		{"thousands over 万", &store.Quantity{Value: 15000, Unit: "套"}, "1.5万套"},
		{"not whole hundreds", &store.Quantity{Value: 12345, Unit: "件"}, "12345件"},
		{"fraction", &store.Quantity{Value: 1.5, Unit: "吨"}, "1.5吨"},
		{"fraction over 万", &store.Quantity{Value: 10000.5, Unit: "米"}, "10000.5米"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.Quantity(c.q); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	for _, c := range []struct {
		name string
		p    *store.Price
		want string
	}{
		{"none", nil, ""},
		{"one price", &store.Price{Min: 35, Max: 35, Unit: "元/件"}, "35元/件"},
		{"range", &store.Price{Min: 30, Max: 35}, "30-35元"},
		{"at most", &store.Price{Max: 35, Unit: "元"}, "不超过35元"},
		{"at least", &store.Price{Min: 30, Unit: "元"}, "30元以上"},
		{"万", &store.Price{Min: 12000, Max: 12000, Unit: "元/吨"}, "1.2万元/吨"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.Price(c.p); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRegion(t *testing.T) {
	for _, c := range []struct {
		name        string
		r           store.Region
		full, short string
	}{
		{"empty", store.Region{}, "", ""},
		{"municipality district", store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}, "重庆市璧山区", "重庆璧山区"},
		{"city district", store.Region{Province: "四川省", City: "成都市", District: "龙泉驿区"}, "四川省成都市龙泉驿区", "成都龙泉驿区"},
		{"city", store.Region{Province: "四川省", City: "绵阳市"}, "四川省绵阳市", "四川绵阳"},
		{"province", store.Region{Province: "四川省"}, "四川省", "四川"},
		{"municipality", store.Region{Province: "重庆市", City: "重庆市"}, "重庆市", "重庆"},
		{"short names stay", store.Region{Province: "四川", City: "成都"}, "四川成都", "四川成都"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.Region(c.r); got != c.full {
				t.Errorf("Region: got %q, want %q", got, c.full)
			}
			if got := record.RegionShort(c.r); got != c.short {
				t.Errorf("RegionShort: got %q, want %q", got, c.short)
			}
		})
	}
}

func TestDate(t *testing.T) {
	for _, c := range []struct {
		name           string
		t              time.Time
		date, monthDay string
	}{
		{"this year", time.Date(2026, 12, 31, 23, 59, 59, 0, record.China), "12月31日", "12月31日"},
		{"next year", time.Date(2027, 1, 15, 23, 59, 59, 0, record.China), "2027年1月15日", "1月15日"},
		{"UTC evening is the next China day", time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), "12月1日", "12月1日"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.Date(c.t, now); got != c.date {
				t.Errorf("Date: got %q, want %q", got, c.date)
			}
			if got := record.MonthDay(c.t); got != c.monthDay {
				t.Errorf("MonthDay: got %q, want %q", got, c.monthDay)
			}
		})
	}
}

func TestLead(t *testing.T) {
	for _, c := range []struct {
		days int
		want string
	}{{0, "现货"}, {15, "15天"}} {
		if got := record.Lead(c.days); got != c.want {
			t.Errorf("Lead(%d): got %q, want %q", c.days, got, c.want)
		}
	}
}

func TestStatusName(t *testing.T) {
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, c := range []struct {
		name string
		p    store.Post
		want string
	}{
		{"open", store.Post{Status: store.StatusOpen, ExpiresAt: later}, "进行中"},
		{"open past expiry", store.Post{Status: store.StatusOpen, ExpiresAt: earlier}, "已过期"},
		{"closed", store.Post{Status: store.StatusClosed}, "已关闭"},
		{"closed with reason", store.Post{Status: store.StatusClosed, ClosedReason: "已成交"}, "已关闭·已成交"},
		{"expired", store.Post{Status: store.StatusExpired, ExpiresAt: later}, "已过期"},
		{"removed", store.Post{Status: store.StatusRemoved}, "已下架"},
		{"unknown", store.Post{Status: "draft"}, "draft"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.StatusName(c.p, now); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	deadline := time.Date(2026, 12, 31, 23, 59, 59, 0, record.China)
	bishan := store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}
	for _, c := range []struct {
		name string
		p    store.Post
		want string
	}{
		{"demand", store.Post{Kind: store.KindDemand, Quantity: &store.Quantity{Value: 12300, Unit: "件"}, Deadline: &deadline, Region: bishan}, "1.23万件 · 12月31日前 · 重庆璧山区"},
		{"offer capacity", store.Post{Kind: store.KindOffer, Capacity: &store.Quantity{Value: 30000, Unit: "件"}, MOQ: &store.Quantity{Value: 500, Unit: "件"}, Region: bishan}, "月产能3万件 · 重庆璧山区"},
		{"offer moq", store.Post{Kind: store.KindOffer, MOQ: &store.Quantity{Value: 500, Unit: "件"}}, "起订500件"},
		{"nothing", store.Post{Kind: store.KindDemand}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := record.Summary(c.p); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFields(t *testing.T) {
	deadline := time.Date(2026, 12, 31, 23, 59, 59, 0, record.China)
	lead := 0
	for _, c := range []struct {
		name string
		p    store.Post
		want string
	}{
		{"demand", store.Post{
			Kind: store.KindDemand, Product: "轮毂", CategoryPath: []string{"汽车零部件", "底盘系统", "轮毂"}, Spec: "18寸",
			Quantity: &store.Quantity{Value: 12300, Unit: "件"}, Capacity: &store.Quantity{Value: 1, Unit: "件"},
			Price: &store.Price{Min: 30, Max: 35, Unit: "元"}, Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
			Deadline: &deadline, Certifications: []string{"IATF16949", "ISO9001"},
		}, "产品：轮毂|品类：汽车零部件/底盘系统/轮毂|规格：18寸|数量：1.23万件|价格：30-35元|地区：重庆市璧山区|截止：12月31日前|认证：IATF16949、ISO9001"},
		{"offer", store.Post{
			Kind: store.KindOffer, Product: "线束", Quantity: &store.Quantity{Value: 1, Unit: "件"},
			Capacity: &store.Quantity{Value: 30000, Unit: "套"}, MOQ: &store.Quantity{Value: 500, Unit: "套"}, LeadTimeDays: &lead,
		}, "产品：线束|月产能：3万套|起订量：500套|交期：现货"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range record.Fields(c.p, now) {
				got = append(got, f.Label+"："+f.Text)
			}
			if g := strings.Join(got, "|"); g != c.want {
				t.Errorf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}

func TestViewHoldsNoContact(t *testing.T) {
	p := store.Post{
		No: "D1001", Kind: store.KindDemand, Product: "轮毂 13800000001", OpenID: "o-secret", EnterpriseID: "e-secret",
		RawText: "求购轮毂 王强 13800000001", Status: store.StatusOpen, ExpiresAt: now.Add(time.Hour),
	}
	b, err := json.Marshal(record.NewView(p, now).Mask(func(s string) string {
		return strings.ReplaceAll(s, "13800000001", "***")
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"o-secret", "e-secret", "王强", "13800000001"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("view shows %q: %s", secret, b)
		}
	}
}

func TestViewTimesInChina(t *testing.T) {
	d := time.Date(2026, 12, 31, 15, 59, 59, 0, time.UTC)
	v := record.NewView(store.Post{Kind: store.KindDemand, Deadline: &d, CreatedAt: now.UTC(), ExpiresAt: now.UTC()}, now)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"deadline":"2026-12-31T23:59:59+08:00"`, `"created_at":"2026-11-25T10:00:00+08:00"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("got %s, want it to contain %s", b, want)
		}
	}
}
