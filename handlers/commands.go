package handlers

import (
	"context"

	"supplybot/bot"
	"supplybot/store"
)

// Command names of the conversation.
const (
	cmdHelp         = "help"
	cmdRegister     = "register"
	cmdJoin         = "join"
	cmdQuit         = "quit"
	cmdNewDemand    = "new-demand"
	cmdNewOffer     = "new-offer"
	cmdPostDemand   = "post-demand"
	cmdPostOffer    = "post-offer"
	cmdSearchDemand = "search-demand"
	cmdSearchOffer  = "search-offer"
	cmdNext         = "next"
	cmdMine         = "mine"
	cmdDetail       = "detail"
	cmdClose        = "close"
	cmdRenew        = "renew"
	cmdEdit         = "edit"
	cmdResume       = "resume"
	cmdDiscard      = "discard"
	cmdCancel       = "cancel"
	cmdBack         = "back"
	cmdLeave        = "leave"
	cmdFollow       = "follow-company"
	cmdUnfollow     = "unfollow-company"
)

// commands declares the conversation's commands, each once: its words,
// whether it passes an open form by, and its handler.
func (a *App) commands() []bot.Command {
	always := bot.Always
	return []bot.Command{
		{Name: cmdHelp, Exact: []string{"帮助", "help", "菜单", "?", "？", "使用说明", "怎么用"}, Handle: a.cmdHelp},
		{Name: cmdRegister, Words: []string{"注册", "企业注册", "登记企业"}, PassBy: always, Handle: a.register},
		{Name: cmdJoin, Words: []string{"加入", "邀请码"}, PassBy: always, Handle: a.join},
		{Name: cmdNewDemand, Words: []string{"发布需求", "发布求购", "我要求购", "我要采购"}, PassBy: always, Handle: a.postCommand(store.KindDemand, false)},
		{Name: cmdNewOffer, Words: []string{"发布供应", "我要供应", "我要供货"}, PassBy: always, Handle: a.postCommand(store.KindOffer, false)},
		{Name: cmdPostDemand, Words: []string{"求购", "采购", "急购", "急需", "需要", "求", "找", "寻找", "收购", "想买", "要买"}, Handle: a.postCommand(store.KindDemand, true)},
		{Name: cmdPostOffer, Words: []string{"供应", "提供", "生产", "出售", "销售", "批发", "供货", "承接", "加工", "代工"}, Handle: a.postCommand(store.KindOffer, true)},
		{Name: cmdSearchDemand, Words: []string{"查需求", "找需求", "搜需求", "看需求", "查求购", "搜求购"}, PassBy: always, Handle: a.searchCommand(store.KindDemand)},
		{Name: cmdSearchOffer, Words: []string{"查供应", "找供应", "搜供应", "看供应", "查供应商", "找供应商", "找厂家", "查厂家", "找货找厂", "找货"}, PassBy: always, Handle: a.searchCommand(store.KindOffer)},
		{Name: cmdNext, Exact: []string{"下一页", "下页", "更多", "翻页"}, PassBy: always, Handle: func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) { return a.nextPage(ctx, m) }},
		{Name: cmdMine, Exact: []string{"我的发布", "我发布的", "我的信息"}, PassBy: always, Handle: a.cmdMyPosts},
		{Name: cmdDetail, Words: []string{"详情", "查看"}, Pattern: recNoRe, PassBy: always, Handle: a.showDetail},
		{Name: cmdClose, Words: []string{"关闭", "下架"}, PassBy: always, Handle: a.startConfirmed(a.closeConf)},
		{Name: cmdRenew, Words: []string{"续期", "延期"}, PassBy: always, Handle: a.renew},
		{Name: cmdQuit, Exact: []string{"注销", "注销账号", "删除我的信息"}, PassBy: always, Handle: a.startConfirmed(a.quitConf)},
		{Name: cmdLeave, Exact: []string{"退出企业", "离开企业"}, PassBy: always, Handle: a.startConfirmed(a.leaveConf)},
		{Name: cmdFollow, Exact: []string{"关注企业提醒", "接收企业提醒"}, PassBy: always, Handle: a.followCompany(true)},
		{Name: cmdUnfollow, Exact: []string{"取消关注企业提醒", "关闭企业提醒"}, PassBy: always, Handle: a.followCompany(false)},
		// 修改 D1024 … edits a saved record; 修改 数量 … answers the form.
		{Name: cmdEdit, Words: []string{"修改"}, PassBy: startsWithRecordNo, Handle: a.cmdEdit},
		{Name: cmdResume, Exact: []string{"继续"}, Handle: func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
			return a.resume(ctx, m.OpenID)
		}},
		{Name: cmdDiscard, Exact: []string{"放弃"}, Handle: func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
			return a.discard(ctx, m.OpenID)
		}},
		{Name: cmdCancel, Exact: []string{"取消", "退出", "算了"}, Handle: func(context.Context, *bot.Message, string) (bot.Reply, error) {
			return bot.Text("现在没有进行中的操作。\n" + nextHint), nil
		}},
		// Only a dialog knows where 上一步 goes; outside one it is text.
		{Name: cmdBack, Exact: []string{"上一步", "返回", "返回上一步"}},
	}
}

func startsWithRecordNo(rest string) bool {
	f := fields(rest)
	return len(f) > 0 && recNoRe.MatchString(f[0])
}

// command returns the command of the message being handled and the rest
// of its text; it is matched once per message.
func (a *App) command(ctx context.Context, m *bot.Message) (*bot.Command, string) {
	t := a.text(ctx, m)
	tn := turnOf(ctx)
	if tn != nil && tn.openid != m.OpenID {
		tn = nil // another message than the turn's: not kept
	}
	if tn != nil && tn.matched {
		return tn.cmd, tn.rest
	}
	c, rest := a.cmds.Match(ctx, m, t)
	if tn != nil {
		tn.cmd, tn.rest, tn.matched = c, rest, true
	}
	return c, rest
}

// commandName is the name of m's command, "" for none.
func (a *App) commandName(ctx context.Context, m *bot.Message) (string, string) {
	c, rest := a.command(ctx, m)
	if c == nil {
		return "", ""
	}
	return c.Name, rest
}

// isCommandWord reports whether t is a command of any feature, for
// anyone: such a word is never a company name.
func (a *App) isCommandWord(t string) bool {
	c, _ := a.cmds.Match(context.Background(), nil, t)
	return c != nil
}

func (a *App) cmdHelp(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	return a.help(ctx, m)
}

func (a *App) cmdMyPosts(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	return a.myPosts(ctx, m)
}

func (a *App) cmdEdit(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	if startsWithRecordNo(rest) {
		return a.editSaved(ctx, m, rest)
	}
	return bot.Text("现在没有正在填写的内容。要修改已发布的信息，请写编号，例如：修改 D1024 数量 4000"), nil
}

func (a *App) searchCommand(kind string) bot.CommandHandler {
	return func(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
		return a.search(ctx, m, kind, rest)
	}
}

// postCommand starts a post: 发布需求 … (withWord false: the text after
// the words is the post) or 求购 … (withWord: the parser reads the whole
// message, so that it sees the intent word).
func (a *App) postCommand(kind string, withWord bool) bot.CommandHandler {
	return func(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
		text := rest
		if withWord {
			text = postText(a.text(ctx, m), rest)
		}
		return a.newPost(ctx, m, kind, text)
	}
}

// isPost matches a message that reads as a demand or offer without a
// command word ("轮毂 2000套 重庆璧山 急需").
func (a *App) isPost(ctx context.Context, m *bot.Message) bool {
	return isChat(m) && a.looksLikePost(ctx, a.text(ctx, m)) != ""
}

func (a *App) postWithoutWord(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	t := a.text(ctx, m)
	return a.newPost(ctx, m, a.looksLikePost(ctx, t), t)
}

// looksLikePost returns the kind of a message that names a product and a
// quantity, capacity or place and has a demand or offer word, or "".
func (a *App) looksLikePost(ctx context.Context, t string) string {
	if t == "" || namesCompany(t) {
		return ""
	}
	p := a.parse(ctx, t)
	if p.Product == "" || p.Kind.String() == "unknown" {
		return ""
	}
	if p.Quantity == nil && p.Capacity == nil && p.Region == nil && p.MOQ == nil {
		return ""
	}
	if p.Kind.String() == store.KindOffer {
		return store.KindOffer
	}
	return store.KindDemand
}

// postText is what the parser reads of "求购 …": the whole message, so that
// it sees the intent word, or nothing for a bare "求购".
func postText(t, rest string) string {
	if rest == "" {
		return ""
	}
	return t
}

// Feature is a part of the product with commands and menu buttons of its
// own (subscriptions, contact brokering, the task force): the
// conversation routes them and lets them pass its forms by as declared.
type Feature interface {
	Commands() []bot.Command
	MenuKeys() map[string]bot.Handler
}

// Confirmed is a command that asks before it acts, as a feature declares
// it (see Confirmation).
type Confirmed struct {
	Command      bot.Command
	Confirmation *Confirmation
}

// Optional parts of a Feature.
type (
	// ConfirmingFeature has commands that ask before they act (下架, 群发).
	ConfirmingFeature interface {
		Confirmed() []Confirmed
	}
	// EventFeature answers events by name (SCAN of a login QR code,
	// MASSSENDJOBFINISH).
	EventFeature interface {
		Events() map[string]bot.Handler
	}
)

// Route adds every route of the product to r, in the one order that
// makes them right:
//  1. middleware: replies fit WeChat's size, the rate limit, and a
//     pending confirmation ends when the user does something else;
//  2. an over-long message is refused before anything reads it;
//  3. a user in a dialog reaches it first (同意 at the consent question),
//     unless the message is a command that passes the dialog by;
//  4. commands of every feature, from one registry;
//  5. a post typed without a command word;
//  6. menu buttons and events; the rest is unknown text.
func (a *App) Route(r *bot.Router, features ...Feature) {
	for _, f := range features {
		a.cmds.Add(f.Commands()...)
		if cf, ok := f.(ConfirmingFeature); ok {
			for _, c := range cf.Confirmed() {
				a.AddConfirmed(c.Command, c.Confirmation)
			}
		}
	}
	r.Prepare(a.beginTurn)
	r.Use(a.capReply, a.RateLimit, a.leaveConfirmation)
	r.Func("too-long", tooLong, a.tooLong)
	r.When("dialog", a.inDialog, a.dialog)
	r.Commands(a.cmds)
	r.When("post", a.isPost, a.postWithoutWord)
	menus := map[string]bot.Handler{
		MenuPostDemand:   a.menuPost(store.KindDemand),
		MenuPostOffer:    a.menuPost(store.KindOffer),
		MenuSearchDemand: a.menuSearch(store.KindDemand),
		MenuSearchOffer:  a.menuSearch(store.KindOffer),
		MenuMyPosts:      a.myPosts,
		MenuHelp:         a.help,
	}
	for _, f := range features {
		for k, h := range f.MenuKeys() {
			menus[k] = h
		}
	}
	for k, h := range menus {
		r.MenuKey(k, h)
	}
	for _, f := range features {
		if ef, ok := f.(EventFeature); ok {
			for name, h := range ef.Events() {
				r.Event(name, h)
			}
		}
	}
	r.Event(bot.EventSubscribe, a.welcome)
	r.Event(bot.EventUnsubscribe, a.silent)
	r.Default(a.unknown)
}
