package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

func cmdNamed(name string) CommandHandler {
	return func(_ context.Context, _ *Message, rest string) (Reply, error) { return Text(name + ":" + rest), nil }
}

func TestCommandsMatch(t *testing.T) {
	member := func(_ context.Context, m *Message) bool { return m != nil && m.OpenID == "admin" }
	cs := &Commands{Normalize: func(s string) string { return strings.TrimRight(strings.TrimSpace(s), "。") }}
	cs.Add(
		Command{Name: "help", Exact: []string{"帮助"}, Handle: cmdNamed("help")},
		Command{Name: "search", Words: []string{"查", "查需求"}, PassBy: Always, Handle: cmdNamed("search")},
		Command{Name: "detail", Words: []string{"详情"}, Pattern: regexp.MustCompile(`^D\d+$`), Handle: cmdNamed("detail")},
		Command{Name: "back", Exact: []string{"上一步"}},
		Command{Name: "review", Exact: []string{"审核"}, Visible: member, Handle: cmdNamed("review")},
	)
	cases := []struct {
		name, openid, text, want, rest string
	}{
		{"exact", "u", "帮助", "help", ""},
		{"exact is not a prefix", "u", "帮助我", "", ""},
		{"longest word wins", "u", "查需求 轮毂", "search", "轮毂"},
		{"word glued to its argument", "u", "查轮毂", "search", "轮毂"},
		{"colon after the word", "u", "详情：D1", "detail", "D1"},
		{"pattern is the whole message", "u", "D1024", "detail", "D1024"},
		{"normalised first", "u", " 帮助。", "help", ""},
		{"words without a handler still match", "u", "上一步", "back", ""},
		{"invisible to non-members", "u", "审核", "", ""},
		{"visible to members", "admin", "审核", "review", ""},
		{"nothing", "u", "今天天气", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &Message{OpenID: tc.openid, Type: TypeText, Text: tc.text}
			c, rest := cs.Match(context.Background(), m, cs.Text(m))
			got := ""
			if c != nil {
				got = c.Name
			}
			if got != tc.want || rest != tc.rest {
				t.Errorf("got %q %q, want %q %q", got, rest, tc.want, tc.rest)
			}
		})
	}
}

func TestCommandsRoute(t *testing.T) {
	cs := &Commands{}
	cs.Add(
		Command{Name: "search", Words: []string{"查需求"}, Handle: cmdNamed("search")},
		Command{Name: "back", Exact: []string{"上一步"}},
	)
	r := NewRouter(nil)
	r.Commands(cs)
	r.Default(named("default"))
	for text, want := range map[string]string{"查需求 轮毂": "search:轮毂", "上一步": "default", "你好": "default"} {
		got, err := r.Handle(context.Background(), &Message{Type: TypeText, Text: text})
		if err != nil || got.Text != want {
			t.Errorf("%s: got %q, %v, want %q", text, got.Text, err, want)
		}
	}
	// Images and events are not commands.
	if got, _ := r.Handle(context.Background(), &Message{Type: TypeImage}); got.Text != "default" {
		t.Errorf("image: got %q, want default", got.Text)
	}
}

// TestCommandsResolve: with Resolve set, the router finds a message's
// command by it alone (the application keeps the answer for the message)
// and neither normalises nor matches the text again.
func TestCommandsResolve(t *testing.T) {
	normalised := 0
	cs := &Commands{Normalize: func(s string) string { normalised++; return s }}
	cs.Add(
		Command{Name: "search", Words: []string{"查需求"}, Handle: cmdNamed("search")},
		Command{Name: "help", Exact: []string{"帮助"}, Handle: cmdNamed("help")},
	)
	resolved := 0
	cs.Resolve = func(ctx context.Context, m *Message) (*Command, string) {
		resolved++
		if m.Text == "帮助" {
			return cs.ByName("help"), ""
		}
		return nil, ""
	}
	r := NewRouter(nil)
	r.Commands(cs)
	r.Default(named("default"))
	for text, want := range map[string]string{"帮助": "help:", "查需求 轮毂": "default"} {
		resolved = 0
		got, err := r.Handle(context.Background(), &Message{Type: TypeText, Text: text})
		if err != nil || got.Text != want {
			t.Errorf("%s: got %q, %v, want %q", text, got.Text, err, want)
		}
		if want := map[bool]int{true: 2, false: 1}[want != "default"]; resolved != want {
			t.Errorf("%s: resolved %d times, want %d (Routes, then Handle when it routes)", text, resolved, want)
		}
	}
	if normalised != 0 {
		t.Errorf("the text was normalised %d times beside Resolve", normalised)
	}
}

func TestCommandsDeclaredTwicePanics(t *testing.T) {
	for name, second := range map[string]Command{
		"same name": {Name: "a", Words: []string{"乙"}},
		"same word": {Name: "b", Words: []string{"甲"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			cs := &Commands{}
			cs.Add(Command{Name: "a", Words: []string{"甲"}}, second)
		})
	}
}

func TestRouterGroup(t *testing.T) {
	r := NewRouter(nil)
	var seen []string
	mark := func(next Handler) Handler {
		return func(ctx context.Context, m *Message) (Reply, error) {
			seen = append(seen, "mw")
			return next(ctx, m)
		}
	}
	g := r.Group(func(_ context.Context, m *Message) bool { return m.OpenID == "admin" }, mark)
	g.When("stats", func(_ context.Context, m *Message) bool { return m.Text == "统计" }, named("stats"))
	r.Default(named("default"))
	if got, _ := r.Handle(context.Background(), &Message{OpenID: "u", Type: TypeText, Text: "统计"}); got.Text != "default" || len(seen) != 0 {
		t.Errorf("non-member: got %q (middleware %v), want default without middleware", got.Text, seen)
	}
	if got, _ := r.Handle(context.Background(), &Message{OpenID: "admin", Type: TypeText, Text: "统计"}); got.Text != "stats" || len(seen) != 1 {
		t.Errorf("member: got %q (middleware %v), want stats through the middleware", got.Text, seen)
	}
}

type ctxKey struct{}

func TestRouterPrepareReachesMatchAndHandler(t *testing.T) {
	r := NewRouter(nil)
	r.Prepare(func(ctx context.Context, _ *Message) context.Context { return context.WithValue(ctx, ctxKey{}, "turn") })
	r.When("prepared", func(ctx context.Context, _ *Message) bool { return ctx.Value(ctxKey{}) == "turn" },
		func(ctx context.Context, _ *Message) (Reply, error) { return Text(ctx.Value(ctxKey{}).(string)), nil })
	r.Default(named("default"))
	if got, _ := r.Handle(context.Background(), &Message{Type: TypeText, Text: "x"}); got.Text != "turn" {
		t.Errorf("got %q, want turn", got.Text)
	}
}
