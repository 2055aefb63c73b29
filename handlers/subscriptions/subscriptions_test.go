package subscriptions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/subscriptions"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Fitting names each subscriber a record fits once, by the first
// subscription that fits, and leaves out the record's own enterprise
// (also a subscriber who joined it later) and whoever was told already.
func TestFitting(t *testing.T) {
	ctx := context.Background()
	mg := storetest.Mongo(t)
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	s := subscriptions.New(subscriptions.Config{}, subscriptions.Deps{Mongo: mg, Parser: p})
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
	maker := store.Enterprise{Name: "重庆戴卡轮毂有限公司", Role: store.RoleParts,
		Contacts: []store.Contact{{OpenID: "maker", Name: "周七", Mobile: "13500000005"}}}
	if err := mg.Enterprises().Create(ctx, &maker); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ openid, text string }{
		{"fan", "订阅 轮毂 重庆"},
		{"fan", "订阅 轮毂"}, // fits too: the fan is told once, of the first
		{"told", "订阅 轮毂"},
		{"maker", "订阅 轮毂"},  // the record's own enterprise
		{"joiner", "订阅 轮毂"}, // joins the maker below
		{"other", "订阅 线束"},  // does not fit
	} {
		if got := send(c.openid, c.text); !strings.Contains(got, "已订阅") {
			t.Fatalf("%s %q: %q", c.openid, c.text, got)
		}
	}
	if err := mg.Enterprises().AddContact(ctx, maker.ID, store.Contact{OpenID: "joiner", Name: "新人"}); err != nil {
		t.Fatal(err)
	}
	post := store.Post{Kind: store.KindOffer, Product: "铝合金轮毂", Keywords: p.Synonyms("铝合金轮毂"), EnterpriseID: maker.ID,
		Region: store.Region{Province: "重庆市", City: "重庆市", District: "綦江区"}}
	got, err := s.Fitting(ctx, &post, func(openid string) bool { return openid == "told" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].OpenID != "fan" || got[0].Desc != "轮毂 · 重庆" {
		t.Fatalf("fitting: got %+v, want only the fan, by 轮毂 · 重庆", got)
	}
}
