package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"supplybot/store/storetest"
)

// BenchmarkFerretDBByID: what one operation on one document by its lone
// _id costs on the test's MongoDB as the collection grows (documents of
// about 600 bytes, looked up across the collection and missing). On the
// embedded FerretDB 1.24 (SQLite) as it comes (indexed=false), only an
// insert stays flat: its _id index is on _ferretdb_sjson->"_id" while its
// queries ask for _ferretdb_sjson->'$._id', which SQLite does not match to
// it, so a read by _id scans until it finds the document (a missing one:
// the whole collection), and an update or a delete scans it all. With the
// index the bot adds (indexed=true, EmbeddedMongo.IndexIDs) all stay flat.
// docs/BENCHMARKS.md has the figures; with SUPPLYBOT_TEST_MONGO_URI at a
// MongoDB only indexed=false runs, and stays flat.
//
//	go test ./store -run '^$' -bench FerretDBByID -benchtime 30x
func BenchmarkFerretDBByID(b *testing.B) {
	uri := storetest.MongoURI(b)
	ctx := context.Background()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = c.Disconnect(ctx) }()
	pad := strings.Repeat("x", 500)
	for _, run := range []struct {
		n       int
		indexed bool
	}{{100, false}, {1000, false}, {10000, false}, {100, true}, {1000, true}, {10000, true}} {
		n, indexed := run.n, run.indexed
		if indexed && storetest.Embedded() == nil {
			continue
		}
		db := c.Database(storetest.UniqueName("ferretbench"))
		coll := db.Collection("docs")
		docs := make([]any, n)
		for i := range docs {
			docs[i] = bson.M{"_id": fmt.Sprintf("id-%06d", i), "no": i, "pad": pad}
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
		// Spread over the collection: a scan that stops at the first
		// match (FindOne's limit) finds the first documents inserted at
		// once, so looking up only those would look like an index.
		if e := storetest.Embedded(); e != nil && indexed {
			if _, err := e.IndexIDs(ctx, db.Name()); err != nil {
				b.Fatal(err)
			}
		}
		id := func(i int) string { return fmt.Sprintf("id-%06d", (i*7919+n/2)%n) }
		for _, op := range []struct {
			name string
			do   func(i int) error
		}{
			{"find", func(i int) error { return coll.FindOne(ctx, bson.M{"_id": id(i)}).Err() }},
			{"find-missing", func(i int) error {
				if err := coll.FindOne(ctx, bson.M{"_id": fmt.Sprintf("none-%d", i)}).Err(); err != mongo.ErrNoDocuments {
					return fmt.Errorf("want no document, got %v", err)
				}
				return nil
			}},
			{"insert", func(i int) error {
				_, err := coll.InsertOne(ctx, bson.M{"_id": fmt.Sprintf("new-%d-%d", n, i), "pad": pad})
				return err
			}},
			{"update", func(i int) error {
				_, err := coll.UpdateOne(ctx, bson.M{"_id": id(i)}, bson.M{"$set": bson.M{"x": i}})
				return err
			}},
			{"delete", func(i int) error {
				_, err := coll.DeleteOne(ctx, bson.M{"_id": fmt.Sprintf("new-%d-%d", n, i)})
				return err
			}},
		} {
			b.Run(fmt.Sprintf("%s/docs=%d/indexed=%v", op.name, n, indexed), func(b *testing.B) {
				i := 0
				for b.Loop() {
					if err := op.do(i); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
		_ = db.Drop(ctx)
	}
}
