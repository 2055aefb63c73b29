package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/parse"
)

// Item 4: a bare number keeps the unit the field already has.
func TestParseFixEditKeepsUnit(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "unit-u")
	c.register("重庆青山工业有限公司")

	c.expect("求购 轮毂 2000套 重庆璧山", "2000套", "请核对")
	c.refuse("修改 数量 4000", "4000件")
	c.expect("修改 数量 4500", "4500套")
	c.expect("修改 数量 3000只", "3000只")
	no := noIn(t, c.expect("确认", "已发布"))
	c.expect("修改 "+no+" 数量 4000", "4000只")
	if p := postByNo(t, m, no); p.Quantity == nil || p.Quantity.Value != 4000 || p.Quantity.Unit != "只" {
		t.Errorf("saved quantity: got %+v", p.Quantity)
	}

	c.expect("供应 6层PCB 月产能2万平米 成都", "2万平米")
	c.expect("修改 产能 3万", "3万平米")
	c.expect("修改 起订量 500", "500平米")
	c.expect("修改 起订量 800", "800平米")
	o := noIn(t, c.expect("确认", "已发布"))
	if r := c.expect("修改 "+o+" 产能 5万", "月产能 5万平米"); strings.Contains(r, "/月") {
		t.Errorf("月产能 said twice: %s", r)
	}
	if p := postByNo(t, m, o); p.Capacity == nil || p.Capacity.Unit != "平米" || p.Capacity.Value != 50000 {
		t.Errorf("saved capacity: got %+v", p.Capacity)
	}
}

// Item 5: past deadlines and absurd amounts are re-asked; summaries show
// quantities that only phone numbers used to be masked like.
func TestParseFixSanityLimits(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "sane-u")
	c.register("重庆青山工业有限公司")

	c.expect("求购 轮毂 2000套 重庆璧山 2020年1月1日前", "截止日期已过", "12月底前")
	c.expect("2019年5月1日", "截止日期已过")
	reply := c.expect("30天内", "请核对", "截止：")
	if strings.Contains(reply, "2020") {
		t.Errorf("summary keeps the past deadline: %s", reply)
	}
	c.expect("修改 截止 2020年1月1日", "截止日期已过", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	if p := postByNo(t, m, no); p.Deadline == nil || p.Deadline.Before(time.Now()) {
		t.Errorf("deadline: got %v", p.Deadline)
	}
	c.expect("修改 "+no+" 截止日期 2020年1月1日", "截止日期已过")

	c.expect("求购 螺栓 99999999999999件 重庆", "数量太大", "需要多少")
	c.expect("1e20件", "需要多少")
	c.expect("2000000000件", "数量太大")
	c.expect("1234567个", "请核对", "数量：1234567个")
	c.expect("修改 数量 99999999999", "数量太大")
	c.expect("取消", "已取消")

	c.expect("供应 冲压件 月产能99999999999件 重庆", "太大")
	c.expect("取消", "已取消")
}

// Item 12i: 平 is 平米, 3万+件 is 30000件, and 交期 on a demand is a deadline.
func TestParseFixUnitsAndLead(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "units-u")
	c.register("成都蓉电科技有限公司")

	c.expect("供应 6层PCB 月产能2万平 成都", "月产能：2万平米")
	c.expect("取消", "已取消")
	c.expect("求购 注塑件 3万+件 重庆", "3万件", "请核对")
	want := time.Now().In(parse.CST).AddDate(0, 0, 10)
	c.expect("修改 交期 10天", "已修改", "截止日期", strconv.Itoa(int(want.Month()))+"月"+strconv.Itoa(want.Day())+"日")
	no := noIn(t, c.expect("确认", "已发布"))
	p := postByNo(t, m, no)
	if p.Quantity == nil || p.Quantity.Value != 30000 || p.Quantity.Unit != "件" {
		t.Errorf("quantity: got %+v", p.Quantity)
	}
	if p.Deadline == nil || p.Deadline.In(parse.CST).Format("2006-01-02") != want.Format("2006-01-02") {
		t.Errorf("deadline: got %v, want %s", p.Deadline, want.Format("2006-01-02"))
	}
}

// Item 12j: markup leaves no junk in the record.
func TestParseFixMarkup(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "markup-u")
	c.register("重庆青山工业有限公司")
	reply := c.refuse("求购 轮毂 <script>alert(1)</script> 2000套 重庆", "规格", "alert", "script")
	if !strings.Contains(reply, "请核对") || !strings.Contains(reply, "2000套") {
		t.Fatalf("summary: %s", reply)
	}
	no := noIn(t, c.expect("确认", "已发布"))
	if p := postByNo(t, m, no); p.Spec != "" || p.Product != "轮毂" {
		t.Errorf("record: product %q spec %q", p.Product, p.Spec)
	}
}

// Item 12k: raw_text holds the messages of the final answers, not the ones
// undone with 上一步.
func TestParseFixRawTextAfterBack(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "raw-u")
	c.register("重庆青山工业有限公司")

	c.expect("求购", "求购什么产品")
	c.expect("铝合金轮毂", "需要多少")
	c.expect("两千套", "在哪里交货")
	c.expect("上一步", "需要多少")
	c.expect("2000套", "在哪里交货")
	c.expect("重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	if got, want := postByNo(t, m, no).RawText, "铝合金轮毂\n2000套\n重庆璧山"; got != want {
		t.Errorf("raw_text: got %q, want %q", got, want)
	}

	// An answer that gave two fields stays while one of them is still its.
	c.expect("求购 刹车片", "需要多少")
	c.expect("800套 四川绵阳", "请核对")
	c.expect("上一步", "需要多少")
	c.expect("1000套", "请核对")
	no = noIn(t, c.expect("确认", "已发布"))
	if got, want := postByNo(t, m, no).RawText, "求购 刹车片\n800套 四川绵阳\n1000套"; got != want {
		t.Errorf("raw_text: got %q, want %q", got, want)
	}

	// Edits are what the user typed for the final value too.
	c.expect("求购 线束 500套 重庆", "请核对")
	c.expect("修改 数量 800", "800套")
	no = noIn(t, c.expect("确认", "已发布"))
	if got, want := postByNo(t, m, no).RawText, "求购 线束 500套 重庆\n修改 数量 800"; got != want {
		t.Errorf("raw_text: got %q, want %q", got, want)
	}
}
