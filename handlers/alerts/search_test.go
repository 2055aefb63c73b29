package alerts_test

import (
	"context"
	"testing"

	"supplybot/handlers/alerts"
	"supplybot/store"
)

// How stale a search on one instance can be: a record saved on instance A
// is found on A at once and on instance B after B's next catch-up (every
// SyncEvery, 15 s by default) and not before; closed on A, it leaves A's
// search at once and B's at B's next catch-up.
func TestSearchOnAnotherInstanceIsOneCatchUpBehind(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	b := e.instance(alerts.Config{}, nil)
	ctx := context.Background()
	_, seller := e.buyerSeller()
	found := e.findsOfferText()
	o := e.post(store.KindOffer, seller, offerText)
	e.svc.PostSaved(ctx, o)
	if !found(e.svc) {
		t.Fatal("the instance that saved the record does not find it")
	}
	if found(b) {
		t.Fatal("the other instance found the record before it caught up")
	}
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !found(b) {
		t.Fatal("the other instance does not find the record after its catch-up")
	}
	if err := e.mongo.Offers().Close(ctx, o.ID, store.StatusClosed, "已成交", nil); err != nil {
		t.Fatal(err)
	}
	e.svc.PostClosed(ctx, o)
	if found(e.svc) {
		t.Error("the instance that closed the record still finds it")
	}
	if !found(b) {
		t.Error("the other instance lost the record before it caught up")
	}
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if found(b) {
		t.Error("the other instance still finds the closed record after its catch-up")
	}
}

// A catch-up reads only the records this instance does not hold at their
// latest version: those saved or closed on another instance. Its own
// saves and closes it learned as it made them (before, every catch-up read
// again each record saved in the last minute, by _id, on FerretDB).
func TestCatchUpReadsOnlyWhatAnotherInstanceChanged(t *testing.T) {
	e := newEnv(t, alerts.Config{})
	if !e.mongo.IsFerretDB() {
		t.Skip("on MongoDB the catch-up asks the updated_at index for every change")
	}
	b := e.instance(alerts.Config{}, nil)
	ctx := context.Background()
	_, seller := e.buyerSeller()
	found := e.findsOfferText()
	reads := func(s *alerts.Service) int {
		t.Helper()
		cctx, cost := store.CountCost(ctx)
		if err := s.CatchUp(cctx); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range cost.Mongo() {
			if c == "find offers by _id" {
				n++
			}
		}
		return n
	}
	o := e.post(store.KindOffer, seller, offerText)
	if err := e.svc.MatchNow(ctx, o); err != nil { // saved and settled here: nothing owed
		t.Fatal(err)
	}
	if n := reads(e.svc); n != 0 {
		t.Errorf("the instance that saved the record read it %d times in its catch-up", n)
	}
	if n := reads(b); n == 0 || !found(b) {
		t.Fatalf("the other instance read the record %d times; finds it: %v", n, found(b))
	}
	if err := e.mongo.Offers().Close(ctx, o.ID, store.StatusClosed, "已成交", nil); err != nil {
		t.Fatal(err)
	}
	e.svc.PostClosed(ctx, o)
	if n := reads(e.svc); n != 0 {
		t.Errorf("the instance that closed the record read it %d times in its catch-up", n)
	}
	if n := reads(b); n == 0 || found(b) {
		t.Errorf("the other instance read the closed record %d times; still finds it: %v", n, found(b))
	}
}

// findsOfferText returns whether an instance's search for offerText's
// product finds the one offer.
func (e *env) findsOfferText() func(*alerts.Service) bool {
	q := store.SearchQuery{Keywords: []string{"电磁阀"}, Now: e.clock().UTC(), Limit: 5}
	return func(s *alerts.Service) bool {
		return len(s.Search(store.KindOffer, q).Posts) == 1
	}
}
