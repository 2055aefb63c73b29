package main

import (
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

// At night a contact request waits for the morning, and the requester is
// told when it arrives, not that it was sent (issue 8, item 5).
func TestContactRequestAtNightSaysWhenItArrives(t *testing.T) {
	cfg := testConfig(t)
	cfg.Alerts.QuietHours = "22:00-08:00"
	night := chinaToday(22).Add(30 * time.Minute)
	w := newAlertsWorld(t, cfg, alerts.Config{Now: func() time.Time { return night }})
	o := w.post(store.KindOffer, w.seller, "变速箱电磁阀", nil)
	reply := w.say(w.buyer.Contacts[0].OpenID, "联系 "+o.No)
	if strings.Contains(reply, "已向") || !strings.Contains(reply, "现在是夜间") || !strings.Contains(reply, "08:00") {
		t.Fatalf("reply at 22:30: %s", reply)
	}
}

// A request to an owner who unfollowed is held for their next visit, the
// requester is told the truth, and following again brings the request.
func TestContactRequestToAnOwnerWhoLeftWaitsAndTheRequesterIsTold(t *testing.T) {
	w := newAlertsWorld(t, testConfig(t), alerts.Config{})
	buyer, seller := w.buyer.Contacts[0].OpenID, w.seller.Contacts[0].OpenID
	o := w.post(store.KindOffer, w.seller, "变速箱电磁阀", nil)
	at := time.Now()
	send(t, w.m, bot.ModeSafe, bot.EventXML(seller, bot.EventSubscribe, "", at))
	send(t, w.m, bot.ModeSafe, bot.EventXML(seller, bot.EventUnsubscribe, "", at.Add(time.Second)))
	w.say(buyer, "联系 "+o.No)
	told := func() bool {
		for _, p := range pushes(t, w.m, buyer) {
			if strings.Contains(p.Text, "暂时没能送达") && strings.Contains(p.Text, o.No) {
				return true
			}
		}
		return false
	}
	eventually(t, "the requester is told the request waits", told)
	for _, p := range pushes(t, w.m, seller) {
		if strings.Contains(p.Text, "联系请求") {
			t.Fatalf("a user who left got the request: %s", p.Text)
		}
	}
	send(t, w.m, bot.ModeSafe, bot.EventXML(seller, bot.EventSubscribe, "", at.Add(2*time.Second)))
	eventually(t, "following again brings the request", func() bool {
		for _, p := range pushes(t, w.m, seller) {
			if strings.Contains(p.Text, "联系请求") && strings.Contains(p.Text, o.No) {
				return true
			}
		}
		return false
	})
}
