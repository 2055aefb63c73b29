package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func named(name string) Handler {
	return func(context.Context, *Message) (Reply, error) { return Text(name), nil }
}

func TestRouterMatchKinds(t *testing.T) {
	r := NewRouter(nil)
	r.Exact(named("exact"), "帮助", "help")
	r.Command("关闭", named("command"))
	r.Prefix("查需求", named("prefix"))
	r.Regexp(regexp.MustCompile(`^[DO]\d+$`), named("regexp"))
	r.MenuKey("MY_POSTS", named("menu"))
	r.Event(EventSubscribe, named("event"))
	r.Func("image", func(m *Message) bool { return m.Type == TypeImage }, named("func"))
	r.Default(named("default"))

	text := func(s string) *Message { return &Message{OpenID: "u", Type: TypeText, Text: s} }
	cases := []struct {
		name string
		msg  *Message
		want string
	}{
		{"exact", text(" 帮助 "), "exact"},
		{"exact ignores case", text("HELP"), "exact"},
		{"exact is not prefix", text("帮助我"), "default"},
		{"command with argument", text("关闭 D1024"), "command"},
		{"command word must stand alone", text("关闭了吗"), "default"},
		{"prefix", text("查需求轮毂"), "prefix"},
		{"regexp", text("D1024"), "regexp"},
		{"menu key", &Message{Type: TypeEvent, Event: "CLICK", EventKey: "MY_POSTS"}, "menu"},
		{"other menu key", &Message{Type: TypeEvent, Event: "CLICK", EventKey: "X"}, "default"},
		{"event", &Message{Type: TypeEvent, Event: "subscribe"}, "event"},
		{"func", &Message{Type: TypeImage}, "func"},
		{"voice uses recognition text", &Message{Type: TypeVoice, Text: "帮助"}, "exact"},
		{"default", text("随便说说"), "default"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Handle(context.Background(), tc.msg)
			if err != nil || got.Text != tc.want {
				t.Fatalf("got %q, %v, want %q", got.Text, err, tc.want)
			}
		})
	}
}

func TestRouterFirstMatchWins(t *testing.T) {
	r := NewRouter(nil)
	r.Prefix("查", named("first"))
	r.Prefix("查需求", named("second"))
	if got, _ := r.Handle(context.Background(), &Message{Type: TypeText, Text: "查需求"}); got.Text != "first" {
		t.Fatalf("got %q, want first", got.Text)
	}
}

func TestRouterMiddlewareErrorsAndPanics(t *testing.T) {
	r := NewRouter(nil)
	var order []string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, m *Message) (Reply, error) {
				order = append(order, name)
				return next(ctx, m)
			}
		}
	}
	r.Use(mw("outer"), mw("inner"))
	r.Exact(func(context.Context, *Message) (Reply, error) { return Reply{}, errors.New("db down") }, "err")
	r.Exact(func(context.Context, *Message) (Reply, error) { panic("boom") }, "panic")
	for _, in := range []string{"err", "panic"} {
		got, err := r.Handle(context.Background(), &Message{Type: TypeText, Text: in})
		if err != nil || !strings.Contains(got.Text, "稍后再试") {
			t.Fatalf("%s: got %q, %v, want the friendly busy reply", in, got.Text, err)
		}
	}
	if strings.Join(order, ",") != "outer,inner,outer,inner" {
		t.Fatalf("middleware order: got %v", order)
	}
}
