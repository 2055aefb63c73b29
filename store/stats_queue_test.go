package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// Events queued while a batch is written are written together in the
// next one, each key counted once: twice in one batch, again in a later
// batch, or claimed before by Once.
func TestQueuedCountsAreBatchedAndCountedOncePerKey(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	c := m.Counters()
	if first, err := c.Once(ctx, "new:old"); err != nil || !first {
		t.Fatalf("Once = %v, %v", first, err)
	}
	writing, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var batches []int
	m.BeforeCountBatch(func(n int) {
		mu.Lock()
		batches = append(batches, n)
		first := len(batches) == 1
		mu.Unlock()
		if first {
			close(writing)
			<-release // hold the first batch until the rest is queued
		}
	})
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	c.Queue("new:0", at, store.Counts{"demands": 1}, nil)
	<-writing
	for i := 1; i <= 100; i++ {
		c.Queue("new:"+strconv.Itoa(i), at, store.Counts{"demands": 1}, store.Counts{"demands": 1, "all": 1})
	}
	c.Queue("new:7", at, store.Counts{"demands": 1}, nil)   // twice in the batch
	c.Queue("new:0", at, store.Counts{"demands": 1}, nil)   // written in the first
	c.Queue("new:old", at, store.Counts{"demands": 1}, nil) // claimed by Once
	c.Queue("", at.Add(24*time.Hour), store.Counts{"ent": 1}, store.Counts{"ent": 1, "ent_role:整车": 1})
	close(release)

	total, err := c.Total(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total["demands"] != 101 || total["all"] != 100 || total["ent"] != 1 || total["ent_role:整车"] != 1 {
		t.Errorf("totals = %v, want demands 101, all 100, ent 1, ent_role:整车 1", total)
	}
	days, err := c.Days(ctx, "20261201", "20261202")
	if err != nil {
		t.Fatal(err)
	}
	if d := days["20261201"]; d["demands"] != 101 || len(d) != 1 {
		t.Errorf("1 December = %v, want demands 101 alone", d)
	}
	if d := days["20261202"]; d["ent"] != 1 || d["ent_role:整车"] != 0 {
		t.Errorf("2 December = %v, want ent 1 alone", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(batches) != 2 || batches[0] != 1 || batches[1] != 104 {
		t.Errorf("batches = %v, want [1 104]: the events queued during the first batch write together", batches)
	}
}

// Close writes what is queued, so a count made just before a stop is kept.
func TestCloseWritesTheQueuedCounts(t *testing.T) {
	uri := storetest.MongoURI(t)
	name := storetest.UniqueName("t_")
	ctx := context.Background()
	open := func() *store.Mongo {
		m, err := store.OpenMongo(ctx, uri, name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := open()
	release := make(chan struct{})
	m.BeforeCountBatch(func(int) { <-release })
	for i := range 20 {
		m.Counters().Queue("deal:"+strconv.Itoa(i), time.Now(), store.Counts{"deals": 1}, nil)
	}
	closed := make(chan error, 1)
	go func() { closed <- m.Close(ctx) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before the queued counts were written", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}

	again := open()
	t.Cleanup(func() {
		_ = again.DropDatabase(ctx)
		_ = again.Close(ctx)
	})
	total, err := again.Counters().Total(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total["deals"] != 20 {
		t.Errorf("deals after a restart = %d, want 20", total["deals"])
	}
}

// Close gives up on counts it cannot write within its context, says so,
// and still disconnects.
func TestCloseSaysWhenTheCountsCannotBeWritten(t *testing.T) {
	uri := storetest.MongoURI(t)
	ctx := context.Background()
	m, err := store.OpenMongo(ctx, uri, storetest.UniqueName("t_"))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	m.BeforeCountBatch(func(int) { <-release })
	m.Counters().Queue("k", time.Now(), store.Counts{"deals": 1}, nil)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := m.Close(cctx); err == nil {
		t.Error("Close = nil with counts unwritten, want an error")
	}
	if err := m.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded: not disconnected")
	}
}
