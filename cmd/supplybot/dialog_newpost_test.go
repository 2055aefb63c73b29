package main

import (
	"strings"
	"testing"

	"supplybot/handlers"
	"supplybot/store"
)

// A post typed in the middle of another form starts it; the unfinished
// form is set aside and offered again. A bare 求购/供应 or menu click asks
// before throwing the form away.
func TestDialogNewPostMidForm(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)

	t.Run("full post mid-form starts it, the first is resumed after", func(t *testing.T) {
		c := newChat(t, m, "mid-full")
		c.register("重庆青山工业有限公司")
		c.expect("求购 变速箱电磁阀", "需要多少")
		c.expect("5000件", "在哪里交货")
		r := c.expect("供应 PCB 成都", "请核对您的供应", "PCB", "四川省成都市", "变速箱电磁阀", "继续")
		if strings.Contains(r, "5000件") && strings.Contains(r, "请核对您的求购") {
			t.Fatalf("the offer was taken as an answer: %s", r)
		}
		o := noIn(t, c.expect("确认", "已发布", "O", "继续"))
		if p := postByNo(t, m, o); p.Kind != store.KindOffer || p.Region.City != "成都市" || !strings.Contains(p.Product, "PCB") {
			t.Errorf("offer: got %+v", p)
		}
		c.expect("继续", "在哪里交货")
		c.expect("重庆璧山", "请核对您的求购", "变速箱电磁阀", "5000件", "重庆市璧山区")
		d := noIn(t, c.expect("确认", "已发布", "D"))
		if p := postByNo(t, m, d); p.Kind != store.KindDemand || p.Region.District != "璧山区" || p.Quantity.Value != 5000 {
			t.Errorf("demand: got %+v", p)
		}
	})

	t.Run("full post at the summary is not merged into it", func(t *testing.T) {
		c := newChat(t, m, "mid-summary")
		c.register("重庆长风机器有限公司")
		c.expect("求购 轮毂 2000套 重庆璧山", "请核对您的求购")
		c.expect("求购 刹车片 800套 四川绵阳", "请核对您的求购", "刹车片", "800套", "四川省绵阳市", "轮毂")
		c.expect("确认", "已发布", "继续")
		c.expect("继续", "请核对您的求购", "轮毂", "2000套", "重庆市璧山区")
	})

	t.Run("bare 供应 or a menu click mid-form asks first", func(t *testing.T) {
		c := newChat(t, m, "mid-bare")
		c.register("重庆两江汽配有限公司")
		c.expect("求购 变速箱电磁阀 5000件", "在哪里交货")
		c.expect("供应", "放弃", "变速箱电磁阀")
		c.expect("否", "在哪里交货")
		c.click(handlers.MenuPostOffer)
		c.expect("不", "在哪里交货")
		r := c.click(handlers.MenuPostOffer)
		if !strings.Contains(r, "放弃") {
			t.Fatalf("menu click mid-form: %s", r)
		}
		c.expect("是", "供应什么产品")
		c.expect("6层PCB", "工厂在哪里")
		c.expect("成都", "请核对您的供应")
		c.expect("确认", "已发布")
		c.refuse("继续", "变速箱电磁阀")
	})

	t.Run("bare 求购 on an empty form just starts over", func(t *testing.T) {
		c := newChat(t, m, "mid-empty")
		c.register("成都天府电子有限公司")
		c.expect("求购", "求购什么产品")
		c.expect("供应", "供应什么产品")
		c.expect("求购 轮毂 2000套 重庆", "请核对您的求购", "轮毂")
	})
}
