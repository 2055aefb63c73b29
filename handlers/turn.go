package handlers

import (
	"context"

	"supplybot/bot"
	"supplybot/handlers/parse"
)

// turn is what the conversation learns of one message while it is
// handled: its cleaned text, its parses, its command and the user's
// session, each worked out once and shared by the route matchers, the
// middleware and the handler.
type turn struct {
	openid  string
	text    string
	cleaned bool
	parsed  map[string]parse.Post
	cmd     *bot.Command
	rest    string
	matched bool
	conv    *conv // nil until loaded
}

type turnKey struct{}

// beginTurn starts the turn of m (a router Prepare step).
func (a *App) beginTurn(ctx context.Context, m *bot.Message) context.Context {
	return context.WithValue(ctx, turnKey{}, &turn{openid: m.OpenID})
}

// turnOf is the turn of the message being handled; nil outside one (a
// handler called directly), where nothing is remembered.
func turnOf(ctx context.Context) *turn {
	t, _ := ctx.Value(turnKey{}).(*turn)
	return t
}

// text is m's text as the conversation reads it (clean).
func (a *App) text(ctx context.Context, m *bot.Message) string {
	if !isChat(m) {
		return ""
	}
	tn := turnOf(ctx)
	if tn == nil || tn.openid != m.OpenID {
		return clean(m.Text)
	}
	if !tn.cleaned {
		tn.text, tn.cleaned = clean(m.Text), true
	}
	return tn.text
}

// parse reads t as a post, once per text and message.
func (a *App) parse(ctx context.Context, t string) parse.Post {
	tn := turnOf(ctx)
	if tn == nil {
		return a.p.Parse(t, a.now())
	}
	if p, ok := tn.parsed[t]; ok {
		return p
	}
	p := a.p.Parse(t, a.now())
	if tn.parsed == nil {
		tn.parsed = map[string]parse.Post{}
	}
	tn.parsed[t] = p
	return p
}
