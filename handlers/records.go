package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/handlers/record"
	"supplybot/store"
)

// maxRenewAhead bounds how far renewals can push a record's expiry.
const maxRenewAhead = 60 * 24 * time.Hour

// postByNo finds a record by the number in args ("D1024", "d1024").
func (a *App) postByNo(ctx context.Context, args, verb string) (store.Post, string, error) {
	f := fields(args)
	if len(f) == 0 || !recNoRe.MatchString(f[0]) {
		return store.Post{}, "请写编号，例如：" + verb + " D1024（编号在“我的发布”里）。", nil
	}
	no := strings.ToUpper(f[0])
	kind, _ := store.KindOfNo(no)
	p, err := a.posts(kind).ByNo(ctx, no)
	if errors.Is(err, store.ErrNotFound) || err == nil && p.Status == store.StatusRemoved {
		return store.Post{}, "没有找到" + no + "，请核对编号。回复“我的发布”查看您的编号。", nil
	}
	return p, "", err
}

func (a *App) showDetail(ctx context.Context, m *bot.Message, args string) (bot.Reply, error) {
	p, problem, err := a.postByNo(ctx, args, "详情")
	if err != nil || problem != "" {
		return bot.Text(problem), err
	}
	own, err := a.mayManage(ctx, m.OpenID, p)
	if err != nil {
		return bot.Reply{}, err
	}
	if !own && (p.Status != store.StatusOpen || !p.ExpiresAt.After(a.now())) {
		return bot.Text(p.No + "已" + strings.TrimPrefix(record.StatusName(p, a.now()), "已") + "，不再对接。\n回复“查需求”或“查供应”看看别的。"), nil
	}
	return bot.Text(a.detail(p, own)), nil
}

// ownPost finds a record the user may change.
func (a *App) ownPost(ctx context.Context, m *bot.Message, args, verb string) (store.Post, string, error) {
	p, problem, err := a.postByNo(ctx, args, verb)
	if err != nil || problem != "" {
		return p, problem, err
	}
	ok, err := a.mayManage(ctx, m.OpenID, p)
	if err != nil {
		return p, "", err
	}
	if !ok {
		return p, "只能" + verb + "您自己或同事发布的信息。回复“我的发布”查看。", nil
	}
	return p, "", nil
}

// renew extends a record by 30 days, up to maxRenewAhead from now: 续期 D1024.
func (a *App) renew(ctx context.Context, m *bot.Message, args string) (bot.Reply, error) {
	p, problem, err := a.ownPost(ctx, m, args, "续期")
	if err != nil || problem != "" {
		return bot.Text(problem), err
	}
	if p.Status == store.StatusClosed {
		return bot.Text(p.No + "已关闭，不能续期。请重新发布，例如：" + record.KindName(p.Kind) + " " + scrub(p.Product)), nil
	}
	now := a.now().UTC()
	base := p.ExpiresAt
	if base.Before(now) {
		base = now
	}
	until := base.Add(store.DefaultPostLifetime)
	capped, toDeadline := false, false
	if limit := now.Add(maxRenewAhead); until.After(limit) {
		until, capped = limit, true
	}
	open := p.Status == store.StatusOpen && p.ExpiresAt.After(now)
	if p.Deadline != nil {
		// A demand shows until its deadline, never past it: a later
		// deadline is a change of the record (修改 … 截止日期).
		end := endOfChinaDay(*p.Deadline)
		if !end.After(now) || open && !end.After(p.ExpiresAt.Add(time.Minute)) {
			return bot.Text(p.No + "的截止日期是" + record.Date(*p.Deadline, a.now()) + "，已展示到截止日期，不能再续。截止日期有变请回复“修改 " + p.No + " 截止日期 新日期”。"), nil
		}
		if until.After(end) {
			until, capped, toDeadline = end, false, true
		}
	}
	if open && until.Sub(p.ExpiresAt) < 24*time.Hour {
		// Renewing again would not move the date: say so rather than
		// claim another 30 days.
		return bot.Text(p.No + "的有效期已经是最长的了（到" + record.Date(p.ExpiresAt, a.now()) + "，最多续到" + itoa(int(maxRenewAhead.Hours()/24)) + "天后）。快到期时平台会提醒您再续。\n回复“我的发布”查看。"), nil
	}
	if err := a.posts(p.Kind).Renew(ctx, p.ID, until); err != nil {
		return bot.Reply{}, err
	}
	p.Status, p.ExpiresAt = store.StatusOpen, until
	a.note(ctx, p, m.OpenID, "续期到"+record.Date(until, a.now()))
	a.saved(ctx, p)
	msg := p.No + "已续期，有效期到" + record.Date(until, a.now())
	if capped {
		msg += "（最多续到" + itoa(int(maxRenewAhead.Hours()/24)) + "天后）"
	}
	if toDeadline {
		msg += "（即截止日期，不会展示到截止日期之后）"
	}
	return bot.Text(msg + "。\n回复“详情 " + p.No + "”查看。"), nil
}

// editSaved changes a field of a saved record: 修改 D1024 数量 4000.
func (a *App) editSaved(ctx context.Context, m *bot.Message, args string) (bot.Reply, error) {
	p, problem, err := a.ownPost(ctx, m, args, "修改")
	if err != nil || problem != "" {
		return bot.Text(problem), err
	}
	if p.Status == store.StatusClosed {
		return bot.Text(p.No + "已关闭，不能修改。"), nil
	}
	rest := strings.TrimSpace(args[len(fields(args)[0]):])
	field, v, ok := splitEdit(rest, fieldNames)
	if !ok {
		return bot.Text("请写要改的项目和新内容，例如：修改 " + p.No + " " + editExample(p.Kind) + "\n可改：产品、品类、规格、数量、产能、起订量、价格、地区、交期、截止日期、认证。"), nil
	}
	f := formOf(p)
	shown, problem := f.set(a.p, field, v, a.now())
	if problem != "" {
		return bot.Text(problem), nil
	}
	f.toPost(a.p, &p)
	if field == "deadline" && p.Deadline != nil {
		p.ExpiresAt = expiryOf(p, a.now()) // the record shows until its new deadline
	}
	// Verified and the name say what the enterprise was when the record was
	// last saved.
	if e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID); err == nil {
		p.Verified, p.EnterpriseName = e.Verified, e.Name
	} else if !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	if err := a.posts(p.Kind).Replace(ctx, &p); err != nil {
		return bot.Reply{}, err
	}
	a.note(ctx, p, m.OpenID, "修改 "+fieldLabel(field, p.Kind)+" "+scrub(shown))
	a.saved(ctx, p)
	return bot.Text(p.No + "已修改：" + fieldLabel(field, p.Kind) + " " + scrub(shown) + "。\n回复“详情 " + p.No + "”查看。"), nil
}

// myPostsPage is how many records a page of 我的发布 lists, and
// myPostsMax how far 下一页 goes.
const (
	myPostsPage = 10
	myPostsMax  = 200
)

// myPosts lists the user's records, newest first, first page.
func (a *App) myPosts(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return a.myPostsFrom(ctx, m.OpenID, 0)
}

// myPostsFrom lists the user's records from offset on and keeps the
// place for 下一页, as a search does.
func (a *App) myPostsFrom(ctx context.Context, openid string, offset int) (bot.Reply, error) {
	// A contact sees the enterprise's records, with who posted each.
	e, err := a.d.Enterprises.ByOpenID(ctx, openid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	var all []store.Post
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		var ps []store.Post
		var err error
		if e.ID != "" {
			ps, err = a.posts(kind).ByEnterprise(ctx, e.ID, min(offset+myPostsPage+1, myPostsMax))
		} else {
			ps, err = a.posts(kind).ByOpenID(ctx, openid, min(offset+myPostsPage+1, myPostsMax))
		}
		if err != nil {
			return bot.Reply{}, err
		}
		all = append(all, ps...)
	}
	if len(all) == 0 {
		return bot.Text("您还没有发布过信息。试试发送：\n求购 变速箱电磁阀 5000件 重庆璧山\n供应 6层PCB 月产能2万平米 成都"), nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreatedAt.After(all[j].CreatedAt) })
	all = all[:min(len(all), myPostsMax)]
	if offset >= len(all) {
		if a.d.KV != nil {
			_ = a.d.KV.Del(ctx, searchKey(openid))
		}
		return bot.Text("没有更多了，您的发布都列完了。\n回复“我的发布”从头看。"), nil
	}
	end := min(offset+myPostsPage, len(all))
	if a.d.KV != nil {
		b, _ := json.Marshal(savedSearch{Mine: true, Offset: offset})
		if err := bot.SetWithReply(ctx, a.d.KV, searchKey(openid), string(b), searchTTL); err != nil {
			a.d.Log.WarnContext(ctx, "save my posts page", "openid", openid, "err", err)
		}
	}
	var b strings.Builder
	title := "您的发布"
	for _, p := range all {
		if p.OpenID != openid {
			title = "贵企业的发布"
		}
	}
	if offset == 0 {
		b.WriteString(title + "：\n")
	} else {
		b.WriteString(title + "（第" + itoa(offset/myPostsPage+1) + "页）：\n")
	}
	now := a.now()
	for i, p := range all[offset:end] {
		by := ""
		if p.OpenID != openid {
			if c, ok := e.ContactOf(p.OpenID); ok {
				by = "（" + c.Name + "发布）"
			} else {
				by = "（已离开的同事发布）"
			}
		}
		b.WriteString(itoa(offset+i+1) + ". " + record.KindName(p.Kind) + " " + a.line(p) + by + "【" + record.StatusName(p, now) + "】\n")
	}
	b.WriteString("回复“详情 编号”查看，“关闭 编号”关闭，“续期 编号”延长有效期")
	if end < len(all) {
		b.WriteString("，“下一页”看更多")
	}
	b.WriteString("。")
	return bot.Text(b.String()), nil
}
