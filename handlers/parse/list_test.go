package parse

import (
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	p := mustParser(t)
	for _, c := range []struct {
		text  string
		items []string // product qty region deadline, one per item
	}{
		{"求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆", []string{
			"轮毂 2000套 重庆市/重庆市/ ", "轮胎 8000条 重庆市/重庆市/ ", "刹车片 5000套 重庆市/重庆市/ "}},
		{"求购：\n1. 轮毂 2000套\n2. 轮胎 8000条 12月底前\n成都", []string{
			"轮毂 2000套 四川省/成都市/ 2026-12-31", "轮胎 8000条 四川省/成都市/ 2026-12-31"}},
		{"采购 ①线束 5000套 ②连接器 10万只 ③继电器 2万只 重庆璧山 明年3月底前", []string{
			"线束 5000套 重庆市/重庆市/璧山区 2027-03-31", "连接器 100000只 重庆市/重庆市/璧山区 2027-03-31", "继电器 20000只 重庆市/重庆市/璧山区 2027-03-31"}},
		{"求购轮毂2000套，轮胎8000条，刹车片5000套，重庆", []string{
			"轮毂 2000套 重庆市/重庆市/ ", "轮胎 8000条 重庆市/重庆市/ ", "刹车片 5000套 重庆市/重庆市/ "}},
		{"求购轮毂，铝合金的，18寸，2000套，重庆", []string{"轮毂 2000套 重庆市/重庆市/ "}},
		{"求购 轮毂 2000套；重庆；12月底前", []string{"轮毂 2000套 重庆市/重庆市/ 2026-12-31"}},
		{"求購：輪轂 2000套；輪胎 8000條 重慶", []string{"轮毂 2000套 重庆市/重庆市/ ", "轮胎 8000条 重庆市/重庆市/ "}},
	} {
		got := p.ParseList(c.text, corpusNow)
		var gs []string
		for _, it := range got {
			dl := ""
			if it.Deadline != nil {
				dl = it.Deadline.Format("2006-01-02")
			}
			gs = append(gs, it.Product+" "+fmtQty(it.Quantity)+" "+fmtRegion(it.Region)+" "+dl)
			if it.Kind != KindDemand {
				t.Errorf("ParseList(%q): item %q kind %v, want demand", c.text, it.Product, it.Kind)
			}
		}
		if strings.Join(gs, "|") != strings.Join(c.items, "|") {
			t.Errorf("ParseList(%q) =\n  %q\nwant\n  %q", c.text, gs, c.items)
		}
	}
}
