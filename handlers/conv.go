package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"supplybot/bot"
)

// Flows of the conversation (bot.Session.Flow).
const (
	flowReg    = "reg"    // register an enterprise
	flowJoin   = "join"   // join one with an invite code
	flowPost   = "post"   // write a demand or offer
	flowClose  = "close"  // close a record: reason, then via the platform?
	flowQuit   = "quit"   // deregister: confirmation
	flowResume = "resume" // offer a timed-out form again
)

// state is what a flow remembers between messages (Session.Data["state"]).
type state struct {
	Reg    *regForm  `json:"reg,omitempty"`
	Post   *postForm `json:"post,omitempty"` // also the post kept while registering
	No     string    `json:"no,omitempty"`   // record being closed
	Reason string    `json:"reason,omitempty"`
	Switch string    `json:"switch,omitempty"` // kind the user asked to post instead of the form (stepSwitch)
}

// conv is one user's conversation state while a message is handled.
type conv struct {
	openid string
	sess   *bot.Session
	st     state
}

func (a *App) load(ctx context.Context, openid string) (*conv, error) {
	s, err := a.d.Sessions.Load(ctx, openid)
	if err != nil {
		return nil, err
	}
	c := &conv{openid: openid, sess: s}
	if decodeState(c) != nil {
		// A state we cannot read is dropped rather than trapping the user.
		c.sess = &bot.Session{}
		c.st = state{}
	}
	return c, nil
}

var errBadState = errors.New("handlers: session state does not fit its flow")

// decodeState reads the flow's state out of the session.
func decodeState(c *conv) error {
	if v := c.sess.Data["state"]; v != "" {
		if err := json.Unmarshal([]byte(v), &c.st); err != nil {
			return err
		}
	}
	switch c.sess.Flow {
	case flowPost:
		if c.st.Post == nil {
			return errBadState
		}
	case flowReg, flowJoin:
		if c.st.Reg == nil {
			return errBadState
		}
	}
	return nil
}

// draftable flows survive the session's idle timeout as drafts.
func draftable(flow string) bool { return flow == flowReg || flow == flowJoin || flow == flowPost }

// save stores the conversation; forms are also kept as a draft that outlives
// the session, so that a timed-out form can be offered again.
func (a *App) save(ctx context.Context, c *conv) error {
	b, err := json.Marshal(c.st)
	if err != nil {
		return err
	}
	c.sess.Data = map[string]string{"state": string(b)}
	if err := a.d.Sessions.Save(ctx, c.openid, c.sess); err != nil {
		return err
	}
	if draftable(c.sess.Flow) && a.d.KV != nil {
		d, _ := json.Marshal(draft{Session: *c.sess})
		if err := a.d.KV.Set(ctx, draftKey(c.openid), string(d), a.d.DraftTTL); err != nil {
			a.d.Log.WarnContext(ctx, "save draft", "openid", c.openid, "err", err)
		}
	}
	return nil
}

// start begins flow at step, forgetting the previous flow's steps.
func (c *conv) start(flow, step string) {
	c.sess.Flow, c.sess.Step, c.sess.History = flow, step, nil
}

// goTo moves to step, remembering the current one for 上一步.
func (c *conv) goTo(step string) {
	if c.sess.Step != "" && c.sess.Step != step {
		c.sess.History = append(c.sess.History, c.sess.Step)
		if len(c.sess.History) > 20 {
			c.sess.History = c.sess.History[len(c.sess.History)-20:]
		}
	}
	c.sess.Step = step
}

// back returns to the previous step; false when there is none.
func (c *conv) back() bool {
	n := len(c.sess.History)
	if n == 0 {
		return false
	}
	c.sess.Step = c.sess.History[n-1]
	c.sess.History = c.sess.History[:n-1]
	return true
}

// finish ends the flow; a form's draft goes with it, while the draft of a
// form the user left for another flow (关闭 D1024 mid-form) stays.
func (a *App) finish(ctx context.Context, c *conv) error {
	if draftable(c.sess.Flow) {
		if err := a.dropDraft(ctx, c.openid); err != nil {
			return err
		}
	}
	c.sess = &bot.Session{}
	c.st = state{}
	return a.d.Sessions.Clear(ctx, c.openid)
}

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
	if json.Unmarshal([]byte(v), &d) != nil || !draftable(d.Session.Flow) {
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
func draftTitle(s bot.Session) string {
	var st state
	_ = json.Unmarshal([]byte(s.Data["state"]), &st)
	switch s.Flow {
	case flowPost:
		if st.Post != nil {
			return kindName(st.Post.Kind)
		}
	case flowJoin:
		return "加入企业"
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
	if decodeState(c) != nil || c.st.Post == nil {
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

// lookupTimeout bounds the session reads a route's match makes; match
// functions get no context.
const lookupTimeout = 2 * time.Second
