package main

import (
	"context"
	"strings"
	"testing"

	"supplybot/handlers/alerts"
	"supplybot/store"
)

// join makes c a contact of the enterprise of the user owner.
func (c *chat) join(m *Main, owner, name, mobile string) {
	c.t.Helper()
	c.expect("加入 "+enterprise(c.t, m, owner).InviteCode+" "+name+" "+mobile, "同意")
	c.expect("同意", "已加入")
}

// Records belong to the enterprise: a colleague sees and manages them, and
// each change is noted with who made it.
func TestColleaguesManageTheCompanysRecords(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	zhang := newChat(t, m, "co-zhang")
	zhang.register("重庆青山工业有限公司")
	zhang.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, zhang.expect("确认", "已发布"))

	li := newChat(t, m, "co-li")
	li.join(m, "co-zhang", "李娜", "13900002222")
	li.expect("我的发布", "贵企业的发布", no, "张伟发布")
	detail := li.expect("详情 "+no, "修改 "+no, "关闭 "+no)
	if strings.Contains(detail, "联系 "+no) {
		t.Errorf("a colleague is invited to contact the company's own record: %s", detail)
	}
	li.expect("修改 "+no+" 数量 4000", "已修改")
	li.expect("关闭 "+no, "关闭原因")
	li.expect("撤回", "已关闭")
	p := postByNo(t, m, no)
	if len(p.Changes) != 2 || p.Changes[0].Name != "李娜" || !strings.Contains(p.Changes[0].What, "数量") || !strings.Contains(p.Changes[1].What, "关闭") {
		t.Errorf("changes: %+v", p.Changes)
	}

	// Someone of another company may not.
	other := newChat(t, m, "co-other")
	other.register("成都蓉电科技有限公司")
	other.expect("关闭 "+no, "只能关闭您自己或同事发布的信息")

	// Li leaves; the enterprise keeps the record.
	zhang.expect("求购 铝合金轮毂 2000套 重庆璧山", "请核对")
	kept := noIn(t, zhang.expect("确认", "已发布"))
	li.expect("退出企业", "确认退出")
	li.expect("确认退出", "已退出企业")
	li.expect("我的发布", "还没有发布过")
	zhang.expect("我的发布", kept)
	if e := enterprise(t, m, "co-zhang"); len(e.Contacts) != 1 {
		t.Errorf("contacts after leaving: %+v", e.Contacts)
	}
	zhang.expect("退出企业", "唯一的联系人")
}

// 注销 by one of several contacts points to 退出企业, which keeps the
// records for the colleagues.
func TestDeregisteringPointsToLeaving(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	zhang := newChat(t, m, "dq-zhang")
	zhang.register("重庆青山工业有限公司")
	li := newChat(t, m, "dq-li")
	li.join(m, "dq-zhang", "李娜", "13900002222")
	li.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, li.expect("确认", "已发布"))
	li.expect("注销", "1条信息会下架", "退出企业")
	li.expect("退出企业", "确认退出")
	li.expect("确认退出", "已退出企业")
	zhang.expect("我的发布", no, "已离开的同事发布")
	if p := postByNo(t, m, no); p.Status != "open" {
		t.Errorf("the record went with its poster: %s", p.Status)
	}
}

// Alerts go to the poster, and to colleagues who follow the company's alerts.
func TestColleaguesWhoFollowHearTheAlerts(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	buyer, seller := w.buyer.Contacts[0].OpenID, w.seller.Contacts[0].OpenID
	ctx := context.Background()
	for _, c := range []struct{ openid, name, mobile string }{{"co-follower", "赵敏", "13500001111"}, {"co-quiet", "孙丽", "13500002222"}} {
		if err := w.m.Mongo.Enterprises().AddContact(ctx, w.buyer.ID, storeContact(c.openid, c.name, c.mobile)); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.say("co-follower", "关注企业提醒"); !strings.Contains(got, "已关注企业提醒") {
		t.Fatalf("follow: %s", got)
	}
	w.say(buyer, "求购 变速箱电磁阀 5000件 重庆璧山")
	demand := noIn(t, w.say(buyer, "确认"))
	w.say(seller, "供应 变速箱电磁阀 月产能5万件 重庆璧山")
	w.say(seller, "确认")
	if err := w.m.Alerts.Service.RunOnce(ctx, chinaToday(10)); err != nil {
		t.Fatal(err)
	}
	heard := func(openid string) bool {
		for _, p := range pushes(t, w.m, openid) {
			if strings.Contains(p.Text, demand) {
				return true
			}
		}
		return false
	}
	eventually(t, "the poster and the follower hear of the match", func() bool { return heard(buyer) && heard("co-follower") })
	if heard("co-quiet") {
		t.Error("a colleague who does not follow heard of the match")
	}
}

func storeContact(openid, name, mobile string) store.Contact {
	return store.Contact{OpenID: openid, Name: name, Mobile: mobile}
}
