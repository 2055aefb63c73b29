package alerts

import (
	"context"
	"fmt"
	"strings"

	"supplybot/bot"
	"supplybot/handlers/record"
	"supplybot/store"
)

// MenuMyMatches is the custom-menu key of 我的匹配.
const MenuMyMatches = "MY_MATCHES"

// maxReply keeps a passive reply within WeChat's 2048 bytes.
const maxReply = 2000

// Commands are the commands of the features the service assembles —
// 订阅 / 我的订阅 / 退订 N (subscriptions), 联系 D1024 / 同意 [N] /
// 拒绝 [N] (contacts) — and its own 我的匹配. Each passes an open form by;
// the conversation routes them (handlers.App.Route).
func (s *Service) Commands() []bot.Command {
	cmds := append(s.subs.Commands(), s.contacts.Commands()...)
	return append(cmds, bot.Command{Name: "my-matches", Exact: []string{"我的匹配"}, PassBy: bot.Always, Handle: bot.Plain(s.cmdMyMatches)})
}

// MenuKeys are the custom-menu buttons of the service: 我的匹配.
func (s *Service) MenuKeys() map[string]bot.Handler {
	return map[string]bot.Handler{MenuMyMatches: s.cmdMyMatches}
}

// counterparts reads the records the alerts are about as they are now,
// one query per kind.
func (s *Service) counterparts(ctx context.Context, items []store.Alert) (map[string]store.Post, error) {
	ids := map[string][]string{}
	for _, a := range items {
		ids[a.RecordKind] = append(ids[a.RecordKind], a.RecordID)
	}
	out := map[string]store.Post{}
	for kind, list := range ids {
		got, err := s.d.Mongo.Posts(kind).ByIDs(ctx, list)
		if err != nil {
			return nil, err
		}
		for id, p := range got {
			out[id] = p
		}
	}
	return out, nil
}

// cmdMyMatches lists the user's recent alerts with their reasons. Contact
// details are never part of an alert.
func (s *Service) cmdMyMatches(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	items, err := s.d.Mongo.Alerts().Recent(ctx, m.OpenID, 10)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(items) == 0 {
		return bot.Text(noMatches), nil
	}
	now, err := s.counterparts(ctx, items)
	if err != nil {
		return bot.Reply{}, err
	}
	const tail = "\n回复 详情 编号 查看，联系 编号 交换联系方式"
	var b strings.Builder
	b.WriteString("您最近的匹配：")
	n := 0
	for _, a := range items {
		p, ok := now[a.RecordID]
		if !ok || p.Status == store.StatusRemoved && p.OpenID == "" {
			continue // deleted (its owner deregistered): nothing to show
		}
		n++
		line := fmt.Sprintf("\n%d. %s %s", n, a.RecordNo, record.Clip(a.Product, 14))
		if st := record.StatusName(p, s.clock()); p.Status != store.StatusOpen || !p.ExpiresAt.After(s.clock()) {
			line += "【" + st + "】"
		}
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
	if n == 0 {
		return bot.Text(noMatches), nil
	}
	b.WriteString(tail)
	return bot.Text(b.String()), nil
}

const noMatches = "暂时还没有匹配。发布求购或供应后，有合适的对象会第一时间通知您。\n也可以回复 订阅 轮毂 重庆 订阅新信息。"
