package handlers

import (
	"context"

	"supplybot/bot"
)

const slowDown = "您发得太快了，请稍等几秒再试。"

// RateLimit answers a user who sends more than Deps.RateLimit messages in
// Deps.RateWindow with a polite "slow down", without running the handler.
// The window starts at the user's first message (a counter in the KV that
// expires). Events are not counted; when the KV fails, messages pass.
func (a *App) RateLimit(next bot.Handler) bot.Handler {
	return func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		if a.d.KV == nil || m.Type == bot.TypeEvent || m.OpenID == "" {
			return next(ctx, m)
		}
		n, err := a.d.KV.Incr(ctx, RateLimitKey(m.OpenID), a.d.RateWindow)
		if err != nil {
			a.d.Log.WarnContext(ctx, "rate limit counter", "openid", m.OpenID, "err", err)
			return next(ctx, m)
		}
		if n > int64(a.d.RateLimit) {
			return bot.Text(slowDown), nil
		}
		return next(ctx, m)
	}
}

// ReadAhead counts m for the rate limit in the round trip of the dedupe
// mark (see bot.Gateway.ReadAhead), for Deps.KV on a bot.ReadAheadKV, and
// reads the user's kept draft, which a text that is not a command asks
// for (to offer it back).
func (a *App) ReadAhead(m *bot.Message) []*bot.Op {
	if a.d.KV == nil || m.Type == bot.TypeEvent || m.OpenID == "" {
		return nil
	}
	return []*bot.Op{
		{Kind: bot.OpIncr, Key: RateLimitKey(m.OpenID), TTL: a.d.RateWindow},
		{Kind: bot.OpLookup, Key: draftKey(m.OpenID)},
	}
}

// RateLimitKey is the KV key counting a user's recent messages.
func RateLimitKey(openid string) string { return "rl:" + openid }

// capReply keeps every reply within WeChat's passive-reply size.
func (a *App) capReply(next bot.Handler) bot.Handler {
	return func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		r, err := next(ctx, m)
		r.Text = fit(r.Text)
		return r, err
	}
}
