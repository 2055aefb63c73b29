package store

import (
	"context"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The task-force console's reads: filtered, paged listings of records and
// enterprises, and the matches and contact requests of one record.

// PostFilter selects records of any status for the console; empty fields
// do not filter.
type PostFilter struct {
	Text           string // part of the product name
	CategoryPrefix string // dot path prefix, e.g. "auto.chassis"
	Province, City string
	Status         string
	Verified       *bool
	From, To       time.Time // created_at in [From, To)
	Offset, Limit  int
}

// List returns the records of f, newest first, and whether more follow.
func (r *Posts) List(ctx context.Context, f PostFilter) ([]Post, bool, error) {
	filter := bson.M{}
	if f.Text != "" {
		filter["product"] = bson.M{"$regex": regexp.QuoteMeta(f.Text), "$options": "i"}
	}
	if f.CategoryPrefix != "" {
		filter["category_code"] = bson.M{"$regex": "^" + regexp.QuoteMeta(f.CategoryPrefix) + `(\.|$)`}
	}
	if f.Province != "" {
		filter["region.province"] = f.Province
	}
	if f.City != "" {
		filter["region.city"] = f.City
	}
	if f.Status != "" {
		filter["status"] = f.Status
	}
	if f.Verified != nil {
		filter["verified"] = *f.Verified
	}
	if span := timeSpan(f.From, f.To); span != nil {
		filter["created_at"] = span
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(max(f.Offset, 0))).SetLimit(int64(limit + 1))
	found, err := r.find(ctx, filter, opts)
	if err != nil {
		return nil, false, err
	}
	if len(found) > limit {
		return found[:limit], true, nil
	}
	return found, false, nil
}

func timeSpan(from, to time.Time) bson.M {
	span := bson.M{}
	if !from.IsZero() {
		span["$gte"] = from
	}
	if !to.IsZero() {
		span["$lt"] = to
	}
	if len(span) == 0 {
		return nil
	}
	return span
}

// EnterpriseFilter selects enterprises for the console.
type EnterpriseFilter struct {
	Text          string // part of the name
	Role          string
	Province      string
	Verified      *bool
	Offset, Limit int
}

// List returns the enterprises of f, newest first, and whether more follow.
func (r *Enterprises) List(ctx context.Context, f EnterpriseFilter) ([]Enterprise, bool, error) {
	filter := bson.M{}
	if f.Text != "" {
		filter["name"] = bson.M{"$regex": regexp.QuoteMeta(f.Text), "$options": "i"}
	}
	if f.Role != "" {
		filter["role"] = f.Role
	}
	if f.Province != "" {
		filter["region.province"] = f.Province
	}
	if f.Verified != nil {
		filter["verified"] = *f.Verified
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(max(f.Offset, 0))).SetLimit(int64(limit + 1))
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, false, translate(err)
	}
	var out []Enterprise
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, translate(err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Of returns the pairs a record is part of (by its id), best first.
func (r *Matches) Of(ctx context.Context, recordID string, limit int) ([]Match, error) {
	return r.list(ctx, bson.M{"$or": bson.A{bson.M{"demand_id": recordID}, bson.M{"offer_id": recordID}}}, limit)
}

// List returns the newest pairs, at most limit.
func (r *Matches) List(ctx context.Context, limit int) ([]Match, error) {
	return r.list(ctx, bson.M{}, limit)
}

func (r *Matches) list(ctx context.Context, filter bson.M, limit int) ([]Match, error) {
	if limit <= 0 {
		limit = 100
	}
	cur, err := r.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []Match
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// OfRecord returns the contact requests about a record (by its id), newest first.
func (r *ContactRequests) OfRecord(ctx context.Context, recordID string) ([]ContactRequest, error) {
	cur, err := r.c.Find(ctx, bson.M{"record_id": recordID}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(200))
	if err != nil {
		return nil, translate(err)
	}
	var out []ContactRequest
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
