package store

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Outbox states.
const (
	OutboxPending = "pending" // waiting for next_at
	OutboxLeased  = "leased"  // a worker holds it until lease_until
	OutboxSent    = "sent"
	OutboxFailed  = "failed" // given up; see last_code and last_error
	OutboxHeld    = "held"   // waits for the user's next message (48-hour window closed)
)

// OutboxItem is one logical outbound message. Key is unique per logical
// message: enqueueing the same key twice stores it once.
type OutboxItem struct {
	Key        string            `bson:"_id"`
	Kind       string            `bson:"kind"` // custom | template | mass
	OpenID     string            `bson:"openid,omitempty"`
	Text       string            `bson:"text"`
	TemplateID string            `bson:"template_id,omitempty"`
	URL        string            `bson:"url,omitempty"`
	Fields     map[string]string `bson:"fields,omitempty"`
	OpenIDs    []string          `bson:"openids,omitempty"`
	Status     string            `bson:"status"`
	Attempts   int               `bson:"attempts"`
	NextAt     time.Time         `bson:"next_at"`
	LeaseOwner string            `bson:"lease_owner,omitempty"`
	LeaseUntil time.Time         `bson:"lease_until,omitempty"`
	LastCode   int               `bson:"last_code,omitempty"`
	LastError  string            `bson:"last_error,omitempty"`
	CreatedAt  time.Time         `bson:"created_at"`
	SentAt     time.Time         `bson:"sent_at,omitempty"`
}

func init() {
	indexes = append(indexes,
		index{"outbox", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "next_at", Value: 1}}}},
		index{"outbox", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "status", Value: 1}}}},
	)
}

// Outbox is the MongoDB-backed queue of outbound pushes.
type Outbox struct{ c *mongo.Collection }

// Outbox returns the outbox repository.
func (m *Mongo) Outbox() *Outbox { return &Outbox{c: m.collection("outbox")} }

// Enqueue stores it as pending. It returns ErrConflict when the key exists
// already (the message was enqueued before and is not stored twice).
func (o *Outbox) Enqueue(ctx context.Context, it OutboxItem) error {
	it.Status = OutboxPending
	if it.CreatedAt.IsZero() {
		it.CreatedAt = time.Now().UTC()
	}
	if it.NextAt.IsZero() {
		it.NextAt = it.CreatedAt
	}
	_, err := o.c.InsertOne(ctx, it)
	return translate(err)
}

// Lease hands up to n due items to owner for lease. An item is due when it
// is pending and next_at has come, or when another worker's lease has run
// out (that worker died).
//
// Two workers never hold the same lease. A findAndModify alone does not
// guarantee it: FerretDB (the embedded store) runs it as a query followed
// by an update by _id, so two processes could both take one item (caught
// by TestOutboxTwoProcesses and TestLeaseExclusive). Each lease is claimed
// instead by inserting the document <key>#<attempt> into outbox_claims,
// where attempt is the item's lease counter after this lease: the unique
// _id lets exactly one worker win a given attempt, on MongoDB and FerretDB
// alike. The winner then updates the item, guarded by the attempt it saw.
func (o *Outbox) Lease(ctx context.Context, owner string, n int, lease time.Duration, now time.Time) ([]OutboxItem, error) {
	filter := bson.M{"$or": bson.A{
		bson.M{"status": OutboxPending, "next_at": bson.M{"$lte": now}},
		bson.M{"status": OutboxLeased, "lease_until": bson.M{"$lte": now}},
	}}
	// Read a few more than n: some may be taken by a competitor meanwhile.
	cur, err := o.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}}).SetLimit(int64(2*n)))
	if err != nil {
		return nil, translate(err)
	}
	var cands []OutboxItem
	if err := cur.All(ctx, &cands); err != nil {
		return nil, translate(err)
	}
	var out []OutboxItem
	for _, c := range cands {
		if len(out) == n {
			break
		}
		attempt := c.Attempts + 1
		_, err := o.claims().InsertOne(ctx, bson.M{"_id": claimID(c.Key, attempt), "owner": owner, "at": now})
		if mongo.IsDuplicateKeyError(err) {
			continue // another worker leased this very attempt
		}
		if err != nil {
			return out, translate(err)
		}
		guard := bson.M{"_id": c.Key, "attempts": c.Attempts, "status": c.Status}
		set := bson.M{"status": OutboxLeased, "lease_owner": owner, "lease_until": now.Add(lease), "attempts": attempt}
		res, err := o.c.UpdateOne(ctx, guard, bson.M{"$set": set})
		if err != nil {
			return out, translate(err)
		}
		if res.MatchedCount == 0 {
			continue // finished by its late owner since we read it
		}
		// The previous attempt's claim can go: any worker still holding
		// that attempt would now fail the guard above.
		_, _ = o.claims().DeleteOne(ctx, bson.M{"_id": claimID(c.Key, c.Attempts)})
		c.Status, c.LeaseOwner, c.LeaseUntil, c.Attempts = OutboxLeased, owner, now.Add(lease), attempt
		out = append(out, c)
	}
	return out, nil
}

func (o *Outbox) claims() *mongo.Collection { return o.c.Database().Collection("outbox_claims") }

func claimID(key string, attempt int) string { return key + "#" + strconv.Itoa(attempt) }

// Complete marks the item sent. It returns ErrNotFound when owner no longer
// holds the lease.
func (o *Outbox) Complete(ctx context.Context, key, owner string, now time.Time) error {
	return o.finish(ctx, key, owner, bson.M{"status": OutboxSent, "sent_at": now, "last_code": 0, "last_error": ""})
}

// Retry returns the item to pending until at, recording why.
func (o *Outbox) Retry(ctx context.Context, key, owner string, at time.Time, code int, reason string) error {
	return o.finish(ctx, key, owner, bson.M{"status": OutboxPending, "next_at": at, "last_code": code, "last_error": reason})
}

// Hold keeps the item until ReleaseHeld for its user, recording why.
func (o *Outbox) Hold(ctx context.Context, key, owner string, code int, reason string) error {
	return o.finish(ctx, key, owner, bson.M{"status": OutboxHeld, "last_code": code, "last_error": reason})
}

// ReleaseHeld makes the user's held items due now (the user wrote again, so
// the customer-service window is open). It returns how many it released.
func (o *Outbox) ReleaseHeld(ctx context.Context, openid string, now time.Time) (int64, error) {
	res, err := o.c.UpdateMany(ctx, bson.M{"openid": openid, "status": OutboxHeld},
		bson.M{"$set": bson.M{"status": OutboxPending, "next_at": now}})
	if err != nil {
		return 0, translate(err)
	}
	return res.ModifiedCount, nil
}

// Fail gives the item up, recording why.
func (o *Outbox) Fail(ctx context.Context, key, owner string, code int, reason string) error {
	return o.finish(ctx, key, owner, bson.M{"status": OutboxFailed, "last_code": code, "last_error": reason})
}

func (o *Outbox) finish(ctx context.Context, key, owner string, set bson.M) error {
	set["lease_owner"] = ""
	res, err := o.c.UpdateOne(ctx, bson.M{"_id": key, "status": OutboxLeased, "lease_owner": owner}, bson.M{"$set": set})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Get returns one item by key.
func (o *Outbox) Get(ctx context.Context, key string) (OutboxItem, error) {
	var it OutboxItem
	err := o.c.FindOne(ctx, bson.M{"_id": key}).Decode(&it)
	return it, translate(err)
}

// CountByStatus counts items per status, for metrics and the console.
func (o *Outbox) CountByStatus(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, s := range []string{OutboxPending, OutboxLeased, OutboxSent, OutboxFailed, OutboxHeld} {
		n, err := o.c.CountDocuments(ctx, bson.M{"status": s})
		if err != nil {
			return nil, translate(err)
		}
		out[s] = n
	}
	return out, nil
}
