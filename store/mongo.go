package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
)

// Mongo is the MongoDB database of the application: a real server or the
// embedded FerretDB, reached the same way.
type Mongo struct {
	client *mongo.Client
	db     *mongo.Database
	ferret bool // FerretDB: writes are serialised (collection)
	// outboxDue: the live outbox's due times, when ServeAlone on FerretDB.
	outboxDue *dueIndex
	// enterpriseNames: the enterprises by name, when ServeAlone on FerretDB.
	enterpriseNames *nameIndex

	// The record numbers of the kinds (Posts.nextNo).
	demandNos, offerNos numbering
	// The change feeds and owed lists of the kinds (posts_feed.go).
	demandFeed, offerFeed feedState
	// counts writes Counters.Queue's events in batches (stats_queue.go).
	counts *countQueue
	logger atomic.Pointer[slog.Logger] // SetLogger; nil: slog.Default()
}

// OpenMongo connects to uri, pings within ctx and ensures the indexes.
func OpenMongo(ctx context.Context, uri, database string) (*Mongo, error) {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(3 * time.Second).
		SetConnectTimeout(3 * time.Second).
		SetMonitor(costMonitor())
	c, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("mongo %s: %w", redactURI(uri), err)
	}
	m := &Mongo{client: c, db: c.Database(database)}
	m.counts = &countQueue{stats: m.collection("stats"), seen: m.collection("stats_seen"), log: m.log}
	if err := m.Ping(ctx); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo %s: %w", redactURI(uri), err)
	}
	if m.ferret, err = isFerretDB(ctx, m.db); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo %s: buildInfo: %w", redactURI(uri), err)
	}
	if err := m.ensureIndexes(ctx); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo indexes: %w", err)
	}
	for _, kind := range []string{KindDemand, KindOffer} {
		if err := m.posts(kind).ownersFromStart(ctx); err != nil {
			_ = c.Disconnect(context.Background())
			return nil, fmt.Errorf("mongo post owners: %w", err)
		}
		if err := m.posts(kind).adoptOwed(ctx); err != nil {
			_ = c.Disconnect(context.Background())
			return nil, fmt.Errorf("mongo owed matching: %w", err)
		}
	}
	return m, nil
}

// IsFerretDB reports whether the server is FerretDB, whose reads use no
// index: then writes are serialised and the change feed kept (collection,
// posts_feed.go).
func (m *Mongo) IsFerretDB() bool { return m.ferret }

// ServeAlone tells this client that its process alone serves the store,
// as one instance does on FerretDB. There, where every filter but a lone
// _id reads the whole collection (doc.go), it keeps in memory what it
// would otherwise read by such filters again and again, moved by its own
// writes: the owner index (我的发布's index of a poster's records, no
// longer written to post_owners), the records' change feed (posts_feed.go), the live outbox's due
// times (outbox_due.go) and the enterprises' names (enterprise_byname.go,
// enterprise_contains.go). Tools and tests
// reading beside it read the store. Call it before use; on MongoDB it
// does nothing, the declared indexes serving those reads.
func (m *Mongo) ServeAlone() {
	if !m.ferret {
		return
	}
	m.demandFeed.owned, m.offerFeed.owned = &ownerIndex{}, &ownerIndex{}
	m.demandFeed.memFeed, m.offerFeed.memFeed = true, true
	m.outboxDue = newDueIndex()
	m.enterpriseNames = newNameIndex()
}

// WarmUp reads now what ServeAlone keeps in memory and would otherwise
// read at its first use (the outbox's due times, the enterprises' names,
// the highest record numbers, the owner index), so that no user's message waits for it; a
// no-op when not ServeAlone.
func (m *Mongo) WarmUp(ctx context.Context) error {
	if m.outboxDue != nil {
		// On FerretDB each sorts every number of its kind: seconds at
		// 100,000 records, which the first posts after a start waited for.
		for _, kind := range []string{KindDemand, KindOffer} {
			if err := m.posts(kind).learnFirstNo(ctx); err != nil {
				return fmt.Errorf("record numbers: %w", err)
			}
		}
		if err := m.outboxDue.load(ctx, m.collection("outbox")); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
	}
	if m.enterpriseNames != nil {
		if err := m.enterpriseNames.load(ctx, m.collection("enterprises")); err != nil {
			return fmt.Errorf("enterprise names: %w", err)
		}
	}
	for _, kind := range []string{KindDemand, KindOffer} {
		if r := m.posts(kind); r.feed.owned != nil {
			// One scan of every record of the kind: last, so that the
			// reads above are not held up by it.
			if err := r.ownerIndexBuilt(ctx); err != nil {
				return fmt.Errorf("owner index: %w", err)
			}
		}
	}
	return nil
}

// Ping checks the primary answers.
func (m *Mongo) Ping(ctx context.Context) error { return m.client.Ping(ctx, readpref.Primary()) }

// SetLogger names where the store reports what fails in the background
// (statistics counters not written); slog.Default() until it is called.
func (m *Mongo) SetLogger(l *slog.Logger) { m.logger.Store(l) }

func (m *Mongo) log() *slog.Logger {
	if l := m.logger.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// Close writes the statistics' counters still queued, within ctx, and
// disconnects; it disconnects even when the counters could not be written.
func (m *Mongo) Close(ctx context.Context) error {
	flushed := m.counts.flush(ctx)
	return errors.Join(flushed, m.dropOwnersMarkers(ctx), m.client.Disconnect(ctx))
}

// dropOwnersMarkers drops, on closing a process that served the store
// alone, the owner documents' markers once more: a reader beside it (a
// tool) may have rebuilt the documents, and marked them built, while its
// saves went to memory only (posts_owners.go).
func (m *Mongo) dropOwnersMarkers(ctx context.Context) error {
	var errs []error
	for _, kind := range []string{KindDemand, KindOffer} {
		if r := m.posts(kind); r.feed.owned != nil && r.feed.owned.dropped.Load() {
			_, err := r.owners().DeleteOne(ctx, bson.M{"_id": kind + ":built"})
			errs = append(errs, translate(err))
		}
	}
	return errors.Join(errs...)
}

// DropDatabase removes every collection, after the counters still queued
// are written (else they would write it anew); tests use it to clean up.
func (m *Mongo) DropDatabase(ctx context.Context) error {
	if err := m.counts.flush(ctx); err != nil {
		return err
	}
	return m.db.Drop(ctx)
}

// Collection returns a collection of the database, for repositories in this package.
func (m *Mongo) collection(name string) collection {
	return wrapCollection(m.db.Collection(name), m.ferret)
}

// index is one index a repository needs.
type index struct {
	coll  string
	model mongo.IndexModel
}

// indexes is appended to by each repository file in its init.
var indexes []index

// msgKeyIndex makes msg_key unique where it is set. FerretDB 1.x accepts
// and drops the sparse option (partialFilterExpression it refuses), but
// its unique indexes already let any number of documents lack the field,
// so both servers behave alike (TestMsgKeyIsUniqueWhereSet).
func msgKeyIndex(coll string) index {
	return index{coll, mongo.IndexModel{Keys: bson.D{{Key: "msg_key", Value: 1}},
		Options: options.Index().SetUnique(true).SetSparse(true)}}
}

func (m *Mongo) ensureIndexes(ctx context.Context) error {
	for _, ix := range indexes {
		if _, err := m.collection(ix.coll).Indexes().CreateOne(ctx, ix.model); err != nil {
			return fmt.Errorf("%s: %w", ix.coll, err)
		}
	}
	return nil
}

// translate maps driver errors to the package's sentinel errors.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return ErrNotFound
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// redactURI hides the password of a mongodb:// URI for logs and errors.
func redactURI(uri string) string {
	cs, err := parseURIUserinfo(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	return cs
}
