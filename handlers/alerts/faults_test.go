package alerts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/store"
)

// errInjected stands for a process that died, or a store that failed, at
// the injected point.
var errInjected = errors.New("injected failure")

// faultOutbox is the recording outbox with injected failures and delays.
type faultOutbox struct {
	*recOutbox
	mu     sync.Mutex
	faults []fault
	delay  func(key string) time.Duration
	failed error // the last error a handler returned
}

// fault fails the next Enqueue of a key with the suffix: before the write
// (nothing stored, as when the process dies first) or after it (stored, but
// the caller sees an error, as when it dies right after).
type fault struct {
	suffix string
	after  bool
}

func (o *faultOutbox) failNext(suffix string, after bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = append(o.faults, fault{suffix, after})
}

func (o *faultOutbox) take(key string) (fault, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, f := range o.faults {
		if strings.HasSuffix(key, f.suffix) {
			o.faults = append(o.faults[:i], o.faults[i+1:]...)
			return f, true
		}
	}
	return fault{}, false
}

func (o *faultOutbox) Enqueue(ctx context.Context, it store.OutboxItem) error {
	if o.delay != nil {
		time.Sleep(o.delay(it.Key))
	}
	f, ok := o.take(it.Key)
	if ok && !f.after {
		return errInjected
	}
	err := o.recOutbox.Enqueue(ctx, it)
	if ok && err == nil {
		return errInjected
	}
	return err
}

// newFaultEnv is newEnv with a faultOutbox between the service and the
// recording outbox.
func newFaultEnv(t *testing.T, cfg alerts.Config) (*env, *faultOutbox) {
	t.Helper()
	var fo *faultOutbox
	e := startEnv(t, cfg, func(rec *recOutbox) alerts.Outbox {
		fo = &faultOutbox{recOutbox: rec}
		return fo
	})
	e.r.OnError = func(_ context.Context, _ *bot.Message, err error) bot.Reply {
		fo.mu.Lock()
		fo.failed = err
		fo.mu.Unlock()
		return bot.Text("系统有点忙，请稍后再试。")
	}
	return e, fo
}

// sendErr routes a text message whose handler is expected to fail with
// the injected error.
func (o *faultOutbox) sendErr(e *env, openid, text string) {
	e.t.Helper()
	o.mu.Lock()
	o.failed = nil
	o.mu.Unlock()
	e.send(openid, text)
	o.mu.Lock()
	defer o.mu.Unlock()
	if !errors.Is(o.failed, errInjected) {
		e.t.Fatalf("%s from %s: got error %v, want the injected failure", text, openid, o.failed)
	}
}

// stored counts the items for openid in the outbox itself, whatever the
// recorder saw.
func (e *env) stored(keys ...string) int {
	e.t.Helper()
	n := 0
	for _, k := range keys {
		if _, err := e.mongo.Outbox().Get(context.Background(), k); err == nil {
			n++
		} else if !errors.Is(err, store.ErrNotFound) {
			e.t.Fatal(err)
		}
	}
	return n
}

func TestContactRequestRetriedAfterTheAskWasLost(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after bool
	}{
		{"died before the outbox write", false},
		{"died after the outbox write", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, fo := newFaultEnv(t, alerts.Config{})
			buyer, _ := e.buyerSeller()
			d := e.post(store.KindDemand, buyer, demandText)

			fo.failNext(":ask", tc.after)
			fo.sendErr(e, "seller", "联系 "+d.No)

			// The requester tries again: the owner is asked now (once), and
			// the requester is told so, not "already asked, waiting".
			reply := e.send("seller", "联系 "+d.No)
			contains(t, "retry", reply, "已向 "+d.No, "联系请求")
			lacks(t, "retry", reply, "已请求过")
			if n := len(e.out.to("buyer")); n != 1 {
				t.Fatalf("owner asks: got %d, want 1", n)
			}
			contains(t, "ask", e.out.to("buyer")[0].Text, "联系请求", d.No, "重庆青山工业有限公司")
			// From now on it is a repeat.
			contains(t, "third try", e.send("seller", "联系 "+d.No), "已请求过", "等待对方回复")
			if n := len(e.out.to("buyer")); n != 1 {
				t.Fatalf("owner asks after a repeat: got %d, want 1", n)
			}
			contains(t, "同意", e.send("buyer", "同意"), "已同意")
		})
	}
}

func TestContactConsentRetriedAfterTheExchangeWasLost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		suffix string
		after  bool
	}{
		{"first message not written", ":accepted:requester", false},
		{"second message not written", ":accepted:owner", false},
		{"died after writing both", ":accepted:owner", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, fo := newFaultEnv(t, alerts.Config{})
			buyer, _ := e.buyerSeller()
			d := e.post(store.KindDemand, buyer, demandText)
			e.send("seller", "联系 "+d.No)
			q, err := e.mongo.ContactRequests().Get(context.Background(), "seller", d.ID)
			if err != nil {
				t.Fatal(err)
			}
			no := itoa(q.No)

			fo.failNext(tc.suffix, tc.after)
			fo.sendErr(e, "buyer", "同意")

			// The owner says it again: both sides get the contacts, once.
			contains(t, "second 同意", e.send("buyer", "同意"), "已同意请求 "+no, "联系人和电话")
			keys := []string{"contact:" + no + ":accepted:requester", "contact:" + no + ":accepted:owner"}
			if n := e.stored(keys...); n != 2 {
				t.Fatalf("exchange messages stored: got %d, want 2", n)
			}
			toSeller := e.out.to("seller")
			if len(toSeller) != 1 {
				t.Fatalf("requester pushes: got %d, want 1", len(toSeller))
			}
			contains(t, "to requester", toSeller[0].Text, "王强", "13800000001")
			// Done now: nothing left to answer, nothing sent again.
			contains(t, "third 同意", e.send("buyer", "同意"), "没有待处理")
			contains(t, "同意 n", e.send("buyer", "同意 "+no), "没有待处理")
			if n := len(e.out.to("seller")) + len(e.out.to("buyer")); n != 3 {
				t.Fatalf("pushes in all: got %d, want ask + two contacts", n)
			}
		})
	}
}

func TestContactConsentFinishedWhenTheRequesterAsksAgain(t *testing.T) {
	e, fo := newFaultEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	e.send("seller", "联系 "+d.No)
	fo.failNext(":accepted:requester", false)
	fo.sendErr(e, "buyer", "同意")

	contains(t, "requester again", e.send("seller", "联系 "+d.No), "已请求过", "对方已同意")
	toSeller := e.out.to("seller")
	if len(toSeller) != 1 {
		t.Fatalf("requester pushes: got %d, want the owner's contact", len(toSeller))
	}
	contains(t, "to requester", toSeller[0].Text, "王强", "13800000001")
}

func TestContactDeclineRetriedAfterTheNoticeWasLost(t *testing.T) {
	e, fo := newFaultEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	e.send("seller", "联系 "+d.No)
	fo.failNext(":declined", false)
	fo.sendErr(e, "buyer", "拒绝")

	contains(t, "second 拒绝", e.send("buyer", "拒绝"), "已婉拒")
	if got := e.out.to("seller"); len(got) != 1 || !strings.Contains(got[0].Text, "很抱歉") {
		t.Fatalf("requester after decline: got %+v", got)
	}
	contains(t, "third 拒绝", e.send("buyer", "拒绝"), "没有待处理")
	// A 同意 after a 拒绝 does not turn it into a consent.
	contains(t, "同意 after 拒绝", e.send("buyer", "同意"), "没有待处理")
	if n := len(e.out.to("seller")); n != 1 {
		t.Fatalf("requester pushes: got %d, want 1", n)
	}
}

func TestContactSweepFinishesWhatACrashLeft(t *testing.T) {
	e, fo := newFaultEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	third := e.enterprise("成都丙电子有限公司", store.RoleElectronics, "third", "陈八", "13300000008", "成都高新", false)
	_ = third
	d1 := e.post(store.KindDemand, buyer, demandText)
	d2 := e.post(store.KindDemand, buyer, "求购 汽车线束 2000套 重庆渝北")

	// seller's request to d1 is accepted, but the exchange is lost; third's
	// request to d2 never reached the owner.
	e.send("seller", "联系 "+d1.No)
	fo.failNext(":accepted:owner", false)
	fo.sendErr(e, "buyer", "同意")
	fo.failNext(":ask", false)
	fo.sendErr(e, "third", "联系 "+d2.No)
	asks := len(e.out.to("buyer"))

	// Within the grace a sweep leaves them to the commands in flight.
	if err := alerts.FinishContacts(e.svc, context.Background(), e.clock()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.out.to("buyer")); n != asks {
		t.Fatalf("owner pushes after an early sweep: got %d, want %d", n, asks)
	}
	later := e.clock().Add(5 * time.Minute)
	for range 2 {
		if err := alerts.FinishContacts(e.svc, context.Background(), later); err != nil {
			t.Fatal(err)
		}
	}
	toBuyer := e.out.to("buyer")
	if len(toBuyer) != asks+2 {
		t.Fatalf("owner pushes after the sweep: got %d, want %d (the requester's contact and the ask)", len(toBuyer), asks+2)
	}
	contains(t, "contact to owner", toBuyer[asks].Text+toBuyer[asks+1].Text, "李娜", "13900000002", d2.No, "成都丙电子有限公司")
	if n := len(e.out.to("seller")); n != 1 {
		t.Fatalf("requester pushes: got %d, want the owner's contact", n)
	}
	q, _ := e.mongo.ContactRequests().Get(context.Background(), "third", d2.ID)
	contains(t, "同意 the late ask", e.send("buyer", "同意 "+itoa(q.No)), "已同意请求 "+itoa(q.No))
}

// The sweep expires a request and then tells its requester; when it dies
// in between, FinishContacts tells them.
func TestContactExpiryNoticeFinished(t *testing.T) {
	e, _ := newFaultEnv(t, alerts.Config{})
	buyer, _ := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	e.send("seller", "联系 "+d.No)
	e.setNow(e.clock().Add(7*24*time.Hour + time.Minute))
	if _, err := e.mongo.ContactRequests().ExpireDue(context.Background(), e.clock()); err != nil {
		t.Fatal(err)
	}
	e.setNow(e.clock().Add(5 * time.Minute))
	for range 2 {
		if err := alerts.FinishContacts(e.svc, context.Background(), e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	got := e.out.to("seller")
	if len(got) != 1 || !strings.Contains(got[0].Text, "已失效") || !strings.Contains(got[0].Text, d.No) {
		t.Fatalf("requester after expiry: got %+v, want one notice", got)
	}
	contains(t, "ask again", e.send("seller", "联系 "+d.No), "已请求过", "已过期")
	if n := len(e.out.to("seller")); n != 1 {
		t.Fatalf("requester pushes: got %d, want 1", n)
	}
}
