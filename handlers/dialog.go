package handlers

import (
	"context"
	"strings"
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

// confirming flows ask one question whose answer acts at once (关闭,
// 注销): they hold only while the user answers them.
func confirming(flow string) bool { return flow == flowClose || flow == flowQuit }

// passesBy reports whether a command leaves a running flow alone and goes
// to its own route: searches, records and other features' commands. The
// form stays as it is (and as a draft) to come back to. A confirmation is
// passed by by every command and by a post typed instead of its answer,
// and ends then (leaveConfirmation), so that a later 是 confirms nothing.
func (a *App) passesBy(c *conv, name string, t string) bool {
	if confirming(c.sess.Flow) {
		switch name {
		case cmdCancel, cmdHelp, cmdBack:
			return false
		case "":
			return a.looksLikePost(t) != ""
		}
		return true
	}
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

// claims reports whether the running flow of c takes message m.
func (a *App) claims(c *conv, m *bot.Message) bool {
	if m.Type == bot.TypeImage {
		return true
	}
	if !isChat(m) {
		return false
	}
	t := clean(m.Text)
	name, _ := matchCommand(t)
	return !a.passesBy(c, name, t)
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
		return a.claims(c, m)
	}
	if m.Type == bot.TypeImage || name != "" {
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
	if err != nil || !confirming(c.sess.Flow) || a.claims(c, m) {
		return ""
	}
	note := keptNote(c)
	if name, rest := matchCommand(clean(m.Text)); c.sess.Flow == flowQuit && name == cmdQuit ||
		c.sess.Flow == flowClose && name == cmdClose && strings.EqualFold(strings.TrimSpace(rest), c.st.No) {
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

// keptNote says what a cancelled confirmation left as it was.
func keptNote(c *conv) string {
	switch c.sess.Flow {
	case flowClose:
		return c.st.No + "未关闭，仍在展示。"
	case flowQuit:
		return "未注销，您的信息都已保留。"
	}
	return ""
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
	if c.sess.Flow == flowPost && c.sess.Step == stepSwitch && name != cmdCancel && name != cmdHelp {
		return a.switchAnswer(ctx, c, m, t, name, rest)
	}
	switch name {
	case cmdCancel:
		if note := keptNote(c); note != "" {
			if err := a.finish(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text("已取消，" + note + "\n" + nextHint), nil
		}
		post := c.sess.Flow == flowPost
		if err := a.finish(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		msg := "已取消，没有保存任何内容。"
		if post {
			if n := a.restoreAside(ctx, m.OpenID); n != "" {
				return bot.Text(msg + "\n" + n), nil
			}
		}
		return bot.Text(msg + "\n" + nextHint), nil
	case cmdPostDemand, cmdPostOffer:
		// A new post typed in the middle of a form starts it; a bare 求购
		// asks first. "需要5000件" names no product: it answers the form.
		kind := store.KindDemand
		if name == cmdPostOffer {
			kind = store.KindOffer
		}
		switch named := rest != "" && a.p.Parse(t, a.now()).Product != ""; {
		case c.sess.Flow == flowPost && (rest == "" || named):
			return a.newPost(ctx, m, kind, postText(t, rest))
		case (c.sess.Flow == flowReg || c.sess.Flow == flowJoin) && named && !namesCompany(t):
			return a.keepPost(ctx, c, m, kind, postText(t, rest))
		}
	case "":
		if c.sess.Flow == flowReg || c.sess.Flow == flowJoin {
			if kind := a.looksLikePost(t); kind != "" {
				return a.keepPost(ctx, c, m, kind, t)
			}
		}
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
		r, err := a.postAnswer(ctx, c, m, t)
		if err == nil && !c.sess.Active() {
			// published: a form set aside for it comes back
			if n := a.restoreAside(ctx, m.OpenID); n != "" {
				r.Text += "\n" + n
			}
		}
		return r, err
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
		switch c.sess.Step {
		case stepConfirm:
			return a.summary(f)
		case stepSwitch:
			return switchQuestion(c)
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
		if c.sess.Step == stepSwitch {
			return "开始新的一条前，请先决定正在填写的这条：放弃，还是接着填。"
		}
		return c.st.Post.stepHelp(c.sess.Step)
	case flowReg, flowJoin:
		return c.st.Reg.stepHelp(c.sess.Step)
	case flowClose:
		return "正在关闭" + c.st.No + "。关闭后不再展示和匹配。回复“取消”则不关闭。"
	case flowQuit:
		return "注销会删除您的姓名、手机号和订阅，并下架您发布的信息。回复“取消”则保留。"
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
	if c.sess.Step == stepSwitch && !c.back() {
		c.sess.Step = c.st.Post.next()
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
	msg := "已放弃上次的" + draftTitle(d.Session) + "草稿。"
	if n := a.restoreAside(ctx, openid); n != "" {
		return bot.Text(msg + "\n" + n), nil
	}
	return bot.Text(msg + "\n" + nextHint), nil
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

// stepSwitch is the question a bare 求购 / 供应 or a menu click asks in the
// middle of a form: give that form up for a new one?
const stepSwitch = "switch"

// formStarted reports whether the user has given the form anything yet.
func formStarted(f *postForm) bool {
	return f.Product != "" || f.Quantity != nil || f.Capacity != nil || f.MOQ != nil || f.Price != nil ||
		f.Region != nil || f.Deadline != nil || f.LeadTimeDays != nil || len(f.Certs) > 0 || len(f.MediaIDs) > 0
}

// formName is a form as the user knows it: 求购（变速箱电磁阀 5000件）.
func formName(f *postForm) string {
	if b := f.brief(); b != "" {
		return kindName(f.Kind) + "（" + b + "）"
	}
	return kindName(f.Kind)
}

// newPost starts a demand or offer: text is what the user typed, "" for a
// bare 求购 or a menu click. A form in the middle of being written is
// never dropped silently: a bare start asks first, and a post with content
// sets the form aside, to be offered again when the new one is done.
func (a *App) newPost(ctx context.Context, m *bot.Message, kind, text string) (bot.Reply, error) {
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if c.sess.Flow != flowPost || c.st.Post == nil || !formStarted(c.st.Post) {
		return a.startPost(ctx, m, kind, text)
	}
	f := c.st.Post
	if text == "" {
		if c.sess.Step != stepSwitch {
			c.goTo(stepSwitch)
		}
		c.st.Switch = kind
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return bot.Text(switchQuestion(c)), nil
	}
	note := ""
	// The same post typed again replaces the form rather than pile up.
	if kind != f.Kind || cutRunes(a.p.Parse(text, a.now()).Product, maxProduct) != f.Product {
		if err := a.setAside(ctx, m.OpenID, *c.sess); err != nil {
			return bot.Reply{}, err
		}
		note = "您没填完的" + formName(f) + "先放一边，这条发布或取消后回复“继续”接着填。"
	}
	r, err := a.startPost(ctx, m, kind, text)
	if err == nil && note != "" {
		r.Text = note + "\n" + r.Text
	}
	return r, err
}

func switchQuestion(c *conv) string {
	f := c.st.Post
	q := "您正在填写的" + formName(f) + "还没发布。"
	if c.st.Switch == f.Kind {
		q += "要放弃它，重新填写一条" + kindName(f.Kind) + "吗？"
	} else {
		q += "要放弃它，改发" + kindName(c.st.Switch) + "吗？"
	}
	return q + "回复“是”放弃并重新开始，回复“否”接着填写。"
}

// switchAnswer takes the answer to switchQuestion.
func (a *App) switchAnswer(ctx context.Context, c *conv, m *bot.Message, t, name, rest string) (bot.Reply, error) {
	switch {
	case isYes(t):
		kind, old := c.st.Switch, formName(c.st.Post)
		if kind == "" {
			kind = c.st.Post.Kind
		}
		if err := a.finish(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		r, err := a.startPost(ctx, m, kind, "")
		if err == nil {
			r.Text = "好的，已放弃之前的" + old + "。\n" + r.Text
		}
		return r, err
	case isNo(t) || name == cmdResume || name == cmdBack:
		if !c.back() {
			c.sess.Step = c.st.Post.next()
		}
		c.st.Switch = ""
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "好的，接着填写。")
	case name == cmdPostDemand || name == cmdPostOffer || name == cmdNewDemand || name == cmdNewOffer:
		kind := store.KindDemand
		if name == cmdPostOffer || name == cmdNewOffer {
			kind = store.KindOffer
		}
		text := rest
		if name == cmdPostDemand || name == cmdPostOffer {
			text = postText(t, rest)
		}
		if text != "" && a.p.Parse(text, a.now()).Product != "" {
			if !c.back() {
				c.sess.Step = c.st.Post.next()
			}
			c.st.Switch = ""
			if err := a.save(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return a.newPost(ctx, m, kind, text)
		}
	}
	return a.say(c, "请回复“是”或“否”。")
}
