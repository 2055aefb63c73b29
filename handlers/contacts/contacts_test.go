package contacts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/contacts"
	"supplybot/handlers/notify"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// outbox records the queued items by key.
type outbox struct{ items map[string]store.OutboxItem }

func (o *outbox) Enqueue(_ context.Context, it store.OutboxItem) error {
	if _, ok := o.items[it.Key]; ok {
		return store.ErrConflict
	}
	o.items[it.Key] = it
	return nil
}

func (o *outbox) SetPendingTextBefore(context.Context, string, string, time.Time) error {
	return store.ErrNotFound
}

// A request made in the quiet hours reaches the owner at their end; the
// answer and the expiry of another request reach the requesters at once,
// each under the key of its request.
func TestContactPushesAndTheirKeys(t *testing.T) {
	ctx := context.Background()
	mg := storetest.Mongo(t)
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 3, 1, 23, 0, 0, 0, cst)
	ob := &outbox{items: map[string]store.OutboxItem{}}
	s := contacts.New(contacts.Config{Quiet: notify.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}, Now: func() time.Time { return now }},
		contacts.Deps{Mongo: mg, Notify: notify.New(ob, nil)})
	r := bot.NewRouter(nil)
	cs := &bot.Commands{}
	cs.Add(s.Commands()...)
	r.Commands(cs)
	var msgID int64
	send := func(openid, text string) string {
		t.Helper()
		msgID++
		rep, err := r.Handle(ctx, &bot.Message{OpenID: openid, Type: bot.TypeText, Text: text, MsgID: msgID, CreateTime: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Text
	}
	ent := func(name, openid, person, mobile string) store.Enterprise {
		e := store.Enterprise{Name: name, Role: store.RoleParts, Contacts: []store.Contact{{OpenID: openid, Name: person, Mobile: mobile}}}
		if err := mg.Enterprises().Create(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	owner := ent("重庆青山工业有限公司", "owner", "李娜", "13900000002")
	ent("重庆长安汽车股份有限公司", "buyer", "王强", "13800000001")
	ent("成都某某电子有限公司", "late", "赵六", "13700000003")
	p := store.Post{Kind: store.KindOffer, Product: "变速箱电磁阀", OpenID: "owner", EnterpriseID: owner.ID, ExpiresAt: now.Add(30 * 24 * time.Hour)}
	if err := mg.Offers().Create(ctx, &p); err != nil {
		t.Fatal(err)
	}

	if got := send("buyer", "联系 "+p.No); !strings.Contains(got, "已向 "+p.No+" 的发布方发送联系请求（编号 1）") {
		t.Fatalf("联系: %q", got)
	}
	ask, ok := ob.items["contact:1:ask"]
	if !ok || ask.OpenID != "owner" || !strings.Contains(ask.Text, "回复 同意 1 或 拒绝 1") || strings.Contains(ask.Text, "13800000001") {
		t.Fatalf("request to the owner: %+v", ask)
	}
	if want := time.Date(2026, 3, 2, 8, 0, 0, 0, cst); !ask.NextAt.Equal(want) {
		t.Errorf("request due %v, want the end of the quiet hours %v", ask.NextAt, want)
	}
	if got := send("late", "联系 "+p.No); !strings.Contains(got, "编号 2") {
		t.Fatalf("second 联系: %q", got)
	}

	if got := send("owner", "同意 1"); !strings.Contains(got, "已同意请求 1") {
		t.Fatalf("同意 1: %q", got)
	}
	toBuyer, toOwner := ob.items["contact:1:accepted:requester"], ob.items["contact:1:accepted:owner"]
	if toBuyer.OpenID != "buyer" || !strings.Contains(toBuyer.Text, "13900000002") || !toBuyer.NextAt.IsZero() {
		t.Errorf("owner's contact to the requester: %+v", toBuyer)
	}
	if toOwner.OpenID != "owner" || !strings.Contains(toOwner.Text, "13800000001") {
		t.Errorf("requester's contact to the owner: %+v", toOwner)
	}

	if err := s.ExpireDue(ctx, now.Add(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if it := ob.items["contact:2:expired"]; it.OpenID != "late" || !strings.Contains(it.Text, "已失效") {
		t.Errorf("expiry notice: %+v", it)
	}
	n := len(ob.items)
	if err := s.FinishOwed(ctx, now.Add(9*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(ob.items) != n {
		t.Errorf("FinishOwed queued %d more, want none (everything was told)", len(ob.items)-n)
	}
}
