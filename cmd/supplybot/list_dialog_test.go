package main

import (
	"testing"

	"supplybot/handlers"
)

// A procurement list without a place asks for one for every item; items
// are changed and dropped by number; a post typed meanwhile sets the list
// aside, and 继续 brings it back.
func TestListDialogEditDropAndSetAside(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-list")
	c.register("重庆青山工业有限公司")
	c.expect("求购：轮毂 2000套；轮胎 8000条；刹车片 5000套", "轮毂、轮胎、刹车片 共3项", "在哪里交货")
	c.expect("修改 2 数量 9000条", "已修改第2项", "9000条")
	c.expect("修改 数量 1", "第几项")
	c.expect("删除 3", "已删除第3项")
	c.expect("成都", "共2项", "1. 轮毂 2000套 · 四川成都", "2. 轮胎 9000条 · 四川成都")
	c.expect("求购 变速箱电磁阀 3000件 成都", "轮毂、轮胎 共2项）先放一边", "请核对您的求购")
	c.expect("取消", "已取消", "没填完的求购（轮毂、轮胎 共2项）")
	c.expect("继续", "共2项", "2. 轮胎 9000条")
	wantIn(t, "menu click", c.click(handlers.MenuPostOffer), "共2项）先放一边", "供应什么产品")
	c.expect("取消", "已取消", "没填完的求购（轮毂、轮胎 共2项）")
	c.expect("继续", "共2项")
	c.expect("确认", "已发布2条")
	if n := countDemands(t, m, "u-list"); n != 2 {
		t.Fatalf("got %d demands, want 2", n)
	}
	// The same list again: one question for the repeats, before anything is saved.
	c.expect("求购：轮毂 2000套；轮胎 9000条；刹车片 5000套 成都", "共3项")
	c.expect("确认", "第1项与 D", "第2项与 D", "仍要全部发布吗")
	if n := countDemands(t, m, "u-list"); n != 2 {
		t.Fatalf("after the question: got %d demands, want 2", n)
	}
	c.expect("删除 1", "已删除第1项", "共2项")
	c.expect("确认", "已发布2条", "轮胎", "刹车片")
	if n := countDemands(t, m, "u-list"); n != 4 {
		t.Fatalf("got %d demands, want 4", n)
	}
}

// The daily cap stops a list part way: what is left stays as a draft.
func TestListDialogDailyCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.Posts.DailyCap = 2
	m := mustRun(t, cfg, nil)
	c := newChat(t, m, "u-list-cap")
	c.register("重庆青山工业有限公司")
	c.expect("求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆", "共3项")
	c.expect("确认", "已发布2条", "每日发布上限", "其余1项", "草稿")
	if n := countDemands(t, m, "u-list-cap"); n != 2 {
		t.Fatalf("got %d demands, want 2", n)
	}
	c.expect("帮助", "清单")
	c.expect("取消", "已取消")
}

// Lists numbered or split by commas read as lists too; one product with
// commas stays one post.
func TestListDialogShapes(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-list-shapes")
	c.register("重庆青山工业有限公司")
	c.expect("采购 ①线束 5000套 ②连接器 10万只 ③继电器 2万只 重庆璧山", "共3项", "1. 线束 5000套", "2. 连接器 10万只", "3. 继电器 2万只")
	c.expect("取消", "已取消")
	c.expect("求购轮毂2000套，轮胎8000条，刹车片5000套，重庆", "共3项")
	c.expect("取消", "已取消")
	c.refuse("求购 变速箱电磁阀，5000件，重庆璧山", "清单")
}
