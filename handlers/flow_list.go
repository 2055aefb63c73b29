package handlers

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"supplybot/bot"
	"supplybot/handlers/record"
	"supplybot/store"
)

// flowList names the procurement-list flow in the session.
const flowList = "list"

// listMarks and itemNoRe find what Parser.ParseList splits a list at:
// a message with none of them is a single post.
const listMarks = ";；\n,，、①②③④⑤⑥⑦⑧⑨⑩"

var itemNoRe = regexp.MustCompile(`(?:^|\s)(?:\d{1,2}\s*[.、)）]|[(（]\d{1,2}[)）])`)

// maxListItems bounds a list: one reply must show every item.
const maxListItems = 10

// listFlow is a procurement list typed in one message ("求购：轮毂 2000套；
// 轮胎 8000条；刹车片 5000套 重庆"): it asks for a place when an item
// lacks one, shows every item and, on one 确认, saves one record per item,
// each through the checks of a single post (saveRecord) and each matched.
// The list is a postForm whose Items are the items' forms.
type listFlow struct{}

func (listFlow) question(a *App, c *conv) string {
	f := c.st.Post
	if c.sess.Step == stepRegion {
		return f.question(stepRegion)
	}
	return a.listSummary(f)
}

func (listFlow) help(a *App, c *conv) string {
	return "正在核对一次发来的" + record.KindName(c.st.Post.Kind) + "清单：确认后每项发布为一条，各自匹配。\n" +
		"回复“确认”全部发布，“修改 2 数量 8000条”改第2项，“删除 2”去掉第2项，“取消”放弃整张清单。"
}

func (listFlow) valid(st *state) bool { return st.Post != nil && len(st.Post.Items) > 0 }
func (listFlow) confirmation() bool   { return false }
func (listFlow) keepsDraft() bool     { return true }

func (listFlow) title(st *state) string {
	if st.Post != nil {
		return record.KindName(st.Post.Kind) + "清单"
	}
	return "清单"
}

// cancelled: a form set aside for the list comes back.
func (listFlow) cancelled(ctx context.Context, a *App, c *conv) string {
	return a.restoreAside(ctx, c.openid)
}

// intercept: a new post typed while the list waits sets the list aside
// (回复“继续” brings it back), as a form is set aside; a bare 求购 asks to
// finish the list first.
func (listFlow) intercept(ctx context.Context, a *App, c *conv, in input) (bot.Reply, bool, error) {
	kind := ""
	switch {
	case in.name == cmdPostDemand || in.name == cmdPostOffer:
		kind = store.KindDemand
		if in.name == cmdPostOffer {
			kind = store.KindOffer
		}
		if in.rest == "" {
			return bot.Text("您的" + formName(c.st.Post) + "还没发布：回复“确认”全部发布，或回复“取消”放弃后再重新开始。"), true, nil
		}
		if a.parse(ctx, in.t).Product == "" {
			return bot.Reply{}, false, nil
		}
	case in.name == "":
		if kind = a.looksLikePost(ctx, in.t); kind == "" {
			return bot.Reply{}, false, nil
		}
	default:
		return bot.Reply{}, false, nil
	}
	r, err := a.startPost(ctx, in.m, kind, in.t)
	return r, true, err
}

// setListAside keeps a list waiting for 确认 when a new post starts (a
// post typed, a menu click), to come back with 继续, and says so; "" when
// no list waits.
func (a *App) setListAside(ctx context.Context, c *conv) (string, error) {
	if c.sess.Flow != flowList || c.st.Post == nil {
		return "", nil
	}
	if err := a.setAside(ctx, c.openid, *c.sess); err != nil {
		return "", err
	}
	return "您的" + formName(c.st.Post) + "先放一边，这条发布或取消后回复“继续”接着核对。", nil
}

// edit changes one field of one item: 修改 2 数量 8000条.
func (listFlow) edit(ctx context.Context, a *App, c *conv, rest string) (bot.Reply, error) {
	f := c.st.Post
	i, rest, ok := itemIndex(f, rest)
	if !ok {
		return a.say(c, "请写第几项和要改的内容，例如：修改 2 数量 8000条 / 修改 1 价格 不超过300元。")
	}
	it := f.Items[i]
	field, v, ok := splitEdit(rest, fieldNames)
	if !ok {
		return a.say(c, "请写要改的项目和新内容，例如：修改 "+itoa(i+1)+" 数量 8000条。\n可改：产品、品类、规格、数量、产能、起订量、价格、地区、截止日期、认证。")
	}
	shown, problem := it.set(a.p, field, v, a.now())
	if problem != "" {
		return a.say(c, problem)
	}
	it.addRaw(strings.TrimSpace("修改 "+rest), []string{rawField(field)}, []string{rawField(field)})
	c.goTo(f.next())
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "已修改第"+itoa(i+1)+"项："+fieldLabel(field, it.Kind)+" "+scrub(shown)+"。")
}

func (listFlow) answer(ctx context.Context, a *App, c *conv, in input) (bot.Reply, error) {
	f := c.st.Post
	if w := fields(in.t); len(w) == 2 && inWords(w[0], []string{"删除", "去掉", "删"}) {
		return a.dropItem(ctx, c, w[1])
	}
	if c.sess.Step == stepRegion {
		r, ok := a.p.ParseRegion(in.t)
		if !ok {
			return a.say(c, "没认出这个地区。")
		}
		for _, it := range f.Items {
			if it.Region == nil {
				it.Region = &store.Region{Province: r.Province, City: r.City, District: r.District}
				it.addRaw(rawOf(in.m), []string{"region"}, []string{"region"})
			}
		}
		c.goTo(f.next())
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "好的。")
	}
	switch {
	case isYes(in.t):
		return a.publishList(ctx, c)
	case isNo(in.t):
		return a.say(c, "好的，先不发布。")
	}
	return a.say(c, "没看懂。要全部发布请回复“确认”，要改某一项请发“修改 2 数量 8000条”。")
}

// dropItem takes an item off the list: 删除 2.
func (a *App) dropItem(ctx context.Context, c *conv, which string) (bot.Reply, error) {
	f := c.st.Post
	i, _, ok := itemIndex(f, which)
	if !ok {
		return a.say(c, "请写要删除第几项，例如：删除 2")
	}
	if len(f.Items) == 1 {
		return a.say(c, "清单只剩这一项了；不发布请回复“取消”。")
	}
	f.Items = append(f.Items[:i], f.Items[i+1:]...)
	c.goTo(f.next())
	if err := a.save(ctx, c); err != nil {
		return bot.Reply{}, err
	}
	return a.say(c, "已删除第"+itoa(i+1)+"项。")
}

// itemIndex reads the item number at the start of s (1-based) and returns
// the index and what follows.
func itemIndex(f *postForm, s string) (int, string, bool) {
	s = strings.TrimSpace(s)
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	i, err := strconv.Atoi(s[:n])
	if err != nil || i < 1 || i > len(f.Items) {
		return 0, "", false
	}
	rest := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s[n:]), "项.、:："))
	return i - 1, rest, true
}

// listOf makes f a list when text names several products under one
// intent; it reports false for a single post. notes say what was set
// right, item by item.
func (a *App) listOf(f *postForm, raw, text string) ([]string, bool) {
	if !strings.ContainsAny(text, listMarks) && !itemNoRe.MatchString(text) {
		return nil, false // one product: spare the parses of ParseList
	}
	now := a.now()
	items := a.p.ParseList(text, now)
	if len(items) < 2 {
		return nil, false
	}
	var notes []string
	if len(items) > maxListItems {
		items = items[:maxListItems]
		notes = append(notes, "一次最多发布"+itoa(maxListItems)+"项，只保留了前"+itoa(maxListItems)+"项。")
	}
	for i, p := range items {
		it := &postForm{Kind: f.Kind, Anonymous: f.Anonymous}
		it.merge(p)
		for _, n := range it.sanitize(now) {
			notes = append(notes, "第"+itoa(i+1)+"项："+n)
		}
		it.AskDeadline = false // one confirmation for the list: the note says it went
		it.normalize()
		fields, replaces := rawFields(p, f.Kind)
		it.addRaw(raw, append(fields, rawKind), replaces)
		f.Items = append(f.Items, it)
	}
	f.addRaw(raw, []string{rawKind}, nil)
	return notes, true
}

// flow is the flow that writes f: a list or a single post.
func (f *postForm) flow() string {
	if len(f.Items) > 0 {
		return flowList
	}
	return flowPost
}

// listBrief names a list's products on one line: 轮毂、轮胎、刹车片 共3项.
func (f *postForm) listBrief() string {
	var names []string
	for i, it := range f.Items {
		if i == 3 {
			names[2] += "等"
			break
		}
		names = append(names, scrub(it.Product))
	}
	return strings.Join(names, "、") + " 共" + itoa(len(f.Items)) + "项"
}

// listNext is the place when an item lacks one, else the confirmation.
func (f *postForm) listNext() string {
	for _, it := range f.Items {
		if it.Region == nil {
			return stepRegion
		}
	}
	return stepConfirm
}

// listSummary shows every item of the list before it is saved.
func (a *App) listSummary(f *postForm) string {
	var b strings.Builder
	b.WriteString("请核对您的" + record.KindName(f.Kind) + "清单（共" + itoa(len(f.Items)) + "项，确认后每项发布为一条）：\n")
	for i, it := range f.Items {
		b.WriteString(itoa(i+1) + ". " + a.itemLine(it) + "\n")
	}
	if f.Anonymous {
		b.WriteString("发布方：匿名（对方同意交换联系方式后才显示企业名称）\n")
	}
	b.WriteString("回复“确认”全部发布；要改某一项就发“修改 2 数量 8000条”，“删除 2”去掉一项；回复“取消”放弃。")
	return b.String()
}

// itemLine is one item on a line: 轮毂 18寸 2000套 · 重庆 · 不超过300元.
func (a *App) itemLine(it *postForm) string {
	var p store.Post
	it.toPost(a.p, &p)
	parts := []string{scrub(p.Product)}
	if p.Spec != "" {
		parts = append(parts, scrub(p.Spec))
	}
	if it.Kind == store.KindDemand && p.Quantity == nil {
		parts = append(parts, "（数量未填）")
	}
	if s := record.Summary(p); s != "" {
		parts = append(parts, s)
	}
	if pr := record.Price(p.Price); pr != "" {
		parts = append(parts, pr)
	}
	return strings.Join(parts, " ")
}

// publishList saves one record per item after one 确认. Repeats of open
// records are asked about once, before anything is saved; the daily cap
// keeps what is left as a draft.
func (a *App) publishList(ctx context.Context, c *conv) (bot.Reply, error) {
	f := c.st.Post
	for i, it := range f.Items {
		if it.Kind == store.KindDemand && it.Quantity == nil {
			return a.say(c, "第"+itoa(i+1)+"项还缺数量，请发“修改 "+itoa(i+1)+" 数量 5000件”。")
		}
	}
	e, err := a.d.Enterprises.ByOpenID(ctx, c.openid)
	if errors.Is(err, store.ErrNotFound) {
		c.start(flowReg, "")
		c.st = state{Reg: &regForm{}, Post: f}
		c.goTo(c.st.Reg.next())
		c.sess.History = nil
		if err := a.save(ctx, c); err != nil {
			return bot.Reply{}, err
		}
		return a.say(c, "发布前请先登记企业，您的"+formName(f)+"已保留。")
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if ask, err := a.listRepeats(ctx, c, e); err != nil || ask != "" {
		return bot.Text(ask), err
	}
	var saved []store.Post
	var skipped []string
	for len(f.Items) > 0 {
		it := f.Items[0]
		key := bot.MessageKey(ctx)
		if key != "" {
			key += "#" + it.Product // one record per item of the message
		}
		p, stop, same, err := a.saveRecord(ctx, c, e, it, key)
		if err != nil {
			if len(saved) > 0 { // what was saved stays off the list
				_ = a.save(ctx, c)
			}
			return bot.Reply{}, err
		}
		if stop != "" {
			if err := a.save(ctx, c); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text(a.savedLines(saved) + "贵企业今天已达到每日发布上限，其余" + itoa(len(f.Items)) + "项没有发布，已保存为草稿：明天回复“确认”（或稍后回复“继续”）即可发布。"), nil
		}
		f.Items = f.Items[1:]
		if same != "" { // the same item twice in the list
			skipped = append(skipped, scrub(it.Product)+"与"+same+"相同，没有重复发布。")
			continue
		}
		saved = append(saved, p)
	}
	if err := a.finish(ctx, c); err != nil {
		a.d.Log.WarnContext(ctx, "end list after publishing", "openid", c.openid, "err", err)
	}
	var b strings.Builder
	b.WriteString(a.savedLines(saved))
	for _, s := range skipped {
		b.WriteString(s + "\n")
	}
	if len(saved) > 0 {
		b.WriteString("平台会自动为每一条匹配" + map[bool]string{true: "求购方", false: "供应商"}[f.Kind == store.KindOffer] + "，有合适的会通知您。\n")
		b.WriteString("回复“详情 " + saved[0].No + "”查看，“关闭 " + saved[0].No + "”关闭。")
	}
	if n := a.restoreAside(ctx, c.openid); n != "" {
		b.WriteString("\n" + n)
	}
	return bot.Text(strings.TrimSpace(b.String())), nil
}

// listRepeats asks once, before anything is saved, whether to publish
// items that repeat open records of the enterprise; "" when none does or
// the user confirmed already.
func (a *App) listRepeats(ctx context.Context, c *conv, e store.Enterprise) (string, error) {
	var lines []string
	for i, it := range c.st.Post.Items {
		if it.SameAs != "" {
			continue
		}
		p := store.Post{}
		it.toPost(a.p, &p)
		same, err := a.sameOpenPost(ctx, e.ID, &p)
		if err != nil {
			return "", err
		}
		if same != "" {
			it.SameAs = same
			lines = append(lines, "第"+itoa(i+1)+"项与 "+same+" 相同")
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	if err := a.save(ctx, c); err != nil {
		return "", err
	}
	return strings.Join(lines, "，") + "，仍要全部发布吗？回复“确认”全部发布，回复“删除 2”这样去掉重复的一项，回复“取消”放弃。", nil
}

// savedLines lists records just published, one a line.
func (a *App) savedLines(ps []store.Post) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("已发布" + itoa(len(ps)) + "条" + record.KindName(ps[0].Kind) + "：\n")
	for _, p := range ps {
		line := p.No + " " + scrub(p.Product)
		if q := record.Quantity(p.Quantity); q != "" {
			line += " " + q
		}
		b.WriteString(line + "（展示到" + record.Date(p.ExpiresAt, a.now()) + "）\n")
	}
	return b.String()
}
