package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// The key strings are stored in outboxes and inboxes: they never change.
func TestKeyStrings(t *testing.T) {
	exp := time.Unix(1767225600, 0)
	for _, c := range []struct {
		name string
		key  Key
		want string
	}{
		{"match alert", MatchAlertKey("d1", "o2", "u3"), "match:d1:o2:u3"},
		{"subscription alert", SubscriptionAlertKey("p1", "u3"), "sub:p1:u3"},
		{"first digest", DigestKey("u3", "20260301", 1), "digest:u3:20260301"},
		{"second digest", DigestKey("u3", "20260301", 2), "digest:u3:20260301:2"},
		{"contact request", ContactRequestKey(12), "contact:12:ask"},
		{"contact declined", ContactDeclinedKey(12), "contact:12:declined"},
		{"contact expired", ContactExpiredKey(12), "contact:12:expired"},
		{"contact exchange to requester", ContactExchangeToRequesterKey(12), "contact:12:accepted:requester"},
		{"contact exchange to owner", ContactExchangeToOwnerKey(12), "contact:12:accepted:owner"},
		{"reply follow-up", ReplyFollowUpKey("u3:123"), "reply:u3:123"},
		{"task-force notice", TaskForceNoticeKey(45009, bot.PushTemplate, "20260301", "admin-1"), "giveup:45009:template:20260301:admin-1"},
		{"expiry reminder", ExpiryReminderKey("p1", exp), "remind:p1:1767225600"},
		{"help-desk answer", HelpDeskAnswerKey("t7", 2), "helpdesk:t7:2"},
		{"broadcast chunk", BroadcastChunkKey("b9", 0), "broadcast:b9:0"},
		{"verification result", VerificationResultKey("e1", 3, "u3"), "verify:e1:3:u3"},
		{"take-down notice", TakeDownNoticeKey("p1", exp), "takedown:p1:1767225600"},
		{"restore notice", RestoreNoticeKey("p1", exp), "restore:p1:1767225600"},
		{"help-desk ticket to a member", HelpDeskTicketKey("t7", 2, "m1"), "helpdesk-ticket:t7:2:m1"},
		{"join notice", JoinNoticeKey("e1", "u4", "u3"), "join:e1:u4:u3"},
		{"colleague removed", ColleagueRemovedKey("e1", "u4", exp), "removed:e1:u4:1767225600"},
		{"dispute result", DisputeResultKey("d1", "u3"), "dispute:d1:u3"},
		{"broadcast preview", BroadcastPreviewKey("b9", "u3"), "broadcast-preview:b9:u3"},
		{"broadcast by push", BroadcastMemberKey("b9", "u3"), "broadcast-push:b9:u3"},
		{"broadcast report", BroadcastReportKey("b9", "u3"), "broadcast-report:b9:u3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.key.String(); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// fakeOutbox stores items by key like the real outbox.
type fakeOutbox struct {
	items    map[string]store.OutboxItem
	err      error     // returned by Enqueue when set
	sealedAt time.Time // SetPendingTextBefore finds items due after it
}

func (o *fakeOutbox) Enqueue(_ context.Context, it store.OutboxItem) error {
	if o.err != nil {
		return o.err
	}
	if _, ok := o.items[it.Key]; ok {
		return store.ErrConflict
	}
	o.items[it.Key] = it
	return nil
}

func (o *fakeOutbox) SetPendingTextBefore(_ context.Context, key, text string, dueAfter time.Time) error {
	it, ok := o.items[key]
	if !ok || !it.NextAt.After(dueAfter) {
		return store.ErrNotFound
	}
	it.Text = text
	o.items[key] = it
	return nil
}

func newFake() (*Notifier, *fakeOutbox, *int) {
	ob := &fakeOutbox{items: map[string]store.OutboxItem{}}
	kicks := new(int)
	return New(ob, func() { *kicks++ }), ob, kicks
}

func TestPushesAreQueuedOnceAndWakeTheWorkers(t *testing.T) {
	ctx := context.Background()
	n, ob, kicks := newFake()
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	key := ReplyFollowUpKey("k")
	if err := n.Text(ctx, key, "u1", "你好", At(at)); err != nil {
		t.Fatal(err)
	}
	if err := n.Text(ctx, key, "u1", "again"); err != nil {
		t.Fatalf("repeat key: got %v, want nil (a no-op)", err)
	}
	it := ob.items["reply:k"]
	if it.Kind != bot.PushCustom || it.OpenID != "u1" || it.Text != "你好" || !it.NextAt.Equal(at) {
		t.Fatalf("queued %+v, want the first text due at %v", it, at)
	}
	if *kicks != 1 {
		t.Fatalf("kicks %d, want 1 (the repeat queued nothing)", *kicks)
	}
	if err := n.Template(ctx, MatchAlertKey("d", "o", "u1"), "u1", Template{ID: "tpl", URL: "http://x/r/D1", Fields: map[string]string{"first": "f"}, Text: "t"}); err != nil {
		t.Fatal(err)
	}
	if it := ob.items["match:d:o:u1"]; it.Kind != bot.PushTemplate || it.TemplateID != "tpl" || it.URL != "http://x/r/D1" || it.Fields["first"] != "f" || it.Text != "t" || !it.NextAt.IsZero() {
		t.Fatalf("template queued as %+v", it)
	}
	if err := n.Mass(ctx, BroadcastChunkKey("b", 0), []string{"a", "b"}, "公告"); err != nil {
		t.Fatal(err)
	}
	if it := ob.items["broadcast:b:0"]; it.Kind != bot.PushMass || len(it.OpenIDs) != 2 || it.Text != "公告" {
		t.Fatalf("mass queued as %+v", it)
	}
	if err := n.Text(ctx, Key{}, "u1", "x"); err == nil {
		t.Fatal("zero key: got nil, want an error")
	}
	ob.err = errors.New("store down")
	if err := n.Text(ctx, ReplyFollowUpKey("k2"), "u1", "x"); err == nil || !strings.Contains(err.Error(), "reply:k2") || !errors.Is(err, ob.err) {
		t.Fatalf("store error: got %v, want it wrapped with the key", err)
	}
}

func TestReviseRewritesUntilSealed(t *testing.T) {
	ctx := context.Background()
	n, ob, _ := newFake()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	key := DigestKey("u1", "20260301", 1)
	if err := n.Revise(ctx, key, "u1", "1 条", now.Add(time.Hour), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := n.Revise(ctx, key, "u1", "2 条", now.Add(3*time.Hour), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if it := ob.items[key.String()]; it.Text != "2 条" || !it.NextAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("revised %+v, want the new text at the first due time", it)
	}
	if err := n.Revise(ctx, key, "u1", "3 条", now, now.Add(2*time.Hour)); !errors.Is(err, ErrSealed) {
		t.Fatalf("due within the seal: got %v, want ErrSealed", err)
	}
}

func TestQuietHours(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, cst) }
	night := QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	early := QuietHours{From: 0, To: 7 * time.Hour}
	for _, c := range []struct {
		name string
		q    QuietHours
		now  time.Time
		want time.Time
		held bool
	}{
		{"day", night, at(10, 0), at(10, 0), false},
		{"evening", night, at(22, 30), at(8, 0).AddDate(0, 0, 1), true},
		{"after midnight", night, at(3, 0), at(8, 0), true},
		{"eight sharp", night, at(8, 0), at(8, 0), false},
		{"not wrapping, inside", early, at(6, 59), at(7, 0), true},
		{"not wrapping, outside", early, at(7, 0), at(7, 0), false},
		{"off", QuietHours{From: 22 * time.Hour, To: 8 * time.Hour, Off: true}, at(23, 0), at(23, 0), false},
		{"empty", QuietHours{}, at(23, 0), at(23, 0), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, held := c.q.DeliverAt(c.now)
			if !got.Equal(c.want) || held != c.held {
				t.Fatalf("got %v %v, want %v %v", got, held, c.want, c.held)
			}
			var it store.OutboxItem
			c.q.Hold(c.now)(&it)
			if c.held != !it.NextAt.IsZero() || c.held && !it.NextAt.Equal(c.want) {
				t.Fatalf("Hold set next_at %v, want %v (held %v)", it.NextAt, c.want, c.held)
			}
		})
	}
}

func TestGiveUpNoticesTellTheTaskForceOnceADay(t *testing.T) {
	ctx := context.Background()
	n, ob, _ := newFake()
	now := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC) // 2 March, China time
	g := &GiveUpNotices{Notifier: n, Admins: []string{"a1", "a2"}, Now: func() time.Time { return now }}
	for _, c := range []struct {
		name   string
		code   int
		kind   string
		notice string // the text's telling part; empty: nobody is told
	}{
		{"daily quota", bot.CodeDailyQuota, bot.PushTemplate, "模板消息接口今日额度已用完（45009）"},
		{"unauthorised", bot.CodeUnauthorized, bot.PushMass, "群发接口无权限（48001）"},
		{"user refused", bot.CodeUserRefused, bot.PushCustom, "有用户拒收客服消息（43101）"},
		{"not subscribed", bot.CodeNotSubscribed, bot.PushCustom, ""},
		{"outside the window", bot.CodeOutsideWindow, bot.PushCustom, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(ob.items)
			g.PushGivenUp(ctx, bot.Push{Key: "k", Kind: c.kind}, c.code)
			g.PushGivenUp(ctx, bot.Push{Key: "k2", Kind: c.kind}, c.code) // the same day: once
			if c.notice == "" {
				if len(ob.items) != before {
					t.Fatalf("queued %d notices, want none", len(ob.items)-before)
				}
				return
			}
			if len(ob.items) != before+2 {
				t.Fatalf("queued %d notices, want one per admin", len(ob.items)-before)
			}
			for _, admin := range g.Admins {
				key := TaskForceNoticeKey(c.code, c.kind, "20260302", admin).String()
				it, ok := ob.items[key]
				if !ok || it.OpenID != admin || !strings.HasPrefix(it.Text, "【系统提醒】") || !strings.Contains(it.Text, c.notice) {
					t.Fatalf("notice %s: %+v, want one to %s saying %q", key, it, admin, c.notice)
				}
			}
		})
	}
}
