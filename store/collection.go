package store

import (
	"context"
	"errors"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"supplybot/bot"
)

// collection is a MongoDB collection whose writes are serialised within the
// process when the server is FerretDB: every write to a database holds
// that database's lock.
//
// FerretDB v1 applies an update or a delete by querying the matching
// documents and then writing each one back (or deleting it) by _id, in a
// second step. Two writes to one document at the same time can therefore
// lose one — a record closed while the matcher settled it came back open —
// and a filter is checked against what the first step read, not what the
// write replaces. MongoDB applies each single-document write atomically and
// needs no lock.
//
// The lock is the database's rather than the collection's because SQLite,
// under FerretDB, admits one writer per database at a time, and a writer
// that finds another writing polls: it sleeps 1, 2, 5, 10 … up to 100 ms
// between tries. Under a burst of posts, whose save writes five
// collections, some writes waited a second while the database stood free;
// queued on one lock in the process they go in turn
// (BenchmarkConcurrentWrites). The price: a write whose filter is not a
// lone _id reads its whole collection first (doc.go) and holds every write
// of the database up meanwhile, so the frequent ones write by _id (Posts
// and ContactRequests ExpireDue); those left are rare (a take-down, a
// deregistration, an enterprise deleted).
//
// The lock holds within one process only: instances sharing one FerretDB
// still race. Several instances belong on MongoDB (README, "Pointing it at
// production").
type collection struct {
	*mongo.Collection
	mu *sync.Mutex // the database's; nil on MongoDB
}

// writeLocks holds one mutex per database, shared by every client in the
// process (tests run several instances on one FerretDB).
var writeLocks sync.Map

func wrapCollection(c *mongo.Collection, serialise bool) collection {
	if !serialise {
		return collection{Collection: c}
	}
	mu, _ := writeLocks.LoadOrStore(c.Database().Name(), new(sync.Mutex))
	return collection{Collection: c, mu: mu.(*sync.Mutex)}
}

// each decodes every document filter selects into a T, in turn, and hands
// it to fn, without holding them all.
func each[T any](ctx context.Context, c collection, filter bson.M, opts *options.FindOptions, fn func(T)) error {
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return translate(err)
		}
		fn(v)
	}
	return translate(cur.Err())
}

// sibling is another collection of the same database, locked alike.
func (c collection) sibling(name string) collection {
	return wrapCollection(c.Database().Collection(name), c.mu != nil)
}

// lock takes the database's write lock. A handler that has to wait for
// it gives its gateway slot back until its write is done (bot.GiveBackSlot):
// a write queued behind others uses no CPU, and the messages that write
// nothing should not wait for a slot behind it.
func (c collection) lock(ctx context.Context) func() {
	if c.mu == nil {
		return func() {}
	}
	if c.mu.TryLock() {
		return c.mu.Unlock
	}
	retake := bot.GiveBackSlot(ctx)
	c.mu.Lock()
	return func() {
		c.mu.Unlock()
		retake()
	}
}

func (c collection) InsertOne(ctx context.Context, doc interface{}, opts ...*options.InsertOneOptions) (*mongo.InsertOneResult, error) {
	defer c.lock(ctx)()
	return c.Collection.InsertOne(ctx, doc, opts...)
}

func (c collection) InsertMany(ctx context.Context, docs []interface{}, opts ...*options.InsertManyOptions) (*mongo.InsertManyResult, error) {
	defer c.lock(ctx)()
	return c.Collection.InsertMany(ctx, docs, opts...)
}

func (c collection) UpdateOne(ctx context.Context, filter, update interface{}, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	defer c.lock(ctx)()
	return c.Collection.UpdateOne(ctx, filter, update, opts...)
}

func (c collection) UpdateMany(ctx context.Context, filter, update interface{}, opts ...*options.UpdateOptions) (*mongo.UpdateResult, error) {
	defer c.lock(ctx)()
	return c.Collection.UpdateMany(ctx, filter, update, opts...)
}

func (c collection) ReplaceOne(ctx context.Context, filter, doc interface{}, opts ...*options.ReplaceOptions) (*mongo.UpdateResult, error) {
	defer c.lock(ctx)()
	return c.Collection.ReplaceOne(ctx, filter, doc, opts...)
}

func (c collection) DeleteOne(ctx context.Context, filter interface{}, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	defer c.lock(ctx)()
	return c.Collection.DeleteOne(ctx, filter, opts...)
}

func (c collection) DeleteMany(ctx context.Context, filter interface{}, opts ...*options.DeleteOptions) (*mongo.DeleteResult, error) {
	defer c.lock(ctx)()
	return c.Collection.DeleteMany(ctx, filter, opts...)
}

func (c collection) FindOneAndUpdate(ctx context.Context, filter, update interface{}, opts ...*options.FindOneAndUpdateOptions) *mongo.SingleResult {
	defer c.lock(ctx)()
	return c.Collection.FindOneAndUpdate(ctx, filter, update, opts...)
}

func (c collection) FindOneAndReplace(ctx context.Context, filter, doc interface{}, opts ...*options.FindOneAndReplaceOptions) *mongo.SingleResult {
	defer c.lock(ctx)()
	return c.Collection.FindOneAndReplace(ctx, filter, doc, opts...)
}

func (c collection) FindOneAndDelete(ctx context.Context, filter interface{}, opts ...*options.FindOneAndDeleteOptions) *mongo.SingleResult {
	defer c.lock(ctx)()
	return c.Collection.FindOneAndDelete(ctx, filter, opts...)
}

func (c collection) BulkWrite(ctx context.Context, models []mongo.WriteModel, opts ...*options.BulkWriteOptions) (*mongo.BulkWriteResult, error) {
	defer c.lock(ctx)()
	return c.Collection.BulkWrite(ctx, models, opts...)
}

// isFerretDB reports whether the server is FerretDB: its buildInfo carries
// ferretdbVersion.
func isFerretDB(ctx context.Context, db *mongo.Database) (bool, error) {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, err
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}

// updateIDIf applies update to the document id when it still matches
// guard (holds says the same of the document read), and reports whether
// it did. A document gone or changed since is no error.
//
// On MongoDB that is one guarded UpdateOne. On FerretDB 1.x a guarded
// filter reads and decodes the whole collection, under the write lock,
// while a lone _id is pushed down to SQLite and served from an index on
// the embedded store (see doc.go). There the document is read by its lone _id, the guard checked by holds
// and the update written by its lone _id, under the database's write
// lock, so that no other write of this process comes in between
// (FerretDB's own guarded update, too, reads and then writes).
func (c collection) updateIDIf(ctx context.Context, id string, guard bson.M, holds func(bson.Raw) bool, update bson.M) (bool, error) {
	if c.mu == nil {
		filter := bson.M{"_id": id}
		for k, v := range guard {
			filter[k] = v
		}
		res, err := c.Collection.UpdateOne(ctx, filter, update)
		if err != nil {
			return false, translate(err)
		}
		return res.MatchedCount > 0, nil
	}
	defer c.lock(ctx)()
	raw, err := c.Collection.FindOne(ctx, bson.M{"_id": id}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, translate(err)
	}
	if !holds(raw) {
		return false, nil
	}
	res, err := c.Collection.UpdateOne(ctx, bson.M{"_id": id}, update)
	if err != nil {
		return false, translate(err)
	}
	return res.MatchedCount > 0, nil
}
