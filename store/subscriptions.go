package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"subscriptions", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "created_at", Value: 1}}}},
		index{"subscriptions", mongo.IndexModel{Keys: bson.D{{Key: "keywords", Value: 1}}}},
		index{"subscriptions", mongo.IndexModel{Keys: bson.D{{Key: "category_code", Value: 1}}}},
	)
}

// Subscription asks for an alert whenever a new record fits: every one of
// Words (or a synonym) among its keywords, its category at or below
// CategoryCode, and its place within Region. Its id is derived from the
// user and the criteria, so subscribing twice to the same stores it once.
type Subscription struct {
	ID           string    `bson:"_id"`
	OpenID       string    `bson:"openid"`
	EnterpriseID string    `bson:"enterprise_id,omitempty"`
	Kind         string    `bson:"kind,omitempty"` // "" both, demand or offer
	Words        []string  `bson:"words"`          // as the user wrote them
	Keywords     []string  `bson:"keywords"`       // Words with synonyms, lower case, for lookup
	CategoryCode string    `bson:"category_code,omitempty"`
	CategoryName string    `bson:"category_name,omitempty"`
	Region       Region    `bson:"region"`
	CreatedAt    time.Time `bson:"created_at"`
}

// Subscriptions is the repository of the collection "subscriptions".
type Subscriptions struct{ c collection }

// Subscriptions returns the repository.
func (m *Mongo) Subscriptions() *Subscriptions {
	return &Subscriptions{c: m.collection("subscriptions")}
}

// Create stores s (its ID set by the caller); ErrConflict when the user has
// the same subscription already.
func (r *Subscriptions) Create(ctx context.Context, s Subscription) error {
	if s.Words == nil {
		s.Words = []string{}
	}
	if s.Keywords == nil {
		s.Keywords = []string{}
	}
	_, err := r.c.InsertOne(ctx, s)
	return translate(err)
}

// ByOpenID lists the user's subscriptions, oldest first (the numbering of 我的订阅).
func (r *Subscriptions) ByOpenID(ctx context.Context, openid string) ([]Subscription, error) {
	return r.find(ctx, bson.M{"openid": openid}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
}

// Delete removes the user's subscription id; ErrNotFound if there is none.
func (r *Subscriptions) Delete(ctx context.Context, openid, id string) error {
	res, err := r.c.DeleteOne(ctx, bson.M{"_id": id, "openid": openid})
	if err != nil {
		return translate(err)
	}
	if res.DeletedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Candidates lists the subscriptions that may fit a record with these
// (lower-case) keywords and category codes (the record's and its
// ancestors'); the caller checks each one exactly.
func (r *Subscriptions) Candidates(ctx context.Context, keywords, categoryCodes []string) ([]Subscription, error) {
	var or bson.A
	if len(keywords) > 0 {
		or = append(or, bson.M{"keywords": bson.M{"$in": keywords}})
	}
	if len(categoryCodes) > 0 {
		or = append(or, bson.M{"category_code": bson.M{"$in": categoryCodes}})
	}
	if len(or) == 0 {
		return nil, nil
	}
	return r.find(ctx, bson.M{"$or": or}, nil)
}

func (r *Subscriptions) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]Subscription, error) {
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []Subscription
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
