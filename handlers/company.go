package handlers

import (
	"context"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/store"
)

// A record belongs to its enterprise: every contact of the enterprise
// sees and manages it (我的发布, 详情, 关闭, 续期, 修改), and each change
// is noted with who made it.

// mayManage reports whether openid may manage p: its poster, or a contact
// of its enterprise.
func (a *App) mayManage(ctx context.Context, openid string, p store.Post) (bool, error) {
	if openid != "" && p.OpenID == openid {
		return true, nil
	}
	if p.EnterpriseID == "" {
		return false, nil
	}
	e, err := a.d.Enterprises.ByOpenID(ctx, openid)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && e.ID == p.EnterpriseID, err
}

// note records that openid changed p; a failure is logged, the change
// itself stands.
func (a *App) note(ctx context.Context, p store.Post, openid, what string) {
	name := ""
	if e, err := a.d.Enterprises.ByOpenID(ctx, openid); err == nil {
		if c, ok := e.ContactOf(openid); ok {
			name = c.Name
		}
	}
	err := a.posts(p.Kind).Note(ctx, p.ID, store.PostChange{At: a.now().UTC(), OpenID: openid, Name: name, What: what})
	if err != nil {
		a.d.Log.WarnContext(ctx, "note a change of a record", "no", p.No, "err", err)
	}
}

// followCompany turns on or off the alerts of the records colleagues post.
func (a *App) followCompany(follow bool) bot.CommandHandler {
	return func(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
		err := a.d.Enterprises.SetFollowAlerts(ctx, m.OpenID, follow)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return bot.Text("您还没有登记企业。回复“注册”登记，或“加入 邀请码”加入同事的企业。"), nil
		case errors.Is(err, store.ErrConflict):
			return bot.Text("刚才企业信息有变动，请再发一次。"), nil
		case err != nil:
			return bot.Reply{}, err
		}
		if follow {
			return bot.Text("已关注企业提醒：同事发布的求购、供应有匹配时，您也会收到提醒。\n回复“取消关注企业提醒”关闭。"), nil
		}
		return bot.Text("已取消关注企业提醒：只收到您自己发布的信息的匹配。\n回复“关注企业提醒”重新打开。"), nil
	}
}

// leaveCompanyConfirmation is 退出企业: the contact leaves the enterprise, whose
// records stay for the colleagues to manage.
func (a *App) leaveCompanyConfirmation() *Confirmation {
	return &Confirmation{
		Flow: flowLeave,
		Start: func(ctx context.Context, m *bot.Message, _ string) (string, string, string, error) {
			e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID)
			if errors.Is(err, store.ErrNotFound) {
				return "", "", "您还没有加入任何企业。回复“注册”登记企业。", nil
			}
			if err != nil {
				return "", "", "", err
			}
			if len(e.Contacts) <= 1 {
				return "", "", "您是“" + e.Name + "”唯一的联系人，不能退出。要删除企业登记和您的信息，请回复“注销”。", nil
			}
			return e.ID, "退出“" + e.Name + "”后，您的姓名和手机号从企业删除，不再管理企业的信息；企业发布的信息保留给同事管理。", "", nil
		},
		Steps: []ConfirmStep{{
			Name: "confirm",
			Question: func(Confirming) string {
				return "确认退出请回复“确认退出”；回复“取消”保留。"
			},
			Answers: []ConfirmAnswer{
				{Match: func(t string) bool {
					return inWords(strings.ReplaceAll(t, " ", ""), []string{"确认退出", "确定退出"})
				}, Do: a.doLeave},
				{Match: isNo, Off: true, Note: "好的，"},
			},
			Else: "还没有退出。",
		}},
		Help: func(Confirming) string {
			return "退出企业只删除您在企业的联系信息，企业的信息照常展示。回复“取消”则保留。"
		},
		Kept: func(Confirming) string { return "未退出企业。" },
	}
}

func (a *App) doLeave(ctx context.Context, st Confirming) (bot.Reply, error) {
	if _, err := a.d.Enterprises.RemoveContact(ctx, st.OpenID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	return bot.Text("已退出企业，企业发布的信息留给同事管理。\n需要时回复“注册”登记新企业，或“加入 邀请码”加入其他企业。"), nil
}
