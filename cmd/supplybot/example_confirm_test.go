package main

import (
	"context"
	"strconv"
	"testing"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/store"
)

// withdrawAll is an example of a new confirmed command, written in this one
// file: 全部撤回 asks how many open demands will be withdrawn and acts on
// “确认”. Registering it is the one line in the test below.
func withdrawAll(m *Main) *handlers.Confirmation {
	open := func(ctx context.Context, openid string) ([]store.Post, error) {
		ps, err := m.Mongo.Demands().ByOpenID(ctx, openid, 200)
		var out []store.Post
		for _, p := range ps {
			if p.Status == store.StatusOpen {
				out = append(out, p)
			}
		}
		return out, err
	}
	return &handlers.Confirmation{
		Flow: "withdraw-all",
		Start: func(ctx context.Context, msg *bot.Message, _ string) (string, string, string, error) {
			ps, err := open(ctx, msg.OpenID)
			if err != nil || len(ps) == 0 {
				return "", "", "您没有展示中的求购。回复“我的发布”查看。", err
			}
			return "", "将撤回您的" + strconv.Itoa(len(ps)) + "条求购。", "", nil
		},
		Steps: []handlers.ConfirmStep{{
			Name: "confirm",
			Question: func(handlers.Confirming) string {
				return "确认撤回请回复“确认”，回复“取消”保留。"
			},
			Answers: []handlers.ConfirmAnswer{
				{Match: handlers.Yes, Do: func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
					ps, err := open(ctx, st.OpenID)
					if err != nil {
						return bot.Reply{}, err
					}
					for _, p := range ps {
						if err := m.Mongo.Demands().Close(ctx, p.ID, store.StatusClosed, "撤回", nil); err != nil {
							return bot.Reply{}, err
						}
					}
					return bot.Text("已撤回" + strconv.Itoa(len(ps)) + "条求购。"), nil
				}},
				{Match: handlers.No, Off: true, Note: "好的，"},
			},
			Else: "还没有撤回。",
		}},
		Help: func(handlers.Confirming) string {
			return "撤回后求购不再展示和匹配。回复“取消”则保留。"
		},
		Kept: func(handlers.Confirming) string { return "求购未撤回，仍在展示。" },
	}
}

func TestExampleConfirmedCommand(t *testing.T) {
	m := NewMain(testConfig(t), nil)
	m.Extend = func(app *handlers.App) {
		app.AddConfirmed(bot.Command{Name: "withdraw-all", Exact: []string{"全部撤回"}}, withdrawAll(m))
	}
	start(t, m)
	c := newChat(t, m, "u-withdraw")
	c.expect("全部撤回", "没有展示中的求购")
	c.register("重庆青山工业有限公司")
	for _, post := range []string{"求购 变速箱电磁阀 5000件 重庆璧山", "求购 铝合金轮毂 2000套 重庆璧山"} {
		c.expect(post, "请核对")
		c.expect("确认", "已发布")
	}

	// Something else instead of the answer calls it off and says so.
	c.expect("全部撤回", "将撤回您的2条求购", "确认撤回")
	c.expect("查供应 PCB", "求购未撤回，仍在展示")
	c.refuse("确认", "已撤回")
	// 帮助 inside it explains it; 取消 keeps everything.
	c.expect("全部撤回", "确认撤回")
	c.expect("帮助", "撤回后求购不再展示", "确认撤回")
	c.expect("取消", "已取消，求购未撤回")
	// 确认 acts.
	c.expect("全部撤回", "确认撤回")
	c.expect("确认", "已撤回2条求购")
	ps, err := m.Mongo.Demands().ByOpenID(context.Background(), "u-withdraw", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Status != store.StatusClosed {
			t.Errorf("%s: got status %q, want %q", p.No, p.Status, store.StatusClosed)
		}
	}
	if len(ps) != 2 {
		t.Errorf("got %d demands, want 2", len(ps))
	}
}
