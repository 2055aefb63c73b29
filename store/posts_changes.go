package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

func init() {
	for _, coll := range []string{"demands", "offers"} {
		indexes = append(indexes, index{coll, mongo.IndexModel{Keys: bson.D{{Key: "updated_at", Value: 1}}}})
	}
}

// FulfilledStats counts the closed records of the kind and how many of them
// their owners said were fulfilled through the platform.
func (r *Posts) FulfilledStats(ctx context.Context) (closed, viaPlatform int64, err error) {
	closed, err = r.c.CountDocuments(ctx, bson.M{"status": StatusClosed})
	if err != nil {
		return 0, 0, translate(err)
	}
	viaPlatform, err = r.c.CountDocuments(ctx, bson.M{"status": StatusClosed, "via_platform": true})
	return closed, viaPlatform, translate(err)
}
