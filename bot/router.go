package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
)

// Handler answers one message. It returns the reply to show the user; an
// error is turned into a friendly reply by the router's error hook.
type Handler func(ctx context.Context, m *Message) (Reply, error)

// Middleware wraps a handler: admin gate, recover, rate limit, …
type Middleware func(Handler) Handler

type route struct {
	name  string
	match func(context.Context, *Message) bool
	h     Handler
}

// Router picks the handler of a message. Routes are tried in the order they
// were added and the first match wins; Default catches the rest.
type Router struct {
	routes   []route
	fallback Handler
	mw       []Middleware
	prepare  []func(context.Context, *Message) context.Context
	// OnError turns a handler error into the user's reply. The default logs
	// it and says the system is busy.
	OnError func(ctx context.Context, m *Message, err error) Reply
	Log     *slog.Logger
}

// NewRouter returns an empty router.
func NewRouter(log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	return &Router{Log: log}
}

// Use adds middleware applied to every route, outermost first.
func (r *Router) Use(mw ...Middleware) { r.mw = append(r.mw, mw...) }

// Prepare adds a step that runs before the routes are matched and may put
// per-message state into the context (the user's session, loaded once and
// shared by the matchers, the middleware and the handler).
func (r *Router) Prepare(f func(context.Context, *Message) context.Context) {
	r.prepare = append(r.prepare, f)
}

// Func routes messages for which match returns true.
func (r *Router) Func(name string, match func(*Message) bool, h Handler, mw ...Middleware) {
	r.When(name, func(_ context.Context, m *Message) bool { return match(m) }, h, mw...)
}

// When routes messages for which match returns true; match sees the
// message's context, as prepared.
func (r *Router) When(name string, match func(context.Context, *Message) bool, h Handler, mw ...Middleware) {
	r.routes = append(r.routes, route{name: name, match: match, h: chain(h, mw)})
}

// Group adds routes that only messages passing guard reach, wrapped in mw
// (a route group for task-force members is one line). For other messages
// the group's routes do not exist: they fall through to later routes.
func (r *Router) Group(guard func(context.Context, *Message) bool, mw ...Middleware) *Group {
	return &Group{r: r, guard: guard, mw: mw}
}

// Group is a set of routes behind one guard and middleware.
type Group struct {
	r     *Router
	guard func(context.Context, *Message) bool
	mw    []Middleware
}

// When adds a route to the group.
func (g *Group) When(name string, match func(context.Context, *Message) bool, h Handler) {
	guard := g.guard
	g.r.When(name, func(ctx context.Context, m *Message) bool {
		return (guard == nil || guard(ctx, m)) && match(ctx, m)
	}, h, g.mw...)
}

// Commands adds a route for the commands of cs that the user may use and
// that have a handler.
func (g *Group) Commands(cs *Commands) { g.When("commands", cs.Routes, cs.Handle) }

// Exact routes text equal to one of words, ignoring case and surrounding space.
func (r *Router) Exact(h Handler, words ...string) {
	r.Func("exact:"+strings.Join(words, "|"), func(m *Message) bool {
		if m.Type != TypeText && m.Type != TypeVoice {
			return false
		}
		t := strings.TrimSpace(m.Text)
		for _, w := range words {
			if strings.EqualFold(t, w) {
				return true
			}
		}
		return false
	}, h)
}

// Prefix routes text starting with p.
func (r *Router) Prefix(p string, h Handler) {
	r.Func("prefix:"+p, func(m *Message) bool {
		return (m.Type == TypeText || m.Type == TypeVoice) && strings.HasPrefix(strings.TrimSpace(m.Text), p)
	}, h)
}

// Command routes text whose first word is name ("关闭 D1024" for "关闭").
func (r *Router) Command(name string, h Handler) {
	r.Func("command:"+name, func(m *Message) bool {
		if m.Type != TypeText && m.Type != TypeVoice {
			return false
		}
		f := strings.Fields(m.Text)
		return len(f) > 0 && strings.EqualFold(f[0], name)
	}, h)
}

// Regexp routes text matching re.
func (r *Router) Regexp(re *regexp.Regexp, h Handler) {
	r.Func("regexp:"+re.String(), func(m *Message) bool {
		return (m.Type == TypeText || m.Type == TypeVoice) && re.MatchString(strings.TrimSpace(m.Text))
	}, h)
}

// Event routes an event by name (subscribe, unsubscribe, …).
func (r *Router) Event(name string, h Handler) {
	r.Func("event:"+name, func(m *Message) bool { return m.IsEvent(name) }, h)
}

// MenuKey routes a CLICK event of a custom-menu button by its key.
func (r *Router) MenuKey(key string, h Handler) {
	r.Func("menu:"+key, func(m *Message) bool { return m.IsEvent(EventClick) && m.EventKey == key }, h)
}

// Default handles every message no route matched.
func (r *Router) Default(h Handler) { r.fallback = h }

// Handle routes m, applies the middleware and recovers from panics.
func (r *Router) Handle(ctx context.Context, m *Message) (reply Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.Log.ErrorContext(ctx, "handler panic", "openid", m.OpenID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			reply, err = r.onError(ctx, m, fmt.Errorf("panic: %v", p)), nil
		}
	}()
	for _, f := range r.prepare {
		ctx = f(ctx, m)
	}
	h := r.fallback
	for _, rt := range r.routes {
		if rt.match(ctx, m) {
			h = rt.h
			break
		}
	}
	if h == nil {
		return Reply{}, nil
	}
	h = chain(h, r.mw)
	reply, err = h(ctx, m)
	if err != nil {
		return r.onError(ctx, m, err), nil
	}
	return reply, nil
}

func (r *Router) onError(ctx context.Context, m *Message, err error) Reply {
	if r.OnError != nil {
		return r.OnError(ctx, m, err)
	}
	r.Log.ErrorContext(ctx, "handler failed", "openid", m.OpenID, "type", m.Type, "err", err)
	return Text("系统有点忙，请稍后再试。回复“帮助”查看可用功能。")
}

func chain(h Handler, mw []Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
