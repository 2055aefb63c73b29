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
	q := store.SearchQuery{Keywords: []string{"电磁阀"}, Now: e.clock().UTC(), Limit: 5}
	found := func(s *alerts.Service) bool {
		return len(s.Search(store.KindOffer, q).Posts) == 1
	}
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
