package store

import (
	"context"
	"regexp"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// NameContains returns up to limit enterprises whose name contains
// fragment (查供应 富临精工 finds 四川富临精工股份有限公司), oldest first.
// Only ids, names and creation times are read. The process serving a
// FerretDB store alone answers from memory (enterprise_contains.go).
func (r *Enterprises) NameContains(ctx context.Context, fragment string, limit int) ([]Enterprise, error) {
	if r.names != nil {
		if err := r.names.load(ctx, r.c); err != nil {
			return nil, err
		}
		return r.names.contains(fragment, limit), nil
	}
	cur, err := r.c.Find(ctx, bson.M{"name": bson.M{"$regex": regexp.QuoteMeta(fragment)}},
		options.Find().SetProjection(bson.M{"name": 1, "created_at": 1}).
			SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []Enterprise
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
