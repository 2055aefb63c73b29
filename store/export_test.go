package store

import (
	"context"
	"time"
)

// EnqueueDiesBeforeReserve does the first write of Enqueue and stops, as a
// process killed between the two writes would.
func (o *Outbox) EnqueueDiesBeforeReserve(ctx context.Context, it OutboxItem) error {
	it.Status = outboxEnqueuing
	it.Nonce = newNonce()
	_, err := o.c.InsertOne(ctx, it)
	return translate(err)
}

// LiveOutboxLen counts the items in the live outbox collection.
func (o *Outbox) LiveOutboxLen(ctx context.Context) (int64, error) {
	return o.c.CountDocuments(ctx, map[string]any{})
}

// EnqueueGrace is enqueueGrace, for tests.
const EnqueueGrace = enqueueGrace

// ClaimOnly does the first write of a Lease of key by owner and stops, as
// a worker killed between claiming and updating the item would.
func (o *Outbox) ClaimOnly(ctx context.Context, key, owner string, now time.Time) error {
	var it OutboxItem
	if err := o.c.FindOne(ctx, map[string]any{"_id": key}).Decode(&it); err != nil {
		return translate(err)
	}
	_, err := o.claims().InsertOne(ctx, map[string]any{"_id": claimID(key, it.Attempts+1), "owner": owner, "at": now})
	return translate(err)
}

// SetSnapshotEvery changes how often embedded Redis servers started after
// it save their snapshot, until the test ends.
func SetSnapshotEvery(tb interface{ Cleanup(func()) }, d time.Duration) {
	old := snapshotEvery
	snapshotEvery = d
	tb.Cleanup(func() { snapshotEvery = old })
}

// IsFerretDB reports whether m is on FerretDB.
func (m *Mongo) IsFerretDB() bool { return m.ferret }

// DatabaseName is the name of m's database.
func (m *Mongo) DatabaseName() string { return m.db.Name() }
