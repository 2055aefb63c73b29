package handlers

import (
	"context"

	"supplybot/bot"
	"supplybot/store"
)

// isCommand matches the conversation's own commands, and a message that
// reads as a demand or offer without a command word ("轮毂 2000套 重庆璧山
// 急需"). Other features' commands are left to their routes.
func (a *App) isCommand(m *bot.Message) bool {
	if !isChat(m) {
		return false
	}
	t := clean(m.Text)
	name, _ := matchCommand(t)
	if name == cmdForeign || name == cmdBack {
		return false
	}
	return name != "" || a.looksLikePost(t) != ""
}

// looksLikePost returns the kind of a message that names a product and a
// quantity, capacity or place and has a demand or offer word, or "".
func (a *App) looksLikePost(t string) string {
	if t == "" || namesCompany(t) {
		return ""
	}
	p := a.p.Parse(t, a.now())
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

func (a *App) command(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	t := clean(m.Text)
	name, rest := matchCommand(t)
	switch name {
	case cmdHelp:
		return a.help(ctx, m)
	case cmdRegister:
		return a.register(ctx, m, rest)
	case cmdJoin:
		return a.join(ctx, m, rest)
	case cmdQuit:
		return a.startQuit(ctx, m)
	case cmdNewDemand:
		return a.newPost(ctx, m, store.KindDemand, rest)
	case cmdNewOffer:
		return a.newPost(ctx, m, store.KindOffer, rest)
	case cmdPostDemand:
		return a.newPost(ctx, m, store.KindDemand, postText(t, rest))
	case cmdPostOffer:
		return a.newPost(ctx, m, store.KindOffer, postText(t, rest))
	case cmdSearchDemand:
		return a.search(ctx, m, store.KindDemand, rest)
	case cmdSearchOffer:
		return a.search(ctx, m, store.KindOffer, rest)
	case cmdNext:
		return a.nextPage(ctx, m)
	case cmdMine:
		return a.myPosts(ctx, m)
	case cmdDetail:
		return a.showDetail(ctx, m, rest)
	case cmdClose:
		return a.startClose(ctx, m, rest)
	case cmdRenew:
		return a.renew(ctx, m, rest)
	case cmdEdit:
		if f := fields(rest); len(f) > 0 && recNoRe.MatchString(f[0]) {
			return a.editSaved(ctx, m, rest)
		}
		return bot.Text("现在没有正在填写的内容。要修改已发布的信息，请写编号，例如：修改 D1024 数量 4000"), nil
	case cmdResume:
		return a.resume(ctx, m.OpenID)
	case cmdDiscard:
		return a.discard(ctx, m.OpenID)
	case cmdCancel:
		return bot.Text("现在没有进行中的操作。\n" + nextHint), nil
	}
	if kind := a.looksLikePost(t); kind != "" {
		return a.newPost(ctx, m, kind, t)
	}
	return a.unknown(ctx, m)
}

// postText is what the parser reads of "求购 …": the whole message, so that
// it sees the intent word, or nothing for a bare "求购".
func postText(t, rest string) string {
	if rest == "" {
		return ""
	}
	return t
}
