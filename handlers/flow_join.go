package handlers

import (
	"context"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/store"
)

// joinFlow adds the user to an enterprise by its invite code: contact,
// mobile, consent. It reads and saves answers as registration does.
type joinFlow struct{}

func (joinFlow) question(a *App, c *conv) string { return c.st.Reg.question(c.sess.Step) }
func (joinFlow) help(a *App, c *conv) string     { return c.st.Reg.stepHelp(c.sess.Step) }
func (joinFlow) valid(st *state) bool            { return st.Reg != nil }
func (joinFlow) confirmation() bool              { return false }
func (joinFlow) keepsDraft() bool                { return true }
func (joinFlow) title(*state) string             { return "加入企业" }

// owns the 同意 its consent question asks for.
func (joinFlow) owns(c *conv, in input) bool { return consentWord(in.t) }

func (joinFlow) intercept(ctx context.Context, a *App, c *conv, in input) (bot.Reply, bool, error) {
	return a.keepPostTyped(ctx, c, in)
}

func (joinFlow) edit(ctx context.Context, a *App, c *conv, rest string) (bot.Reply, error) {
	return a.editReg(ctx, c, rest)
}

func (joinFlow) answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error) {
	return a.regAnswer(ctx, c, in.t)
}

// join starts joining an enterprise with its invite code: 加入 ABC123.
func (a *App) join(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	f := fields(rest)
	if len(f) == 0 {
		return bot.Text("请在“加入”后写同事给您的6位邀请码，例如：加入 ABC123"), nil
	}
	if e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID); err == nil {
		return bot.Text("您已是“" + e.Name + "”的联系人。如需换企业，请先回复“注销”。"), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	code := strings.ToUpper(f[0])
	e, err := a.d.Enterprises.ByInviteCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return bot.Text("邀请码“" + preview(code, 10) + "”不对，请向同事核对后再发，例如：加入 ABC123\n没有邀请码可回复“注册”登记新企业。"), nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	var pending *postForm
	if c.sess.Flow == flowPost || c.sess.Flow == flowReg {
		pending = c.st.Post
	}
	r := &regForm{JoinID: e.ID, JoinName: e.Name}
	problem := r.extract(a, strings.Join(f[1:], " "), "")
	c.start(flowJoin, r.next())
	c.st = state{Reg: r, Post: pending}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	if problem != "" {
		return a.say(c, problem)
	}
	return a.say(c, "正在加入“"+e.Name+"”。")
}
