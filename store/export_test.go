package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// EnqueueDiesBeforeReserve does the first write of Enqueue and stops, as a
// process killed between the two writes would.
func (o *Outbox) EnqueueDiesBeforeReserve(ctx context.Context, it OutboxItem) error {
	it.Status = outboxEnqueuing
	it.Nonce = newNonce()
	_, err := o.c.InsertOne(ctx, it)
	return translate(err)
}

// HighestNoReads is how often the highest record number was read from
// the database.
func (m *Mongo) HighestNoReads() int64 { return m.demandNos.reads.Load() + m.offerNos.reads.Load() }

// LiveOutboxLen counts the items in the live outbox collection.
func (o *Outbox) LiveOutboxLen(ctx context.Context) (int64, error) {
	return o.c.CountDocuments(ctx, map[string]any{})
}

// EnqueueGrace is enqueueGrace, for tests.
const EnqueueGrace = enqueueGrace

// ClaimOnly does the first write of a Lease of key by owner and stops, as
// a worker killed between claiming and updating the item would.
func (o *Outbox) ClaimOnly(ctx context.Context, key, owner string, now time.Time) error {
	var it OutboxItem
	if err := o.c.FindOne(ctx, map[string]any{"_id": key}).Decode(&it); err != nil {
		return translate(err)
	}
	_, err := o.claims().InsertOne(ctx, map[string]any{"_id": claimID(key, it.Attempts+1), "owner": owner, "at": now})
	return translate(err)
}

// SetSnapshotEvery changes how often embedded Redis servers started after
// it save their snapshot, until the test ends.
func SetSnapshotEvery(tb interface{ Cleanup(func()) }, d time.Duration) {
	old := snapshotEvery
	snapshotEvery = d
	tb.Cleanup(func() { snapshotEvery = old })
}

// DatabaseName is the name of m's database.
func (m *Mongo) DatabaseName() string { return m.db.Name() }

// SetIDIndexEvery sets the pause of KeepIDsIndexed loops started after it
// and returns the restore.
func SetIDIndexEvery(d time.Duration) func() {
	old := idIndexEvery
	idIndexEvery = d
	return func() { idIndexEvery = old }
}

// PlanOfFindByID is SQLite's plan for the statement FerretDB 1.24 runs for
// a find by a lone _id in collection (its backends/sqlite: prepareSelectClause
// and metadata.IDColumn), on database's file.
func (e *EmbeddedMongo) PlanOfFindByID(ctx context.Context, database, collection string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, database+".sqlite")+"?mode=rw")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table); err != nil {
		return "", err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT  _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"id-7"`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; "), rows.Err()
}

// FillWaiting stores n pending pushes due at at, in one insert, as n
// Enqueue calls would leave them.
func (o *Outbox) FillWaiting(ctx context.Context, prefix string, n int, at time.Time) error {
	docs := make([]any, n)
	for i := range docs {
		docs[i] = OutboxItem{Key: fmt.Sprintf("%s-%d", prefix, i), Kind: "custom", OpenID: "u", Text: "t",
			Status: OutboxPending, NextAt: at, CreatedAt: at}
	}
	_, err := o.c.InsertMany(ctx, docs)
	return translate(err)
}

// ForgetMemo empties the index's memo of searches, so that a benchmark
// measures the search itself.
func (x *SearchIndex) ForgetMemo() {
	x.memo.mu.Lock()
	x.memo.entries, x.memo.byWord, x.memo.anyWord = nil, nil, nil
	x.memo.mu.Unlock()
}

// KeyVersions is how many version counters miniredis keeps and how many
// keys are live (see embedded_versions.go); -1, -1 if they cannot be read.
func (e *EmbeddedRedis) KeyVersions() (versions, live int) {
	if e.versions == nil {
		return -1, -1
	}
	return e.versions.counts()
}

// PruneKeyVersions runs what the server's loop does after an expiry pass
// about miniredis's version counters, now.
func (e *EmbeddedRedis) PruneKeyVersions() {
	if e.versions != nil {
		e.versions.prune()
	}
}

// counts returns how many counters and live keys there are.
func (k *keyVersions) counts() (versions, live int) {
	k.m.Lock()
	defer k.m.Unlock()
	return len(*k.versions), len(*k.live)
}

// BeforeCountBatch calls fn with the number of events of each batch of
// Counters.Queue before it is written.
func (m *Mongo) BeforeCountBatch(fn func(events int)) { m.counts.beforeWrite = fn }

// HoldDatabaseWriteLock takes the lock every write to this database holds
// on FerretDB (collection.go) and returns what releases it; ok is false on
// MongoDB, where there is none.
func (m *Mongo) HoldDatabaseWriteLock() (release func(), ok bool) {
	c := m.collection("stats")
	if c.mu == nil {
		return nil, false
	}
	c.mu.Lock()
	return c.mu.Unlock, true
}
