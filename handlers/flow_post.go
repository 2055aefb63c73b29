package handlers

import (
	"context"

	"supplybot/bot"
	"supplybot/handlers/record"
	"supplybot/store"
)

// postFlow is the form of a demand or offer: it asks for what the post
// lacks, shows a summary and publishes on 确认 (post.go).
type postFlow struct{}

func (postFlow) question(a *App, c *conv) string {
	f := c.st.Post
	switch c.sess.Step {
	case stepConfirm:
		return a.summary(f)
	case stepSwitch:
		return switchQuestion(c)
	}
	return f.question(c.sess.Step)
}

func (postFlow) help(a *App, c *conv) string {
	if c.sess.Step == stepSwitch {
		return "开始新的一条前，请先决定正在填写的这条：放弃，还是接着填。"
	}
	return c.st.Post.stepHelp(c.sess.Step)
}

func (postFlow) valid(st *state) bool { return st.Post != nil }
func (postFlow) confirmation() bool   { return false }
func (postFlow) keepsDraft() bool     { return true }

func (postFlow) title(st *state) string {
	if st.Post != nil {
		return record.KindName(st.Post.Kind)
	}
	return "注册"
}

// intercept: the question whether to give the form up for a new one must
// be answered first; a new post typed in the middle of the form starts it,
// and a bare 求购 asks first. "需要5000件" names no product: it answers
// the form.
func (postFlow) intercept(ctx context.Context, a *App, c *conv, in input) (bot.Reply, bool, error) {
	if c.sess.Step == stepSwitch {
		r, err := a.switchAnswer(ctx, c, in.m, in.t, in.name, in.rest)
		return r, true, err
	}
	if in.name == cmdPostDemand || in.name == cmdPostOffer {
		kind := store.KindDemand
		if in.name == cmdPostOffer {
			kind = store.KindOffer
		}
		if in.rest == "" || a.parse(ctx, in.t).Product != "" {
			r, err := a.newPost(ctx, in.m, kind, postText(in.t, in.rest))
			return r, true, err
		}
	}
	return bot.Reply{}, false, nil
}

func (postFlow) edit(ctx context.Context, a *App, c *conv, rest string) (bot.Reply, error) {
	return a.editForm(ctx, c, rest)
}

func (postFlow) image(ctx context.Context, a *App, c *conv, m *bot.Message) (bot.Reply, error) {
	return a.formImage(ctx, c, m)
}

// cancelled: a form set aside for the cancelled one comes back.
func (postFlow) cancelled(ctx context.Context, a *App, c *conv) string {
	return a.restoreAside(ctx, c.openid)
}

func (postFlow) answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error) {
	r, err := a.postAnswer(ctx, c, in.m, in.t)
	if err == nil && !c.sess.Active() {
		// published: a form set aside for it comes back
		if n := a.restoreAside(ctx, in.m.OpenID); n != "" {
			r.Text += "\n" + n
		}
	}
	return r, err
}

// formImage attaches a photo to an offer being written.
func (a *App) formImage(ctx context.Context, c *conv, m *bot.Message) (bot.Reply, error) {
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
		return record.KindName(f.Kind) + "（" + b + "）"
	}
	return record.KindName(f.Kind)
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
	if kind != f.Kind || cutRunes(a.parse(ctx, text).Product, maxProduct) != f.Product {
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
		q += "要放弃它，重新填写一条" + record.KindName(f.Kind) + "吗？"
	} else {
		q += "要放弃它，改发" + record.KindName(c.st.Switch) + "吗？"
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
		if text != "" && a.parse(ctx, text).Product != "" {
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
