package handlers

import (
	"context"
	"encoding/json"

	"supplybot/bot"
)

// draft is a form that outlives its session.
type draft struct {
	Session bot.Session `json:"session"`
	Offered bool        `json:"offered,omitempty"` // the user was asked once already
}

func (a *App) dropDraft(ctx context.Context, openid string) error {
	if a.d.KV == nil {
		return nil
	}
	return a.d.KV.Del(ctx, draftKey(openid))
}

func draftKey(openid string) string { return "draft:" + openid }

func (a *App) loadDraft(ctx context.Context, openid string) (*draft, error) {
	if a.d.KV == nil {
		return nil, nil
	}
	v, ok, err := a.d.KV.Lookup(ctx, draftKey(openid))
	if err != nil || !ok {
		return nil, err
	}
	var d draft
	if json.Unmarshal([]byte(v), &d) != nil || !a.draftable(d.Session.Flow) {
		return nil, nil
	}
	return &d, nil
}

func (a *App) markOffered(ctx context.Context, openid string, d *draft) {
	d.Offered = true
	b, _ := json.Marshal(d)
	if err := a.d.KV.Set(ctx, draftKey(openid), string(b), a.d.DraftTTL); err != nil {
		a.d.Log.WarnContext(ctx, "mark draft offered", "openid", openid, "err", err)
	}
}

// draftTitle names what a draft was: 求购, 供应, 注册.
func (a *App) draftTitle(s bot.Session) string {
	var st state
	_ = json.Unmarshal([]byte(s.Data["state"]), &st)
	if f, ok := a.flowOf(s.Flow).(titled); ok {
		return f.title(&st)
	}
	return "注册"
}

// Forms set aside for a new post typed in the middle of them wait in a
// short stack and come back, newest first, as the user's draft when the
// form that pushed them aside ends (published, cancelled or discarded).
const maxAside = 3

func asideKey(openid string) string { return "draft-aside:" + openid }

func (a *App) loadAside(ctx context.Context, openid string) ([]bot.Session, error) {
	if a.d.KV == nil {
		return nil, nil
	}
	v, ok, err := a.d.KV.Lookup(ctx, asideKey(openid))
	if err != nil || !ok {
		return nil, err
	}
	var ss []bot.Session
	if json.Unmarshal([]byte(v), &ss) != nil {
		return nil, nil
	}
	return ss, nil
}

func (a *App) storeAside(ctx context.Context, openid string, ss []bot.Session) error {
	if len(ss) == 0 {
		return a.d.KV.Del(ctx, asideKey(openid))
	}
	b, err := json.Marshal(ss)
	if err != nil {
		return err
	}
	return a.d.KV.Set(ctx, asideKey(openid), string(b), a.d.DraftTTL)
}

// setAside keeps the form of s to come back to after the new one.
func (a *App) setAside(ctx context.Context, openid string, s bot.Session) error {
	if a.d.KV == nil {
		return nil
	}
	ss, err := a.loadAside(ctx, openid)
	if err != nil {
		return err
	}
	s.History = nil
	if s.Step == stepSwitch {
		s.Step = ""
	}
	ss = append(ss, s)
	if len(ss) > maxAside {
		ss = ss[len(ss)-maxAside:]
	}
	return a.storeAside(ctx, openid, ss)
}

// restoreAside makes the newest form set aside the user's draft again,
// offered already (the returned note tells the user), unless a draft is
// waiting. It returns "" when nothing was set aside.
func (a *App) restoreAside(ctx context.Context, openid string) string {
	ss, err := a.loadAside(ctx, openid)
	if err != nil || len(ss) == 0 {
		return ""
	}
	if d, err := a.loadDraft(ctx, openid); err != nil || d != nil {
		return ""
	}
	s := ss[len(ss)-1]
	c := &conv{openid: openid, sess: &s}
	if a.decodeState(c) != nil || c.st.Post == nil {
		_ = a.storeAside(ctx, openid, ss[:len(ss)-1])
		return ""
	}
	if c.sess.Step == "" || c.sess.Step == stepSwitch {
		c.sess.Step = c.st.Post.next()
	}
	b, _ := json.Marshal(draft{Session: *c.sess, Offered: true})
	if err := a.d.KV.Set(ctx, draftKey(openid), string(b), a.d.DraftTTL); err != nil {
		a.d.Log.WarnContext(ctx, "restore form set aside", "openid", openid, "err", err)
		return ""
	}
	if err := a.storeAside(ctx, openid, ss[:len(ss)-1]); err != nil {
		a.d.Log.WarnContext(ctx, "pop form set aside", "openid", openid, "err", err)
	}
	return "您之前没填完的" + formName(c.st.Post) + "还在：回复“继续”接着填写，回复“放弃”删除。"
}
