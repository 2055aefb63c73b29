package notify

import (
	"context"
	"log/slog"
	"time"

	"supplybot/bot"
)

// GiveUpNotices tells the task force, once a day per API and code, of the
// pushes given up (or paused) that a person must act on: a daily quota
// (45009) stops that API until tomorrow; 48001 (the account lacks the
// permission) and 43101 (the user refused) need a look at the account's
// settings. The notice goes through the outbox like any push, so one that
// itself needs the exhausted API waits for the next day like the rest.
// 43004 needs nobody: the push workers marked the user unfollowed.
type GiveUpNotices struct {
	Notifier *Notifier
	Admins   []string         // the task force's openids
	Now      func() time.Time // default time.Now
	Log      *slog.Logger     // default slog.Default()
}

// PushGivenUp is the push workers' OnGiveUp.
func (g *GiveUpNotices) PushGivenUp(ctx context.Context, p bot.Push, code int) {
	log := g.Log
	if log == nil {
		log = slog.Default()
	}
	var text string
	switch code {
	case bot.CodeDailyQuota:
		text = "【系统提醒】微信" + pushKindName(p.Kind) + "接口今日额度已用完（45009），相关推送将于明天自动补发。"
		log.ErrorContext(ctx, "WeChat daily quota exhausted; API paused until tomorrow", "kind", p.Kind, "admins_told", len(g.Admins))
	case bot.CodeUnauthorized:
		text = "【系统提醒】微信" + pushKindName(p.Kind) + "接口无权限（48001），推送未能发出。请在公众平台检查接口权限。"
	case bot.CodeUserRefused:
		text = "【系统提醒】有用户拒收" + pushKindName(p.Kind) + "（43101），该推送已放弃。详情见 outbox 记录。"
	default:
		return // the outbox item records the code and reason; the pusher logged it
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	day := now().In(chinaTZ).Format("20060102")
	for _, admin := range g.Admins {
		if err := g.Notifier.Text(ctx, TaskForceNoticeKey(code, p.Kind, day, admin), admin, text); err != nil {
			log.ErrorContext(ctx, "queue notice to the task force", "admin", admin, "errcode", code, "err", err)
		}
	}
}

// pushKindName is how the task force calls a kind of push.
func pushKindName(kind string) string {
	switch kind {
	case bot.PushTemplate:
		return "模板消息"
	case bot.PushMass:
		return "群发"
	}
	return "客服消息"
}
