package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

// 注销 deletes what it promises: the contact, the text the user typed into
// their records, their subscriptions, and the pushes not sent yet.
func TestDialogQuitErasesPersonalData(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	m := w.m
	ctx := context.Background()
	for _, id := range []string{"quit-u", "quit-peer"} {
		m.Sim.Follow(id)
	}
	c := newChat(t, m, "quit-u")
	c.expect("注册 成都蓉电科技有限公司 电子信息 四川成都高新区 联系人王经理 13800001111", "同意")
	c.expect("同意", "登记成功")
	c.expect("供应 6层PCB 月产能2万平米 成都 电话138-0000-1111 王经理 微信wx13800001111", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	c.expect("订阅 电磁阀 重庆", "已订阅")
	peer := newChat(t, m, "quit-peer")
	peer.expect("订阅 电磁阀 重庆", "已订阅")

	// A push to the user that is not due yet.
	later := store.OutboxItem{Key: "quit-test:later", Kind: bot.PushCustom, OpenID: "quit-u", Text: "稍后的提醒",
		NextAt: time.Now().Add(time.Hour)}
	if err := m.Mongo.Outbox().Enqueue(ctx, later); err != nil {
		t.Fatal(err)
	}

	c.expect("注销", "确认注销", "订阅")
	c.expect("确认注销", "已注销")

	p := postByNo(t, m, no)
	if p.Status != store.StatusRemoved || p.OpenID != "" {
		t.Errorf("record after 注销: status %s openid %q", p.Status, p.OpenID)
	}
	for _, bad := range []string{"138", "王经理", "wx"} {
		if strings.Contains(p.RawText, bad) {
			t.Errorf("raw_text keeps %q after 注销: %q", bad, p.RawText)
		}
	}
	if p.EnterpriseID != "" {
		t.Errorf("removed record still names the enterprise: %q", p.EnterpriseID)
	}
	if subs, err := m.Mongo.Subscriptions().ByOpenID(ctx, "quit-u"); err != nil || len(subs) != 0 {
		t.Errorf("subscriptions after 注销: got %d (%v), want 0", len(subs), err)
	}
	c.expect("我的订阅", "还没有订阅")
	if it, err := m.Mongo.Outbox().Get(ctx, later.Key); err != nil || it.Status != store.OutboxFailed {
		t.Errorf("push not sent yet after 注销: got %q (%v), want %q", it.Status, err, store.OutboxFailed)
	}

	// A record the subscription fitted reaches the other subscriber only.
	d := w.post(store.KindDemand, w.buyer, "变速箱电磁阀", nil)
	wantIn(t, "peer's alert", w.waitPushes("quit-peer", 1)[0].Text, d.No)
	time.Sleep(300 * time.Millisecond)
	for _, p := range pushes(t, m, "quit-u") {
		if strings.Contains(p.Text, d.No) || strings.Contains(p.Text, "稍后的提醒") {
			t.Errorf("deregistered user got a push: %q", p.Text)
		}
	}
}
