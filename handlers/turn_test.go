package handlers

import (
	"context"
	"testing"

	"supplybot/bot"
)

// TestCommandIsKeptForTheTurnsOwnMessage: the command is matched once a
// message and kept in its turn (the router's Resolve reads it), but only
// for the turn's own message: asked of another user's message under the
// same context, it is matched apart and leaves the turn's answer alone.
func TestCommandIsKeptForTheTurnsOwnMessage(t *testing.T) {
	a := New(Deps{})
	own := &bot.Message{OpenID: "u-own", Type: bot.TypeText, Text: "查供应 PCB"}
	other := &bot.Message{OpenID: "u-other", Type: bot.TypeText, Text: "帮助"}
	ctx := a.beginTurn(context.Background(), own)
	name := func(m *bot.Message) string {
		c, _ := a.cmds.Resolve(ctx, m)
		if c == nil {
			return ""
		}
		return c.Name
	}
	if got := name(other); got != cmdHelp {
		t.Fatalf("another user's 帮助: %q, want %q", got, cmdHelp)
	}
	if got := name(own); got != cmdSearchOffer {
		t.Errorf("the turn's 查供应 PCB after another message: %q, want %q", got, cmdSearchOffer)
	}
	if tn := turnOf(ctx); !tn.matched || tn.cmd == nil || tn.cmd.Name != cmdSearchOffer || tn.rest != "PCB" {
		t.Errorf("turn keeps %+v, want the search and its rest", tn)
	}
}
