package handlers

import (
	"context"
	"log/slog"

	"supplybot/bot"
)

// SessionStore is the per-user dialog state the flows keep between messages.
type SessionStore interface {
	Load(ctx context.Context, openid string) (*bot.Session, error)
	Save(ctx context.Context, openid string, s *bot.Session) error
	Clear(ctx context.Context, openid string) error
}

// Deps are what the conversation needs from the rest of the process.
type Deps struct {
	Sessions SessionStore
	Log      *slog.Logger
}

// App holds the conversation's handlers.
type App struct {
	d Deps
}

// New returns the conversation.
func New(d Deps) *App {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &App{d: d}
}

// Register adds the conversation's routes to r.
func (a *App) Register(r *bot.Router) {
	r.Exact(a.help, "帮助", "help", "?", "？", "菜单")
	r.Event(bot.EventSubscribe, a.welcome)
	r.Event(bot.EventUnsubscribe, a.silent)
	r.Func("other-events", func(m *bot.Message) bool { return m.Type == bot.TypeEvent }, a.silent)
	r.Default(a.unknown)
}
