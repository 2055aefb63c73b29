package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/handlers/record"
	"supplybot/store"
)

// rawOf is the message as typed, capped, with the mobiles and WeChat ids
// in it removed: contacts live on the enterprise and are exchanged only on
// consent, so a post keeps none (privateNote tells the user).
func rawOf(m *bot.Message) string { return cutRunes(withoutContacts(m.Text), maxRaw) }

// startPost begins a demand or offer from a message ("求购 轮毂 2000套 重庆",
// or just "求购" / a menu click with text ""). An unregistered user is taken
// through registration first, with the post kept.
func (a *App) startPost(ctx context.Context, m *bot.Message, kind, text string) (bot.Reply, error) {
	c, err := a.load(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	f, notes := a.formOf(ctx, m, kind, text)
	_, err = a.d.Enterprises.ByOpenID(ctx, m.OpenID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		c.start(flowReg, "")
		c.st = state{Reg: &regForm{}, Post: f}
		c.goTo(c.st.Reg.next())
		c.sess.History = nil
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		note := "发布前请先登记企业（只需一次，约1分钟）。"
		if text != "" {
			note += "您的" + record.KindName(kind) + "已保留，登记完成后接着发布。"
		}
		return a.say(c, strings.Join(append(notes, note), "\n"))
	case err != nil:
		return bot.Reply{}, err
	}
	c.start(flowPost, f.next())
	c.st = state{Post: f}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	note := ""
	if c.sess.Step != stepConfirm {
		if got := f.brief(); got != "" {
			note = "已记下：" + got + "。"
		} else {
			note = "好的，发布" + record.KindName(kind) + "。"
		}
	}
	if len(notes) > 0 {
		note = strings.TrimSpace(strings.Join(notes, "\n") + "\n" + note)
	}
	return a.say(c, note)
}

// formOf is the form of a post as typed in m ("" for a bare 求购), with
// notes on what was set right.
func (a *App) formOf(ctx context.Context, m *bot.Message, kind, text string) (*postForm, []string) {
	f := &postForm{Kind: kind}
	if text == "" {
		return f, nil
	}
	if t, anon := withoutAnonymous(text); anon {
		text, f.Anonymous = t, true
	}
	private := withoutContacts(text) != text
	p := a.parse(ctx, withoutContacts(text))
	f.merge(p)
	notes := f.sanitize(a.now())
	if private {
		notes = append(notes, privateNote)
	}
	f.normalize()
	fields, replaces := rawFields(p, kind)
	f.addRaw(rawOf(m), append(fields, rawKind), replaces)
	return f, notes
}

// keepPost takes a post typed in the middle of registration as the one to
// publish when it is done, instead of reading it as an answer (the name
// “供应” and the place 成都 of "供应 PCB 成都"). A post kept before is set
// aside and offered again after. The registration question is asked again.
func (a *App) keepPost(ctx context.Context, c *conv, m *bot.Message, kind, text string) (bot.Reply, error) {
	f, notes := a.formOf(ctx, m, kind, text)
	// The same post typed again replaces the kept one rather than pile up.
	if old := c.st.Post; old != nil && formStarted(old) && (old.Kind != f.Kind || old.Product != f.Product) {
		s := bot.Session{Flow: flowPost, Step: old.next()}
		b, err := json.Marshal(state{Post: old})
		if err != nil {
			return bot.Reply{}, err
		}
		s.Data = map[string]string{"state": string(b)}
		if err := a.setAside(ctx, c.openid, s); err != nil {
			return bot.Reply{}, err
		}
		notes = append(notes, "之前的"+formName(old)+"先放一边，之后回复“继续”接着填。")
	}
	c.st.Post = f
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	notes = append(notes, "您的"+record.KindName(kind)+"已保留，登记完成后接着发布。")
	return a.say(c, strings.Join(notes, "\n"))
}

// normalize drops values that make no sense for the kind.
func (f *postForm) normalize() {
	if f.Quantity != nil && f.Quantity.Unit == "" {
		f.Quantity.Unit = "件"
	}
}

// brief is what the form has so far, on one line.
func (f *postForm) brief() string {
	var parts []string
	if f.Product != "" {
		parts = append(parts, scrub(f.Product))
	}
	if f.Quantity != nil {
		parts = append(parts, record.Quantity(f.Quantity))
	}
	if f.Capacity != nil {
		parts = append(parts, "月产能"+record.Quantity(f.Capacity))
	}
	if f.Region != nil {
		parts = append(parts, record.Region(*f.Region))
	}
	return strings.Join(parts, " ")
}

// postAnswer takes the answer to the current question of the form.
func (a *App) postAnswer(ctx context.Context, c *conv, m *bot.Message, t string) (bot.Reply, error) {
	f := c.st.Post
	now := a.now()
	step := c.sess.Step
	// The answer gives the step's field and whatever else it says.
	var fields, replaces []string
	switch step {
	case stepConfirm:
		if isYes(t) {
			return a.publish(ctx, c)
		}
		if isNo(t) {
			return a.say(c, "好的，先不发布。")
		}
		// More details typed at the summary ("单价30元 需IATF16949").
		p := a.parse(ctx, t)
		if p.Quantity == nil && p.Capacity == nil && p.MOQ == nil && p.Price == nil && p.Region == nil &&
			p.Deadline == nil && len(p.Certifications) == 0 && p.LeadTimeDays == 0 && !p.InStock {
			return a.say(c, "没看懂。要发布请回复“确认”，要改请发“修改 字段 新内容”。")
		}
		p.Product, p.Spec, p.Category = "", "", nil
		f.merge(p)
		fields, replaces = rawFields(p, f.Kind)
		f.addRaw(rawOf(m), fields, replaces)
		notes := f.sanitize(now)
		c.goTo(f.next())
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		if len(notes) > 0 {
			return a.say(c, strings.Join(notes, "\n"))
		}
		return a.say(c, "已补充。")
	case stepProduct:
		p := a.parse(ctx, t)
		if p.Product == "" {
			v := safeField(t, maxProduct)
			if !meaningful(v) {
				return a.say(c, "没看懂产品名称。")
			}
			p.Product = v
			if cat, ok := a.p.ParseCategory(v); ok {
				p.Category = cat
			}
		}
		f.merge(p)
		fields, replaces = rawFields(p, f.Kind)
	case stepQuantity:
		q, ok := quantityOf(t, "件")
		if !ok {
			return a.say(c, "没看懂数量，请写数字和单位。")
		}
		if q.Value > maxAmount {
			return a.say(c, tooMuch)
		}
		p := a.parse(ctx, t)
		p.Product, p.Spec, p.Category = "", "", nil
		f.merge(p)
		f.Quantity = q
		fields, replaces = rawFields(p, f.Kind)
		fields, replaces = append(fields, "quantity"), append(replaces, "quantity")
	case stepRegion:
		r, ok := a.p.ParseRegion(t)
		if !ok {
			return a.say(c, "没认出这个地区。")
		}
		p := a.parse(ctx, t)
		p.Product, p.Spec, p.Category = "", "", nil
		f.merge(p)
		f.Region = &store.Region{Province: r.Province, City: r.City, District: r.District}
		fields, replaces = rawFields(p, f.Kind)
		fields, replaces = append(fields, "region"), append(replaces, "region")
	case stepDeadline:
		if _, problem := f.set(a.p, "deadline", t, now); problem != "" {
			return a.say(c, problem)
		}
		f.AskDeadline = false
		fields, replaces = []string{rawWhen}, []string{rawWhen}
	}
	notes := f.sanitize(now)
	f.normalize()
	f.addRaw(rawOf(m), fields, replaces)
	c.goTo(f.next())
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	if len(notes) > 0 {
		return a.say(c, strings.Join(notes, "\n"))
	}
	if c.sess.Step == stepConfirm {
		return a.say(c, "")
	}
	return a.say(c, "好的。")
}

// editForm changes one field of the form being written: 修改 数量 4000.
func (a *App) editForm(ctx context.Context, c *conv, rest string) (bot.Reply, error) {
	f := c.st.Post
	field, v, ok := splitEdit(rest, fieldNames)
	if !ok {
		return a.say(c, "请写要改的项目和新内容，例如：修改 "+editExample(f.Kind)+" / 修改 地区 重庆璧山 / 修改 价格 30-35元。\n可改：产品、品类、规格、数量、产能、起订量、价格、地区、交期、截止日期、认证。")
	}
	shown, problem := f.set(a.p, field, v, a.now())
	if problem != "" {
		return a.say(c, problem)
	}
	// The edit as read: the typed text but for full-width forms, emoji and
	// trailing punctuation (the dialog hands over the cleaned words).
	f.addRaw(strings.TrimSpace("修改 "+rest), []string{rawField(field)}, []string{rawField(field)})
	if next := f.next(); c.sess.Step != stepConfirm || next != stepConfirm {
		c.goTo(next)
	}
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "已修改："+fieldLabel(field, f.Kind)+" "+scrub(shown)+"。")
}

func fieldLabel(field, kind string) string {
	switch field {
	case "product":
		return "产品"
	case "category":
		return "品类"
	case "spec":
		return "规格"
	case "quantity":
		return "数量"
	case "capacity":
		return "月产能"
	case "moq":
		return "起订量"
	case "price":
		return "价格"
	case "region":
		return "地区"
	case "lead", "deadline":
		if kind == store.KindOffer {
			return "交期"
		}
		return "截止日期"
	case "certs":
		return "认证"
	}
	return field
}

// publish saves the form as a record.
func (a *App) publish(ctx context.Context, c *conv) (bot.Reply, error) {
	f := c.st.Post
	e, err := a.d.Enterprises.ByOpenID(ctx, c.openid)
	if errors.Is(err, store.ErrNotFound) {
		c.start(flowReg, "")
		c.st = state{Reg: &regForm{}, Post: f}
		c.goTo(c.st.Reg.next())
		c.sess.History = nil
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "发布前请先登记企业，您的"+record.KindName(f.Kind)+"已保留。")
	}
	if err != nil {
		return bot.Reply{}, err
	}
	p := store.Post{OpenID: c.openid, EnterpriseID: e.ID, EnterpriseName: e.Name, Verified: e.Verified}
	f.toPost(a.p, &p)
	if p.RawText == "" {
		p.RawText = f.brief()
	}
	p.ExpiresAt = expiryOf(p, a.now())
	if stop, err := a.overDailyCap(ctx, c, e); err != nil || stop != "" {
		return bot.Text(stop), err
	}
	if f.SameAs == "" {
		same, err := a.sameOpenPost(ctx, e.ID, &p)
		if err != nil {
			return bot.Reply{}, err
		}
		if same != "" {
			f.SameAs = same
			if err := a.save(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text("与 " + same + " 相同，仍要发布吗？回复“确认”仍然发布，回复“取消”放弃（" + same + "照常展示）。"), nil
		}
	}
	if err := a.posts(f.Kind).Create(ctx, &p); err != nil {
		return bot.Reply{}, err
	}
	a.countPosted(ctx, e.ID)
	a.saved(ctx, p)
	if err := a.finish(ctx, c); err != nil {
		a.d.Log.WarnContext(ctx, "end form after publishing", "openid", c.openid, "err", err)
	}
	var b strings.Builder
	if p.Deadline != nil && p.ExpiresAt.Equal(endOfChinaDay(*p.Deadline)) {
		b.WriteString("已发布！编号 " + p.No + "，展示到截止日期" + record.Date(p.ExpiresAt, a.now()) + "。\n")
	} else {
		b.WriteString("已发布！编号 " + p.No + "，有效期30天（到" + record.Date(p.ExpiresAt, a.now()) + "）。\n")
	}
	b.WriteString("平台会自动为您匹配" + map[bool]string{true: "求购方", false: "供应商"}[f.Kind == store.KindOffer] + "，有合适的会通知您。\n")
	b.WriteString("回复“详情 " + p.No + "”查看，“修改 " + p.No + " " + editExample(f.Kind) + "”更正，“关闭 " + p.No + "”关闭。")
	return bot.Text(b.String()), nil
}

// summary shows the form before it is saved.
func (a *App) summary(f *postForm) string {
	var b strings.Builder
	b.WriteString("请核对您的" + record.KindName(f.Kind) + "：\n")
	b.WriteString(a.fieldLines(f.Kind, f.Product, f.CategoryCode, f.Spec, f.Quantity, f.Capacity, f.MOQ, f.Price, f.Region, f.Deadline, f.LeadTimeDays, f.Certs))
	if f.Anonymous {
		b.WriteString("发布方：匿名（对方同意交换联系方式后才显示企业名称）\n")
	}
	if n := len(f.MediaIDs); n > 0 {
		b.WriteString("图片：" + itoa(n) + "张\n")
	}
	b.WriteString("回复“确认”发布；要改就发“修改 " + editExample(f.Kind) + "”这样的话；回复“取消”放弃。")
	return b.String()
}

// categoryPath is the display path of a category code.
func (a *App) categoryPath(code string) string {
	if c, ok := a.p.CategoryByCode(code); ok {
		return strings.Join(c.Path, "/")
	}
	return ""
}
