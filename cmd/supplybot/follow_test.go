package main

import (
	"context"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"supplybot/bot"
	"supplybot/store"
)

// TestUnfollowedUsersCostNoCalls: after the unsubscribe event, or once
// WeChat answered 43004, pushes to the user are held without calling
// WeChat; when the user follows again they are delivered, the held ones
// too (issue 8: a push held for 43004 is offered on the next visit).
func TestUnfollowedUsersCostNoCalls(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	ctx := context.Background()
	calls := func(result string) float64 {
		var mt dto.Metric
		if err := m.Metrics.WeChatCalls.WithLabelValues("custom", result).Write(&mt); err != nil {
			t.Fatal(err)
		}
		return mt.GetCounter().GetValue()
	}
	push := func(key, openid string) store.OutboxItem {
		t.Helper()
		enqueue(t, m, store.OutboxItem{Key: key, Kind: bot.PushCustom, OpenID: openid, Text: key})
		m.Pusher.Kick()
		var it store.OutboxItem
		eventually(t, key+" finished", func() bool {
			it, _ = m.Outbox.Get(ctx, key)
			return it.Status == store.OutboxSent || it.Status == store.OutboxFailed || it.Status == store.OutboxHeld
		})
		return it
	}

	// The unsubscribe event.
	at := time.Now()
	send(t, m, bot.ModeSafe, bot.EventXML("leaver", bot.EventSubscribe, "", at))
	if it := push("p1", "leaver"); it.Status != store.OutboxSent {
		t.Fatalf("push to a follower: %+v", it)
	}
	send(t, m, bot.ModeSafe, bot.EventXML("leaver", bot.EventUnsubscribe, "", at.Add(time.Second)))
	before := calls("ok")
	if it := push("p2", "leaver"); it.Status != store.OutboxHeld || it.LastCode != bot.CodeNotSubscribed {
		t.Fatalf("push after unsubscribe: got %s %d, want held with 43004", it.Status, it.LastCode)
	}
	if calls("ok") != before || calls("43004") != 0 {
		t.Fatalf("WeChat was called for a user who left (ok %v→%v, 43004 %v)", before, calls("ok"), calls("43004"))
	}
	send(t, m, bot.ModeSafe, bot.EventXML("leaver", bot.EventSubscribe, "", at.Add(2*time.Second)))
	if it := push("p3", "leaver"); it.Status != store.OutboxSent {
		t.Fatalf("push after following again: got %s %q", it.Status, it.LastError)
	}
	eventually(t, "the push held while the user was away is delivered", func() bool {
		it, _ := m.Outbox.Get(ctx, "p2")
		return it.Status == store.OutboxSent
	})

	// 43004 from WeChat marks the user: the next push costs no call.
	if it := push("q1", "stranger"); it.LastCode != bot.CodeNotSubscribed {
		t.Fatalf("push to a stranger: %+v", it)
	}
	if n := calls("43004"); n != 1 {
		t.Fatalf("43004 answers: %v, want 1", n)
	}
	if it := push("q2", "stranger"); it.LastCode != bot.CodeNotSubscribed || !strings.Contains(it.LastError, "43004") {
		t.Fatalf("second push to a stranger: %+v", it)
	}
	if n := calls("43004"); n != 1 {
		t.Fatalf("43004 answers after the user was marked: %v, want still 1", n)
	}
}

// TestUnauthorisedTellsTheAdmins: 48001 needs a person; the task force is
// told once a day.
func TestUnauthorisedTellsTheAdmins(t *testing.T) {
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{"admin-1"}
	m := mustRun(t, cfg, nil)
	m.Sim.Follow("admin-1")
	m.Sim.Follow("u48")
	m.Sim.InjectError("template", bot.CodeUnauthorized, 2)
	for _, key := range []string{"t1", "t2"} {
		enqueue(t, m, store.OutboxItem{Key: key, Kind: bot.PushTemplate, OpenID: "u48", TemplateID: "tpl", Fields: map[string]string{"first": "x"}})
	}
	m.Pusher.Kick()
	eventually(t, "the admin's notice", func() bool { return len(pushes(t, m, "admin-1")) == 1 })
	if p := pushes(t, m, "admin-1")[0]; !strings.Contains(p.Text, "48001") || !strings.Contains(p.Text, "模板消息") {
		t.Fatalf("notice: got %+v", p)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(pushes(t, m, "admin-1")); n != 1 {
		t.Fatalf("admin notices: got %d, want 1 a day", n)
	}
}
