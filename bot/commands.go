package bot

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// CommandHandler runs a command; rest is the text after the command word.
type CommandHandler func(ctx context.Context, m *Message, rest string) (Reply, error)

// Command is one thing users type, declared once: the words that start
// it, its handler, and what an open dialog does with it. The router and
// the dialog both ask the registry, so no feature lists another's words.
type Command struct {
	Name string
	// Words start the command ("查供应 PCB"); Exact words are the whole
	// message ("帮助"). Pattern, when set, matches a whole message that
	// has no command word (a bare record number); rest is the message.
	Words   []string
	Exact   []string
	Pattern *regexp.Regexp
	// PassBy reports whether the command, typed while the user is in a
	// dialog, runs on its own and leaves the dialog as it is (a search in
	// the middle of a form). Nil: the dialog takes it as an answer.
	PassBy func(rest string) bool
	// Handle runs the command. Nil for words only a dialog understands
	// (上一步), or words a feature keeps out of forms but handles only in
	// some forms (联系 but for 联系 D1024): outside a dialog they are
	// ordinary text.
	Handle CommandHandler
	// Visible limits the command to some users (the task force). For
	// everyone else its words are ordinary text. Nil: everyone.
	Visible func(ctx context.Context, m *Message) bool
}

// Plain makes a handler that reads the whole message a command handler.
func Plain(h Handler) CommandHandler {
	return func(ctx context.Context, m *Message, _ string) (Reply, error) { return h(ctx, m) }
}

// Always is the PassBy of a command that always passes a dialog by.
func Always(string) bool { return true }

type commandWord struct {
	word  string
	exact bool
	cmd   *Command
}

// Commands is the registry of commands. Add them before the first message.
type Commands struct {
	// Normalize prepares text for matching (full-width forms, markup,
	// trailing punctuation); nil: surrounding space is trimmed.
	Normalize func(string) string
	// Resolve, when set, is how Routes and Handle find m's command and
	// the rest of its text: the application's lookup, which may keep
	// Match's answer for the message (the router asks Routes and Handle
	// in turn, the dialog asks too). It must answer as Match(ctx, m,
	// Text(m)) would.
	Resolve  func(ctx context.Context, m *Message) (*Command, string)
	words    []commandWord // longest first
	patterns []*Command
	byName   map[string]*Command
}

// Add declares commands. A name declared twice is a programming error
// and panics at start-up; so is a word declared twice unless a command
// limited by Visible declares it: a word may belong to a command for some
// users (the task force's 下架) and to one for everyone (the owners'
// 下架). The visibilities must not overlap; a limited command is tried
// before an unlimited one of the same word, so its users reach it.
func (cs *Commands) Add(cmds ...Command) {
	if cs.byName == nil {
		cs.byName = map[string]*Command{}
	}
	for i := range cmds {
		c := cmds[i]
		if c.Name == "" {
			panic("bot: command without a name")
		}
		if _, dup := cs.byName[c.Name]; dup {
			panic(fmt.Sprintf("bot: command %q declared twice", c.Name))
		}
		cs.byName[c.Name] = &c
		for _, w := range c.Words {
			cs.addWord(w, false, &c)
		}
		for _, w := range c.Exact {
			cs.addWord(w, true, &c)
		}
		if c.Pattern != nil {
			cs.patterns = append(cs.patterns, &c)
		}
	}
	// Longest first, so 查需求 wins over 查 and 供应商 over 供应; of two
	// equal words the limited one first.
	sort.SliceStable(cs.words, func(i, j int) bool {
		a, b := cs.words[i], cs.words[j]
		if len(a.word) != len(b.word) {
			return len(a.word) > len(b.word)
		}
		return a.cmd.Visible != nil && b.cmd.Visible == nil
	})
}

func (cs *Commands) addWord(w string, exact bool, c *Command) {
	for _, have := range cs.words {
		if strings.EqualFold(have.word, w) && have.exact == exact && have.cmd.Visible == nil && c.Visible == nil {
			panic(fmt.Sprintf("bot: word %q belongs to both %q and %q", w, have.cmd.Name, c.Name))
		}
	}
	cs.words = append(cs.words, commandWord{word: w, exact: exact, cmd: c})
}

// ByName returns the command declared as name, or nil.
func (cs *Commands) ByName(name string) *Command { return cs.byName[name] }

// Text is what the registry reads of m: its normalised text, "" for
// messages other than text and voice.
func (cs *Commands) Text(m *Message) string {
	if m.Type != TypeText && m.Type != TypeVoice {
		return ""
	}
	if cs.Normalize != nil {
		return cs.Normalize(m.Text)
	}
	return strings.TrimSpace(m.Text)
}

// Match returns the command that the normalised text t starts with and
// the rest of t, or nil. Commands that m's sender may not use are skipped.
func (cs *Commands) Match(ctx context.Context, m *Message, t string) (*Command, string) {
	if t == "" {
		return nil, ""
	}
	for _, c := range cs.patterns {
		if c.Pattern.MatchString(t) && visible(ctx, c, m) {
			return c, t
		}
	}
	for _, w := range cs.words {
		if w.exact {
			if strings.EqualFold(t, w.word) && visible(ctx, w.cmd, m) {
				return w.cmd, ""
			}
			continue
		}
		if len(t) >= len(w.word) && strings.EqualFold(t[:len(w.word)], w.word) && visible(ctx, w.cmd, m) {
			return w.cmd, strings.TrimSpace(strings.TrimLeft(t[len(w.word):], ":："))
		}
	}
	return nil, ""
}

func visible(ctx context.Context, c *Command, m *Message) bool {
	return c.Visible == nil || c.Visible(ctx, m)
}

// of is m's command and the rest of its text (Resolve, or Match).
func (cs *Commands) of(ctx context.Context, m *Message) (*Command, string) {
	if cs.Resolve != nil {
		return cs.Resolve(ctx, m)
	}
	return cs.Match(ctx, m, cs.Text(m))
}

// Routes is a route matcher: m is a command with a handler.
func (cs *Commands) Routes(ctx context.Context, m *Message) bool {
	c, _ := cs.of(ctx, m)
	return c != nil && c.Handle != nil
}

// Handle runs the command of m.
func (cs *Commands) Handle(ctx context.Context, m *Message) (Reply, error) {
	c, rest := cs.of(ctx, m)
	if c == nil || c.Handle == nil {
		return Reply{}, fmt.Errorf("bot: no command in %q", m.Text)
	}
	return c.Handle(ctx, m, rest)
}

// Commands adds a route for every command of cs with a handler.
func (r *Router) Commands(cs *Commands) { r.When("commands", cs.Routes, cs.Handle) }
