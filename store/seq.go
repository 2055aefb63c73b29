package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// sequence is a counter document of the collection "sequences": the short
// numbers people type (通过 3, 回复 7). FerretDB applies the $inc as a read
// and a later write, so the write lock (collection.go) serialises it within the
// process; instances sharing one FerretDB could hand out a number twice,
// which the unique indexes of the numbered collections turn into a retry.
type sequence struct {
	ID string `bson:"_id"`
	N  int64  `bson:"n"`
}

// nextSeq returns the next number of the sequence name, from 1.
func (m *Mongo) nextSeq(ctx context.Context, name string) (int64, error) {
	var s sequence
	err := m.collection("sequences").FindOneAndUpdate(ctx, bson.M{"_id": name}, bson.M{"$inc": bson.M{"n": int64(1)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&s)
	return s.N, translate(err)
}
