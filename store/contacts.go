package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"contact_requests", mongo.IndexModel{Keys: bson.D{{Key: "requester_openid", Value: 1}, {Key: "record_id", Value: 1}}, Options: options.Index().SetUnique(true)}},
		index{"contact_requests", mongo.IndexModel{Keys: bson.D{{Key: "no", Value: 1}}, Options: options.Index().SetUnique(true)}},
		msgKeyIndex("contact_requests"),
		index{"contact_requests", mongo.IndexModel{Keys: bson.D{{Key: "owner_openid", Value: 1}, {Key: "status", Value: 1}}}},
		index{"contact_requests", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "expires_at", Value: 1}}}},
	)
}

// Contact request statuses.
const (
	ContactPending  = "pending"
	ContactAccepted = "accepted"
	ContactDeclined = "declined"
	ContactExpired  = "expired"
)

// ContactRequest is one ask to exchange contacts about a record, logged
// with its outcome. A user asks about a record once: the id is derived
// from the requester and the record (and a unique index says the same).
// It expires at ExpiresAt (an explicit field: FerretDB has no TTL index).
//
// A status change and the pushes it owes are two writes (there are no
// transactions), so the request also records that the pushes were queued:
// AskedAt once the owner's request is in the outbox, ToldAt once the pushes
// of the answer (or the expiry notice) are. A request without them owes its pushes, and whoever
// finds it so queues them again under the same outbox keys.
type ContactRequest struct {
	ID                    string     `bson:"_id"`
	No                    int64      `bson:"no"` // what the owner types: 同意 3
	RequesterOpenID       string     `bson:"requester_openid"`
	RequesterEnterpriseID string     `bson:"requester_enterprise_id"`
	OwnerOpenID           string     `bson:"owner_openid"`
	OwnerEnterpriseID     string     `bson:"owner_enterprise_id"`
	RecordID              string     `bson:"record_id"`
	RecordNo              string     `bson:"record_no"`
	RecordKind            string     `bson:"record_kind"`
	Product               string     `bson:"product"`
	Status                string     `bson:"status"`
	CreatedAt             time.Time  `bson:"created_at"`
	ExpiresAt             time.Time  `bson:"expires_at"`
	AnsweredAt            *time.Time `bson:"answered_at,omitempty"`
	AskedAt               *time.Time `bson:"asked_at,omitempty"` // the owner's request was queued
	ToldAt                *time.Time `bson:"told_at,omitempty"`  // the pushes of the answer or expiry were queued
	MsgKey                string     `bson:"msg_key,omitempty"`  // the message that asked (unique when set)
}

// Owes reports whether pushes of q's current state may not be queued yet:
// the owner's request while it is pending; the answer's, or the expiry
// notice, once it is answered or expired.
func (q *ContactRequest) Owes() bool {
	if q.Status == ContactPending {
		return q.AskedAt == nil
	}
	return q.ToldAt == nil
}

// ContactRequestID is the id of requester's request about a record.
func ContactRequestID(requesterOpenID, recordID string) string {
	return requesterOpenID + ":" + recordID
}

// ContactRequests is the repository of the collection "contact_requests".
type ContactRequests struct{ c collection }

// ContactRequests returns the repository.
func (m *Mongo) ContactRequests() *ContactRequests {
	return &ContactRequests{c: m.collection("contact_requests")}
}

// Create stores q as pending with the next number. It returns ErrConflict
// when the requester asked about the record before (whatever came of it)
// or a request of q's MsgKey exists.
// Numbers are claimed by the unique index on no (FerretDB's $inc is not
// atomic under concurrency): a number taken meanwhile is retried.
func (r *ContactRequests) Create(ctx context.Context, q *ContactRequest) error {
	q.ID = ContactRequestID(q.RequesterOpenID, q.RecordID)
	q.Status = ContactPending
	for range 20 {
		taken := bson.M{"_id": q.ID}
		if q.MsgKey != "" {
			taken = bson.M{"$or": bson.A{bson.M{"_id": q.ID}, bson.M{"msg_key": q.MsgKey}}}
		}
		if n, err := r.c.CountDocuments(ctx, taken, options.Count().SetLimit(1)); err != nil {
			return translate(err)
		} else if n > 0 {
			return ErrConflict
		}
		var last ContactRequest
		err := r.c.FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "no", Value: -1}})).Decode(&last)
		if err = translate(err); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		q.No = last.No + 1
		_, err = r.c.InsertOne(ctx, q)
		if err = translate(err); !errors.Is(err, ErrConflict) {
			return err
		}
		// Either the number or the request itself was taken meanwhile: look again.
	}
	return fmt.Errorf("contact request number: too much contention")
}

// Get returns requester's request about the record, or ErrNotFound.
func (r *ContactRequests) Get(ctx context.Context, requesterOpenID, recordID string) (ContactRequest, error) {
	var q ContactRequest
	err := r.c.FindOne(ctx, bson.M{"_id": ContactRequestID(requesterOpenID, recordID)}).Decode(&q)
	return q, translate(err)
}

// ByID returns the request with the id, or ErrNotFound.
func (r *ContactRequests) ByID(ctx context.Context, id string) (ContactRequest, error) {
	var q ContactRequest
	err := r.c.FindOne(ctx, bson.M{"_id": id}).Decode(&q)
	return q, translate(err)
}

// ByNo returns the owner's request with the number, or ErrNotFound.
func (r *ContactRequests) ByNo(ctx context.Context, ownerOpenID string, no int64) (ContactRequest, error) {
	var q ContactRequest
	err := r.c.FindOne(ctx, bson.M{"no": no, "owner_openid": ownerOpenID}).Decode(&q)
	return q, translate(err)
}

// MarkAsked records that the owner's request of id was queued.
func (r *ContactRequests) MarkAsked(ctx context.Context, id string, now time.Time) error {
	return r.mark(ctx, id, "asked_at", now)
}

// MarkTold records that the pushes of the answer (or expiry) of id were queued.
func (r *ContactRequests) MarkTold(ctx context.Context, id string, now time.Time) error {
	return r.mark(ctx, id, "told_at", now)
}

func (r *ContactRequests) mark(ctx context.Context, id, field string, now time.Time) error {
	_, err := r.c.UpdateOne(ctx, bson.M{"_id": id, field: bson.M{"$exists": false}}, bson.M{"$set": bson.M{field: now}})
	return translate(err)
}

// UntoldForOwner lists the owner's answered requests whose pushes may not
// be queued yet, by number.
func (r *ContactRequests) UntoldForOwner(ctx context.Context, ownerOpenID string) ([]ContactRequest, error) {
	return r.find(ctx, bson.M{"owner_openid": ownerOpenID, "status": bson.M{"$in": bson.A{ContactAccepted, ContactDeclined}},
		"told_at": bson.M{"$exists": false}}, options.Find().SetSort(bson.D{{Key: "no", Value: 1}}))
}

// Owing lists up to limit requests that owe pushes (see Owes) since before:
// pending and unexpired at now but not asked, created before; or answered
// or expired before but not told.
func (r *ContactRequests) Owing(ctx context.Context, before, now time.Time, limit int) ([]ContactRequest, error) {
	return r.find(ctx, bson.M{"$or": bson.A{
		bson.M{"status": ContactPending, "asked_at": bson.M{"$exists": false}, "created_at": bson.M{"$lte": before}, "expires_at": bson.M{"$gt": now}},
		bson.M{"status": bson.M{"$in": bson.A{ContactAccepted, ContactDeclined, ContactExpired}}, "told_at": bson.M{"$exists": false}, "answered_at": bson.M{"$lte": before}},
	}}, options.Find().SetSort(bson.D{{Key: "no", Value: 1}}).SetLimit(int64(limit)))
}

// PendingForOwner lists the requests waiting for the owner's answer that
// have not expired at now, by number.
func (r *ContactRequests) PendingForOwner(ctx context.Context, ownerOpenID string, now time.Time) ([]ContactRequest, error) {
	return r.find(ctx, bson.M{"owner_openid": ownerOpenID, "status": ContactPending, "expires_at": bson.M{"$gt": now}},
		options.Find().SetSort(bson.D{{Key: "no", Value: 1}}))
}

// HasPending reports whether the owner has a request to answer.
func (r *ContactRequests) HasPending(ctx context.Context, ownerOpenID string, now time.Time) (bool, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{"owner_openid": ownerOpenID, "status": ContactPending, "expires_at": bson.M{"$gt": now}},
		options.Count().SetLimit(1))
	return n > 0, translate(err)
}

// Answer records the owner's answer (accepted or declined) of a pending,
// unexpired request. ErrNotFound when it was answered or expired already.
func (r *ContactRequests) Answer(ctx context.Context, id, status string, now time.Time) error {
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id, "status": ContactPending, "expires_at": bson.M{"$gt": now}},
		bson.M{"$set": bson.M{"status": status, "answered_at": now}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// ExpireDue marks pending requests past their expiry expired and returns
// them; on an error, those it expired before it (on FerretDB, which
// expires them one by one).
func (r *ContactRequests) ExpireDue(ctx context.Context, now time.Time) ([]ContactRequest, error) {
	due, err := r.find(ctx, bson.M{"status": ContactPending, "expires_at": bson.M{"$lte": now}}, nil)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	ids := make([]string, len(due))
	for i, q := range due {
		ids[i] = q.ID
	}
	// Stamped to the millisecond the database keeps, so the requests this
	// call expired can be read back: one answered meanwhile is not among them.
	at := now.UTC().Truncate(time.Millisecond)
	set := bson.M{"$set": bson.M{"status": ContactExpired, "answered_at": at}}
	if r.c.mu != nil {
		// FerretDB: an $in reads every request, holding every write up
		// meanwhile (collection.go); one write per request by its lone _id.
		var expired []ContactRequest
		for _, q := range due {
			won, err := r.c.updateIDIf(ctx, q.ID, bson.M{"status": ContactPending}, func(raw bson.Raw) bool {
				status, _ := raw.Lookup("status").StringValueOK()
				return status == ContactPending
			}, set)
			if err != nil {
				return expired, err
			}
			if won {
				q.Status, q.AnsweredAt = ContactExpired, &at
				expired = append(expired, q)
			}
		}
		return expired, nil
	}
	_, err = r.c.UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "status": ContactPending}, set)
	if err != nil {
		return nil, translate(err)
	}
	return r.find(ctx, bson.M{"_id": bson.M{"$in": ids}, "status": ContactExpired, "answered_at": at}, nil)
}

func (r *ContactRequests) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]ContactRequest, error) {
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []ContactRequest
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
