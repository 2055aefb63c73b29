package bot

import (
	"context"
	"testing"
)

func TestCommandsSameWordForDisjointUsers(t *testing.T) {
	members := func(_ context.Context, m *Message) bool { return m != nil && m.OpenID == "member" }
	var cs Commands
	// The limited command is declared after the one for everyone: it must
	// still win for its users.
	cs.Add(
		Command{Name: "close", Words: []string{"关闭", "下架"}},
		Command{Name: "take-down", Words: []string{"下架"}, Visible: members},
		Command{Name: "stats", Exact: []string{"统计"}, Visible: members},
	)
	for _, c := range []struct {
		name, openid, text, want, rest string
	}{
		{"member gets the limited command", "member", "下架 D1024 违规", "take-down", "D1024 违规"},
		{"others get the command for everyone", "owner", "下架 D1024", "close", "D1024"},
		{"the other word is unaffected", "member", "关闭 D1024", "close", "D1024"},
		{"a limited word alone", "member", "统计", "stats", ""},
		{"is text for others", "owner", "统计", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd, rest := cs.Match(context.Background(), &Message{OpenID: c.openid, Type: TypeText}, c.text)
			got := ""
			if cmd != nil {
				got = cmd.Name
			}
			if got != c.want || rest != c.rest {
				t.Fatalf("got %q %q, want %q %q", got, rest, c.want, c.rest)
			}
		})
	}
}

func TestCommandsWordTwiceForEveryonePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic, want one for a word of two commands for everyone")
		}
	}()
	var cs Commands
	cs.Add(Command{Name: "a", Words: []string{"下架"}}, Command{Name: "b", Words: []string{"下架"}})
}
