package handlers

import (
	"context"
	"unicode/utf8"

	"supplybot/bot"
	"supplybot/store"
)

func isChat(m *bot.Message) bool { return m.Type == bot.TypeText || m.Type == bot.TypeVoice }

// tooLong matches messages longer than the conversation reads.
func tooLong(m *bot.Message) bool {
	return isChat(m) && utf8.RuneCountInString(m.Text) > maxInputRunes
}

func (a *App) tooLong(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Text("消息太长了，请精简到500字以内再发。发布信息只写关键内容即可，例如：\n求购 变速箱电磁阀 5000件 重庆璧山 12月底前"), nil
}

// passesBy reports whether a command leaves a running flow alone and goes
// to its own route: searches, records and other features' commands. The
// form stays as it is (and as a draft) to come back to.
func passesBy(c *conv, name string, t string) bool {
	switch name {
	case cmdSearchDemand, cmdSearchOffer, cmdNext, cmdMine, cmdDetail, cmdClose, cmdRenew, cmdQuit, cmdJoin, cmdNewDemand, cmdNewOffer:
		return true
	case cmdRegister:
		return c.sess.Flow != flowReg
	case cmdForeign:
		if t == "同意" || t == "拒绝" {
			// answers of a contact request, unless a form asks for consent
			return c.sess.Flow == flowPost || c.sess.Flow == flowResume
		}
		return true
	case cmdEdit:
		// 修改 D1024 … edits a saved record
		f := fields(t)
		return len(f) > 1 && recNoRe.MatchString(f[1])
	}
	return false
}

// inDialog matches messages of a user in a flow, and the first message of a
// user whose form timed out (to offer it again).
func (a *App) inDialog(m *bot.Message) bool {
	if !isChat(m) && m.Type != bot.TypeImage {
		return false
	}
	t := clean(m.Text)
	name, _ := matchCommand(t)
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return false
	}
	if c.sess.Active() {
		return m.Type == bot.TypeImage || !passesBy(c, name, t)
	}
	if m.Type == bot.TypeImage || name != "" {
		return false
	}
	d, err := a.loadDraft(ctx, m.OpenID)
	return err == nil && d != nil && !d.Offered
}

func (a *App) dialog(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if !c.sess.Active() {
		return a.offerResume(ctx, c, m)
	}
	if m.Type == bot.TypeImage {
		return a.formImage(ctx, c, m)
	}
	t := clean(m.Text)
	if t == "" {
		return a.say(c, "没听清，请再说一遍或直接打字。")
	}
	name, rest := matchCommand(t)
	switch name {
	case cmdCancel:
		if err := a.finish(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return bot.Text("已取消，没有保存任何内容。\n" + nextHint), nil
	case cmdHelp:
		return a.say(c, a.stepHelp(c))
	case cmdBack:
		if c.sess.Flow == flowResume || !c.back() {
			return a.say(c, "已经是第一步了。")
		}
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "好的，回到上一步。")
	case cmdEdit:
		switch c.sess.Flow {
		case flowPost:
			return a.editForm(ctx, c, rest)
		case flowReg, flowJoin:
			return a.editReg(ctx, c, rest)
		}
	}
	switch c.sess.Flow {
	case flowPost:
		return a.postAnswer(ctx, c, m, t)
	case flowReg, flowJoin:
		return a.regAnswer(ctx, c, t)
	case flowClose:
		return a.closeAnswer(ctx, c, t)
	case flowQuit:
		return a.quitAnswer(ctx, c, t)
	case flowResume:
		return a.resumeAnswer(ctx, c, m, name)
	}
	// A flow this version does not know (an older deployment's): drop it.
	if err := a.finish(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.fresh(ctx, m)
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
	switch c.sess.Flow {
	case flowPost:
		f := c.st.Post
		if c.sess.Step == stepConfirm {
			return a.summary(f)
		}
		return f.question(c.sess.Step)
	case flowReg, flowJoin:
		return c.st.Reg.question(c.sess.Step)
	case flowClose:
		return closeQuestion(c)
	case flowQuit:
		return quitQuestion
	case flowResume:
		return "回复“继续”接着填写，回复“放弃”删除草稿。"
	}
	return nextHint
}

func (a *App) stepHelp(c *conv) string {
	switch c.sess.Flow {
	case flowPost:
		return c.st.Post.stepHelp(c.sess.Step)
	case flowReg, flowJoin:
		return c.st.Reg.stepHelp(c.sess.Step)
	case flowClose:
		return "正在关闭" + c.st.No + "。关闭后不再展示和匹配。回复“取消”则不关闭。"
	case flowQuit:
		return "注销会删除您的姓名和手机号，并下架您发布的信息。回复“取消”则保留。"
	case flowResume:
		return "您上次有没填完的内容，已为您保存了草稿。"
	}
	return helpText
}

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
	return bot.Text("继续上次的" + draftTitle(d.Session) + "？回复“继续”接着填写，回复“放弃”删除草稿。"), nil
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
	if err := a.d.Sessions.Clear(ctx, m.OpenID); err != nil {
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
		_ = a.d.Sessions.Clear(ctx, openid)
		return bot.Text("没有需要继续的内容。\n" + nextHint), nil
	}
	sess := d.Session
	c := &conv{openid: openid, sess: &sess}
	if err := decodeState(c); err != nil {
		_ = a.dropDraft(ctx, openid)
		return bot.Text("上次的草稿读不出来了，请重新开始。\n" + nextHint), nil
	}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "好的，继续上次的"+draftTitle(sess)+"。")
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
		_ = a.d.Sessions.Clear(ctx, openid)
	}
	if d == nil {
		return bot.Text("没有草稿需要放弃。\n" + nextHint), nil
	}
	return bot.Text("已放弃上次的" + draftTitle(d.Session) + "草稿。\n" + nextHint), nil
}

// fresh handles a message as if no flow were running.
func (a *App) fresh(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	if a.isCommand(m) {
		return a.command(ctx, m)
	}
	return a.unknown(ctx, m)
}

// formImage attaches a photo to an offer being written.
func (a *App) formImage(ctx context.Context, c *conv, m *bot.Message) (bot.Reply, error) {
	if c.sess.Flow != flowPost {
		return a.say(c, "收到图片，但现在用不上。")
	}
	f := c.st.Post
	if f.Kind != store.KindOffer {
		return a.say(c, "求购信息暂不附图片，图片可在发布供应时附上。")
	}
	if m.MediaID == "" {
		return a.say(c, "图片没有收到，请重发一次。")
	}
	if len(f.MediaIDs) >= maxMedia {
		return a.say(c, "最多附9张图片，这张没有加上。")
	}
	f.MediaIDs = append(f.MediaIDs, m.MediaID)
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "已附上图片（共"+itoa(len(f.MediaIDs))+"张），发布时一起保存。")
}
