package main

import (
	"context"
	"strings"
	"testing"

	"supplybot/handlers/alerts"
	"supplybot/store"
)

// Issue 12's examples typed through the webhook, end to end: what is
// saved, what is shown and who is alerted.

// offerByChat posts an offer as its supplier would type it and returns
// its number.
func offerByChat(t *testing.T, w *alertsWorld, openid, text string) string {
	t.Helper()
	c := newChat(t, w.m, openid)
	c.expect(text, "请核对", "确认")
	return noIn(t, c.expect("确认", "已发布"))
}

func TestIssue12TraditionalAndApplication(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	gears := w.seller.Contacts[0].OpenID
	pcbMaker := w.enterprise("成都蓉电科技有限公司", store.RoleElectronics, "i12-pcb", "赵敏", "13900000003", true)
	ecuMaker := w.enterprise("重庆弘耀电子有限公司", store.RoleElectronics, "i12-ecu", "钱伟", "13900000004", true)
	offerByChat(t, w, gears, "供应 变速箱齿轮 月产能5万件 重庆璧山")
	offerByChat(t, w, "i12-pcb", "供应 6层PCB 月产能5万片 成都")
	offerByChat(t, w, "i12-ecu", "供应 汽车ECU 月产能5000台 重庆")
	buyer := newChat(t, w.m, w.buyer.Contacts[0].OpenID)

	t.Run("traditional characters", func(t *testing.T) {
		buyer.expect("求購 變速箱齒輪 3000件 重慶璧山", "请核对", "变速箱齿轮", "3000件", "重庆市璧山区")
		no := noIn(t, buyer.expect("确认", "已发布"))
		p := postByNo(t, w.m, no)
		if p.Product != "变速箱齿轮" || p.CategoryCode == "" || p.Quantity == nil || p.Quantity.Value != 3000 ||
			p.Region.District != "璧山区" {
			t.Errorf("saved: got product %q category %q quantity %+v region %+v", p.Product, p.CategoryCode, p.Quantity, p.Region)
		}
		got := w.waitPushes(gears, 1)
		wantIn(t, "gear supplier's alert", got[0].Text, no, "变速箱齿轮")
	})

	t.Run("application kept apart from the product", func(t *testing.T) {
		buyer.expect("求购 PCB 2万片 重庆 用于ECU", "请核对", "PCB", "2万片")
		no := noIn(t, buyer.expect("确认", "已发布"))
		p := postByNo(t, w.m, no)
		if p.Product != "PCB" || !strings.HasPrefix(p.CategoryCode, "electronics.pcb") || p.Application != "ECU" {
			t.Errorf("saved: got product %q category %q application %q", p.Product, p.CategoryCode, p.Application)
		}
		got := w.waitPushes(pcbMaker.Contacts[0].OpenID, 1)
		wantIn(t, "PCB supplier's alert", got[0].Text, no)
		w.waitPushes(ecuMaker.Contacts[0].OpenID, 0)
	})
}

func TestIssue12WheelTerms(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	dear := w.seller.Contacts[0].OpenID
	steel := w.enterprise("重庆钢圈制造有限公司", store.RoleParts, "i12-steel", "孙丽", "13900000005", true)
	fits := w.enterprise("成都铝轮科技有限公司", store.RoleParts, "i12-fits", "周杰", "13900000006", true)
	offerByChat(t, w, dear, "供应 铝合金轮毂 18寸 单价600-750元/只 月产能5万只 重庆")
	offerByChat(t, w, "i12-steel", "供应 钢制轮毂 15寸 月产能5万套 重庆")
	offerByChat(t, w, "i12-fits", "供应 铝合金轮毂 18寸 月产能2万套 成都")

	buyer := newChat(t, w.m, w.buyer.Contacts[0].OpenID)
	buyer.expect("求购 铝合金轮毂 18寸 3000套 成都 单价不超过300元", "请核对", "铝合金轮毂", "3000套", "不超过300元")
	no := noIn(t, buyer.expect("确认", "已发布"))
	p := postByNo(t, w.m, no)
	if p.Material != "铝合金" || p.Size == nil || p.Size.Min != 18 || p.Price == nil || p.Price.Max != 300 {
		t.Errorf("saved terms: material %q size %+v price %+v", p.Material, p.Size, p.Price)
	}
	got := w.waitPushes(fits.Contacts[0].OpenID, 1)
	wantIn(t, "fitting supplier's alert", got[0].Text, no, "尺寸相符", "材质相符", "价格未注明")
	w.waitPushes(dear, 0)
	w.waitPushes(steel.Contacts[0].OpenID, 0)
}

func TestIssue12AmountsListAndTypos(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	buyer := newChat(t, w.m, w.buyer.Contacts[0].OpenID)
	seller := newChat(t, w.m, w.seller.Contacts[0].OpenID)

	t.Run("1亿只", func(t *testing.T) {
		seller.expect("供应 贴片电容 月产能1亿只 成都", "请核对", "1亿只")
		no := noIn(t, seller.expect("确认", "已发布"))
		reply := seller.expect("详情 "+no, "1亿只")
		wantNotIn(t, "detail", reply, "10000万")
	})

	t.Run("年需求 is a rate", func(t *testing.T) {
		buyer.expect("求购 轮毂 年需求10万套 成都", "请核对", "10万套/年")
		no := noIn(t, buyer.expect("确认", "已发布"))
		p := postByNo(t, w.m, no)
		if p.Quantity == nil || p.Quantity.Value != 100000 || p.Quantity.Unit != "套" || p.Quantity.Per != "年" {
			t.Errorf("quantity: got %+v, want 100000 套 per 年", p.Quantity)
		}
		buyer.expect("详情 "+no, "10万套/年")
		// 10万套 once is another post than 10万套 a year.
		buyer.expect("求购 轮毂 10万套 成都", "请核对")
		buyer.refuse("确认", "相同")
	})

	t.Run("terms added at the summary", func(t *testing.T) {
		buyer.expect("求购 铝合金轮毂 500套 重庆", "请核对")
		buyer.expect("18寸", "已补充")
		p := postByNo(t, w.m, noIn(t, buyer.expect("确认", "已发布")))
		if p.Size == nil || p.Size.Min != 18 || p.Material != "铝合金" {
			t.Errorf("terms: got size %+v material %q", p.Size, p.Material)
		}
	})

	t.Run("球购 typo", func(t *testing.T) {
		buyer.expect("球购 变速箱电磁阀 3000件 成都", "请核对", "变速箱电磁阀", "3000件", "成都")
		p := postByNo(t, w.m, noIn(t, buyer.expect("确认", "已发布")))
		if p.Kind != store.KindDemand || p.Product != "变速箱电磁阀" || p.Quantity == nil || p.Quantity.Value != 3000 || p.Region.City != "成都市" {
			t.Errorf("saved: got %+v", p)
		}
	})

	t.Run("procurement list", func(t *testing.T) {
		tyres := w.enterprise("四川轮胎有限公司", store.RoleParts, "i12-tyres", "吴刚", "13900000007", true)
		offerByChat(t, w, "i12-tyres", "供应 轮胎 月产能5万条 重庆")
		before := openDemands(t, w.m, w.buyer.ID)
		buyer.expect("求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆", "共3项", "1. 轮毂", "2000套", "2. 轮胎", "8000条", "3. 刹车片", "5000套", "确认")
		reply := buyer.expect("确认", "已发布3条")
		after := openDemands(t, w.m, w.buyer.ID)
		if len(after)-len(before) != 3 {
			t.Fatalf("records: got %d new, want 3\n%s", len(after)-len(before), reply)
		}
		want := map[string]float64{"轮毂": 2000, "轮胎": 8000, "刹车片": 5000}
		tyreNo := ""
		for _, p := range after[:3] {
			if !strings.Contains(reply, p.No) {
				t.Errorf("reply lacks %s:\n%s", p.No, reply)
			}
			if v, ok := want[p.Product]; !ok || p.Quantity == nil || p.Quantity.Value != v || p.Region.City != "重庆市" {
				t.Errorf("record %s: got %q %+v %+v", p.No, p.Product, p.Quantity, p.Region)
			}
			if p.Product == "轮胎" {
				tyreNo = p.No
			}
		}
		got := w.waitPushes(tyres.Contacts[0].OpenID, 1)
		wantIn(t, "tyre supplier's alert", got[0].Text, tyreNo)
	})

	t.Run("procurement list before registration", func(t *testing.T) {
		c := newChat(t, w.m, "i12-newcomer")
		c.expect("求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆", "先登记企业")
		c.say("注册 重庆新来汽车配件有限公司 零部件 重庆市璧山区 联系人张伟 13800001112")
		c.expect("跳过", "同意")
		c.expect("同意", "登记成功", "共3项", "1. 轮毂", "3. 刹车片")
		c.expect("确认", "已发布3条")
		if got := openDemands(t, w.m, enterprise(t, w.m, "i12-newcomer").ID); len(got) != 3 {
			t.Errorf("records: got %d, want 3", len(got))
		}
	})
}

// openDemands are the enterprise's demands, newest first.
func openDemands(t *testing.T, m *Main, enterpriseID string) []store.Post {
	t.Helper()
	ps, err := m.Mongo.Posts(store.KindDemand).ByEnterprise(context.Background(), enterpriseID, 50)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
