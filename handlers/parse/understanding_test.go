package parse

import (
	"fmt"
	"strings"
	"testing"
)

func fmtMeasure(m *Measure) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%g-%g%s", m.Min, m.Max, m.Unit)
}

// TestApplicationKeptApart: the application (用于ECU, ECU用) is not the
// product (issue: PCB demands were filed as ECU demands).
func TestApplicationKeptApart(t *testing.T) {
	p := mustParser(t)
	for _, c := range []struct{ text, product, cat, app string }{
		{"求购 PCB 2万片 重庆 用于ECU", "PCB", "electronics.pcb", "ECU"},
		{"求购 ECU用6层PCB 2万片 重庆", "PCB", "electronics.pcb.multilayer", "ECU"},
		{"求购 ECU专用PCB 2万片 重庆", "PCB", "electronics.pcb", "ECU"},
		{"求购 用于新能源汽车的电机控制器 500台", "电机控制器", "auto.nev.motor_controller", "新能源汽车"},
		{"求购 ECU外壳 5000件 重庆", "ECU外壳", "auto.general.housing", ""},
		{"求购 汽车用线束 2000套", "汽车用线束", "auto.electrical.harness", ""},
		{"采购 乘用车座椅 2000套", "", "auto.trim.seat", ""},
	} {
		got := p.Parse(c.text, corpusNow)
		cat := ""
		if got.Category != nil {
			cat = got.Category.Code
		}
		if c.product != "" && got.Product != c.product || cat != c.cat || got.Application != c.app {
			t.Errorf("Parse(%q) = product %q cat %q app %q, want %q %q %q", c.text, got.Product, cat, got.Application, c.product, c.cat, c.app)
		}
		for _, k := range got.Keywords {
			if c.app != "" && k == c.app {
				t.Errorf("Parse(%q): application %q in keywords %v", c.text, c.app, got.Keywords)
			}
		}
	}
}

// TestHeadNounPlaces: a product is placed by its head noun, also when the
// taxonomy lacks the whole name.
func TestHeadNounPlaces(t *testing.T) {
	p := mustParser(t)
	for text, want := range map[string]string{
		"ECU外壳":    "auto.general.housing",
		"显示屏驱动芯片":  "electronics.ic.display_driver",
		"座椅面料":     "auto.trim.fabric",
		"空调压缩机":    "auto.hvac.compressor",
		"变速器壳体":    "auto.general.housing",
		"轮毂轴承":     "auto.general.bearing",
		"轮毂螺栓":     "auto.chassis.wheel_bolt",
		"车载中控屏":    "auto.electrical.display",
		"避震器":      "auto.chassis.suspension",
		"碳纤维尾翼":    "auto.trim.spoiler",
		"汽车后视镜总成":  "auto.body.mirror",
		"电池液冷板":    "auto.nev.thermal",
		"磷酸铁锂正极材料": "electronics.battery.cathode",
	} {
		c, ok := p.ParseCategory(text)
		got := ""
		if ok {
			c2 := p.Parse("求购 "+text+" 100件", corpusNow).Category
			if c2 == nil || c2.Code != c.Code {
				t.Errorf("Parse and ParseCategory disagree on %q", text)
			}
			got = c.Code
		}
		_ = got
		post := p.Parse("求购 "+text+" 100件", corpusNow)
		if post.Category == nil || post.Category.Code != want {
			t.Errorf("Parse(%q).Category = %v, want %s", text, post.Category, want)
		}
	}
}

func TestTaxonomyCoversBothIndustries(t *testing.T) {
	p := mustParser(t)
	leaves := map[string]int{}
	for _, c := range p.Categories() {
		if c.Leaf {
			leaves[c.Path[0]]++
		}
	}
	if n := leaves["汽车"] + leaves["电子信息"]; n < 300 {
		t.Fatalf("taxonomy has %d product types (%v), want >= 300", n, leaves)
	}
	if leaves["汽车"] < 120 || leaves["电子信息"] < 120 {
		t.Fatalf("product types per industry %v, want >= 120 each", leaves)
	}
}

// TestAttributes: material, size, layers and voltage are read as such.
func TestAttributes(t *testing.T) {
	p := mustParser(t)
	for _, c := range []struct{ text, material, size, layers, voltage string }{
		{"求购 铝合金轮毂 18寸 3000套 成都 单价不超过300元", "铝合金", "18-18寸", "", ""},
		{"供应 钢制轮毂 15寸 月产能5万只 重庆", "钢", "15-15寸", "", ""},
		{"供应 铝合金轮毂 16-18寸 月产能5万只", "铝合金", "16-18寸", "", ""},
		{"wheel hub 18 inch 2000 sets Chengdu", "", "18-18寸", "", ""},
		{"我司可做 4层-12层 HDI板 交期5个工作日 遂宁", "", "", "4-12层", ""},
		{"求购 ECU用6层PCB 2万片 重庆", "", "", "6-6层", ""},
		{"采购 PCB 双面板 5000平米", "", "", "2-2层", ""},
		{"供应 电池包 800V 成都", "", "", "", "800-800V"},
		{"求购 继电器 12V 1万只", "", "", "", "12-12V"},
		{"求购 轮毂 钢圈 2000套", "", "", "", ""},
		{"求购轮毂，铝合金的，18寸，2000套，重庆", "铝合金", "18-18寸", "", ""},
		{"供应 6061铝板 月产500吨 重庆", "铝合金", "", "", ""},
		{"求购 陶瓷刹车片 2000套", "陶瓷", "", "", ""},
	} {
		got := p.Parse(c.text, corpusNow)
		if got.Material != c.material || fmtMeasure(got.Size) != c.size || fmtMeasure(got.Layers) != c.layers || fmtMeasure(got.Voltage) != c.voltage {
			t.Errorf("Parse(%q) = material %q size %q layers %q voltage %q, want %q %q %q %q", c.text,
				got.Material, fmtMeasure(got.Size), fmtMeasure(got.Layers), fmtMeasure(got.Voltage), c.material, c.size, c.layers, c.voltage)
		}
	}
}

// TestAmountsAndRates: issue 12's numbers.
func TestAmountsAndRates(t *testing.T) {
	p := mustParser(t)
	for _, c := range []struct{ text, qty, per, capacity, spec string }{
		{"求购 轮毂 500K 重庆", "500000", "", "", ""},
		{"求购 电阻 10K 成都", "", "", "", "10K"},
		{"求购 电阻 1.5k只 成都", "1500只", "", "", ""},
		{"求购 电阻 3,000只 成都", "3000只", "", "", ""},
		{"求购 连接器 一万二千只 成都", "12000只", "", "", ""},
		{"供应 螺丝 月产能1亿只 东莞", "", "", "100000000只", ""},
		{"求购 LED灯珠 50万点 深圳", "500000点", "", "", ""},
		{"求购 线束 年需求10万套 重庆", "100000套", "年", "", ""},
		{"求购 线束 月需求1万套 重庆", "10000套", "月", "", ""},
		{"求购 线束 月用量5000套 重庆", "5000套", "月", "", ""},
		{"求购 车身冲压件 自贡 30万件/年", "300000件", "年", "", ""},
		{"求购 轮毂 每月5000件 重庆", "5000件", "月", "", ""},
		{"求购 轮毂 2000套 重庆", "2000套", "", "", ""},
	} {
		got := p.Parse(c.text, corpusNow)
		per := ""
		if got.Quantity != nil {
			per = got.Quantity.Per
		}
		if fmtQty(got.Quantity) != c.qty || per != c.per || fmtQty(got.Capacity) != c.capacity || c.spec != "" && got.Spec != c.spec {
			t.Errorf("Parse(%q) = qty %q per %q capacity %q spec %q, want %q %q %q %q", c.text,
				fmtQty(got.Quantity), per, fmtQty(got.Capacity), got.Spec, c.qty, c.per, c.capacity, c.spec)
		}
	}
}

// TestChineseNumeralInName: 三元材料 is a cathode material, not a price of
// 3 yuan (the pairs test found it).
func TestChineseNumeralInName(t *testing.T) {
	p := mustParser(t)
	for _, text := range []string{"供应 三元材料 月产能200吨 宜宾", "求购 三元锂电池 500套", "求购 三元催化器 200个"} {
		got := p.Parse(text, corpusNow)
		if got.Price != nil || !strings.HasPrefix(got.Product, "三元") {
			t.Errorf("Parse(%q) = product %q price %v, want a 三元 product and no price", text, got.Product, fmtPrice(got.Price))
		}
	}
	if pr, ok := ParsePrice("单价三元"); !ok || pr.Max != 3 {
		t.Errorf("ParsePrice(单价三元) = %v %v, want 3元", pr, ok)
	}
}

// TestUnknownHeadIsNotTheModifier: a head noun the taxonomy lacks does not
// take the category of its modifier (铝合金踏板 is no aluminium stock).
func TestUnknownHeadIsNotTheModifier(t *testing.T) {
	p := mustParser(t)
	for _, text := range []string{"求购 铝合金踏板 2000套", "采购铝合金踏板2000套重庆"} {
		if got := p.Parse(text, corpusNow); got.Category != nil {
			t.Errorf("Parse(%q).Category = %s, want none", text, got.Category.Code)
		}
	}
}
