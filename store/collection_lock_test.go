package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store/storetest"
)

// On FerretDB every write to the database, whatever its collection, waits
// for one lock in the process rather than poll for SQLite's.
func TestWritesOfOneDatabaseQueueOnOneLock(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	release, ok := m.HoldDatabaseWriteLock() // the lock, taken through "stats"
	if !ok {
		t.Skip("MongoDB: writes need no lock")
	}
	released := false
	defer func() {
		if !released {
			release()
		}
	}()
	inserted := make(chan error, 1)
	go func() {
		_, err := m.Counters().Once(ctx, "new:1") // an insert into stats_seen
		inserted <- err
	}()
	withdrawn := make(chan error, 1)
	go func() {
		_, err := m.ContactRequests().WithdrawByRequester(ctx, "u1", time.Now()) // contact_requests
		withdrawn <- err
	}()
	select {
	case err := <-inserted:
		t.Fatalf("an insert into another collection went ahead (%v) while the lock was held", err)
	case err := <-withdrawn:
		t.Fatalf("an update of another collection went ahead (%v) while the lock was held", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	released = true
	for _, done := range []chan error{inserted, withdrawn} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestAWriteQueuedOnTheLockGivesItsSlotBack: a handler's write that has
// to wait for the database's write lock gives the handler's gateway slot
// back while it waits and writes (so 帮助 and searches are not shed or
// delayed behind publishes queued on the lock) and takes it again after;
// a write that finds the lock free keeps its slot throughout.
func TestAWriteQueuedOnTheLockGivesItsSlotBack(t *testing.T) {
	m := storetest.Mongo(t)
	slots := make(chan struct{}, 1)
	var away atomic.Int64
	slots <- struct{}{} // the handler's
	ctx, end := bot.WithSlot(context.Background(), slots, &away)
	defer end()
	if _, err := m.Counters().Once(ctx, "free:1"); err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || away.Load() != 0 {
		t.Fatalf("a write that found the lock free: %d slots held, %d away; want 1 and 0", len(slots), away.Load())
	}
	release, ok := m.HoldDatabaseWriteLock()
	if !ok {
		t.Skip("MongoDB: writes need no lock")
	}
	inserted := make(chan error, 1)
	go func() {
		_, err := m.Counters().Once(ctx, "queued:1")
		inserted <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(slots) != 0 {
		if time.Now().After(deadline) {
			release()
			t.Fatal("a write queued on the lock kept its slot")
		}
		time.Sleep(time.Millisecond)
	}
	release()
	if err := <-inserted; err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || away.Load() != 0 {
		t.Fatalf("after the write: %d slots held, %d away; want 1 and 0", len(slots), away.Load())
	}
}
