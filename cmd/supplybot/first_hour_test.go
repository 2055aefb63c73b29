package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/alerts"
)

// Registration reads answer words as answers, and takes a well-known short
// name as the registrant's company.
func TestRegistrationNames(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-names")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "先登记企业", "企业全称")
	// 确认, typed for the kept post, is not a company called 确认.
	c.expect("确认", "不是企业名称", "企业全称")
	c.expect("长安汽车", "贵企业属于哪一类")
	c.expect("整车", "企业在哪里")
	c.expect("重庆江北", "联系人")
	c.expect("张伟", "手机号")
	c.expect("13800001111", "信用代码")
	c.expect("跳过", "企业：长安汽车（整车）")
	c.expect("同意", "登记成功", "求购")

	d := newChat(t, m, "u-names-2")
	d.expect("注册 赛力斯 整车 重庆两江新区 联系人李娜 13900002222", "企业：赛力斯（整车）", "同意")
}

// Names in the open, people behind consent: the company's name shows in
// listings, 详情 and the record page, a search finds it, 匿名 hides it, and
// contacts typed into a post are neither stored nor shown.
func TestNamesInTheOpen(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	seller := newChat(t, m, "u-open-seller")
	seller.register("四川富临精工股份有限公司")
	reply := seller.expect("供应 变速箱电磁阀 月产能5万件 成都 联系王经理 13987654321 微信wang_cg88", "请核对", "手机号、微信号没有保存")
	if strings.Contains(reply, "13987654321") || strings.Contains(reply, "wang_cg88") {
		t.Fatalf("summary shows the contact: %s", reply)
	}
	no := noIn(t, seller.expect("确认", "已发布"))
	p := postByNo(t, m, no)
	if strings.Contains(p.RawText, "13987654321") || strings.Contains(p.RawText, "wang_cg88") {
		t.Errorf("raw_text keeps a contact: %q", p.RawText)
	}
	if p.EnterpriseName != "四川富临精工股份有限公司" {
		t.Errorf("enterprise_name: got %q", p.EnterpriseName)
	}
	seller.expect("供应 汽车线束 月产能2万套 成都 匿名", "发布方：匿名")
	anon := noIn(t, seller.expect("确认", "已发布"))

	buyer := newChat(t, m, "u-open-buyer")
	buyer.register("重庆青山工业有限公司")
	buyer.expect("查供应 变速箱电磁阀", no, "四川富临精工股份有限公司")
	buyer.expect("详情 "+no, "企业：四川富临精工股份有限公司（未认证）")
	buyer.expect("查供应 富临精工", no)
	buyer.refuse("查供应 富临精工", anon)
	buyer.expect("详情 "+anon, "企业：匿名企业")
	buyer.refuse("查供应 汽车线束", "富临精工")
	if _, page := get(t, m.URL()+"/r/"+no); !strings.Contains(page, "四川富临精工股份有限公司") {
		t.Errorf("record page lacks the company name:\n%s", page)
	}
	if _, page := get(t, m.URL()+"/r/"+anon); strings.Contains(page, "富临精工") {
		t.Errorf("the page of an anonymous record names the company:\n%s", page)
	}

	// A closed record's page says so instead of inviting a contact.
	seller.expect("关闭 "+no, "关闭原因")
	seller.expect("撤回", "已关闭")
	if _, page := get(t, m.URL()+"/r/"+no); strings.Contains(page, "联系 "+no) || !strings.Contains(page, "不再对接") {
		t.Errorf("closed record's page:\n%s", page)
	}
}

// The alert names the publisher.
func TestAlertNamesThePublisher(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	w.say(w.seller.Contacts[0].OpenID, "供应 变速箱电磁阀 月产能5万件 重庆璧山")
	w.say(w.seller.Contacts[0].OpenID, "确认")
	w.say(w.buyer.Contacts[0].OpenID, "求购 变速箱电磁阀 5000件 重庆璧山")
	w.say(w.buyer.Contacts[0].OpenID, "确认")
	if err := w.m.Alerts.Service.RunOnce(context.Background(), chinaToday(10)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the buyer's alert names the seller", func() bool {
		for _, p := range pushes(t, w.m, w.buyer.Contacts[0].OpenID) {
			if strings.Contains(p.Text, "发布方：重庆青山工业有限公司（已认证）") {
				return true
			}
		}
		return false
	})
}

// A district filter is exact, or says that it widened.
func TestSearchDistrictIsExactOrSaysItWidened(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	s := newChat(t, m, "u-district-seller")
	s.register("重庆青山工业有限公司")
	s.expect("供应 6层PCB 月产能2万平米 重庆荣昌", "请核对")
	rongchang := noIn(t, s.expect("确认", "已发布"))

	b := newChat(t, m, "u-district-buyer")
	reply := b.expect("查供应 PCB 只看九龙坡", "九龙坡区没有，已为您扩大到重庆市", rongchang)
	if strings.Contains(reply, "九龙坡区（") {
		t.Errorf("header still names the district: %s", reply)
	}
	b.expect("查供应 PCB 只看荣昌", rongchang)
	b.refuse("查供应 PCB 只看荣昌", "扩大")
}

// 我的匹配 tells the truth about the records it lists.
func TestMyMatchesMarksClosedAndDropsDeleted(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	seller, buyer := w.seller.Contacts[0].OpenID, w.buyer.Contacts[0].OpenID
	w.say(seller, "供应 变速箱电磁阀 月产能5万件 重庆璧山")
	offer := noIn(t, w.say(seller, "确认"))
	w.say(buyer, "求购 变速箱电磁阀 5000件 重庆璧山")
	w.say(buyer, "确认")
	if err := w.m.Alerts.Service.RunOnce(context.Background(), chinaToday(10)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the match is listed", func() bool { return strings.Contains(w.say(buyer, "我的匹配"), offer) })

	w.say(seller, "关闭 "+offer)
	w.say(seller, "撤回")
	if got := w.say(buyer, "我的匹配"); !strings.Contains(got, offer) || !strings.Contains(got, "已关闭") {
		t.Errorf("a closed counterpart is not marked: %s", got)
	}
	w.say(seller, "注销")
	w.say(seller, "确认注销")
	if got := w.say(buyer, "我的匹配"); strings.Contains(got, offer) {
		t.Errorf("a deleted counterpart is still listed: %s", got)
	}
}

// A demand shows until its deadline, and 续期 never runs past it.
func TestExpiryFollowsTheDeadline(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-deadline")
	c.register("重庆青山工业有限公司")
	deadline := time.Now().In(cstZone).AddDate(0, 0, 45)
	when := strconv.Itoa(deadline.Year()) + "年" + strconv.Itoa(int(deadline.Month())) + "月" + strconv.Itoa(deadline.Day()) + "日前"
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山 "+when, "请核对")
	no := noIn(t, c.expect("确认", "展示到截止日期"))
	p := postByNo(t, m, no)
	if got := p.ExpiresAt.In(cstZone); got.YearDay() != deadline.YearDay() || got.Year() != deadline.Year() {
		t.Errorf("expires %v, want the deadline's day %v", got, deadline)
	}
	c.expect("续期 "+no, "已展示到截止日期，不能再续", "修改 "+no+" 截止日期")

	// A demand due in 10 days shows 10 days, not 30.
	soon := time.Now().In(cstZone).AddDate(0, 0, 10)
	c.expect("求购 铝合金轮毂 2000套 重庆璧山 "+strconv.Itoa(int(soon.Month()))+"月"+strconv.Itoa(soon.Day())+"日前", "请核对")
	no2 := noIn(t, c.expect("确认", "已发布"))
	if got := postByNo(t, m, no2).ExpiresAt; got.After(time.Now().AddDate(0, 0, 11)) {
		t.Errorf("a demand due in 10 days expires %v", got)
	}
}
