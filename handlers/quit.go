package handlers

import (
	"context"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/store"
)

// quitWords confirm 注销: the words the question asks for, nothing looser
// (a 好 or 是 typed for something else must not delete an account).
var quitWords = []string{"确认注销", "确定注销"}

// quitConfirmation is 注销: it says what will be deleted and acts only on
// “确认注销”.
func (a *App) quitConfirmation() *Confirmation {
	return &Confirmation{
		Flow:  flowQuit,
		Start: a.startQuit,
		Steps: []ConfirmStep{{
			Name: "confirm",
			Question: func(Confirming) string {
				return "确认注销请回复“确认注销”；回复“取消”保留。"
			},
			Answers: []ConfirmAnswer{
				{Match: func(t string) bool { return inWords(strings.ReplaceAll(t, " ", ""), quitWords) }, Do: a.doQuit},
				{Match: isNo, Off: true, Note: "好的，"},
			},
			Else: "还没有注销。",
		}},
		Help: func(Confirming) string {
			return "注销会删除您的姓名、手机号和订阅，并下架您发布的信息。回复“取消”则保留。"
		},
		Kept: func(Confirming) string { return "未注销，您的信息都已保留。" },
	}
}

// startQuit says what 注销 deletes, or that there is nothing to delete.
func (a *App) startQuit(ctx context.Context, m *bot.Message, _ string) (target, intro, problem string, err error) {
	e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID)
	registered := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", "", "", err
	}
	open, err := a.openPosts(ctx, m.OpenID)
	if err != nil {
		return "", "", "", err
	}
	if !registered && len(open) == 0 {
		return "", "", "您还没有登记，平台没有保存您的个人信息，无需注销。\n" + nextHint, nil
	}
	var b strings.Builder
	b.WriteString("注销将删除您的姓名、手机号和订阅，待发的提醒不再发送")
	if len(open) > 0 {
		b.WriteString("，您发布的" + itoa(len(open)) + "条信息会下架")
	}
	if registered && len(e.Contacts) <= 1 {
		b.WriteString("；您是“" + e.Name + "”唯一的联系人，企业登记也会一并删除")
	}
	b.WriteString("。此操作不能撤销。\n")
	if registered && len(e.Contacts) > 1 && len(open) > 0 {
		b.WriteString("只想离开企业、把发布的信息留给同事？请回复“退出企业”。\n")
	}
	return "", b.String(), "", nil
}

// openPosts are the user's open records.
func (a *App) openPosts(ctx context.Context, openid string) ([]store.Post, error) {
	var open []store.Post
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		ps, err := a.posts(kind).ByOpenID(ctx, openid, 200)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Status == store.StatusOpen {
				open = append(open, p)
			}
		}
	}
	return open, nil
}

// doQuit erases the user: contact, records, subscriptions, pushes, drafts.
func (a *App) doQuit(ctx context.Context, st Confirming) (bot.Reply, error) {
	openid := st.OpenID
	open, err := a.openPosts(ctx, openid)
	if err != nil {
		return bot.Reply{}, err
	}
	if _, err := a.d.Enterprises.RemoveContact(ctx, openid); err != nil && !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		if _, err := a.posts(kind).RemoveByOpenID(ctx, openid); err != nil {
			return bot.Reply{}, err
		}
	}
	for _, p := range open {
		p.Status, p.OpenID, p.EnterpriseID, p.RawText = store.StatusRemoved, "", "", ""
		a.closed(ctx, p)
	}
	// After the records: no new alert about them can be queued for the
	// user once their pushes are given up.
	if a.d.Forget != nil {
		if err := a.d.Forget.ForgetUser(ctx, openid); err != nil {
			return bot.Reply{}, err
		}
	}
	_ = a.dropDraft(ctx, openid)
	if a.d.KV != nil {
		_ = a.d.KV.Del(ctx, searchKey(openid), asideKey(openid))
	}
	return bot.Text("已注销：您的姓名、手机号和订阅已删除，发布的信息已下架，待发的提醒不再发送。\n欢迎随时回来，回复“注册”重新登记。"), nil
}
