package alerts_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

func TestMatchAlertsBothSidesOnce(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.svc.PostSaved(context.Background(), o) // no counterpart yet
	d := e.post(store.KindDemand, buyer, demandText)
	e.svc.PostSaved(context.Background(), d)

	// Shutdown drains the queue: the matching has run when it returns.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.svc.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mt, err := e.mongo.Matches().Get(ctx, d.ID, o.ID)
	if err != nil {
		t.Fatalf("stored match: %v", err)
	}
	if mt.Score < 0.5 || len(mt.Reasons) == 0 || mt.DemandNo != d.No || mt.OfferNo != o.No {
		t.Fatalf("stored match: got %+v", mt)
	}
	contains(t, "reasons", strings.Join(mt.Reasons, "·"), "品类相同")

	toBuyer, toSeller := e.out.to("buyer"), e.out.to("seller")
	if len(toBuyer) != 1 || len(toSeller) != 1 {
		t.Fatalf("pushes: got buyer %d, seller %d, want 1 each", len(toBuyer), len(toSeller))
	}
	b := toBuyer[0]
	if b.Kind != bot.PushCustom || b.Key != "match:"+d.ID+":"+o.ID+":buyer" || !b.NextAt.IsZero() {
		t.Errorf("buyer push: got %+v", b)
	}
	contains(t, "buyer alert", b.Text, "为您找到匹配", o.No, "变速箱电磁阀", "月产能2万件", "品类相同", "详情 "+o.No, "联系 "+o.No, d.No)
	contains(t, "seller alert", toSeller[0].Text, d.No, "5000件", "联系 "+d.No)
	for _, it := range append(toBuyer, toSeller...) {
		lacks(t, "alert", it.Text, "1380000", "1390000", "王强", "李娜")
	}

	// Saving either record again (an edit) stores the pair once and tells nobody again.
	d.Quantity = &store.Quantity{Value: 6000, Unit: "件"}
	if err := e.mongo.Demands().Replace(ctx, &d); err != nil {
		t.Fatal(err)
	}
	e.saved(d)
	e.saved(o)
	if n, _ := e.mongo.Matches().Count(ctx); n != 1 {
		t.Errorf("matches after re-saving: got %d, want 1", n)
	}
	if nb, ns := len(e.out.to("buyer")), len(e.out.to("seller")); nb != 1 || ns != 1 {
		t.Errorf("pushes after re-saving: got buyer %d, seller %d, want 1 each", nb, ns)
	}

	// 我的匹配 lists the match with its reasons and no contact details.
	reply := e.send("buyer", "我的匹配")
	contains(t, "我的匹配", reply, o.No, "品类相同", "对应您的 "+d.No, "联系 编号")
	lacks(t, "我的匹配", reply, "13900000002", "李娜")
}

func TestNoMatchNoAlert(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	e.saved(e.post(store.KindOffer, seller, "供应 6层PCB 月产能2万平米 成都"))
	e.saved(e.post(store.KindDemand, buyer, demandText))
	if n := len(e.out.to("buyer")) + len(e.out.to("seller")); n != 0 {
		t.Fatalf("pushes for unrelated records: got %d, want 0", n)
	}
	// A record never matches its own enterprise.
	e.saved(e.post(store.KindOffer, buyer, offerText))
	if n := len(e.out.to("buyer")); n != 0 {
		t.Fatalf("pushes for the own enterprise's offer: got %d, want 0", n)
	}
}

func TestTemplateAlertFieldsWithin20Runes(t *testing.T) {
	e := newEnv(t, alerts.Config{TemplateID: "tpl-match"})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, "供应 新能源汽车变速箱电磁阀总成 月产能2万件 重庆璧山 交期15天 IATF16949")
	e.saved(o)
	d := e.post(store.KindDemand, buyer, "求购 新能源汽车变速箱电磁阀总成 5000件 重庆璧山 需IATF16949")
	e.saved(d)
	all := append(e.out.to("buyer"), e.out.to("seller")...)
	if len(all) != 2 {
		t.Fatalf("pushes: got %d, want 2", len(all))
	}
	for _, it := range all {
		if it.Kind != bot.PushTemplate || it.TemplateID != "tpl-match" || it.URL != "" {
			t.Errorf("push: got kind %q template %q url %q, want a template without link", it.Kind, it.TemplateID, it.URL)
		}
		for _, k := range []string{"first", "keyword1", "keyword2", "keyword3", "remark"} {
			v := it.Fields[k]
			if v == "" || utf8.RuneCountInString(v) > 20 {
				t.Errorf("field %s = %q (%d runes), want 1–20", k, v, utf8.RuneCountInString(v))
			}
		}
	}
	if got := e.out.to("buyer")[0].Fields["remark"]; got != "回复 联系 "+o.No+" 交换联系方式" {
		t.Errorf("remark: got %q", got)
	}
}

func TestDailyCapThenOneDigest(t *testing.T) {
	e := newEnv(t, alerts.Config{DailyCap: 2})
	buyer, _ := e.buyerSeller()
	var offers []store.Post
	for i, name := range []string{"甲", "乙", "丙", "丁", "戊"} {
		s := e.enterprise("重庆"+name+"机电有限公司", store.RoleParts, "s"+name, "张"+name, "1370000000"+string(rune('0'+i)), "重庆江津", false)
		o := e.post(store.KindOffer, s, offerText)
		e.saved(o)
		offers = append(offers, o)
	}
	d := e.post(store.KindDemand, buyer, demandText)
	e.saved(d)

	var alertsN, digests int
	var digest store.OutboxItem
	for _, it := range e.out.to("buyer") {
		if strings.HasPrefix(it.Key, "digest:") {
			digests++
			digest = it
		} else {
			alertsN++
		}
	}
	if alertsN != 2 || digests != 1 {
		t.Fatalf("buyer pushes: got %d alerts and %d digests, want 2 and 1", alertsN, digests)
	}
	day := e.clock().In(cst).Format("20060102")
	if digest.Key != "digest:buyer:"+day {
		t.Errorf("digest key: got %q", digest.Key)
	}
	want := time.Date(e.clock().In(cst).Year(), e.clock().In(cst).Month(), e.clock().In(cst).Day(), 21, 0, 0, 0, cst)
	if !digest.NextAt.Equal(want) {
		t.Errorf("digest due: got %v, want %v", digest.NextAt.In(cst), want)
	}
	// The digest grows while it waits: it now lists all three over the cap.
	stored, err := e.mongo.Outbox().Get(context.Background(), digest.Key)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "digest", stored.Text, "今日另有 3 条", "我的匹配")
	// Each supplier heard once; the inbox holds all five.
	for _, n := range []string{"甲", "乙", "丙", "丁", "戊"} {
		if got := len(e.out.to("s" + n)); got != 1 {
			t.Errorf("supplier %s pushes: got %d, want 1", n, got)
		}
	}
	if got := strings.Count(e.send("buyer", "我的匹配"), "对应您的"); got != 5 {
		t.Errorf("我的匹配 entries: got %d, want 5", got)
	}
}

func TestQuietHoursHoldUntilEight(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	c := daytime()
	e.setNow(time.Date(c.Year(), c.Month(), c.Day(), 23, 30, 0, 0, cst))
	buyer, seller := e.buyerSeller()
	e.saved(e.post(store.KindOffer, seller, offerText))
	e.saved(e.post(store.KindDemand, buyer, demandText))
	want := time.Date(c.Year(), c.Month(), c.Day()+1, 8, 0, 0, 0, cst)
	for _, who := range []string{"buyer", "seller"} {
		items := e.out.to(who)
		if len(items) != 1 || !items[0].NextAt.Equal(want) {
			t.Fatalf("%s: got %+v, want one push due %v", who, items, want)
		}
		stored, err := e.mongo.Outbox().Get(context.Background(), items[0].Key)
		if err != nil || !stored.NextAt.Equal(want) {
			t.Fatalf("%s stored next_at: got %v (%v), want %v", who, stored.NextAt, err, want)
		}
	}
	// Early morning is quiet too: held until 08:00 the same day.
	e.setNow(time.Date(c.Year(), c.Month(), c.Day()+1, 6, 0, 0, 0, cst))
	o2 := e.enterprise("重庆乙机电有限公司", store.RoleParts, "seller2", "赵六", "13600000003", "重庆江津", false)
	e.saved(e.post(store.KindOffer, o2, offerText))
	if items := e.out.to("seller2"); len(items) != 1 || !items[0].NextAt.Equal(want) {
		t.Fatalf("06:00 alert: got %+v, want due %v", items, want)
	}
}
