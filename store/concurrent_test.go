package store_test

import (
	"context"
	"sync"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// FerretDB v1 applies an update by reading the document, changing it and
// writing all of it back, so two updates of one document at the same time
// can lose one. A renewal racing the matcher settling the same record lost
// the renewal (CI, TestDialogSmallFixes). The store serialises its writes.
func TestConcurrentUpdatesOfOneRecordAllLand(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	d := m.Demands()
	for i := 0; i < 40; i++ {
		p := &store.Post{Product: "轮毂", OpenID: "u"}
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := d.MatchSettled(ctx, p.ID, p.UpdatedAt); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if err := d.Close(ctx, p.ID, store.StatusClosed, "撤回", nil); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		got, err := d.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.StatusClosed {
			t.Fatalf("round %d: the close was lost to a concurrent update: status %q", i, got.Status)
		}
	}
}
