package parse

import "testing"

func TestNormalizeTraditional(t *testing.T) {
	for in, want := range map[string]string{
		"求購 變速箱齒輪 3000件 重慶璧山":  "求购 变速箱齿轮 3000件 重庆璧山",
		"供應 鋁合金輪轂 月產8萬隻 重慶九龍坡": "供应 铝合金轮毂 月产8万只 重庆九龙坡",
		"註冊 重慶弘耀電子有限公司":        "注册 重庆弘耀电子有限公司",
		"乾燥劑":                  "干燥剂",
		"球购 变速箱电磁阀 3000件 成都":   "求购 变速箱电磁阀 3000件 成都",
		"共应 线束 月产能5万套":         "供应 线束 月产能5万套",
		"急球购轮毂":                "急求购轮毂",
		"注测 重庆某某公司":            "注册 重庆某某公司",
		"一共应该 5000件":           "一共应该 5000件",
		"求购 汽车线束 重庆":           "求购 汽车线束 重庆",
		"采够 轮毂；共应 轮胎":          "采购 轮毂;供应 轮胎",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNormalizeKeepsSimplified: simplified text (the corpus, the taxonomy)
// passes through the traditional conversion unchanged.
func TestNormalizeKeepsSimplified(t *testing.T) {
	p := mustParser(t)
	check := func(s string) {
		t.Helper()
		if hasTraditional(s) {
			if got := toSimplified(s); got != s {
				t.Errorf("toSimplified(%q) = %q, want it unchanged", s, got)
			}
		}
	}
	for _, c := range corpus {
		check(c.text)
	}
	for _, c := range p.Categories() {
		check(c.Name)
	}
}

func BenchmarkNormalize(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"simplified", "求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货 需IATF16949"},
		{"traditional", "求購 變速箱電磁閥 5000件 重慶璧山 12月底前交貨 需IATF16949"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			Normalize(bc.text)
			b.ReportAllocs()
			for b.Loop() {
				Normalize(bc.text)
			}
		})
	}
}

// BenchmarkLoadT2S is the one-off cost of the traditional-character table,
// paid at the first Normalize of the process.
func BenchmarkLoadT2S(b *testing.B) {
	for b.Loop() {
		loadT2S()
	}
}
