package handlers

import (
	"context"
	"strings"

	"supplybot/bot"
)

// Confirmation is a command that asks before it acts (关闭, 注销, and the
// task force's 下架, 通过, 群发 …): one or a few questions, each with the
// answers that lead on to another question or to the action. It holds only
// while the user answers it: a command or a post instead ends it, and the
// reply says what was kept. One confirmed command is one Confirmation and
// one bot.Command, added with App.AddConfirmed.
type Confirmation struct {
	// Flow names the confirmation in the user's session; unique.
	Flow string
	// Start checks the command's arguments: it returns what the
	// confirmation acts on (a record number) and what to say before the
	// first question, or a problem that ends it there.
	Start func(ctx context.Context, m *bot.Message, rest string) (target, intro, problem string, err error)
	// Steps are the questions; the first is asked first.
	Steps []ConfirmStep
	// Help explains the confirmation (帮助 while it asks).
	Help func(st Confirming) string
	// Kept says what stayed as it was when it is called off.
	Kept func(st Confirming) string

	command string // the command that starts it (set by AddConfirmed)
}

// ConfirmStep is one question of a confirmation.
type ConfirmStep struct {
	Name     string
	Question func(st Confirming) string
	Answers  []ConfirmAnswer
	// Else is said before the question again when no answer fits.
	Else string
}

// ConfirmAnswer is what an answer that Match accepts does: remember Set,
// then go on to step Next (saying Note), or act (Do), or call the
// confirmation off (Off, saying Note and what was kept).
type ConfirmAnswer struct {
	Match func(t string) bool
	Set   map[string]string
	Next  string
	Note  string
	Do    func(ctx context.Context, st Confirming) (bot.Reply, error)
	Off   bool
}

// Confirming is a confirmation in progress.
type Confirming struct {
	OpenID string
	Target string
	Step   string
	Vals   map[string]string
}

// Words returns a Match for answers equal to one of words.
func Words(words ...string) func(string) bool {
	return func(t string) bool { return inWords(t, words) }
}

// Yes and No match the usual ways of saying yes (确认, 好, 是 …) and no.
var (
	Yes = isYes
	No  = isNo
)

// AddConfirmed adds a command that asks before it acts: cmd's words and
// pass-by rule, with c as what it does. cmd.Handle is set here.
func (a *App) AddConfirmed(cmd bot.Command, c *Confirmation) {
	c.command = cmd.Name
	cmd.Handle = a.startConfirmed(c)
	if cmd.PassBy == nil {
		cmd.PassBy = bot.Always
	}
	a.flows[c.Flow] = confirmFlow{c}
	a.cmds.Add(cmd)
}

// startConfirmed runs c's start and asks its first question.
func (a *App) startConfirmed(c *Confirmation) bot.CommandHandler {
	return func(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
		target, intro, problem, err := c.Start(ctx, m, rest)
		if err != nil || problem != "" {
			return bot.Text(problem), err
		}
		cv, err := a.load(ctx, m.OpenID)
		if err != nil {
			return bot.Reply{}, err
		}
		cv.start(c.Flow, c.Steps[0].Name)
		cv.st = state{Target: target}
		if err := a.save(ctx, cv); err != nil {
			return bot.Reply{}, err
		}
		return a.say(cv, intro)
	}
}

// confirmFlow is the flow of every confirmation.
type confirmFlow struct{ c *Confirmation }

func (f confirmFlow) confirming(cv *conv) Confirming {
	return Confirming{OpenID: cv.openid, Target: cv.st.Target, Step: cv.sess.Step, Vals: cv.st.Vals}
}

func (f confirmFlow) step(cv *conv) *ConfirmStep {
	for i := range f.c.Steps {
		if f.c.Steps[i].Name == cv.sess.Step {
			return &f.c.Steps[i]
		}
	}
	return nil
}

func (f confirmFlow) question(a *App, cv *conv) string {
	if s := f.step(cv); s != nil {
		return s.Question(f.confirming(cv))
	}
	return nextHint
}

func (f confirmFlow) help(a *App, cv *conv) string { return f.c.Help(f.confirming(cv)) }
func (f confirmFlow) valid(*state) bool            { return true }
func (f confirmFlow) confirmation() bool           { return true }
func (f confirmFlow) keepsDraft() bool             { return false }

// kept says what a confirmation called off left as it was.
func (f confirmFlow) kept(cv *conv) string { return f.c.Kept(f.confirming(cv)) }

// again reports whether in asks the same confirmation again (注销 at the
// question of 注销): it is asked again, nothing was called off.
func (f confirmFlow) again(cv *conv, in input) bool {
	return in.name == f.c.command && strings.EqualFold(strings.TrimSpace(in.rest), cv.st.Target)
}

func (f confirmFlow) answer(ctx context.Context, a *App, cv *conv, in input) (bot.Reply, error) {
	s := f.step(cv)
	if s == nil {
		return a.say(cv, "")
	}
	for _, ans := range s.Answers {
		if !ans.Match(in.t) {
			continue
		}
		for k, v := range ans.Set {
			if cv.st.Vals == nil {
				cv.st.Vals = map[string]string{}
			}
			cv.st.Vals[k] = v
		}
		switch {
		case ans.Do != nil:
			r, err := ans.Do(ctx, f.confirming(cv))
			if err != nil {
				return bot.Reply{}, err
			}
			if err := a.finish(ctx, cv); err != nil {
				return bot.Reply{}, err
			}
			return r, nil
		case ans.Off:
			note := f.kept(cv)
			if err := a.finish(ctx, cv); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text(ans.Note + note + "\n" + nextHint), nil
		}
		cv.goTo(ans.Next)
		if err := a.save(ctx, cv); err != nil {
			return bot.Reply{}, err
		}
		return a.say(cv, ans.Note)
	}
	return a.say(cv, s.Else)
}
