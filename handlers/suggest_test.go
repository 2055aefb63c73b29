package handlers

import (
	"context"
	"strings"
	"supplybot/bot"
	"testing"
	"time"

	"supplybot/handlers/parse"
	"supplybot/store"
)

func TestSuggest(t *testing.T) {
	cases := []struct{ in, want string }{
		{"查需", "查需求 关键词"},
		{"查供", "查供应 关键词"},
		{"我的发部", "我的发布"},
		{"我的匹", "我的匹配"},
		{"蛀册", "注册"},
		{"订阋 轮毂", "订阅 关键词 地区"},
		{"续其 D1024", "续期 D1024"},
		{"下一业", "下一页"},
		{"今天天气怎么样", ""},
		{"hello", ""},
		{"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := suggest(tc.in); got != tc.want {
				t.Errorf("suggest(%q): got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// foreign stands for another feature's commands (subscriptions, contact
// brokering): their words are declared by that feature, not here.
type foreign struct{}

const cmdForeign = "foreign"

func (foreign) Commands() []bot.Command {
	return []bot.Command{
		{Name: cmdForeign, Words: []string{"订阅"}, PassBy: bot.Always},
		{Name: cmdForeign + "-answer", Exact: []string{"同意"}, PassBy: bot.Always},
	}
}
func (foreign) MenuKeys() map[string]bot.Handler { return nil }

func TestMatchCommand(t *testing.T) {
	a := New(Deps{})
	a.Route(bot.NewRouter(nil), foreign{})
	matchCommand := func(t string) (string, string) {
		c, rest := a.cmds.Match(context.Background(), &bot.Message{Type: bot.TypeText, Text: t}, t)
		if c == nil {
			return "", ""
		}
		return strings.TrimSuffix(c.Name, "-answer"), rest
	}
	cases := []struct{ in, name, rest string }{
		{"查需求 轮毂", cmdSearchDemand, "轮毂"},
		{"查需求轮毂", cmdSearchDemand, "轮毂"},
		{"找供应商 PCB", cmdSearchOffer, "PCB"},
		{"找 轮毂", cmdPostDemand, "轮毂"},
		{"求购：轮毂", cmdPostDemand, "轮毂"},
		{"供应 线束", cmdPostOffer, "线束"},
		{"d1024", cmdDetail, "d1024"},
		{"关闭 D1024", cmdClose, "D1024"},
		{"帮助", cmdHelp, ""},
		{"帮助我", "", ""},
		{"订阅 轮毂", cmdForeign, "轮毂"},
		{"同意", cmdForeign, ""},
		{"上一步", cmdBack, ""},
		{"今天天气", "", ""},
	}
	for _, tc := range cases {
		name, rest := matchCommand(tc.in)
		if name != tc.name || rest != tc.rest {
			t.Errorf("matchCommand(%q): got %q %q, want %q %q", tc.in, name, rest, tc.name, tc.rest)
		}
	}
}

func TestClean(t *testing.T) {
	cases := map[string]string{
		"确认。":          "确认",
		"  ＯＫ！ ":       "OK",
		"<b>求购</b> 轮毂": "求购 轮毂",
		"求购🔥变速箱":       "求购 变速箱",
		"":             "",
	}
	for in, want := range cases {
		if got := clean(in); got != want {
			t.Errorf("clean(%q): got %q, want %q", in, got, want)
		}
	}
	if got := safeField("<script>x</script>公司\x07名", 5); got != "公司 名" {
		t.Errorf("safeField: got %q", got)
	}
	if got := scrub("电话 138-0000-1111 规格M8"); strings.Contains(got, "1111") || !strings.Contains(got, "M8") {
		t.Errorf("scrub: got %q", got)
	}
}

func TestFit(t *testing.T) {
	long := strings.Repeat("一行中文内容，用于测试截断。\n", 200)
	got := fit(long)
	if len(got) > maxReplyBytes || !strings.HasSuffix(got, "已截断）") {
		t.Fatalf("fit: %d bytes, suffix %q", len(got), got[len(got)-30:])
	}
	if !utf8Valid(got) {
		t.Fatal("fit split a character")
	}
	if s := "短回复"; fit(s) != s {
		t.Fatal("fit changed a short reply")
	}
	noBreak := strings.Repeat("中", 1000)
	if got := fit(noBreak); len(got) > maxReplyBytes || !utf8Valid(got) {
		t.Fatalf("fit without line breaks: %d bytes", len(got))
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestSplitEdit(t *testing.T) {
	cases := []struct{ in, field, value string }{
		{"数量 4000", "quantity", "4000"},
		{"数量4000件", "quantity", "4000件"},
		{"截止日期：12月底", "deadline", "12月底"},
		{"月产能 2万件", "capacity", "2万件"},
		{"地区为重庆璧山", "region", "重庆璧山"},
	}
	for _, tc := range cases {
		f, v, ok := splitEdit(tc.in, fieldNames)
		if !ok || f != tc.field || v != tc.value {
			t.Errorf("splitEdit(%q): got %q %q %v, want %q %q", tc.in, f, v, ok, tc.field, tc.value)
		}
	}
	if _, _, ok := splitEdit("颜色 红", fieldNames); ok {
		t.Error("splitEdit accepted an unknown field")
	}
}

func testParser(t *testing.T) *parse.Parser {
	t.Helper()
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFormSet(t *testing.T) {
	p := testParser(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, parse.CST)
	f := &postForm{Kind: store.KindDemand, Product: "轮毂"}
	cases := []struct {
		field, value string
		ok           bool
		check        func() bool
	}{
		{"quantity", "4000", true, func() bool { return f.Quantity.Value == 4000 && f.Quantity.Unit == "件" }},
		{"quantity", "1.2万套", true, func() bool { return f.Quantity.Value == 12000 && f.Quantity.Unit == "套" }},
		{"quantity", "很多", false, func() bool { return f.Quantity.Value == 12000 }},
		{"deadline", "12月底", true, func() bool { return f.Deadline != nil && f.Deadline.Day() == 31 }},
		{"deadline", "不知道", false, func() bool { return f.Deadline != nil }},
		{"price", "30-35元", true, func() bool { return f.Price.Min == 30 && f.Price.Max == 35 }},
		{"price", "无", true, func() bool { return f.Price == nil }},
		{"region", "四川绵阳", true, func() bool { return f.Region.City == "绵阳市" }},
		{"region", "火星", false, func() bool { return f.Region.City == "绵阳市" }},
		{"certs", "IATF16949 ISO9001", true, func() bool { return len(f.Certs) == 2 && f.Certs[0] == "IATF 16949" }},
		{"capacity", "2万件", false, func() bool { return f.Capacity == nil }},
		{"product", "<b></b>", false, func() bool { return f.Product == "轮毂" }},
		// The parser splits what the user typed into product and spec.
		{"product", "8层PCB", true, func() bool {
			return f.Product == "PCB" && f.Spec == "8层" && f.CategoryCode == "electronics.pcb.multilayer"
		}},
		{"product", "PCB板", true, func() bool { return f.Product == "PCB板" && f.Spec == "8层" }},
		// Another kind of product: the old spec no longer describes it.
		{"product", "铝合金轮毂", true, func() bool { return f.Product == "铝合金轮毂" && f.Spec == "" }},
	}
	for _, tc := range cases {
		_, problem := f.set(p, tc.field, tc.value, now)
		if (problem == "") != tc.ok || !tc.check() {
			t.Errorf("set %s %q: problem %q, form %+v", tc.field, tc.value, problem, f)
		}
	}
	if f.next() != stepConfirm {
		t.Errorf("next: got %s, want confirm", f.next())
	}
}

func TestRegExtract(t *testing.T) {
	p := New(Deps{Parser: testParser(t)})
	r := &regForm{}
	if problem := r.extract(p, "重庆青山工业有限公司 零部件 重庆市璧山区 联系人张伟13800001111 91500227MA5U7G2X4T", ""); problem != "" {
		t.Fatalf("problem: %s", problem)
	}
	if r.Name != "重庆青山工业有限公司" || r.Role != store.RoleParts || r.Region == nil || r.Region.District != "璧山区" ||
		r.Contact != "张伟" || r.Mobile != "13800001111" || r.USCC != "91500227MA5U7G2X4T" {
		t.Fatalf("got %+v", r)
	}
	for _, bad := range []string{"电话 1380000111", "91500227MA5U7G2X4A", "四川"} {
		r := &regForm{}
		if problem := r.extract(p, bad, stepRegRgn); problem == "" {
			t.Errorf("extract(%q): no problem, got %+v", bad, r)
		}
	}
}
