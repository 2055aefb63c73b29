package main

import (
	"context"
	"strings"
	"testing"

	"supplybot/handlers"
	"supplybot/store"
)

// A confirmation (注销, 关闭) is only taken while it is what the user is
// doing: another command ends it, and 注销 wants its own words.
func TestDialogConfirmationsEndWithOtherCommands(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	ctx := context.Background()

	t.Run("注销 then search and records: a later 好 deletes nothing", func(t *testing.T) {
		c := newChat(t, m, "conf-quit")
		c.register("重庆青山工业有限公司")
		c.expect("注销", "确认注销")
		c.expect("查需求 轮毂", "需求")
		c.expect("我的发布", "还没有发布过")
		c.refuse("好", "已注销")
		c.refuse("确认注销", "已注销")
		enterprise(t, m, "conf-quit")
	})

	t.Run("注销 wants 确认注销, not 好", func(t *testing.T) {
		c := newChat(t, m, "conf-quit-yes")
		c.register("重庆长风机器有限公司")
		c.expect("注销", "确认注销")
		c.expect("好", "确认注销")
		enterprise(t, m, "conf-quit-yes")
		c.expect("确认注销", "已注销")
		if _, err := m.Mongo.Enterprises().ByOpenID(ctx, "conf-quit-yes"); err == nil {
			t.Fatal("still registered after 确认注销")
		}
	})

	t.Run("注销 then a menu click or another feature's command ends it", func(t *testing.T) {
		c := newChat(t, m, "conf-quit-menu")
		c.register("重庆两江汽配有限公司")
		c.expect("注销", "确认注销")
		c.click(handlers.MenuMyPosts)
		c.refuse("确认注销", "已注销")
		c.expect("注销", "确认注销")
		c.say("我的订阅")
		c.refuse("确认注销", "已注销")
		enterprise(t, m, "conf-quit-menu")
	})

	t.Run("关闭 then 续期: a later 是 does not close the renewed record", func(t *testing.T) {
		c := newChat(t, m, "conf-close")
		c.register("成都蓉电科技有限公司")
		c.expect("供应 6层PCB 月产能2万平米 成都", "请核对")
		no := noIn(t, c.expect("确认", "已发布"))
		c.expect("关闭 "+no, "已成交", "撤回")
		c.expect("已成交", "本平台")
		c.expect("续期 "+no, no)
		c.refuse("是", "已关闭")
		if p := postByNo(t, m, no); p.Status != store.StatusOpen {
			t.Fatalf("record closed by a stale confirmation: %s %q", p.Status, p.ClosedReason)
		}
		c.expect("关闭 "+no, "撤回")
		c.expect("求购 轮毂 2000套 重庆璧山", "请核对")
		c.expect("取消", "已取消")
		if p := postByNo(t, m, no); p.Status != store.StatusOpen {
			t.Fatalf("record closed by a post typed at the close question: %s", p.Status)
		}
	})

	t.Run("取消 says what stays", func(t *testing.T) {
		c := newChat(t, m, "conf-cancel")
		c.register("成都天府电子有限公司")
		c.expect("供应 汽车线束 月产能10万套 重庆长寿", "请核对")
		no := noIn(t, c.expect("确认", "已发布"))
		c.expect("关闭 "+no, "撤回")
		r := c.expect("取消", "未关闭", no)
		if strings.Contains(r, "没有保存任何内容") {
			t.Errorf("cancel of 关闭: %s", r)
		}
		c.expect("注销", "确认注销")
		r = c.expect("取消", "已保留")
		if strings.Contains(r, "没有保存任何内容") {
			t.Errorf("cancel of 注销: %s", r)
		}
		enterprise(t, m, "conf-cancel")
	})
}
