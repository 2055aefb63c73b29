package handlers

import (
	"context"

	"supplybot/bot"
	"supplybot/store"
)

// closeConfirmation is 关闭 D1024: why (已成交 or 撤回), and for a deal
// whether it came through the platform, then the record is closed.
func (a *App) closeConfirmation() *Confirmation {
	doClose := func(reason string, via *bool) func(context.Context, Confirming) (bot.Reply, error) {
		return func(ctx context.Context, st Confirming) (bot.Reply, error) {
			if reason == "" {
				reason = st.Vals["reason"]
			}
			return a.doClose(ctx, st.OpenID, st.Target, reason, via)
		}
	}
	yes, no := true, false
	return &Confirmation{
		Flow: flowClose,
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			p, problem, err := a.ownPost(ctx, m, rest, "关闭")
			if err != nil || problem != "" {
				return "", "", problem, err
			}
			if p.Status == store.StatusClosed {
				return "", "", p.No + "已经关闭了。回复“我的发布”查看。", nil
			}
			return p.No, p.No + " " + scrub(p.Product), "", nil
		},
		Steps: []ConfirmStep{
			{
				Name: "reason",
				Question: func(Confirming) string {
					return "关闭原因：已成交，还是撤回？回复“已成交”或“撤回”（回复“取消”不关闭）。"
				},
				Answers: []ConfirmAnswer{
					{Match: Words("已成交", "成交", "成交了", "1", "已完成", "完成"), Set: map[string]string{"reason": "已成交"}, Next: "via", Note: "恭喜成交！"},
					{Match: Words("撤回", "2", "撤销", "不要了", "不需要了", "作废"), Do: doClose("撤回", nil)},
				},
				Else: "没看懂。",
			},
			{
				Name: "via",
				Question: func(Confirming) string {
					return "是通过本平台对接成交的吗？回复“是”或“否”。"
				},
				Answers: []ConfirmAnswer{
					{Match: func(t string) bool { return isYes(t) || inWords(t, []string{"平台", "通过平台", "是平台"}) }, Do: doClose("", &yes)},
					{Match: func(t string) bool { return isNo(t) || inWords(t, []string{"线下", "其他渠道"}) }, Do: doClose("", &no)},
				},
				Else: "没看懂。",
			},
		},
		Help: func(st Confirming) string {
			return "正在关闭" + st.Target + "。关闭后不再展示和匹配。回复“取消”则不关闭。"
		},
		Kept: func(st Confirming) string { return st.Target + "未关闭，仍在展示。" },
	}
}

func (a *App) doClose(ctx context.Context, openid, no, reason string, via *bool) (bot.Reply, error) {
	kind, _ := store.KindOfNo(no)
	repo := a.posts(kind)
	p, err := repo.ByNo(ctx, no)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := repo.Close(ctx, p.ID, store.StatusClosed, reason, via); err != nil {
		return bot.Reply{}, err
	}
	p.Status, p.ClosedReason, p.ViaPlatform = store.StatusClosed, reason, via
	a.note(ctx, p, openid, "关闭（"+reason+"）")
	a.closed(ctx, p)
	msg := no + "已关闭（" + reason
	if via != nil && *via {
		msg += "，经平台对接"
	}
	msg += "）。感谢反馈！\n回复“我的发布”查看，或发布新的需求、供应。"
	return bot.Text(msg), nil
}
