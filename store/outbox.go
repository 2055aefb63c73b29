package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"sync/atomic"
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
	Attempts   int               `bson:"attempts"` // leases, counted for the claims
	Failures   int               `bson:"failures"` // sends that failed and are retried (-1, network)
	NextAt     time.Time         `bson:"next_at"`
	LeaseOwner string            `bson:"lease_owner,omitempty"`
	LeaseUntil time.Time         `bson:"lease_until,omitempty"`
	LastCode   int               `bson:"last_code,omitempty"`
	LastError  string            `bson:"last_error,omitempty"`
	CreatedAt  time.Time         `bson:"created_at"`
	SentAt     time.Time         `bson:"sent_at,omitempty"`
	Nonce      string            `bson:"nonce,omitempty"` // which Enqueue call reserved Key
}

func init() {
	indexes = append(indexes,
		index{"outbox", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "next_at", Value: 1}}}},
		index{"outbox", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "status", Value: 1}}}},
		index{"outbox_done", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}}}}, // CountByStatus
	)
}

// Outbox is the MongoDB-backed queue of outbound pushes.
type Outbox struct {
	c collection
	// recoveredAt is when this value last looked for enqueues that died
	// (unix nanoseconds of Lease's now): once per half grace is enough, not
	// once per poll.
	recoveredAt atomic.Int64
	// due: the live items' due times, kept when the process serves a
	// FerretDB store alone (outbox_due.go); nil otherwise.
	due *dueIndex
}

// Outbox returns the outbox repository.
func (m *Mongo) Outbox() *Outbox { return &Outbox{c: m.collection("outbox"), due: m.outboxDue} }

// Enqueue stores it as pending. It returns ErrConflict when the key exists
// already (the message was enqueued before and is not stored twice), also
// after the earlier item was sent and archived.
//
// The item is written first in the state "enqueuing", which no lease
// takes; then its key is reserved in outbox_keys; then it turns pending.
// A crash after the first write leaves an enqueuing item, which Lease
// finishes once it is older than enqueueGrace, so nothing is lost; and
// because the key is reserved before the item can be sent, a repeat
// enqueue racing an archive is refused before it could send twice.
func (o *Outbox) Enqueue(ctx context.Context, it OutboxItem) error {
	if it.CreatedAt.IsZero() {
		it.CreatedAt = time.Now().UTC()
	}
	if it.NextAt.IsZero() {
		it.NextAt = it.CreatedAt
	}
	it.Status = outboxEnqueuing
	it.Nonce = newNonce()
	if _, err := o.c.InsertOne(ctx, it); err != nil {
		return translate(err)
	}
	err := o.reserve(context.WithoutCancel(ctx), it)
	if o.due != nil {
		switch {
		case err == nil:
			o.due.set(it.Key, it.OpenID, it.NextAt)
		case !errors.Is(err, ErrConflict):
			// Left enqueuing: a lease finishes it after the grace.
			o.due.set(it.Key, it.OpenID, it.CreatedAt.Add(enqueueGrace))
		}
	}
	return err
}

// outboxEnqueuing marks an item whose key is not reserved yet.
const outboxEnqueuing = "enqueuing"

// enqueueGrace is how old an enqueuing item must be before Lease takes it
// for one whose Enqueue died; a live Enqueue finishes in milliseconds.
const enqueueGrace = time.Minute

// reserve claims it.Key in outbox_keys for the item with it.Nonce and
// makes the item pending. When another item holds the key, this one is a
// duplicate: it is removed and reserve returns ErrConflict.
func (o *Outbox) reserve(ctx context.Context, it OutboxItem) error {
	_, err := o.keys().InsertOne(ctx, bson.M{"_id": it.Key, "nonce": it.Nonce, "at": it.CreatedAt})
	if mongo.IsDuplicateKeyError(err) {
		var k struct {
			Nonce string `bson:"nonce"`
		}
		if err := o.keys().FindOne(ctx, bson.M{"_id": it.Key}).Decode(&k); err != nil {
			return translate(err)
		}
		if k.Nonce != it.Nonce {
			_, _ = o.c.DeleteOne(ctx, bson.M{"_id": it.Key, "nonce": it.Nonce, "status": outboxEnqueuing})
			return ErrConflict
		}
		err = nil // reserved by an earlier try for this very item
	}
	if err != nil {
		return translate(err)
	}
	_, err = o.updateGuarded(ctx, it.Key, bson.M{"nonce": it.Nonce, "status": outboxEnqueuing},
		bson.M{"$set": bson.M{"status": OutboxPending}})
	return err
}

func newNonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// The live outbox holds only items not finished yet: FerretDB filters
// anything but a lone _id by scanning the collection, so every lease would
// otherwise read every push ever sent. Sent and failed items move to
// outbox_done; outbox_keys keeps each key reserved so a repeat enqueue is
// still refused after the move.
func (o *Outbox) keys() collection { return o.c.sibling("outbox_keys") }
func (o *Outbox) done() collection { return o.c.sibling("outbox_done") }

// archive moves a finished item to outbox_done and drops its lease claims.
// A crash midway leaves it in the live outbox as sent or failed, which no
// lease takes, or in both collections; either way nothing is sent again.
func (o *Outbox) archive(ctx context.Context, key string) {
	ctx = context.WithoutCancel(ctx)
	var it OutboxItem
	if err := o.c.FindOne(ctx, bson.M{"_id": key}).Decode(&it); err != nil {
		return
	}
	if it.Status != OutboxSent && it.Status != OutboxFailed {
		return
	}
	// Items enqueued before outbox_keys existed have no reservation yet.
	if _, err := o.keys().InsertOne(ctx, bson.M{"_id": key, "nonce": it.Nonce, "at": it.CreatedAt}); err != nil && !mongo.IsDuplicateKeyError(err) {
		return
	}
	if _, err := o.done().InsertOne(ctx, it); err != nil && !mongo.IsDuplicateKeyError(err) {
		return
	}
	_, _ = o.c.DeleteOne(ctx, bson.M{"_id": key})
	for a := 0; a <= it.Attempts; a++ {
		_, _ = o.claims().DeleteOne(ctx, bson.M{"_id": claimID(key, a)})
	}
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
	if o.due != nil {
		return o.leaseDue(ctx, owner, n, lease, now)
	}
	o.recoverEnqueuing(ctx, now)
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
		won, err := o.leaseOne(ctx, &c, owner, lease, now)
		if err != nil {
			return out, err
		}
		if won {
			out = append(out, c)
		}
	}
	return out, nil
}

// leaseOne leases the due item c, as read, to owner and reports whether it
// did; c then holds the lease.
func (o *Outbox) leaseOne(ctx context.Context, c *OutboxItem, owner string, lease time.Duration, now time.Time) (bool, error) {
	attempt := c.Attempts + 1
	won, err := o.claim(ctx, claimID(c.Key, attempt), owner, lease, now)
	if err != nil || !won {
		return false, err // !won: another worker leased this very attempt
	}
	guard := bson.M{"attempts": c.Attempts, "status": c.Status}
	set := bson.M{"status": OutboxLeased, "lease_owner": owner, "lease_until": now.Add(lease), "attempts": attempt}
	matched, err := o.updateGuarded(ctx, c.Key, guard, bson.M{"$set": set})
	if err != nil {
		// Give the attempt back, or the item waits for the claim to go stale.
		_, _ = o.claims().DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": claimID(c.Key, attempt), "owner": owner})
		return false, err
	}
	if !matched {
		return false, nil // finished by its late owner since we read it
	}
	// The previous attempt's claim can go: any worker still holding
	// that attempt would now fail the guard above.
	_, _ = o.claims().DeleteOne(ctx, bson.M{"_id": claimID(c.Key, c.Attempts)})
	c.Status, c.LeaseOwner, c.LeaseUntil, c.Attempts = OutboxLeased, owner, now.Add(lease), attempt
	return true, nil
}

// recoverEnqueuing finishes the Enqueue calls that died between writing
// an item and reserving its key. Errors are left for the next lease.
func (o *Outbox) recoverEnqueuing(ctx context.Context, now time.Time) {
	last := o.recoveredAt.Load()
	if last != 0 && now.Sub(time.Unix(0, last)).Abs() < enqueueGrace/2 {
		return
	}
	if !o.recoveredAt.CompareAndSwap(last, now.UnixNano()) {
		return // another worker of this process is at it
	}
	cur, err := o.c.Find(ctx, bson.M{"status": outboxEnqueuing, "created_at": bson.M{"$lte": now.Add(-enqueueGrace)}},
		options.Find().SetLimit(100))
	if err != nil {
		return
	}
	var stale []OutboxItem
	if err := cur.All(ctx, &stale); err != nil {
		return
	}
	for _, it := range stale {
		_ = o.reserve(ctx, it)
	}
}

// claim inserts the lease claim id for owner and reports whether it won.
// A claim older than a lease whose item never moved to that attempt was
// left by a worker that died between the claim and the item's update
// (SIGKILL, a lost connection); it would block the item for good, so it is
// taken over. Its owner, should it wake, fails the attempts guard of the
// update and never sends.
func (o *Outbox) claim(ctx context.Context, id, owner string, lease time.Duration, now time.Time) (bool, error) {
	for range 2 {
		_, err := o.claims().InsertOne(ctx, bson.M{"_id": id, "owner": owner, "at": now})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, translate(err)
		}
		res, err := o.claims().DeleteOne(ctx, bson.M{"_id": id, "at": bson.M{"$lte": now.Add(-lease)}})
		if err != nil {
			return false, translate(err)
		}
		if res.DeletedCount == 0 {
			return false, nil // a live claim: another worker has it
		}
	}
	return false, nil
}

func (o *Outbox) claims() collection { return o.c.sibling("outbox_claims") }

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

// Backoff returns the item to pending until at after a failed send,
// counting the failure (pauses and quota waits go through Retry and do
// not count against the pusher's attempt limit).
func (o *Outbox) Backoff(ctx context.Context, key, owner string, at time.Time, code int, reason string) error {
	return o.finishInc(ctx, key, owner, bson.M{"status": OutboxPending, "next_at": at, "last_code": code, "last_error": reason}, bson.M{"failures": 1})
}

// Hold keeps the item until ReleaseHeld for its user, recording why.
func (o *Outbox) Hold(ctx context.Context, key, owner string, code int, reason string) error {
	return o.finish(ctx, key, owner, bson.M{"status": OutboxHeld, "last_code": code, "last_error": reason})
}

// ReleaseHeld makes the user's held items due now (the user wrote again, so
// the customer-service window is open). It returns how many it released.
func (o *Outbox) ReleaseHeld(ctx context.Context, openid string, now time.Time) (int64, error) {
	if o.due != nil {
		return o.releaseHeldDue(ctx, openid, now)
	}
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
	return o.finishInc(ctx, key, owner, set, nil)
}

func (o *Outbox) finishInc(ctx context.Context, key, owner string, set, inc bson.M) error {
	set["lease_owner"] = ""
	update := bson.M{"$set": set}
	if inc != nil {
		update["$inc"] = inc
	}
	matched, err := o.updateGuarded(ctx, key, bson.M{"status": OutboxLeased, "lease_owner": owner}, update)
	if err != nil {
		return err
	}
	if !matched {
		return ErrNotFound
	}
	st := set["status"]
	if st == OutboxSent || st == OutboxFailed {
		o.archive(ctx, key)
	}
	if o.due != nil {
		switch st {
		case OutboxPending:
			o.due.set(key, o.due.openidOf(key), set["next_at"].(time.Time))
		case OutboxHeld:
			o.due.hold(key, o.due.openidOf(key))
		default:
			o.due.drop(key)
		}
	}
	return nil
}

// Get returns one item by key.
func (o *Outbox) Get(ctx context.Context, key string) (OutboxItem, error) {
	var it OutboxItem
	err := o.c.FindOne(ctx, bson.M{"_id": key}).Decode(&it)
	if errors.Is(err, mongo.ErrNoDocuments) {
		err = o.done().FindOne(ctx, bson.M{"_id": key}).Decode(&it)
	}
	return it, translate(err)
}

// CountByStatus counts items per status, for metrics and the console.
//
// A sent or failed item moves from outbox to outbox_done (archive: inserted
// there, then deleted here), so for a moment it is in both. Those two
// statuses count the union: the ids still here (few: archiving follows
// at once) are read first, then outbox_done is counted, then those of the
// ids it already holds are taken off. An item that moves during the count
// may be missed once, never counted twice.
func (o *Outbox) CountByStatus(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, s := range []string{OutboxPending, OutboxLeased, OutboxHeld} {
		n, err := o.c.CountDocuments(ctx, bson.M{"status": s})
		if err != nil {
			return nil, translate(err)
		}
		out[s] = n
	}
	for _, s := range []string{OutboxSent, OutboxFailed} {
		cur, err := o.c.Find(ctx, bson.M{"status": s}, options.Find().SetProjection(bson.M{"_id": 1}))
		if err != nil {
			return nil, translate(err)
		}
		var rows []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &rows); err != nil {
			return nil, translate(err)
		}
		archived, err := o.done().CountDocuments(ctx, bson.M{"status": s})
		if err != nil {
			return nil, translate(err)
		}
		var both int64
		if len(rows) > 0 {
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			if both, err = o.done().CountDocuments(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
				return nil, translate(err)
			}
		}
		out[s] = int64(len(rows)) + archived - both
	}
	return out, nil
}

// SetPendingTextBefore replaces the text of a pending item that is due
// after dueAfter, and so cannot be leased before then; ErrNotFound when it
// is not. With dueAfter a margin past now, no worker is reading the item
// (a lease reads it before it marks it leased), so the new text is the one
// sent.
func (o *Outbox) SetPendingTextBefore(ctx context.Context, key, text string, dueAfter time.Time) error {
	ok, err := o.c.updateIDIf(ctx, key, bson.M{"status": OutboxPending, "next_at": bson.M{"$gt": dueAfter}},
		func(doc bson.Raw) bool {
			status, _ := doc.Lookup("status").StringValueOK()
			at, isTime := doc.Lookup("next_at").DateTimeOK()
			return status == OutboxPending && isTime && time.UnixMilli(at).After(dueAfter)
		},
		bson.M{"$set": bson.M{"text": text}})
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// updateGuarded applies update to the item id when its fields equal
// guard's (strings and integers), and reports whether they did: the
// collection's updateIDIf, with guard as its check. On FerretDB a filter
// with more fields than a lone _id decodes the whole outbox, so every
// lease, send and completion cost time in proportion to the pushes
// waiting (it held an alert storm to some 26 pushes a second); updateIDIf
// reads and writes by the lone _id instead. The lease claims keep two
// workers from one item across processes.
func (o *Outbox) updateGuarded(ctx context.Context, id string, guard, update bson.M) (bool, error) {
	return o.c.updateIDIf(ctx, id, guard, func(raw bson.Raw) bool {
		var doc bson.M
		if err := bson.Unmarshal(raw, &doc); err != nil {
			return false
		}
		for k, want := range guard {
			if !sameValue(doc[k], want) {
				return false
			}
		}
		return true
	}, update)
}

// sameValue compares a decoded field with a guard value: integers of any
// width by value, strings as they are (a missing field is "").
func sameValue(have, want any) bool {
	switch w := want.(type) {
	case int:
		return asInt64(have) == int64(w)
	case int64:
		return asInt64(have) == w
	case string:
		h, _ := have.(string)
		return h == w
	}
	return have == want
}

func asInt64(v any) int64 {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return -1 << 63
}
