package alerts_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

func TestSubscriptions(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	_, seller := e.buyerSeller()
	wheelMaker := e.enterprise("重庆戴卡轮毂有限公司", store.RoleParts, "wheels", "周七", "13500000005", "重庆綦江", false)

	contains(t, "订阅 help", e.send("sub1", "订阅"), "订阅 轮毂 重庆", "我的订阅")
	contains(t, "订阅 轮毂 重庆", e.send("sub1", "订阅 轮毂 重庆"), "已订阅", "轮毂", "重庆", "我的订阅")
	contains(t, "again", e.send("sub1", "订阅 轮毂 重庆"), "已经订阅过")
	contains(t, "订阅 品类 PCB", e.send("sub1", "订阅 品类 PCB"), "已订阅", "品类PCB")
	contains(t, "unknown category", e.send("sub1", "订阅 品类 不存在的东西"), "没有找到品类")
	contains(t, "region only", e.send("sub1", "订阅 重庆"), "请写上产品或品类")
	// The wheel maker subscribes to its own product: its own offers never alert it.
	e.send("wheels", "订阅 轮毂")

	list := e.send("sub1", "我的订阅")
	contains(t, "我的订阅", list, "1. 轮毂 · 重庆", "2. 品类PCB", "退订 编号")

	own := e.post(store.KindOffer, wheelMaker, "供应 铝合金轮毂 月产能5万件 重庆綦江")
	e.saved(own)
	elsewhere := e.post(store.KindOffer, seller, "供应 铝合金轮毂 月产能1万件 成都龙泉驿")
	e.saved(elsewhere)
	pcb := e.post(store.KindOffer, seller, "供应 6层PCB 月产能2万平米 成都")
	e.saved(pcb)

	got := e.out.to("sub1")
	if len(got) != 2 {
		t.Fatalf("subscriber pushes: got %d %+v, want the Chongqing wheels and the PCB", len(got), got)
	}
	contains(t, "wheel alert", got[0].Text, "您订阅的“轮毂 · 重庆”有新供应", own.No, "联系 "+own.No)
	contains(t, "pcb alert", got[1].Text, pcb.No)
	lacks(t, "wheel alert", got[0].Text, "13500000005", "周七")
	for _, it := range e.out.to("wheels") {
		if strings.Contains(it.Text, own.No) {
			t.Errorf("own enterprise alerted of its own offer: %q", it.Text)
		}
	}
	if n := len(e.out.to("wheels")); n != 1 {
		t.Errorf("wheel maker pushes: got %d, want 1 (the Chengdu wheels of another company)", n)
	}
	// A subscriber who heard of a record through a match is not told again.
	e.saved(own)
	if n := len(e.out.to("sub1")); n != 2 {
		t.Errorf("pushes after re-saving: got %d, want 2", n)
	}

	contains(t, "退订 9", e.send("sub1", "退订 9"), "退订 编号（1–2）")
	contains(t, "退订 1", e.send("sub1", "退订 1"), "已退订：轮毂 · 重庆")
	if l := e.send("sub1", "我的订阅"); strings.Contains(l, "轮毂") || !strings.Contains(l, "1. 品类PCB") {
		t.Errorf("我的订阅 after 退订 1: got %q", l)
	}
	e.saved(e.post(store.KindOffer, seller, "供应 钢制轮毂 月产能1万件 重庆璧山"))
	if n := len(e.out.to("sub1")); n != 2 {
		t.Errorf("pushes after unsubscribing: got %d, want 2", n)
	}
}

func TestContactExchange(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	e.saved(d)

	contains(t, "unregistered", e.send("stranger", "联系 "+d.No), "先注册", "注册")
	contains(t, "unknown record", e.send("seller", "联系 D999999"), "没有找到 D999999")
	contains(t, "own record", e.send("buyer", "联系 "+d.No), "贵公司自己发布")
	contains(t, "nothing to answer", e.send("buyer", "同意"), "没有待处理的联系请求")

	reply := e.send("seller", "联系 "+strings.ToLower(d.No))
	contains(t, "联系", reply, "已向 "+d.No, "联系请求")
	ask := e.out.to("buyer")
	if len(ask) != 1 {
		t.Fatalf("owner pushes: got %d, want the request", len(ask))
	}
	contains(t, "request", ask[0].Text, "重庆青山工业有限公司", "零部件", "重庆璧山区", "已认证", d.No, "同意 ", "拒绝 ")
	lacks(t, "request", ask[0].Text, "13900000002", "李娜")

	contains(t, "twice", e.send("seller", "联系 "+d.No), "已请求过", "等待对方回复")

	contains(t, "同意", e.send("buyer", "同意"), "已同意")
	toSeller := e.out.to("seller")
	if len(toSeller) != 1 {
		t.Fatalf("requester pushes: got %d, want the owner's contact", len(toSeller))
	}
	contains(t, "to requester", toSeller[0].Text, "重庆长安汽车股份有限公司", "王强", "13800000001")
	toBuyer := e.out.to("buyer")
	if len(toBuyer) != 2 {
		t.Fatalf("owner pushes: got %d, want request and the requester's contact", len(toBuyer))
	}
	contains(t, "to owner", toBuyer[1].Text, "重庆青山工业有限公司", "李娜", "13900000002")
	contains(t, "after answer", e.send("buyer", "同意"), "没有待处理")
	contains(t, "twice after consent", e.send("seller", "联系 "+d.No), "已请求过", "对方已同意")

	q, err := e.mongo.ContactRequests().Get(context.Background(), "seller", d.ID)
	if err != nil || q.Status != store.ContactAccepted || q.AnsweredAt == nil || q.CreatedAt.IsZero() {
		t.Fatalf("logged request: got %+v, %v", q, err)
	}
}

func TestContactDeclineSeveralPendingAndExpiry(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	e.enterprise("成都丙电子有限公司", store.RoleElectronics, "third", "陈八", "13300000008", "成都高新", false)
	d1 := e.post(store.KindDemand, buyer, demandText)
	d2 := e.post(store.KindDemand, buyer, "求购 汽车线束 2000套 重庆渝北")
	e.send("seller", "联系 "+d1.No)
	e.send("third", "联系 "+d1.No)
	e.send("third", "联系 "+d2.No)

	pending, _ := e.mongo.ContactRequests().PendingForOwner(context.Background(), "buyer", e.clock())
	if len(pending) != 3 {
		t.Fatalf("pending: got %d, want 3", len(pending))
	}
	list := e.send("buyer", "拒绝")
	contains(t, "which one", list, "3 个待处理", "成都丙电子有限公司", "同意 编号")
	contains(t, "bad number", e.send("buyer", "同意 999"), "没有编号为 999")

	first := pending[0]
	contains(t, "拒绝 n", e.send("buyer", "拒绝 "+itoa(first.No)), "已婉拒")
	declined := e.out.to("seller")
	if len(declined) != 1 || !strings.Contains(declined[0].Text, "很抱歉") {
		t.Fatalf("requester after decline: got %+v", declined)
	}
	lacks(t, "decline", declined[0].Text, "13800000001", "王强")

	// Seven days on, the two unanswered requests expire and their requester is told.
	e.setNow(e.clock().Add(7*24*time.Hour + time.Minute))
	if err := e.svc.RunOnce(context.Background(), e.clock()); err != nil {
		t.Fatal(err)
	}
	contains(t, "after expiry", e.send("buyer", "同意"), "没有待处理")
	expired := e.out.to("third")
	if len(expired) != 2 || !strings.Contains(expired[0].Text, "已失效") {
		t.Fatalf("requester after expiry: got %+v", expired)
	}
	q, _ := e.mongo.ContactRequests().Get(context.Background(), "third", d2.ID)
	if q.Status != store.ContactExpired {
		t.Errorf("status: got %q, want expired", q.Status)
	}
	// Expired is final: the same record cannot be asked again.
	contains(t, "ask again", e.send("third", "联系 "+d2.No), "已请求过", "已过期")
	// Running the sweep again tells nobody twice.
	if err := e.svc.RunOnce(context.Background(), e.clock()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.out.to("third")); n != 2 {
		t.Errorf("pushes after a second sweep: got %d, want 2", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLifecycleReminderAndExpiry(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	now := e.clock()
	soon := e.post(store.KindDemand, buyer, demandText, func(p *store.Post) { p.ExpiresAt = now.Add(50 * time.Hour) })
	later := e.post(store.KindOffer, seller, "供应 汽车线束 月产能1万套 重庆", func(p *store.Post) { p.ExpiresAt = now.Add(10 * 24 * time.Hour) })
	_ = later
	if err := e.svc.RunOnce(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	got := e.out.to("buyer")
	if len(got) != 1 {
		t.Fatalf("reminders: got %d, want 1", len(got))
	}
	want := "您的求购 " + soon.No + "（变速箱电磁阀）将于 " + dateCN(soon.ExpiresAt) + " 到期，仍需要吗？回复 续期 " + soon.No
	if got[0].Text != want {
		t.Errorf("reminder: got %q, want %q", got[0].Text, want)
	}
	if n := len(e.out.to("seller")); n != 0 {
		t.Errorf("reminder for a record 10 days from expiry: %d", n)
	}
	if err := e.svc.RunOnce(context.Background(), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.out.to("buyer")); n != 1 {
		t.Errorf("reminders after a second sweep: got %d, want 1", n)
	}

	// Past its date the record is expired and stops matching.
	e.svc.PostSaved(context.Background(), soon) // in the engine
	e.setNow(now.Add(51 * time.Hour))
	if err := e.svc.RunOnce(context.Background(), e.clock()); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.mongo.Demands().Get(context.Background(), soon.ID); p.Status != store.StatusExpired {
		t.Fatalf("status: got %q, want expired", p.Status)
	}
	if e.svc.Engine().Has(soon.ID) {
		t.Fatal("expired record still in the engine")
	}
	e.saved(e.post(store.KindOffer, seller, offerText))
	if n := len(e.out.to("seller")); n != 0 {
		t.Errorf("alerts about an expired demand: %d", n)
	}
}

func dateCN(t time.Time) string {
	c := t.In(cst)
	return itoa(int64(c.Month())) + "月" + itoa(int64(c.Day())) + "日"
}

func TestRoutes(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	r := e.r
	menu := &bot.Message{OpenID: "u", Type: bot.TypeEvent, Event: bot.EventClick, EventKey: alerts.MenuMyMatches}
	rep, _ := r.Handle(context.Background(), menu)
	contains(t, "MY_MATCHES", rep.Text, "暂时还没有匹配")
	for _, tc := range []struct{ text, want string }{
		{"我的匹配", "暂时还没有匹配"},
		{"我的订阅", "还没有订阅"},
		{"退订", "还没有订阅"},
		{"拒绝", "没有待处理"},
		{"同意 3", "没有待处理"},
		{"联系 O1001", "先注册"},
		{"联系方式是什么", "DEFAULT"},
		{"同意了吗", "DEFAULT"},
	} {
		t.Run(tc.text, func(t *testing.T) { contains(t, tc.text, e.send("u", tc.text), tc.want) })
	}
}
