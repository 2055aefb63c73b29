package alerts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/handlers/alerts"
	"supplybot/store"
)

// instance starts another bot instance on e's MongoDB, queueing into out
// (e.out when nil), with e's clock. It is shut down when the test ends.
func (e *env) instance(cfg alerts.Config, out alerts.Outbox) *alerts.Service {
	e.t.Helper()
	if out == nil {
		out = e.out
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = -1
	}
	cfg.Now = func() time.Time { return *e.now.Load() }
	s := alerts.New(cfg, alerts.Deps{Mongo: e.mongo, Outbox: out, Parser: parser, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := s.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s
}

// alertKeys lists the keys of the pushes queued to openid, and fails the
// test when one was queued twice.
func (e *env) alertKeys(openid string) []string {
	e.t.Helper()
	var keys []string
	seen := map[string]bool{}
	for _, it := range e.out.to(openid) {
		if seen[it.Key] {
			e.t.Errorf("%s got %s twice", openid, it.Key)
		}
		seen[it.Key] = true
		keys = append(keys, it.Key)
	}
	return keys
}

func matchKey(d, o store.Post, openid string) string {
	return "match:" + d.ID + ":" + o.ID + ":" + openid
}

// wantAlerted fails unless openid got exactly the pushes keys.
func (e *env) wantAlerted(openid string, keys ...string) {
	e.t.Helper()
	got := e.alertKeys(openid)
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	for _, k := range got {
		if !want[k] {
			e.t.Errorf("%s got %s, want only %v", openid, k, keys)
		}
		delete(want, k)
	}
	for k := range want {
		e.t.Errorf("%s did not get %s (got %v)", openid, k, got)
	}
}

// eventually polls cond until it holds, failing after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) owed(kind string) int {
	e.t.Helper()
	owed, err := e.mongo.Posts(kind).MatchOwed(context.Background(), time.Now().Add(time.Second), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(owed)
}

// A demand saved on instance A and an offer saved on instance B, each
// matched against an engine without the other, meet when the instances
// learn each other's records; both may store the pair, nobody is alerted
// twice. (Before the fix the sync only loaded the records and the pair was
// never matched.)
func TestTwoInstancesMeetAtSync(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	b := e.instance(alerts.Config{}, nil)
	buyer, seller := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	if err := e.svc.MatchNow(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	o := e.post(store.KindOffer, seller, offerText)
	if err := b.MatchNow(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.mongo.Matches().Count(context.Background()); n != 0 {
		t.Fatalf("matched before either instance learned the other's record: %d pairs", n)
	}
	for range 2 {
		for _, s := range []*alerts.Service{e.svc, b} {
			if err := s.RunOnce(context.Background(), e.clock()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.mongo.Matches().Get(context.Background(), d.ID, o.ID); err != nil {
		t.Fatalf("pair saved on two instances: %v", err)
	}
	e.wantAlerted("buyer", matchKey(d, o, "buyer"))
	e.wantAlerted("seller", matchKey(d, o, "seller"))
	if n := e.owed(store.KindDemand) + e.owed(store.KindOffer); n != 0 {
		t.Errorf("%d records still owe their matching", n)
	}
}

// Without anyone calling RunOnce, the background catch-up (every
// SyncEvery, well inside the 10-minute lifecycle sweep) brings the pair
// together.
func TestTwoInstancesMeetInBackground(t *testing.T) {
	cfg := alerts.Config{SweepEvery: time.Hour, SyncEvery: 20 * time.Millisecond}
	e := newEnv(t, cfg)
	b := e.instance(cfg, nil)
	buyer, seller := e.buyerSeller()
	d := e.post(store.KindDemand, buyer, demandText)
	e.svc.PostSaved(context.Background(), d)
	o := e.post(store.KindOffer, seller, offerText)
	b.PostSaved(context.Background(), o)
	eventually(t, "both sides alerted", func() bool { return len(e.out.to("buyer")) > 0 && len(e.out.to("seller")) > 0 })
	eventually(t, "both instances hold both records", func() bool {
		for _, s := range []*alerts.Service{e.svc, b} {
			for _, id := range []string{d.ID, o.ID} {
				if !s.Engine().Has(id) {
					return false
				}
			}
		}
		return true
	})
	eventually(t, "nothing owed", func() bool { return e.owed(store.KindDemand)+e.owed(store.KindOffer) == 0 })
	e.wantAlerted("buyer", matchKey(d, o, "buyer"))
	e.wantAlerted("seller", matchKey(d, o, "seller"))
}

// A record saved with its matching owed, whose process was killed before
// the matching ran, is matched and alerted by the next instance's
// catch-up, once its save is older than the grace period, and only once.
func TestOwedMatchingAfterCrash(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	d := e.post(store.KindDemand, buyer, demandText) // then kill -9: never matched
	ctx := context.Background()

	// Within the grace period the save's own matching may be under way.
	young := e.instance(alerts.Config{}, nil)
	if err := young.RunOnce(ctx, e.clock()); err != nil {
		t.Fatal(err)
	}
	e.wantAlerted("buyer")
	if e.owed(store.KindDemand) != 1 {
		t.Fatalf("owed demands: got %d, want 1", e.owed(store.KindDemand))
	}

	restarted := e.instance(alerts.Config{MatchGrace: -1}, nil)
	for range 2 {
		if err := restarted.RunOnce(ctx, e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	e.wantAlerted("buyer", matchKey(d, o, "buyer"))
	e.wantAlerted("seller", matchKey(d, o, "seller"))
	if n := e.owed(store.KindDemand); n != 0 {
		t.Errorf("owed demands after the catch-up: got %d, want 0", n)
	}
}

// Start catches up at once: the owed matching needs no sweep.
func TestOwedMatchingAtStart(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	d := e.post(store.KindDemand, buyer, demandText) // never matched
	e.instance(alerts.Config{SweepEvery: time.Hour, SyncEvery: time.Hour, MatchGrace: -1}, nil)
	eventually(t, "the owed demand matched", func() bool { return e.owed(store.KindDemand) == 0 })
	e.wantAlerted("buyer", matchKey(d, o, "buyer"))
	e.wantAlerted("seller", matchKey(d, o, "seller"))
}

// failingOutbox refuses the first fail enqueues, as a store error would.
type failingOutbox struct {
	alerts.Outbox
	fail atomic.Int32
}

func (f *failingOutbox) Enqueue(ctx context.Context, it store.OutboxItem) error {
	if f.fail.Add(-1) >= 0 {
		return errors.New("injected: outbox unavailable")
	}
	return f.Outbox.Enqueue(ctx, it)
}

// A matching that failed on a store error is not lost: the record still
// owes it and the catch-up completes it, telling nobody twice.
func TestFailedMatchingIsRetried(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	out := &failingOutbox{Outbox: e.out}
	out.fail.Store(1)
	s := e.instance(alerts.Config{MatchGrace: -1}, out)
	d := e.post(store.KindDemand, buyer, demandText)
	if err := s.MatchNow(context.Background(), d); err == nil {
		t.Fatal("matching with the outbox down: got no error")
	}
	if n := e.owed(store.KindDemand); n != 1 {
		t.Fatalf("owed demands after the failure: got %d, want 1", n)
	}
	for range 2 {
		if err := s.RunOnce(context.Background(), e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	e.wantAlerted("buyer", matchKey(d, o, "buyer"))
	e.wantAlerted("seller", matchKey(d, o, "seller"))
	if n := e.owed(store.KindDemand); n != 0 {
		t.Errorf("owed demands after the catch-up: got %d, want 0", n)
	}
}

// gatedOutbox holds every enqueue until release is closed.
type gatedOutbox struct {
	alerts.Outbox
	entered chan struct{}
	release chan struct{}
}

func (g *gatedOutbox) Enqueue(ctx context.Context, it store.OutboxItem) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Outbox.Enqueue(ctx, it)
}

// With the matching queue full, PostSaved returns at once (the user's reply
// does not wait) and the record is matched by the catch-up. Before the fix
// it waited for the caller's context.
func TestPostSavedDoesNotWaitForFullQueue(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	gate := &gatedOutbox{Outbox: e.out, entered: make(chan struct{}, 1), release: make(chan struct{})}
	released := false
	release := func() {
		if !released {
			released = true
			close(gate.release)
		}
	}
	s := e.instance(alerts.Config{Workers: 1, Queue: 1, MatchGrace: -1}, gate)
	t.Cleanup(release) // before the instance's shutdown
	ctx := context.Background()

	d1 := e.post(store.KindDemand, buyer, demandText)
	s.PostSaved(ctx, d1)
	<-gate.entered // the one worker is stuck alerting d1
	d2 := e.post(store.KindDemand, buyer, demandText)
	s.PostSaved(ctx, d2) // fills the queue
	d3 := e.post(store.KindDemand, buyer, demandText)
	done := make(chan struct{})
	go func() {
		s.PostSaved(ctx, d3)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("PostSaved waits while the matching queue is full")
	}
	release()
	<-done
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil { // the worker matches d1 and d2
		t.Fatal(err)
	}
	if err := s.RunOnce(ctx, e.clock()); err != nil {
		t.Fatal(err)
	}
	e.wantAlerted("buyer", matchKey(d1, o, "buyer"), matchKey(d2, o, "buyer"), matchKey(d3, o, "buyer"))
	if n := e.owed(store.KindDemand); n != 0 {
		t.Errorf("owed demands: got %d, want 0", n)
	}
}

// poisonOutbox refuses every push to one user and counts the tries.
type poisonOutbox struct {
	alerts.Outbox
	openid string
	tries  atomic.Int32
}

func (p *poisonOutbox) Enqueue(ctx context.Context, it store.OutboxItem) error {
	if it.OpenID == p.openid {
		p.tries.Add(1)
		return errors.New("injected: this user's pushes always fail")
	}
	return p.Outbox.Enqueue(ctx, it)
}

// A record whose matching always fails is tried as owed maxOwedTries (5)
// times and then left until it is saved again, so that it does not hold back the
// records behind it. Before, with a batch full of such records, the others
// were never matched.
func TestOwedMatchingThatKeepsFailingStepsAside(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	buyer, seller := e.buyerSeller()
	poisoned := e.enterprise("重庆渝安汽车有限公司", store.RoleVehicle, "poison", "赵六", "13700000003", "重庆江北", true)
	o := e.post(store.KindOffer, seller, offerText)
	e.saved(o)
	out := &poisonOutbox{Outbox: e.out, openid: "poison"}
	s := e.instance(alerts.Config{MatchGrace: -1, OwedBatch: 1}, out)
	bad := e.post(store.KindDemand, poisoned, demandText) // older: first in line
	good := e.post(store.KindDemand, buyer, demandText)
	for range 8 {
		_ = s.RunOnce(context.Background(), e.clock())
	}
	// Once when the instance learns the record, then 5 times as owed.
	if n := out.tries.Load(); n != 6 {
		t.Errorf("matching of the poisoned record tried %d times, want 6", n)
	}
	e.wantAlerted("buyer", matchKey(good, o, "buyer"))

	// Saved again, it is tried again.
	bad.Spec = "12V"
	if err := e.mongo.Demands().Replace(context.Background(), &bad); err != nil {
		t.Fatal(err)
	}
	s.PostSaved(context.Background(), bad)
	eventually(t, "a try after the save", func() bool { return out.tries.Load() > 6 })
}
