package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

var cstZone = time.FixedZone("CST", 8*3600)

// chinaToday returns hh:00 China time today (within a day of the wall
// clock, which the matching engine uses for expiry).
func chinaToday(hh int) time.Time {
	c := time.Now().In(cstZone)
	return time.Date(c.Year(), c.Month(), c.Day(), hh, 0, 0, 0, cstZone)
}

// mustRunAlerts is mustRun with the alerts service's config set.
func mustRunAlerts(t *testing.T, cfg Config, acfg alerts.Config) *Main {
	t.Helper()
	if acfg.SweepEvery == 0 {
		acfg.SweepEvery = -1 // tests call RunOnce
	}
	m := NewMain(cfg, nil)
	m.Alerts.Config = acfg
	return start(t, m)
}

type alertsWorld struct {
	t      *testing.T
	m      *Main
	msgID  int64
	buyer  store.Enterprise
	seller store.Enterprise
}

func newAlertsWorld(t *testing.T, cfg Config, acfg alerts.Config) *alertsWorld {
	if acfg.Now == nil {
		acfg.Now = func() time.Time { return chinaToday(10) }
	}
	w := &alertsWorld{t: t, m: mustRunAlerts(t, cfg, acfg), msgID: time.Now().UnixNano()}
	w.buyer = w.enterprise("重庆长安汽车股份有限公司", store.RoleVehicle, "e2e-buyer", "王强", "13800000001", true)
	w.seller = w.enterprise("重庆青山工业有限公司", store.RoleParts, "e2e-seller", "李娜", "13900000002", true)
	return w
}

func (w *alertsWorld) enterprise(name, role, openid, person, mobile string, verified bool) store.Enterprise {
	w.t.Helper()
	e := store.Enterprise{Name: name, Role: role, Verified: verified,
		Region:   store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
		Contacts: []store.Contact{{OpenID: openid, Name: person, Mobile: mobile}}}
	if err := w.m.Mongo.Enterprises().Create(context.Background(), &e); err != nil {
		w.t.Fatal(err)
	}
	w.m.Sim.Follow(openid) // follows the account; the 48-hour window is open
	return e
}

// post stores a record as the conversation would and tells the service.
func (w *alertsWorld) post(kind string, e store.Enterprise, product string, mod func(*store.Post)) store.Post {
	w.t.Helper()
	p := store.Post{Kind: kind, Product: product, CategoryCode: "auto.powertrain.transmission", Category: "变速器",
		Keywords: []string{product, "电磁阀", "变速箱", "变速器"}, EnterpriseID: e.ID, Verified: e.Verified, OpenID: e.Contacts[0].OpenID,
		Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}}
	if kind == store.KindDemand {
		p.Quantity = &store.Quantity{Value: 5000, Unit: "件"}
	} else {
		p.Capacity = &store.Quantity{Value: 20000, Unit: "件"}
	}
	if mod != nil {
		mod(&p)
	}
	if err := w.m.Mongo.Posts(kind).Create(context.Background(), &p); err != nil {
		w.t.Fatal(err)
	}
	w.m.Alerts.Service.PostSaved(context.Background(), p)
	return p
}

func (w *alertsWorld) say(openid, text string) string {
	w.t.Helper()
	w.msgID++
	_, reply := send(w.t, w.m, bot.ModeSafe, bot.TextXML(openid, text, w.msgID))
	return reply
}

// waitPushes waits until openid received n pushes, then makes sure no more arrive.
func (w *alertsWorld) waitPushes(openid string, n int) []simPush {
	w.t.Helper()
	eventually(w.t, strconv.Itoa(n)+" pushes to "+openid, func() bool { return len(pushes(w.t, w.m, openid)) >= n })
	time.Sleep(150 * time.Millisecond)
	got := pushes(w.t, w.m, openid)
	if len(got) != n {
		w.t.Fatalf("pushes to %s: got %d %+v, want %d", openid, len(got), got, n)
	}
	return got
}

func wantIn(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, x := range want {
		if !strings.Contains(s, x) {
			t.Errorf("%s: %q lacks %q", what, s, x)
		}
	}
}

func wantNotIn(t *testing.T, what, s string, bad ...string) {
	t.Helper()
	for _, x := range bad {
		if strings.Contains(s, x) {
			t.Errorf("%s: %q contains %q", what, s, x)
		}
	}
}

func TestAlertsBothSidesOnceThenContactOnConsent(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	o := w.post(store.KindOffer, w.seller, "变速箱电磁阀", nil)
	d := w.post(store.KindDemand, w.buyer, "变速箱电磁阀", nil)

	toBuyer := w.waitPushes("e2e-buyer", 1)
	toSeller := w.waitPushes("e2e-seller", 1)
	if toBuyer[0].Type != "custom" {
		t.Errorf("alert type: got %q, want custom", toBuyer[0].Type)
	}
	wantIn(t, "buyer alert", toBuyer[0].Text, "为您找到匹配", o.No, "品类相同", "同区县", "联系 "+o.No)
	wantIn(t, "seller alert", toSeller[0].Text, d.No, "5000件", "联系 "+d.No)
	for _, p := range append(toBuyer, toSeller...) {
		wantNotIn(t, "alert", p.Text, "13800000001", "13900000002", "王强", "李娜")
	}

	// Saving again (an edit) alerts nobody again; the pair is stored once.
	w.m.Alerts.Service.PostSaved(context.Background(), d)
	if err := w.m.Alerts.Service.MatchNow(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	w.waitPushes("e2e-buyer", 1)
	w.waitPushes("e2e-seller", 1)
	if n, _ := w.m.Mongo.Matches().Count(context.Background()); n != 1 {
		t.Errorf("matches: got %d, want 1", n)
	}

	// 我的匹配 explains the match without contact details.
	my := w.say("e2e-buyer", "我的匹配")
	wantIn(t, "我的匹配", my, o.No, "品类相同")
	wantNotIn(t, "我的匹配", my, "13900000002")

	// Contact exchange on consent.
	wantIn(t, "联系", w.say("e2e-seller", "联系 "+d.No), "已向 "+d.No)
	req := w.waitPushes("e2e-buyer", 2)[1]
	wantIn(t, "request", req.Text, "重庆青山工业有限公司", "零部件", "已认证", "同意", "拒绝")
	wantNotIn(t, "request", req.Text, "13900000002", "李娜")
	wantIn(t, "twice", w.say("e2e-seller", "联系 "+d.No), "只能请求一次")
	wantIn(t, "同意", w.say("e2e-buyer", "同意"), "已同意")
	wantIn(t, "owner gets requester", w.waitPushes("e2e-buyer", 3)[2].Text, "李娜", "13900000002")
	wantIn(t, "requester gets owner", w.waitPushes("e2e-seller", 2)[1].Text, "王强", "13800000001")
}

func TestAlertsDeclineAndRequestExpiry(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	third := w.enterprise("成都丙电子有限公司", store.RoleElectronics, "e2e-third", "陈八", "13300000008", false)
	_ = third
	d := w.post(store.KindDemand, w.buyer, "变速箱电磁阀", func(p *store.Post) { p.Keywords = []string{"变速箱电磁阀"} })
	d2 := w.post(store.KindDemand, w.buyer, "汽车线束", func(p *store.Post) {
		p.Keywords, p.CategoryCode = []string{"线束"}, "auto.electrical.harness"
	})
	w.say("e2e-seller", "联系 "+d.No)
	w.say("e2e-third", "联系 "+d2.No)
	wantIn(t, "two pending", w.say("e2e-buyer", "拒绝"), "2 个待处理", "拒绝 编号")

	q, err := w.m.Mongo.ContactRequests().Get(context.Background(), "e2e-seller", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantIn(t, "拒绝 n", w.say("e2e-buyer", "拒绝 "+strconv.FormatInt(q.No, 10)), "已婉拒")
	wantIn(t, "declined", w.waitPushes("e2e-seller", 1)[0].Text, "很抱歉", d.No)

	// Eight days later the other request has expired; its requester is told.
	if err := w.m.Alerts.Service.RunOnce(context.Background(), chinaToday(10).Add(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantIn(t, "expired", w.waitPushes("e2e-third", 1)[0].Text, "已失效", d2.No)
	if got, _ := w.m.Mongo.ContactRequests().Get(context.Background(), "e2e-third", d2.ID); got.Status != store.ContactExpired {
		t.Errorf("status: got %q, want expired", got.Status)
	}
}

func TestAlertsTemplateFieldsWithin20(t *testing.T) {
	cfg := testConfig(t)
	cfg.WeChat.Templates.Match = "tpl-match-e2e"
	w := newAlertsWorld(t, cfg, alerts.Config{})
	long := "新能源汽车双离合变速箱电磁阀总成"
	w.post(store.KindOffer, w.seller, long, nil)
	d := w.post(store.KindDemand, w.buyer, long, nil)
	for _, who := range []string{"e2e-buyer", "e2e-seller"} {
		p := w.waitPushes(who, 1)[0]
		if p.Type != "template" {
			t.Fatalf("%s: got %q, want a template message", who, p.Type)
		}
		lines := strings.Split(p.Text, "\n") // one line per field, then the link
		link := lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			if n := utf8.RuneCountInString(line); n == 0 || n > 20 {
				t.Errorf("%s: field %q has %d characters", who, line, n)
			}
		}
		if !strings.HasPrefix(link, w.m.URL()+"/r/") {
			t.Fatalf("%s: last line %q, want a link to the record page", who, link)
		}
		status, page := get(t, link)
		if status != 200 || !strings.Contains(page, long) || !strings.Contains(page, "联系 ") {
			t.Errorf("%s: record page %s: %d\n%s", who, link, status, page)
		}
		for _, secret := range []string{"13800000001", "13900000002", "王强", "李娜"} {
			if strings.Contains(page, secret) {
				t.Errorf("%s: record page shows the contact %q", who, secret)
			}
		}
	}
	wantIn(t, "seller template", pushes(t, w.m, "e2e-seller")[0].Text, d.No)
	if status, _ := get(t, w.m.URL()+"/r/D999999"); status != 404 {
		t.Errorf("unknown record page: %d, want 404", status)
	}
}

func TestAlertsCapDigestAndQuietHours(t *testing.T) {
	night := chinaToday(23)
	if night.Before(time.Now()) {
		night = night.AddDate(0, 0, 1)
	}
	cfg := testConfig(t)
	cfg.Alerts.QuietHours = "22:00-08:00" // production's; the local config.yaml has none
	w := newAlertsWorld(t, cfg, alerts.Config{DailyCap: 1, Now: func() time.Time { return night }})
	o1 := w.post(store.KindOffer, w.seller, "变速箱电磁阀", nil)
	other := w.enterprise("重庆乙机电有限公司", store.RoleParts, "e2e-other", "赵六", "13600000003", false)
	o2 := w.post(store.KindOffer, other, "变速箱电磁阀", nil)
	d := w.post(store.KindDemand, w.buyer, "变速箱电磁阀", nil)
	if err := w.m.Alerts.Service.Shutdown(context.Background()); err != nil { // drains the matching
		t.Fatal(err)
	}
	morning := time.Date(night.Year(), night.Month(), night.Day()+1, 8, 0, 0, 0, cstZone)
	ctx := context.Background()
	first, err1 := w.m.Outbox.Get(ctx, "match:"+d.ID+":"+o1.ID+":e2e-buyer")
	second, err2 := w.m.Outbox.Get(ctx, "match:"+d.ID+":"+o2.ID+":e2e-buyer")
	// One of the two went out as an alert (cap 1), the other into the digest.
	alert := first
	if err1 != nil {
		alert = second
	}
	if (err1 == nil) == (err2 == nil) {
		t.Fatalf("buyer alerts: got %v and %v, want exactly one push", err1, err2)
	}
	if !alert.NextAt.Equal(morning) {
		t.Errorf("alert at 23:00 due %v, want %v", alert.NextAt.In(cstZone), morning)
	}
	day := morning.Format("20060102")
	digest, err := w.m.Outbox.Get(ctx, "digest:e2e-buyer:"+day)
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	wantIn(t, "digest", digest.Text, "今日另有 1 条", "我的匹配")
	if want := time.Date(morning.Year(), morning.Month(), morning.Day(), 21, 0, 0, 0, cstZone); !digest.NextAt.Equal(want) {
		t.Errorf("digest due %v, want %v", digest.NextAt.In(cstZone), want)
	}
	for _, who := range []string{"e2e-seller", "e2e-other"} {
		if _, err := w.m.Outbox.Get(ctx, "match:"+d.ID+":"+map[string]string{"e2e-seller": o1.ID, "e2e-other": o2.ID}[who]+":"+who); err != nil {
			t.Errorf("%s alert: %v", who, err)
		}
	}
	if n := len(pushes(t, w.m, "e2e-buyer")); n != 0 {
		t.Errorf("pushes during quiet hours: got %d, want 0", n)
	}
}

func TestAlertsSubscriptionReminderExpiry(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	w.m.Sim.Follow("e2e-sub")
	wantIn(t, "订阅", w.say("e2e-sub", "订阅 电磁阀 重庆"), "已订阅")
	wantIn(t, "我的订阅", w.say("e2e-sub", "我的订阅"), "1. 电磁阀 · 重庆")

	now := chinaToday(10)
	d := w.post(store.KindDemand, w.buyer, "变速箱电磁阀", func(p *store.Post) { p.ExpiresAt = now.Add(48 * time.Hour) })
	wantIn(t, "subscription alert", w.waitPushes("e2e-sub", 1)[0].Text, "您订阅的“电磁阀 · 重庆”有新求购", d.No)

	// Three days before expiry the owner is asked, once.
	svc := w.m.Alerts.Service
	if err := svc.RunOnce(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if err := svc.RunOnce(context.Background(), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantIn(t, "reminder", w.waitPushes("e2e-buyer", 1)[0].Text, "您的求购 "+d.No+"（变速箱电磁阀）将于", "到期，仍需要吗？回复 续期 "+d.No)

	// Once expired it stops matching: a new offer finds nothing.
	later := now.Add(49 * time.Hour)
	svc.SetNow(func() time.Time { return later })
	if err := svc.RunOnce(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	o := w.post(store.KindOffer, w.seller, "变速箱电磁阀", func(p *store.Post) { p.ExpiresAt = later.Add(30 * 24 * time.Hour) })
	if err := svc.MatchNow(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	w.waitPushes("e2e-seller", 0)
	if n, _ := w.m.Mongo.Matches().Count(context.Background()); n != 0 {
		t.Errorf("matches with an expired demand: got %d, want 0", n)
	}
}

// A demand posted in the chat reaches the matching service through the
// conversation's events: the supplier whose offer fits is alerted.
func TestChatPostAlertsTheSupplier(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	w.post(store.KindOffer, w.seller, "变速箱电磁阀", func(p *store.Post) {
		p.Keywords = []string{"变速箱电磁阀", "电磁阀", "变速箱", "变速器"}
		p.CategoryCode, p.Category = "auto.powertrain.transmission", "变速器"
		p.Region = store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}
	})
	buyer := newChat(t, w.m, w.buyer.Contacts[0].OpenID)
	reply := buyer.say("求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货")
	wantIn(t, "summary", reply, "确认")
	reply = buyer.say("确认")
	no := noIn(t, reply)
	got := w.waitPushes(w.seller.Contacts[0].OpenID, 1)
	wantIn(t, "supplier's alert", got[0].Text, no, "变速箱电磁阀")
	wantNotIn(t, "supplier's alert", got[0].Text, w.buyer.Contacts[0].Mobile)
}
