package handlers

import (
	"context"
	"strings"
	"unicode/utf8"

	"supplybot/bot"
)

func isChat(m *bot.Message) bool { return m.Type == bot.TypeText || m.Type == bot.TypeVoice }

// tooLong matches messages longer than the conversation reads.
func tooLong(m *bot.Message) bool {
	return isChat(m) && utf8.RuneCountInString(m.Text) > maxInputRunes
}

func (a *App) tooLong(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Text("消息太长了，请精简到500字以内再发。发布信息只写关键内容即可，例如：\n求购 变速箱电磁阀 5000件 重庆璧山 12月底前"), nil
}

// input reads m for a flow.
func (a *App) input(ctx context.Context, m *bot.Message) input {
	in := input{m: m, t: a.text(ctx, m)}
	in.cmd, in.rest = a.command(ctx, m)
	if in.cmd != nil {
		in.name = in.cmd.Name
	}
	return in
}

// claims reports whether the running flow of c takes message m. A
// confirmation takes only its answers (and 取消, 帮助, 上一步); a form
// takes everything but the commands that pass it by, which run on their
// own and leave the form as it is (and as a draft) to come back to.
func (a *App) claims(ctx context.Context, c *conv, m *bot.Message) bool {
	if m.Type == bot.TypeImage {
		return true
	}
	if !isChat(m) {
		return false
	}
	in := a.input(ctx, m)
	f := a.flowOf(c.sess.Flow)
	if f != nil && f.confirmation() {
		if in.cmd == nil {
			return a.looksLikePost(ctx, in.t) == ""
		}
		return in.name == cmdCancel || in.name == cmdHelp || in.name == cmdBack
	}
	if in.cmd == nil {
		return true
	}
	if o, ok := f.(owner); ok && o.owns(c, in) {
		return true
	}
	return in.cmd.PassBy == nil || !in.cmd.PassBy(in.rest)
}

// inDialog matches messages of a user in a flow, and the first message of a
// user whose form timed out (to offer it again).
func (a *App) inDialog(ctx context.Context, m *bot.Message) bool {
	if !isChat(m) && m.Type != bot.TypeImage {
		return false
	}
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return false
	}
	if c.sess.Active() {
		return a.claims(ctx, c, m)
	}
	if m.Type == bot.TypeImage {
		return false
	}
	if cmd, _ := a.command(ctx, m); cmd != nil {
		return false
	}
	d, err := a.loadDraft(ctx, m.OpenID)
	return err == nil && d != nil && !d.Offered
}

// leaveConfirmation ends a pending confirmation (关闭, 注销) when the user
// does something else instead of answering it: a command, a menu click, a
// post. The reply of what the user did then says the confirmation is off.
func (a *App) leaveConfirmation(next bot.Handler) bot.Handler {
	return func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		note := a.dropConfirmation(ctx, m)
		r, err := next(ctx, m)
		if note != "" && err == nil {
			r.Text = strings.TrimSpace(note + "\n" + r.Text)
		}
		return r, err
	}
}

// dropConfirmation ends the user's confirmation unless m answers it, and
// says what was kept; "" when there was none to end.
func (a *App) dropConfirmation(ctx context.Context, m *bot.Message) string {
	if m.OpenID == "" || m.Type == bot.TypeEvent && !userEvent(m) {
		return ""
	}
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return ""
	}
	f, ok := a.flowOf(c.sess.Flow).(confirmFlow)
	if !ok || a.claims(ctx, c, m) {
		return ""
	}
	note := f.kept(c)
	if isChat(m) && f.again(c, a.input(ctx, m)) {
		note = "" // asked again: the question is put again, nothing was called off
	}
	if err := a.finish(ctx, c); err != nil {
		a.d.Log.WarnContext(ctx, "end confirmation", "openid", m.OpenID, "err", err)
		return ""
	}
	return note
}

// userEvent reports whether an event is something the user did (as
// opposed to WeChat's reports on template and mass sends).
func userEvent(m *bot.Message) bool {
	for _, e := range []string{bot.EventClick, bot.EventView, bot.EventSubscribe, bot.EventScan} {
		if m.IsEvent(e) {
			return true
		}
	}
	return false
}

// dialog dispatches a message the user's flow claimed: 取消, 帮助, 上一步
// and 修改 the same way for every flow, everything else to the flow.
func (a *App) dialog(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if !c.sess.Active() {
		return a.offerResume(ctx, c, m)
	}
	f := a.flowOf(c.sess.Flow)
	if f == nil {
		// A flow this version does not know (an older deployment's): drop it.
		if err := a.finish(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.fresh(ctx, m)
	}
	if m.Type == bot.TypeImage {
		if it, ok := f.(imageTaker); ok {
			return it.image(ctx, a, c, m)
		}
		return a.say(c, "收到图片，但现在用不上。")
	}
	in := a.input(ctx, m)
	if in.t == "" {
		return a.say(c, "没听清，请再说一遍或直接打字。")
	}
	switch in.name {
	case cmdCancel:
		return a.cancel(ctx, c, f)
	case cmdHelp:
		return a.say(c, f.help(a, c))
	}
	if x, ok := f.(interceptor); ok {
		if r, done, err := x.intercept(ctx, a, c, in); done {
			return r, err
		}
	}
	switch in.name {
	case cmdBack:
		if !c.back() {
			return a.say(c, "已经是第一步了。")
		}
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "好的，回到上一步。")
	case cmdEdit:
		if e, ok := f.(editor); ok {
			return e.edit(ctx, a, c, in.rest)
		}
	}
	return f.answer(ctx, a, c, in)
}

// cancel ends the flow at 取消 and says what was (not) kept.
func (a *App) cancel(ctx context.Context, c *conv, f flow) (bot.Reply, error) {
	if cf, ok := f.(confirmFlow); ok {
		note := cf.kept(c)
		if err := a.finish(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return bot.Text("已取消，" + note + "\n" + nextHint), nil
	}
	if err := a.finish(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	msg := "已取消，没有保存任何内容。"
	if cc, ok := f.(canceller); ok {
		if n := cc.cancelled(ctx, a, c); n != "" {
			return bot.Text(msg + "\n" + n), nil
		}
	}
	return bot.Text(msg + "\n" + nextHint), nil
}

// say answers with a note followed by the current question.
func (a *App) say(c *conv, note string) (bot.Reply, error) {
	q := a.ask(c)
	if note == "" {
		return bot.Text(q), nil
	}
	return bot.Text(note + "\n" + q), nil
}

// ask is the current question of the flow.
func (a *App) ask(c *conv) string {
	if f := a.flowOf(c.sess.Flow); f != nil {
		return f.question(a, c)
	}
	return nextHint
}

// fresh handles a message as if no flow were running.
func (a *App) fresh(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	if cmd, rest := a.command(ctx, m); cmd != nil && cmd.Handle != nil {
		return cmd.Handle(ctx, m, rest)
	}
	if a.isPost(ctx, m) {
		return a.postWithoutWord(ctx, m)
	}
	return a.unknown(ctx, m)
}
