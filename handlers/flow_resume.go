package handlers

import (
	"context"

	"supplybot/bot"
)

// offerResume asks a user whose form timed out whether to go on with it.
func (a *App) offerResume(ctx context.Context, c *conv, m *bot.Message) (bot.Reply, error) {
	d, err := a.loadDraft(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if d == nil || d.Offered {
		return a.fresh(ctx, m)
	}
	c.start(flowResume, "ask")
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return bot.Text("继续上次的" + a.draftTitle(d.Session) + "？回复“继续”接着填写，回复“放弃”删除草稿。"), nil
}

// resumeFlow asks whether to go on with a form that timed out: 继续 or 放弃.
type resumeFlow struct{}

func (resumeFlow) question(*App, *conv) string {
	return "回复“继续”接着填写，回复“放弃”删除草稿。"
}
func (resumeFlow) help(*App, *conv) string {
	return "您上次有没填完的内容，已为您保存了草稿。"
}
func (resumeFlow) valid(*state) bool  { return true }
func (resumeFlow) confirmation() bool { return false }
func (resumeFlow) keepsDraft() bool   { return false }

func (resumeFlow) answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error) {
	return a.resumeAnswer(ctx, c, in.m, in.name)
}

func (a *App) resumeAnswer(ctx context.Context, c *conv, m *bot.Message, name string) (bot.Reply, error) {
	switch name {
	case cmdResume:
		return a.resume(ctx, m.OpenID)
	case cmdDiscard:
		return a.discard(ctx, m.OpenID)
	}
	// Something else: the user moved on. The draft stays for 继续 later.
	if d, err := a.loadDraft(ctx, m.OpenID); err == nil && d != nil {
		a.markOffered(ctx, m.OpenID, d)
	}
	if err := a.clearSession(ctx, m.OpenID); err != nil {
		return bot.Reply{}, err
	}
	return a.fresh(ctx, m)
}

// resume restores the user's draft.
func (a *App) resume(ctx context.Context, openid string) (bot.Reply, error) {
	d, err := a.loadDraft(ctx, openid)
	if err != nil {
		return bot.Reply{}, err
	}
	if d == nil {
		_ = a.clearSession(ctx, openid)
		return bot.Text("没有需要继续的内容。\n" + nextHint), nil
	}
	sess := d.Session
	c := &conv{openid: openid, sess: &sess}
	if err := a.decodeState(c); err != nil {
		_ = a.dropDraft(ctx, openid)
		return bot.Text("上次的草稿读不出来了，请重新开始。\n" + nextHint), nil
	}
	if c.sess.Step == stepSwitch && !c.back() {
		c.sess.Step = c.st.Post.next()
	}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "好的，继续上次的"+a.draftTitle(sess)+"。")
}

func (a *App) discard(ctx context.Context, openid string) (bot.Reply, error) {
	d, err := a.loadDraft(ctx, openid)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := a.dropDraft(ctx, openid); err != nil {
		return bot.Reply{}, err
	}
	if c, err := a.load(ctx, openid); err == nil && c.sess.Flow == flowResume {
		_ = a.clearSession(ctx, openid)
	}
	if d == nil {
		return bot.Text("没有草稿需要放弃。\n" + nextHint), nil
	}
	msg := "已放弃上次的" + a.draftTitle(d.Session) + "草稿。"
	if n := a.restoreAside(ctx, openid); n != "" {
		return bot.Text(msg + "\n" + n), nil
	}
	return bot.Text(msg + "\n" + nextHint), nil
}
