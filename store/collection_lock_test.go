package store_test

import (
	"context"
	"testing"
	"time"

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
