package alerts_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/handlers/alerts"
	"supplybot/store"
)

// A pair processed by several workers at once (the same record twice, or
// the demand and the offer saved together) alerts each side once and takes
// one of its daily slots; at the cap it is never both pushed and digested.
func TestPairProcessedConcurrentlyAlertsOnce(t *testing.T) {
	for _, dailyCap := range []int{1, 5} {
		t.Run("cap "+itoa(int64(dailyCap)), func(t *testing.T) {
			e, fo := newFaultEnv(t, alerts.Config{DailyCap: dailyCap})
			// Slow pushes keep the racing workers side by side.
			fo.delay = func(key string) time.Duration {
				if strings.HasPrefix(key, "match:") {
					return 200 * time.Millisecond
				}
				return 0
			}
			buyer, seller := e.buyerSeller()
			o := e.post(store.KindOffer, seller, offerText)
			e.saved(o) // no counterpart yet
			d := e.post(store.KindDemand, buyer, demandText)

			var wg sync.WaitGroup
			for _, p := range []store.Post{d, d, o, d} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := e.svc.MatchNow(context.Background(), p); err != nil {
						t.Errorf("match %s: %v", p.No, err)
					}
				}()
			}
			wg.Wait()

			day := e.clock().In(cst).Format("20060102")
			for _, who := range []string{"buyer", "seller"} {
				var pushes, digests int
				for _, it := range e.out.to(who) {
					if strings.HasPrefix(it.Key, "digest:") {
						digests++
					} else {
						pushes++
					}
				}
				if pushes != 1 || digests != 0 {
					t.Errorf("%s: got %d pushes and %d digests, want one push", who, pushes, digests)
				}
				if n, err := e.mongo.Alerts().SlotsTaken(context.Background(), who, day); err != nil || n != 1 {
					t.Errorf("%s slots taken: got %d (%v), want 1", who, n, err)
				}
			}
			if got := strings.Count(e.send("buyer", "我的匹配"), "对应您的"); got != 1 {
				t.Errorf("我的匹配 entries: got %d, want 1", got)
			}
		})
	}
}

// An alert whose worker died after claiming it is finished when its pair is
// matched again (by a retry or the catch-up), once it is old enough that
// no live worker still holds it.
func TestAlertClaimedByADeadWorkerIsFinished(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	d := e.post(store.KindDemand, buyer, demandText)
	day := e.clock().In(cst).Format("20060102")
	key := "match:" + d.ID + ":" + o.ID + ":buyer"
	// The dead worker's claim, as alert would have written it.
	claim := store.Alert{Key: key, OpenID: "buyer", Kind: "match", MyNo: d.No, RecordID: o.ID, RecordNo: o.No,
		Day: day, DeliverAt: e.clock().UTC(), CreatedAt: e.clock().UTC(), Pending: true}
	if err := e.mongo.Alerts().Add(context.Background(), claim); err != nil {
		t.Fatal(err)
	}

	e.saved(d) // at once: the claim may be live, so it is left alone
	if n := len(e.out.to("buyer")); n != 0 {
		t.Fatalf("buyer pushes while the claim is fresh: got %d, want 0", n)
	}
	if n := len(e.out.to("seller")); n != 1 {
		t.Fatalf("seller pushes: got %d, want 1", n)
	}
	e.setNow(e.clock().Add(5 * time.Minute))
	e.saved(d)
	e.saved(o)
	if got := e.out.to("buyer"); len(got) != 1 || got[0].Key != key {
		t.Fatalf("buyer pushes after the claim went stale: got %+v, want the alert", got)
	}
	if n, _ := e.mongo.Alerts().SlotsTaken(context.Background(), "buyer", day); n != 1 {
		t.Errorf("buyer slots: got %d, want 1", n)
	}
	a, err := e.mongo.Alerts().Get(context.Background(), key)
	if err != nil || a.Pending || a.Delivery != store.DeliveryPush {
		t.Fatalf("alert: got %+v, %v, want a settled push", a, err)
	}
}

// Alerts over the cap that come after the day's digest went out are sent
// in a follow-up digest, which lists only them.
func TestOverCapAfterTheDigestWentOut(t *testing.T) {
	e := newEnv(t, alerts.Config{DailyCap: 1})
	buyer, _ := e.buyerSeller()
	o1, o2 := e.supplier("甲"), e.supplier("乙")
	d := e.post(store.KindDemand, buyer, demandText)
	e.saved(d) // one pushed, the other in the digest due at 21:00

	c := e.clock().In(cst)
	day := c.Format("20060102")
	at := func(h, m int) time.Time { return time.Date(c.Year(), c.Month(), c.Day(), h, m, 0, 0, cst) }
	first := "digest:buyer:" + day
	// A worker sends everything due at 21:00, the digest among it.
	ob := e.mongo.Outbox()
	leased, err := ob.Lease(context.Background(), "w", 50, time.Minute, at(21, 0))
	if err != nil {
		t.Fatal(err)
	}
	sent := false
	for _, it := range leased {
		sent = sent || it.Key == first
		if err := ob.Complete(context.Background(), it.Key, "w", at(21, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if !sent {
		t.Fatalf("leased at 21:00: got %d items without %s", len(leased), first)
	}

	e.setNow(at(21, 30))
	o3 := e.supplier("丙")
	var follow []store.OutboxItem
	for _, it := range e.out.to("buyer") {
		if strings.HasPrefix(it.Key, "digest:") && it.Key != first {
			follow = append(follow, it)
		}
	}
	if len(follow) != 1 {
		t.Fatalf("follow-up digests: got %d, want 1 (buyer got %+v)", len(follow), e.out.to("buyer"))
	}
	stored, err := ob.Get(context.Background(), follow[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "follow-up", stored.Text, "另有 1 条", o3.No, "我的匹配")
	lacks(t, "follow-up", stored.Text, o1.No, o2.No)
	if !stored.NextAt.After(at(21, 30)) {
		t.Errorf("follow-up due %v, want after 21:30", stored.NextAt.In(cst))
	}
	if s1, _ := ob.Get(context.Background(), first); strings.Contains(s1.Text, o3.No) {
		t.Errorf("the sent digest was rewritten: %q", s1.Text)
	}
}

// A digest about to go out is not rewritten (a worker may be reading it
// already): what comes in the last minute goes to the next one.
func TestDigestDueWithinAMinuteIsNotRewritten(t *testing.T) {
	e := newEnv(t, alerts.Config{DailyCap: 1})
	buyer, _ := e.buyerSeller()
	o1, o2 := e.supplier("甲"), e.supplier("乙")
	e.saved(e.post(store.KindDemand, buyer, demandText))
	c := e.clock().In(cst)
	e.setNow(time.Date(c.Year(), c.Month(), c.Day(), 20, 59, 30, 0, cst))
	o3 := e.supplier("丙")

	first := "digest:buyer:" + c.Format("20060102")
	s1, err := e.mongo.Outbox().Get(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "due digest", s1.Text, "另有 1 条")
	if !strings.Contains(s1.Text, o1.No) && !strings.Contains(s1.Text, o2.No) {
		t.Errorf("due digest: %q lists neither %s nor %s", s1.Text, o1.No, o2.No)
	}
	lacks(t, "due digest", s1.Text, o3.No)
	var texts []string
	for _, it := range e.out.to("buyer") {
		if strings.HasPrefix(it.Key, "digest:") && it.Key != first {
			stored, _ := e.mongo.Outbox().Get(context.Background(), it.Key)
			texts = append(texts, stored.Text)
		}
	}
	if len(texts) != 1 || !strings.Contains(texts[0], o3.No) {
		t.Fatalf("next digest: got %q, want one listing %s", texts, o3.No)
	}
}

// supplier registers 重庆<name>机电有限公司 (openid s<name>) and saves its
// offer of offerText, matched at once.
func (e *env) supplier(name string) store.Post {
	e.t.Helper()
	s := e.enterprise("重庆"+name+"机电有限公司", store.RoleParts, "s"+name, "张"+name, "13700000000", "重庆江津", false)
	o := e.post(store.KindOffer, s, offerText)
	e.saved(o)
	return o
}

// kill -9 right after an alert was claimed: the catch-up does not settle
// the record while the claim is young (it may be live), and comes back to
// deliver it once the claim is stale. (Before the fix the first catch-up
// settled the record and the alert stayed pending for good.)
func TestAlertClaimLeftByAKillIsDeliveredByALaterCatchUp(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	d := e.post(store.KindDemand, buyer, demandText) // owed; the process dies…
	day := e.clock().In(cst).Format("20060102")
	key := matchKey(d, o, "buyer")
	claim := store.Alert{Key: key, OpenID: "buyer", Kind: "match", MyNo: d.No, RecordID: o.ID, RecordNo: o.No,
		Day: day, DeliverAt: e.clock().UTC(), CreatedAt: e.clock().UTC(), Pending: true}
	if err := e.mongo.Alerts().Add(context.Background(), claim); err != nil { // …after claiming the buyer's alert
		t.Fatal(err)
	}
	ctx := context.Background()
	restarted := e.instance(alerts.Config{MatchGrace: -1}, nil)
	e.setNow(e.clock().Add(31 * time.Second))
	if err := restarted.RunOnce(ctx, e.clock()); err != nil {
		t.Fatal(err)
	}
	e.wantAlerted("buyer")
	if n := e.owed(store.KindDemand); n != 1 {
		t.Fatalf("owed demands while the claim is young: got %d, want 1", n)
	}
	for range 6 { // many catch-ups later it has not stepped aside
		e.setNow(e.clock().Add(15 * time.Second))
		if err := restarted.RunOnce(ctx, e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	e.wantAlerted("buyer", key)
	e.wantAlerted("seller", matchKey(d, o, "seller"))
	if n := e.owed(store.KindDemand); n != 0 {
		t.Errorf("owed demands at the end: got %d, want 0", n)
	}
}
