package parse

import (
	"strings"
	"testing"
)

// Cases from the conversation audit (items 12i and 12j), in the corpus.
func init() {
	corpus = append(corpus,
		corpusCase{name: "audit_capacity_ping", text: "供应 6层PCB 月产能2万平 成都", kind: KindOffer, product: "PCB", cat: "electronics.pcb.multilayer", spec: "6层", capacity: "20000平米", region: "四川省/成都市/"},
		corpusCase{name: "audit_capacity_pingfangmi", text: "供应 铝板 月产能5000平方米 重庆", kind: KindOffer, capacity: "5000平米", region: "重庆市/重庆市/"},
		corpusCase{name: "audit_quantity_plus", text: "求购 轮毂 3万+件 重庆", kind: KindDemand, product: "轮毂", cat: "auto.chassis.wheel", qty: "30000件", region: "重庆市/重庆市/"},
		corpusCase{name: "audit_capacity_plus", text: "供应 注塑件 月产能3万+件 重庆", kind: KindOffer, product: "注塑件", capacity: "30000件", region: "重庆市/重庆市/"},
		corpusCase{name: "audit_moq_plus", text: "供应 线束 起订量500+套 重庆", kind: KindOffer, product: "线束", moq: "500套", region: "重庆市/重庆市/"},
		corpusCase{name: "audit_script_tag", text: "求购 轮毂 <script>alert(1)</script> 2000套 重庆", kind: KindDemand, product: "轮毂", cat: "auto.chassis.wheel", qty: "2000套", region: "重庆市/重庆市/"},
		corpusCase{name: "audit_style_tag", text: "<style>p{width:12px}</style>供应 连接器 月产能10万只 成都", kind: KindOffer, product: "连接器", capacity: "100000只", region: "四川省/成都市/"},
	)
}

// TestParseLeavesNoJunkSpec: markup and stray digits are not specs
// ("<script>alert(1)</script>" gave 规格：1, "3万+件" gave 规格：3).
func TestParseLeavesNoJunkSpec(t *testing.T) {
	p := mustParser(t)
	for _, text := range []string{
		"求购 轮毂 <script>alert(1)</script> 2000套 重庆",
		"求购 轮毂 <SCRIPT type=\"text/javascript\">var a=1;</SCRIPT> 2000套 重庆",
		"求购 轮毂 3万+件 重庆",
		"求购 轮毂 2000套 重庆 (1)",
		"<style>.a{margin:0 12px}</style>求购 线束 2000套",
	} {
		got := p.Parse(text, corpusNow)
		if got.Spec != "" {
			t.Errorf("Parse(%q).Spec = %q, want none", text, got.Spec)
		}
		for _, bad := range []string{"alert", "script", "var", "margin"} {
			if got.Product != "" && strings.Contains(got.Product, bad) {
				t.Errorf("Parse(%q).Product = %q, keeps markup", text, got.Product)
			}
		}
	}
	// Real specs stay.
	for text, want := range map[string]string{
		"求购 电阻 0603 10万只":  "0603",
		"求购 螺栓 M8 1万个":     "M8",
		"供应 6层PCB 月产能2万平米": "6层",
	} {
		if got := p.Parse(text, corpusNow).Spec; got != want {
			t.Errorf("Parse(%q).Spec = %q, want %q", text, got, want)
		}
	}
}

func TestStripMarkup(t *testing.T) {
	for in, want := range map[string]string{
		"<script>alert(1)</script>轮毂":            " 轮毂",
		"a<Script src=x>b</sCrIpT>c":             "a c",
		"<style>p{}</style><b>减震器</b>":           " 减震器",
		"重庆<b>青山</b>工业<span class=x>有限</span>公司": "重庆青山工业有限公司",
		"线束&nbsp;5000套":                          "线束 5000套",
		"2<3 and 5>4":                            "2<3 and 5>4",
		"<script>never closed 2000套":             " never closed 2000套",
		"<p>求购</p>":                              " 求购 ",
	} {
		if got := StripMarkup(in); got != want {
			t.Errorf("StripMarkup(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQuantityPingAndPlus(t *testing.T) {
	for in, want := range map[string]string{
		"2万平":      "20000平米",
		"800平 成都":  "800平米",
		"3万+件":     "30000件",
		"数量 5000+": "5000",
		"2万平板":     "",
		"500平衡块":   "",
	} {
		got := ""
		if q, ok := ParseQuantity(in); ok {
			got = fmtQty(&q)
		}
		if got != want {
			t.Errorf("ParseQuantity(%q) = %q, want %q", in, got, want)
		}
	}
}
