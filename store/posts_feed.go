package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// On FerretDB, the catch-up's two questions — which records changed since
// the last sync (ChangedSince) and which owe their matching (MatchOwed) —
// are answered from two small collections per kind instead of a scan of
// every record every SyncEvery (FerretDB 1.x serves nothing from an index,
// and a filter other than a lone _id decodes every record; see doc.go):
//
//   - <kind>_changes, the change feed: every write that moves a record's
//     updated_at first adds an entry (the record's id and the time). Entries
//     older than feedKeep are pruned, so the feed holds minutes of writes;
//     a reader that fell further behind reads every record, as before.
//     A write of many records at once (deregistration, verification,
//     expiry, seeding) adds an entry for each record it changed.
//   - <kind>_owed, the records whose matching is owed, by id: a save that
//     owes its matching adds the entry before the record, settling removes
//     it, and the catch-up drops entries whose record is no longer owed.
//     The first catch-up of a process adopts the owed records that have no
//     entry (saved before the entries were kept), with one scan.
//
// Both are scanned whole, which costs in proportion to the writes of the
// last minutes, not to the records stored. Each record is then read by its
// lone _id. On MongoDB the records' own indexes serve both questions.

// feedKeep is how long change-feed entries are kept; a reader whose last
// sync is older reads every record.
const feedKeep = 3 * time.Minute

// feedReadMax is how many changes a reader reads by _id; with more (a
// seeding, a bulk change) it reads every record once instead. A read by
// _id (indexed, embedded_ids.go) costs about what a scan spends decoding
// two records, so that many reads cost about a scan of twice as many
// records.
const feedReadMax = 5000

type feedEntry struct {
	ID   string    `bson:"_id"`
	Post string    `bson:"post_id"`
	At   time.Time `bson:"at"`
}

type owedEntry struct {
	ID string    `bson:"_id"`        // the record's id
	At time.Time `bson:"updated_at"` // the version that owes
}

// feedState is per database and kind, shared by the repositories of one
// Mongo: when the feed was last pruned and whether owed records saved
// before the owed entries were adopted.
type feedState struct {
	mu      sync.Mutex
	pruned  time.Time
	adopted bool
	owners  bool // the owner documents were built (posts_owners.go)

	// owned is the owner index in memory, when the process serves the
	// store alone (Mongo.ServeAlone; posts_owners.go); nil otherwise.
	owned *ownerIndex

	// The feed itself, in memory instead of <kind>_changes, when the
	// process serves the store alone (Mongo.ServeAlone): then every write
	// is its own, and a process that starts reads every record anyway,
	// so no other reader needs the entries, and a catch-up reads the
	// changes since its last sync without scanning the feed collection
	// (all of the last feedKeep's writes) each time.
	memFeed bool
	mem     []feedEntry // oldest first, by At as written
}

func (r *Posts) feedOn() bool        { return r.c.mu != nil }
func (r *Posts) changes() collection { return r.c.sibling(r.c.Name() + "_changes") }
func (r *Posts) owedIDs() collection { return r.c.sibling(r.c.Name() + "_owed") }

// changed adds the record id, about to be written at at, to the feed.
func (r *Posts) changed(ctx context.Context, id string, at time.Time) error {
	if !r.feedOn() {
		return nil
	}
	if r.feed.memFeed {
		r.feed.remember(feedEntry{Post: id, At: at.UTC()})
		return nil
	}
	_, err := r.changes().InsertOne(ctx, feedEntry{ID: NewID(), Post: id, At: at.UTC()})
	return translate(err)
}

// remember adds entries to the feed kept in memory.
func (f *feedState) remember(entries ...feedEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pruneMemLocked(time.Now())
	f.mem = append(f.mem, entries...)
}

// pruneMemLocked drops the entries older than feedKeep before now.
func (f *feedState) pruneMemLocked(now time.Time) {
	cut := 0
	for cut < len(f.mem) && f.mem[cut].At.Before(now.Add(-feedKeep)) {
		cut++
	}
	f.mem = f.mem[cut:] // the array is let go when append outgrows it
}

// since returns the entries of the feed kept in memory written at or after
// t, and drops those older than feedKeep before now.
func (f *feedState) since(t, now time.Time) []feedEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pruneMemLocked(now)
	var out []feedEntry
	for _, e := range f.mem {
		if !e.At.Before(t) {
			out = append(out, e)
		}
	}
	return out
}

// changedIDs adds the records ids, about to be written at at, to the feed.
func (r *Posts) changedIDs(ctx context.Context, ids []string, at time.Time) error {
	if !r.feedOn() || len(ids) == 0 {
		return nil
	}
	if r.feed.memFeed {
		for _, id := range ids {
			r.feed.remember(feedEntry{Post: id, At: at.UTC()})
		}
		return nil
	}
	entries := make([]any, len(ids))
	for i, id := range ids {
		entries[i] = feedEntry{ID: NewID(), Post: id, At: at.UTC()}
	}
	_, err := r.changes().InsertMany(ctx, entries)
	return translate(err)
}

// changedWhere adds the records that filter selects, written at at by a
// write of many (which scanned them already), to the feed. It follows the
// write: a process killed in between leaves other instances unaware of the
// change until they restart.
func (r *Posts) changedWhere(ctx context.Context, filter bson.M, at time.Time) error {
	if !r.feedOn() {
		return nil
	}
	filter["updated_at"] = at
	rows, err := r.findRows(ctx, filter, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return err
	}
	ids := make([]string, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	return r.changedIDs(ctx, ids, at)
}

// owe notes that the record id saved at version owes its matching.
func (r *Posts) owe(ctx context.Context, id string, version time.Time) error {
	if !r.feedOn() {
		return nil
	}
	_, err := r.owedIDs().ReplaceOne(ctx, bson.M{"_id": id}, owedEntry{ID: id, At: version.UTC()}, options.Replace().SetUpsert(true))
	return translate(err)
}

// oweNew is owe for a record not written yet: the entry is inserted,
// where FerretDB's upsert would query before it writes, on the write lock
// every publish queues on; should one exist after all, it is replaced.
func (r *Posts) oweNew(ctx context.Context, id string, version time.Time) error {
	if !r.feedOn() {
		return nil
	}
	_, err := r.owedIDs().InsertOne(ctx, owedEntry{ID: id, At: version.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return r.owe(ctx, id, version)
	}
	return translate(err)
}

// settledEntry drops the owed entry of the record id at version, if it is
// still that one (a later save owes its own), and reports whether the
// record had an entry at all.
func (r *Posts) settledEntry(ctx context.Context, id string, version time.Time) (bool, error) {
	res, err := r.owedIDs().DeleteOne(ctx, bson.M{"_id": id, "updated_at": version.UTC()})
	if err != nil {
		return false, translate(err)
	}
	if res.DeletedCount > 0 {
		return true, nil
	}
	switch err := r.owedIDs().FindOne(ctx, bson.M{"_id": id}).Err(); {
	case err == nil:
		return true, nil // a later save's entry: it stays owed
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	default:
		return false, translate(err)
	}
}

// settled drops the owed entry of the record id at version, if it is still
// that one (a later save owes its own).
func (r *Posts) settled(ctx context.Context, id string, version time.Time) error {
	if !r.feedOn() {
		return nil
	}
	_, err := r.owedIDs().DeleteOne(ctx, bson.M{"_id": id, "updated_at": version.UTC()})
	return translate(err)
}

// ChangedSince lists the records of the kind changed at or after since (any
// status), so that an instance can follow changes made by another.
//
// known, when not nil, tells the changes the caller holds already: a
// record with an entry of the change feed at a version known reports as
// held is not read (nor listed). A process learns its own saves as it
// makes them, so the catch-up then reads only what other instances
// wrote, instead of every record saved in the last minute (syncOverlap)
// again every SyncEvery, and for a minute after the load stopped. A
// reader that fell behind the feed reads every changed record, as before.
func (r *Posts) ChangedSince(ctx context.Context, since time.Time, known func(id string, at time.Time) bool) ([]Post, error) {
	all := func() ([]Post, error) { return r.find(ctx, bson.M{"updated_at": bson.M{"$gte": since}}, nil) }
	now := time.Now()
	if !r.feedOn() || since.Before(now.Add(-feedKeep+time.Minute)) {
		return all()
	}
	var entries []feedEntry
	if r.feed.memFeed {
		entries = r.feed.since(since.UTC(), now)
	} else {
		r.pruneFeed(ctx, now)
		cur, err := r.changes().Find(ctx, bson.M{"at": bson.M{"$gte": since.UTC()}})
		if err != nil {
			return nil, translate(err)
		}
		if err := cur.All(ctx, &entries); err != nil {
			return nil, translate(err)
		}
	}
	if known != nil {
		unknown := entries[:0]
		for _, e := range entries {
			if !known(e.Post, e.At) {
				unknown = append(unknown, e)
			}
		}
		entries = unknown
	}
	if len(entries) > feedReadMax {
		return all() // one scan costs about what reading that many by _id does
	}
	seen := make(map[string]bool, len(entries))
	var out []Post
	for _, e := range entries {
		id := e.Post
		if seen[id] {
			continue
		}
		seen[id] = true
		p, err := r.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue // the write that noted it failed
		}
		if err != nil {
			return nil, err
		}
		if !p.UpdatedAt.Before(since) {
			out = append(out, p)
		}
	}
	return out, nil
}

// pruneFeed drops the feed entries older than feedKeep, once a minute.
func (r *Posts) pruneFeed(ctx context.Context, now time.Time) {
	r.feed.mu.Lock()
	due := now.Sub(r.feed.pruned) > time.Minute
	if due {
		r.feed.pruned = now
	}
	r.feed.mu.Unlock()
	if due {
		_, _ = r.changes().DeleteMany(ctx, bson.M{"at": bson.M{"$lt": now.Add(-feedKeep).UTC()}})
	}
}

// MatchOwed lists up to limit records whose matching is owed and that
// were saved before before, oldest first: saves whose matching was lost to
// a crash or failed. The records with an id in skip are left out
// (matching them keeps failing; they must not hold the others back).
// MongoDB answers from the index on match_owed and updated_at; FerretDB
// from the owed entries (see above).
func (r *Posts) MatchOwed(ctx context.Context, before time.Time, limit int, skip ...string) ([]Post, error) {
	scan := func() ([]postRow, error) {
		filter := bson.M{"match_owed": true, "updated_at": bson.M{"$lt": before}}
		if len(skip) > 0 {
			filter["_id"] = bson.M{"$nin": skip}
		}
		return r.findRows(ctx, filter, options.Find().SetSort(bson.D{{Key: "updated_at", Value: 1}}).SetLimit(int64(limit)))
	}
	if !r.feedOn() {
		rows, err := scan()
		return posts(rows), err
	}
	if err := r.adoptOwed(ctx); err != nil {
		return nil, err
	}
	cur, err := r.owedIDs().Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "updated_at", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var entries []owedEntry
	if err := cur.All(ctx, &entries); err != nil {
		return nil, translate(err)
	}
	var out []Post
	for _, e := range entries {
		if len(out) == limit {
			break
		}
		if slices.Contains(skip, e.ID) {
			continue
		}
		var row postRow
		err := r.c.FindOne(ctx, bson.M{"_id": e.ID}).Decode(&row)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, translate(err)
		}
		if err != nil || !row.MatchOwed || e.At.Before(row.UpdatedAt) {
			// Closed, never written, or an entry older than the record
			// (a stale OweMatching): the entry goes, unless a save owed
			// again since. (A settled record keeps its flag on FerretDB;
			// settling dropped its entry.)
			if err := r.settled(ctx, e.ID, e.At); err != nil {
				return nil, err
			}
			continue
		}
		if e.At.After(row.UpdatedAt) {
			continue // a save in flight: its record is not written yet
		}
		if row.UpdatedAt.Before(before) {
			out = append(out, row.Post)
		}
	}
	slices.SortStableFunc(out, func(a, b Post) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return out, nil
}

// adoptOwed gives the owed records without an owed entry (saved before the
// entries were kept) one, once per database and kind: a marker document
// in post_owners says it was done. OpenMongo adopts at start, before
// anything settles: a record settled since keeps its match_owed flag on
// FerretDB (MatchSettled), and adopting it would owe it again.
func (r *Posts) adoptOwed(ctx context.Context) error {
	r.feed.mu.Lock()
	defer r.feed.mu.Unlock()
	if r.feed.adopted || !r.feedOn() {
		return nil
	}
	marker := r.kind + ":owed-adopted"
	switch err := r.owners().FindOne(ctx, bson.M{"_id": marker}).Err(); {
	case err == nil:
		r.feed.adopted = true
		return nil
	case !errors.Is(err, mongo.ErrNoDocuments):
		return translate(err)
	}
	rows, err := r.findRows(ctx, bson.M{"match_owed": true}, nil)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := r.owe(ctx, row.ID, row.UpdatedAt); err != nil {
			return err
		}
	}
	if _, err := r.owners().InsertOne(ctx, bson.M{"_id": marker}); err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err)
	}
	r.feed.adopted = true
	return nil
}

func (r *Posts) findRows(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]postRow, error) {
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []postRow
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

func posts(rows []postRow) []Post {
	out := make([]Post, len(rows))
	for i, row := range rows {
		out[i] = row.Post
	}
	return out
}
