package alerts

import (
	"context"
	"fmt"
	"strings"

	"supplybot/bot"
)

// MenuMyMatches is the custom-menu key of 我的匹配.
const MenuMyMatches = "MY_MATCHES"

// maxReply keeps a passive reply within WeChat's 2048 bytes.
const maxReply = 2000

// Commands are the service's commands: 订阅 … / 我的订阅 / 退订 N /
// 联系 D1024 / 同意 [N] / 拒绝 [N] / 我的匹配. Each passes an open form
// by; the conversation routes them (handlers.App.Route).
func (s *Service) Commands() []bot.Command {
	h := func(f bot.Handler) bot.CommandHandler {
		return func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) { return f(ctx, m) }
	}
	return []bot.Command{
		{Name: "subscribe", Words: []string{"订阅"}, PassBy: bot.Always, Handle: h(s.cmdSubscribe)},
		{Name: "my-subscriptions", Exact: []string{"我的订阅"}, PassBy: bot.Always, Handle: h(s.cmdMySubscriptions)},
		{Name: "unsubscribe", Words: []string{"退订"}, PassBy: bot.Always, Handle: h(s.cmdUnsubscribe)},
		{Name: "contact", Pattern: contactRe, PassBy: bot.Always, Handle: h(s.cmdContact)},
		// Other text starting with 联系 (联系方式是什么) is not a request,
		// but it is not an answer to a form either.
		{Name: "contact-word", Words: []string{"联系"}, PassBy: bot.Always},
		{Name: "contact-answer", Pattern: answerRe, PassBy: bot.Always, Handle: h(s.cmdAnswer)},
		{Name: "my-matches", Exact: []string{"我的匹配"}, PassBy: bot.Always, Handle: h(s.cmdMyMatches)},
	}
}

// MenuKeys are the service's custom-menu buttons.
func (s *Service) MenuKeys() map[string]bot.Handler {
	return map[string]bot.Handler{MenuMyMatches: s.cmdMyMatches}
}

// cmdMyMatches lists the user's recent alerts with their reasons. Contact
// details are never part of an alert.
func (s *Service) cmdMyMatches(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	items, err := s.d.Mongo.Alerts().Recent(ctx, m.OpenID, 10)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(items) == 0 {
		return bot.Text("暂时还没有匹配。发布求购或供应后，有合适的对象会第一时间通知您。\n也可以回复 订阅 轮毂 重庆 订阅新信息。"), nil
	}
	const tail = "\n回复 详情 编号 查看，联系 编号 交换联系方式"
	var b strings.Builder
	b.WriteString("您最近的匹配：")
	for i, a := range items {
		line := fmt.Sprintf("\n%d. %s %s", i+1, a.RecordNo, clip(a.Product, 14))
		if a.Summary != "" {
			line += " · " + a.Summary
		}
		if len(a.Reasons) > 0 {
			line += "\n   " + strings.Join(a.Reasons, "·")
		}
		if a.MyNo != "" {
			line += "（对应您的 " + a.MyNo + "）"
		} else if a.Kind == kindSubscription {
			line += "（来自订阅）"
		}
		if b.Len()+len(line)+len(tail) > maxReply {
			break
		}
		b.WriteString(line)
	}
	b.WriteString(tail)
	return bot.Text(b.String()), nil
}
