package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"alerts", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "created_at", Value: -1}}}},
		index{"alerts", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "day", Value: 1}, {Key: "delivery", Value: 1}}}},
		index{"alert_counts", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "day", Value: 1}}}},
	)
}

// Alert deliveries.
const (
	DeliveryPush   = "push"   // its own push in the outbox
	DeliveryDigest = "digest" // over the daily cap: in a digest of the day
)

// Alert is one entry of a user's inbox (我的匹配): a record the user was told
// about because it matches one of theirs or one of their subscriptions. Key
// is the logical key of the alert (and of its push), so a user is told about
// the same thing once. It never holds contact details.
//
// Storing the alert is how a worker claims it: the unique key lets one
// worker through, which then takes a daily slot, decides the delivery and
// queues the push or the digest; Pending stays set until that is done, so
// the work of a worker that died midway can be finished by another, and
// Released marks one that failed on an error, to be finished by the retry.
type Alert struct {
	Key        string    `bson:"_id"`
	OpenID     string    `bson:"openid"`
	Kind       string    `bson:"kind"`  // match | subscription
	MyNo       string    `bson:"my_no"` // the user's own record the match is for
	RecordID   string    `bson:"record_id"`
	RecordNo   string    `bson:"record_no"`
	RecordKind string    `bson:"record_kind"`
	Product    string    `bson:"product"`
	Summary    string    `bson:"summary"` // quantity and place, as shown
	Reasons    []string  `bson:"reasons"`
	Score      float64   `bson:"score"`
	Delivery   string    `bson:"delivery"`              // empty until decided
	DigestPart int       `bson:"digest_part,omitempty"` // digest: which of the day's digests lists it, from 1
	Pending    bool      `bson:"pending,omitempty"`     // claimed; push or digest not queued yet
	Released   bool      `bson:"released,omitempty"`    // pending, and its claimant gave up on an error
	Day        string    `bson:"day"`                   // delivery day, yyyymmdd China time
	DeliverAt  time.Time `bson:"deliver_at"`
	CreatedAt  time.Time `bson:"created_at"`
}

// Alerts is the users' inbox of alerts (collection "alerts"), their daily
// alert slots (collection "alert_counts", one document per push) and the
// locks of their digests (collection "digest_locks").
type Alerts struct{ c, counts, locks collection }

// Alerts returns the repository.
func (m *Mongo) Alerts() *Alerts {
	return &Alerts{c: m.collection("alerts"), counts: m.collection("alert_counts"), locks: m.collection("digest_locks")}
}

// Add stores a; ErrConflict when an alert with its key exists.
func (r *Alerts) Add(ctx context.Context, a Alert) error {
	if a.Reasons == nil {
		a.Reasons = []string{}
	}
	_, err := r.c.InsertOne(ctx, a)
	return translate(err)
}

// Get returns the alert with key, or ErrNotFound.
func (r *Alerts) Get(ctx context.Context, key string) (Alert, error) {
	var a Alert
	err := r.c.FindOne(ctx, bson.M{"_id": key}).Decode(&a)
	return a, translate(err)
}

// Decide sets the delivery of the alert with key unless one was set
// before, and returns the delivery that holds.
func (r *Alerts) Decide(ctx context.Context, key, delivery string) (string, error) {
	won, err := r.c.updateIDIf(ctx, key, bson.M{"delivery": ""},
		func(raw bson.Raw) bool { return alertOf(raw).Delivery == "" },
		bson.M{"$set": bson.M{"delivery": delivery}})
	if err != nil {
		return "", err
	}
	if won {
		return delivery, nil
	}
	a, err := r.Get(ctx, key)
	return a.Delivery, err
}

// Settle records that the push or digest of the alert with key is queued.
func (r *Alerts) Settle(ctx context.Context, key string) error {
	_, err := r.c.UpdateOne(ctx, bson.M{"_id": key}, bson.M{"$unset": bson.M{"pending": "", "released": ""}})
	return translate(err)
}

// Release gives up the claim of the pending alert with key after an error,
// so the next caller finishes it at once.
func (r *Alerts) Release(ctx context.Context, key string) error {
	_, err := r.c.updateIDIf(ctx, key, bson.M{"pending": true},
		func(raw bson.Raw) bool { return alertOf(raw).Pending },
		bson.M{"$set": bson.M{"released": true}})
	return err
}

// Reclaim takes over the released alert with key and reports whether this
// caller got it (another may have been first).
func (r *Alerts) Reclaim(ctx context.Context, key string) (bool, error) {
	return r.c.updateIDIf(ctx, key, bson.M{"pending": true, "released": true},
		func(raw bson.Raw) bool { a := alertOf(raw); return a.Pending && a.Released },
		bson.M{"$unset": bson.M{"released": ""}})
}

// alertOf decodes a stored alert read for a guard (a zero Alert if it
// does not decode, which no guard accepts).
func alertOf(raw bson.Raw) Alert {
	var a Alert
	_ = bson.Unmarshal(raw, &a)
	return a
}

// SetDigestPart puts the alert with key in the part-th digest of its day,
// never back into an earlier one.
func (r *Alerts) SetDigestPart(ctx context.Context, key string, part int) error {
	_, err := r.c.UpdateOne(ctx, bson.M{"_id": key, "$or": bson.A{
		bson.M{"digest_part": bson.M{"$exists": false}}, bson.M{"digest_part": bson.M{"$lt": part}},
	}}, bson.M{"$set": bson.M{"digest_part": part}})
	return translate(err)
}

// Exists reports whether the alert with key was stored.
func (r *Alerts) Exists(ctx context.Context, key string) (bool, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{"_id": key}, options.Count().SetLimit(1))
	return n > 0, translate(err)
}

// Recent lists the user's alerts, newest first.
func (r *Alerts) Recent(ctx context.Context, openid string, limit int) ([]Alert, error) {
	return r.find(ctx, bson.M{"openid": openid}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
}

// Digest lists the user's alerts of a day that went to a digest, oldest first.
func (r *Alerts) Digest(ctx context.Context, openid, day string) ([]Alert, error) {
	return r.find(ctx, bson.M{"openid": openid, "day": day, "delivery": DeliveryDigest}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
}

// DigestPart lists the alerts of the user's part-th digest of day, oldest first.
func (r *Alerts) DigestPart(ctx context.Context, openid, day string, part int) ([]Alert, error) {
	return r.find(ctx, bson.M{"openid": openid, "day": day, "delivery": DeliveryDigest, "digest_part": part},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
}

// LastDigestPart returns the number of the user's latest digest of day, 0
// when there is none.
func (r *Alerts) LastDigestPart(ctx context.Context, openid, day string) (int, error) {
	var a Alert
	err := r.c.FindOne(ctx, bson.M{"openid": openid, "day": day, "delivery": DeliveryDigest, "digest_part": bson.M{"$gt": 0}},
		options.FindOne().SetSort(bson.D{{Key: "digest_part", Value: -1}})).Decode(&a)
	if err = translate(err); errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return a.DigestPart, err
}

// digestLockStale is how long a digest lock holds before it is taken as
// left by a process that died; a live holder keeps it for milliseconds.
const digestLockStale = 30 * time.Second

// LockDigest takes the lock of the user's digests of day, waiting while
// another holder has it, and returns the function that gives it back. The
// digests' writers hold it so that none overwrites a newer text with an
// older one. It returns ctx's error when ctx ends first.
func (r *Alerts) LockDigest(ctx context.Context, openid, day string) (unlock func(), err error) {
	id, owner := openid+":"+day, newNonce()
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		now := time.Now() // the lock is about real waiting, not the service clock
		_, err := r.locks.InsertOne(ctx, bson.M{"_id": id, "owner": owner, "at": now})
		if err == nil {
			return func() {
				_, _ = r.locks.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": id, "owner": owner})
			}, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, translate(err)
		}
		if _, err := r.locks.DeleteOne(ctx, bson.M{"_id": id, "at": bson.M{"$lte": now.Add(-digestLockStale)}}); err != nil {
			return nil, translate(err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (r *Alerts) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]Alert, error) {
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []Alert
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// TakeSlot claims the next of the user's numbered alert slots of day for
// the alert with key and returns its number, 1 to limit; limit+1 means
// every slot is taken (the daily cap is reached) and nothing was stored. A
// slot is a document with a unique id, so concurrent alerts never share
// one: FerretDB's findAndModify $inc is not atomic under concurrency
// (increments are lost), an insert against the unique _id is.
func (r *Alerts) TakeSlot(ctx context.Context, openid, day string, limit int, key string) (int, error) {
	taken, err := r.slotsTaken(ctx, openid, day, limit)
	if err != nil {
		return 0, err
	}
	for n := taken + 1; n <= limit; n++ {
		_, err := r.counts.InsertOne(ctx, bson.M{"_id": openid + ":" + day + ":" + strconv.Itoa(n), "openid": openid, "day": day, "alert": key, "n": n})
		if err == nil {
			return n, nil
		}
		if err = translate(err); !errors.Is(err, ErrConflict) {
			return 0, err
		}
	}
	return limit + 1, nil
}

// slotsTaken counts the user's slots of day, up to limit. On FerretDB,
// where a count scans every slot of every user and day, it looks for the
// highest slot taken by _id (slots are taken in order from 1, a collision
// moving on to the next): about log2(limit) reads by a lone _id, which
// the index on the embedded store serves (see doc.go).
func (r *Alerts) slotsTaken(ctx context.Context, openid, day string, limit int) (int, error) {
	if r.counts.mu == nil {
		n, err := r.counts.CountDocuments(ctx, bson.M{"openid": openid, "day": day})
		return int(n), translate(err)
	}
	lo, hi := 0, limit // slot lo is taken (0: none), no slot above hi is looked for
	for lo < hi {
		mid := (lo + hi + 1) / 2
		err := r.counts.FindOne(ctx, bson.M{"_id": openid + ":" + day + ":" + strconv.Itoa(mid)}).Err()
		switch {
		case err == nil:
			lo = mid
		case errors.Is(err, mongo.ErrNoDocuments):
			hi = mid - 1
		default:
			return 0, translate(err)
		}
	}
	return lo, nil
}

// SlotOf returns the number of the slot the alert with key took, or
// ErrNotFound.
func (r *Alerts) SlotOf(ctx context.Context, key string) (int, error) {
	var slot struct {
		N int `bson:"n"`
	}
	err := r.counts.FindOne(ctx, bson.M{"alert": key}).Decode(&slot)
	return slot.N, translate(err)
}

// SlotsTaken counts the user's alert slots taken on day.
func (r *Alerts) SlotsTaken(ctx context.Context, openid, day string) (int, error) {
	n, err := r.counts.CountDocuments(ctx, bson.M{"openid": openid, "day": day})
	return int(n), translate(err)
}
