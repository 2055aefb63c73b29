package broadcast

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/store"
)

// Command names.
const (
	cmdBroadcast = "broadcast"
	cmdProgress  = "broadcast-progress"
)

func (s *Service) visible(ctx context.Context, m *bot.Message) bool {
	return m != nil && s.d.IsMember(ctx, m.OpenID)
}

// Commands is 群发进度, for members of the task force only.
func (s *Service) Commands() []bot.Command {
	return []bot.Command{{
		Name: cmdProgress, Words: []string{"群发进度"}, PassBy: bot.Always, Visible: s.visible,
		Handle: func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) { return s.progressReply(ctx) },
	}}
}

// MenuKeys: none.
func (s *Service) MenuKeys() map[string]bot.Handler { return nil }

// Confirmed is 群发 [人群] 内容, which asks before it sends.
func (s *Service) Confirmed() []handlers.Confirmed {
	return []handlers.Confirmed{{
		Command:      bot.Command{Name: cmdBroadcast, Words: []string{"群发"}, PassBy: bot.Always, Visible: s.visible},
		Confirmation: s.confirmation(),
	}}
}

func (s *Service) confirmation() *handlers.Confirmation {
	return &handlers.Confirmation{
		Flow: "broadcast",
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			seg, text, problem := s.ParseSegment(rest)
			if problem != "" {
				return "", "", problem, nil
			}
			j, err := s.Create(ctx, Actor{Via: "chat", ID: m.OpenID}, seg, text)
			if err != nil {
				return "", "", "", err
			}
			if j.Total == 0 {
				msg := "没有可以发送的用户：" + j.Describe + "共0人。"
				if j.OverCap > 0 {
					msg = j.Describe + "共" + strconv.Itoa(j.OverCap) + "人，本月都已收满" + strconv.Itoa(s.cfg.MonthlyCap) + "条群发。"
				}
				return "", "", msg + "请换个人群再试，例如：群发 零部件 重庆 内容", nil
			}
			var b strings.Builder
			b.WriteString("将群发给" + j.Describe + "，共" + strconv.Itoa(j.Total) + "人。")
			if j.OverCap > 0 {
				b.WriteString("另有" + strconv.Itoa(j.OverCap) + "人本月已收满" + strconv.Itoa(s.cfg.MonthlyCap) + "条群发，收不到。")
			}
			if j.Via == ViaPush {
				b.WriteString("将以客服消息逐个发送，48小时内未与公众号互动的用户收不到。")
			}
			b.WriteString("预览已发给您。")
			return j.ID, b.String(), "", nil
		},
		Steps: []handlers.ConfirmStep{{
			Name: "confirm",
			Question: func(handlers.Confirming) string {
				return "确认群发请回复“确认”，回复“取消”放弃。"
			},
			Answers: []handlers.ConfirmAnswer{
				{Match: handlers.Yes, Do: func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
					err := s.Start(ctx, Actor{Via: "chat", ID: st.OpenID}, st.Target)
					if errors.Is(err, ErrNotDraft) {
						return bot.Text("这条群发已经开始了。回复“群发进度”查看。"), nil
					}
					if err != nil {
						return bot.Reply{}, err
					}
					return bot.Text("已开始群发，发完会通知您。回复“群发进度”查看。"), nil
				}},
				{Match: handlers.No, Off: true, Note: "好的，"},
			},
			Else: "还没有群发。",
		}},
		Help: func(handlers.Confirming) string {
			return "群发会发给所选人群，每人每月最多收到" + strconv.Itoa(s.cfg.MonthlyCap) + "条群发。回复“确认”开始，回复“取消”放弃。"
		},
		Kept: func(handlers.Confirming) string { return "群发未发送。" },
	}
}

// progressReply shows the latest broadcasts.
func (s *Service) progressReply(ctx context.Context) (bot.Reply, error) {
	jobs, err := s.Jobs(ctx, 3)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(jobs) == 0 {
		return bot.Text("还没有群发。发送：群发 [人群] 内容，例如：群发 零部件 重庆 本周六召开供需对接会"), nil
	}
	var b strings.Builder
	b.WriteString("最近的群发：")
	for i, j := range jobs {
		p, err := s.Progress(ctx, j.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + j.Describe + "（" + j.CreatedAt.In(chinaTZ).Format("01-02 15:04") + "，" + stateName(p.State) + "）\n")
		b.WriteString("共" + strconv.Itoa(p.Total) + "人：已发送" + strconv.Itoa(p.Sent) + "，失败" + strconv.Itoa(p.Failed) + "，待发送" + strconv.Itoa(p.Pending))
		if j.OverCap > 0 {
			b.WriteString("；本月已满未发" + strconv.Itoa(j.OverCap))
		}
	}
	return bot.Text(b.String()), nil
}

func stateName(state string) string {
	switch state {
	case store.BroadcastDraft:
		return "未确认"
	case store.BroadcastRunning:
		return "发送中"
	case store.BroadcastDone:
		return "已完成"
	}
	return state
}
