package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"supplybot/store"
	"supplybot/store/storetest"
)

// plan is SQLite's plan for FerretDB's find by a lone _id in coll, after
// checking that FerretDB pushes that filter down to SQLite at all.
// (FerretDB's own explain prints a scan whatever the indexes; the plan is
// read from the database file with FerretDB's statement.)
func plan(t *testing.T, db *mongo.Database, coll string) string {
	t.Helper()
	var out struct {
		FilterPushdown bool `bson:"filterPushdown"`
	}
	err := db.RunCommand(context.Background(), bson.D{{Key: "explain", Value: bson.D{
		{Key: "find", Value: coll}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "id-7"}}}}}}).Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	if !out.FilterPushdown {
		t.Fatalf("FerretDB no longer pushes a lone _id down to SQLite")
	}
	p, err := storetest.Embedded().PlanOfFindByID(context.Background(), db.Name(), coll)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// embeddedClient is the package's embedded FerretDB and a client of it,
// disconnected at cleanup; the test is skipped on MongoDB, whose _id
// index serves.
func embeddedClient(t *testing.T) (*store.EmbeddedMongo, *mongo.Client) {
	t.Helper()
	uri := storetest.MongoURI(t)
	e := storetest.Embedded()
	if e == nil {
		t.Skip("MongoDB uses its own _id index")
	}
	c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return e, c
}

func TestIndexIDsServesLookupsByIDFromAnIndex(t *testing.T) {
	e, c := embeddedClient(t)
	ctx := context.Background()
	name := storetest.UniqueName("ids")
	if n, err := e.IndexIDs(ctx, name); err != nil || n != 0 {
		t.Fatalf("a database not created yet: added %d, %v; want 0, nil (and no file)", n, err)
	}
	db := c.Database(name)
	defer func() { _ = db.Drop(ctx) }()
	for _, coll := range []string{"a", "b"} {
		if _, err := db.Collection(coll).InsertMany(ctx, []any{bson.M{"_id": "id-7", "v": 1}, bson.M{"_id": "id-8", "v": 2}}); err != nil {
			t.Fatal(err)
		}
	}
	if p := plan(t, db, "a"); !strings.Contains(p, "SCAN") {
		t.Fatalf("before: plan %s, want FerretDB's own scan (has FerretDB changed its SQL?)", p)
	}
	if n, err := e.IndexIDs(ctx, name); err != nil || n != 2 {
		t.Fatalf("IndexIDs: added %d, %v; want 2", n, err)
	}
	for _, coll := range []string{"a", "b"} {
		if p := plan(t, db, coll); !strings.Contains(p, "USING INDEX") || strings.Contains(p, "SCAN") {
			t.Fatalf("%s after: plan %s, want a search using the index", coll, p)
		}
	}
	if n, err := e.IndexIDs(ctx, name); err != nil || n != 0 {
		t.Fatalf("again: added %d, %v; want 0", n, err)
	}
	// The queries' answers are FerretDB's as before: find, update and delete by _id.
	coll := db.Collection("a")
	var got bson.M
	if err := coll.FindOne(ctx, bson.M{"_id": "id-8"}).Decode(&got); err != nil || got["v"] != int32(2) {
		t.Fatalf("find: %v, %v", got, err)
	}
	if r, err := coll.UpdateOne(ctx, bson.M{"_id": "id-7"}, bson.M{"$set": bson.M{"v": 9}}); err != nil || r.ModifiedCount != 1 {
		t.Fatalf("update: %+v, %v", r, err)
	}
	if r, err := coll.DeleteOne(ctx, bson.M{"_id": "id-8"}); err != nil || r.DeletedCount != 1 {
		t.Fatalf("delete: %+v, %v", r, err)
	}
	if err := coll.FindOne(ctx, bson.M{"_id": "id-8"}).Err(); err != mongo.ErrNoDocuments {
		t.Fatalf("deleted document: %v", err)
	}
	if err := coll.FindOne(ctx, bson.M{"_id": "id-7"}).Decode(&got); err != nil || got["v"] != int32(9) {
		t.Fatalf("updated document: %v, %v", got, err)
	}
	// A duplicate _id is still refused by FerretDB's own unique index.
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "id-7"}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate insert: %v", err)
	}
	// Dropped and created again, a collection loses the index with its table.
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "id-1"}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.IndexIDs(ctx, name); err != nil || n != 1 {
		t.Fatalf("after the drop: added %d, %v; want 1", n, err)
	}
}

func TestKeepIDsIndexedIndexesCollectionsCreatedLater(t *testing.T) {
	e, c := embeddedClient(t)
	ctx := context.Background()
	db := c.Database(storetest.UniqueName("ids"))
	defer func() { _ = db.Drop(ctx) }()
	defer store.SetIDIndexEvery(20 * time.Millisecond)()
	if _, err := db.Collection("first").InsertOne(ctx, bson.M{"_id": "x"}); err != nil {
		t.Fatal(err)
	}
	kctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := e.KeepIDsIndexed(kctx, db.Name(), nil); err != nil {
		t.Fatal(err)
	}
	if p := plan(t, db, "first"); !strings.Contains(p, "USING INDEX") {
		t.Fatalf("first collection: plan %s, want the index at once", p)
	}
	if _, err := db.Collection("later").InsertOne(ctx, bson.M{"_id": "x"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := plan(t, db, "later")
		if strings.Contains(p, "USING INDEX") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a collection created later: plan %s after 10 s, want the index", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
