package handlers

import (
	"context"
	"encoding/json"
	"errors"

	"supplybot/bot"
)

// state is what a flow remembers between messages (Session.Data["state"]).
type state struct {
	Reg  *regForm  `json:"reg,omitempty"`
	Post *postForm `json:"post,omitempty"` // also the post kept while registering
	// Target and Vals belong to a confirmation: what it acts on (a record
	// number) and the answers given so far.
	Target string            `json:"no,omitempty"`
	Vals   map[string]string `json:"vals,omitempty"`
	Switch string            `json:"switch,omitempty"` // kind the user asked to post instead of the form (stepSwitch)
}

// conv is one user's conversation state while a message is handled.
type conv struct {
	openid string
	sess   *bot.Session
	st     state
}

// load returns the user's conversation. Within a message's turn it is
// read from the session store once, and every later load returns the same
// conv, changes and all.
func (a *App) load(ctx context.Context, openid string) (*conv, error) {
	tn := turnOf(ctx)
	if tn != nil && tn.conv != nil && tn.conv.openid == openid {
		return tn.conv, nil
	}
	s, err := a.d.Sessions.Load(ctx, openid)
	if err != nil {
		return nil, err
	}
	c := &conv{openid: openid, sess: s}
	if a.decodeState(c) != nil {
		// A state we cannot read is dropped rather than trapping the user.
		c.sess = &bot.Session{}
		c.st = state{}
	}
	a.remember(ctx, c)
	return c, nil
}

// remember makes c the conversation of the turn.
func (a *App) remember(ctx context.Context, c *conv) {
	if tn := turnOf(ctx); tn != nil && tn.openid == c.openid {
		tn.conv = c
	}
}

// clearSession ends the user's session without a flow's clean-up.
func (a *App) clearSession(ctx context.Context, openid string) error {
	a.remember(ctx, &conv{openid: openid, sess: &bot.Session{}})
	return a.d.Sessions.Clear(ctx, openid)
}

var errBadState = errors.New("handlers: session state does not fit its flow")

// decodeState reads the flow's state out of the session.
func (a *App) decodeState(c *conv) error {
	if v := c.sess.Data["state"]; v != "" {
		if err := json.Unmarshal([]byte(v), &c.st); err != nil {
			return err
		}
	}
	if f := a.flowOf(c.sess.Flow); f != nil && !f.valid(&c.st) {
		return errBadState
	}
	return nil
}

// draftable flows survive the session's idle timeout as drafts.
func (a *App) draftable(name string) bool {
	f := a.flowOf(name)
	return f != nil && f.keepsDraft()
}

// save stores the conversation; forms are also kept as a draft that outlives
// the session, so that a timed-out form can be offered again.
func (a *App) save(ctx context.Context, c *conv) error {
	b, err := json.Marshal(c.st)
	if err != nil {
		return err
	}
	c.sess.Data = map[string]string{"state": string(b)}
	a.remember(ctx, c)
	if err := a.d.Sessions.Save(ctx, c.openid, c.sess); err != nil {
		return err
	}
	if a.draftable(c.sess.Flow) && a.d.KV != nil {
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
	if a.draftable(c.sess.Flow) {
		if err := a.dropDraft(ctx, c.openid); err != nil {
			return err
		}
	}
	c.sess = &bot.Session{}
	c.st = state{}
	a.remember(ctx, c)
	return a.d.Sessions.Clear(ctx, c.openid)
}
