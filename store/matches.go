package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"matches", mongo.IndexModel{Keys: bson.D{{Key: "demand_id", Value: 1}, {Key: "offer_id", Value: 1}}, Options: options.Index().SetUnique(true)}},
		index{"matches", mongo.IndexModel{Keys: bson.D{{Key: "offer_id", Value: 1}}}},
	)
}

// Match is a demand–offer pair that scored above the threshold. Its id is
// derived from the pair, so saving a pair again updates it in place.
type Match struct {
	ID           string    `bson:"_id"`
	DemandID     string    `bson:"demand_id"`
	DemandNo     string    `bson:"demand_no"`
	DemandOpenID string    `bson:"demand_openid"`
	OfferID      string    `bson:"offer_id"`
	OfferNo      string    `bson:"offer_no"`
	OfferOpenID  string    `bson:"offer_openid"`
	Score        float64   `bson:"score"`
	Reasons      []string  `bson:"reasons"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

// MatchID is the id of the pair.
func MatchID(demandID, offerID string) string { return demandID + ":" + offerID }

// Matches is the repository of the collection "matches".
type Matches struct{ c collection }

// Matches returns the repository.
func (m *Mongo) Matches() *Matches { return &Matches{c: m.collection("matches")} }

// Upsert stores the pair, or updates score and reasons of a pair stored
// before. created tells which: only a new pair is news to its two sides.
func (r *Matches) Upsert(ctx context.Context, mt Match, now time.Time) (created bool, err error) {
	mt.ID = MatchID(mt.DemandID, mt.OfferID)
	mt.CreatedAt, mt.UpdatedAt = now, now
	if mt.Reasons == nil {
		mt.Reasons = []string{}
	}
	_, err = r.c.InsertOne(ctx, mt)
	if err == nil {
		return true, nil
	}
	if err = translate(err); !errors.Is(err, ErrConflict) {
		return false, err
	}
	_, err = r.c.UpdateOne(ctx, bson.M{"_id": mt.ID}, bson.M{"$set": bson.M{
		"score": mt.Score, "reasons": mt.Reasons, "updated_at": now}})
	return false, translate(err)
}

// Get returns the pair, or ErrNotFound.
func (r *Matches) Get(ctx context.Context, demandID, offerID string) (Match, error) {
	var mt Match
	err := r.c.FindOne(ctx, bson.M{"_id": MatchID(demandID, offerID)}).Decode(&mt)
	return mt, translate(err)
}

// Count counts the stored pairs, for tests and statistics.
func (r *Matches) Count(ctx context.Context) (int64, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{})
	return n, translate(err)
}
