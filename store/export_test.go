package store

import "context"

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
