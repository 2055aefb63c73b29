package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"disputes", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "created_at", Value: 1}}}},
		index{"disputes", mongo.IndexModel{Keys: bson.D{{Key: "n", Value: 1}}}},
	)
}

// Dispute statuses.
const (
	DisputePending  = "pending"
	DisputeMoved    = "moved"    // the name and its records went to the claimant
	DisputeRejected = "rejected" // the holder keeps the name
)

// Dispute is a claim (申诉) to a company name another enterprise holds.
type Dispute struct {
	ID             string     `bson:"_id"`
	N              int64      `bson:"n"` // the task force's queue number (通过 3)
	EnterpriseID   string     `bson:"enterprise_id"`
	Name           string     `bson:"name"`
	ClaimantOpenID string     `bson:"claimant_openid"`
	ClaimantName   string     `bson:"claimant_name,omitempty"`
	ClaimantMobile string     `bson:"claimant_mobile,omitempty"`
	Reason         string     `bson:"reason"`
	Status         string     `bson:"status"`
	CreatedAt      time.Time  `bson:"created_at"`
	DecidedAt      *time.Time `bson:"decided_at,omitempty"`
	DecidedBy      string     `bson:"decided_by,omitempty"`
	Note           string     `bson:"note,omitempty"`
}

// Disputes is the repository of name disputes.
type Disputes struct {
	c collection
	m *Mongo
}

// Disputes returns the repository.
func (m *Mongo) Disputes() *Disputes { return &Disputes{c: m.collection("disputes"), m: m} }

// Create stores d as pending with a new id and a queue number shared with
// verification requests.
func (r *Disputes) Create(ctx context.Context, d *Dispute) error {
	n, err := r.m.NextReviewN(ctx)
	if err != nil {
		return err
	}
	d.ID, d.N, d.Status = NewID(), n, DisputePending
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now().UTC()
	}
	_, err = r.c.InsertOne(ctx, d)
	return translate(err)
}

// Get returns the dispute with id, or ErrNotFound.
func (r *Disputes) Get(ctx context.Context, id string) (Dispute, error) {
	var d Dispute
	err := r.c.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	return d, translate(err)
}

// ByN returns the dispute with queue number n, or ErrNotFound.
func (r *Disputes) ByN(ctx context.Context, n int64) (Dispute, error) {
	var d Dispute
	err := r.c.FindOne(ctx, bson.M{"n": n}).Decode(&d)
	return d, translate(err)
}

// PendingOf returns the claimant's pending dispute of name, or ErrNotFound.
func (r *Disputes) PendingOf(ctx context.Context, claimant, name string) (Dispute, error) {
	var d Dispute
	err := r.c.FindOne(ctx, bson.M{"claimant_openid": claimant, "name": name, "status": DisputePending}).Decode(&d)
	return d, translate(err)
}

// Pending lists pending disputes, oldest first (at most limit).
func (r *Disputes) Pending(ctx context.Context, limit int) ([]Dispute, error) {
	cur, err := r.c.Find(ctx, bson.M{"status": DisputePending},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []Dispute
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// Decide settles a pending dispute; ErrConflict when it was settled before.
func (r *Disputes) Decide(ctx context.Context, id, status, by, note string, at time.Time) error {
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id, "status": DisputePending},
		bson.M{"$set": bson.M{"status": status, "decided_by": by, "decided_at": at.UTC(), "note": note}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: dispute %s settled before", ErrConflict, id)
	}
	return nil
}

// NextReviewN is the next number of the task force's queue (verification
// requests and disputes share it, so 通过 N names one item).
func (m *Mongo) NextReviewN(ctx context.Context) (int64, error) { return m.nextSeq(ctx, "reviews") }
