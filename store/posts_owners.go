package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"supplybot/bot"
)

// On FerretDB, 我的发布 (ByEnterprise, ByOpenID) reads the ids of an
// enterprise's or a user's records from an owner index instead of
// scanning every record of the kind (FerretDB 1.x serves nothing but a
// lone _id from an index), then each record by _id. A record that left
// its owner since (deregistration, hand-over) is still listed and is
// filtered out when read. On MongoDB the indexes on enterprise_id and
// openid serve.
//
// The index is kept one of two ways:
//
//   - Served alone (Mongo.ServeAlone), in memory (ownerIndex): a save adds
//     to it and writes nothing more, and it is built from the records with
//     one scan, at WarmUp or at the first lookup. A publish on the
//     embedded store so makes two writes fewer on its one write lock
//     (docs/BENCHMARKS.md).
//   - Otherwise, in the collection post_owners, one document per owner
//     by _id: Create adds the record to its enterprise's and its poster's
//     documents; the first lookup on a database whose records predate the
//     documents (no marker document says they were built) builds them,
//     once, with one scan. A process serving the store alone does not
//     keep the documents up, so it drops the marker before its first save
//     and again on Close (a tool beside it may have rebuilt them): a later
//     reader that does not serve it alone rebuilds them.
type ownedPost struct {
	ID string    `bson:"id"`
	At time.Time `bson:"at"` // created_at
}

type ownerDoc struct {
	ID    string      `bson:"_id"`
	Posts []ownedPost `bson:"posts"`
}

func (r *Posts) owners() collection { return r.c.sibling("post_owners") }

func (r *Posts) ownerKey(by, id string) string { return r.kind + ":" + by + ":" + id }

// owned adds the records ps to their enterprises' and posters' entries of
// the owner index.
func (r *Posts) owned(ctx context.Context, ps ...*Post) error {
	if !r.feedOn() {
		return nil
	}
	byKey := map[string][]ownedPost{}
	for _, p := range ps {
		for _, k := range r.ownerKeys(p) {
			byKey[k] = append(byKey[k], ownedPost{ID: p.ID, At: p.CreatedAt.UTC().Truncate(time.Millisecond)})
		}
	}
	if x := r.feed.owned; x != nil {
		if err := r.ownersMarkerDropped(ctx); err != nil {
			return err
		}
		x.add(byKey)
		return nil
	}
	return r.addOwned(ctx, byKey)
}

// ownerIndex is the owner index in memory, for a process serving the
// store alone: the records of each owner key.
type ownerIndex struct {
	build sync.Mutex // held while building
	mu    sync.Mutex
	built bool
	posts map[string][]ownedPost

	dropMu  sync.Mutex
	dropped atomic.Bool // the owner documents' marker was dropped
}

func (x *ownerIndex) add(byKey map[string][]ownedPost) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.posts == nil {
		x.posts = map[string][]ownedPost{}
	}
	for k, ps := range byKey {
		x.posts[k] = append(x.posts[k], ps...)
	}
}

func (x *ownerIndex) list(key string) []ownedPost {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.posts[key])
}

func (x *ownerIndex) isBuilt() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.built
}

// ownersMarkerDropped deletes, once per process and kind, the marker
// saying the owner documents of the kind were built, so that a reader
// keeping them rebuilds them. It runs before the first save that goes to
// the index in memory only: a short-lived process (a seed) leaves no
// marker over documents it did not keep up.
func (r *Posts) ownersMarkerDropped(ctx context.Context) error {
	x := r.feed.owned
	if x.dropped.Load() {
		return nil
	}
	x.dropMu.Lock()
	defer x.dropMu.Unlock()
	if x.dropped.Load() {
		return nil
	}
	if _, err := r.owners().DeleteOne(ctx, bson.M{"_id": r.kind + ":built"}); err != nil {
		return translate(err)
	}
	x.dropped.Store(true)
	return nil
}

// ownerIndexBuilt builds the owner index in memory from the records, once
// per process and kind (one scan). Saves made meanwhile added to the
// index already; the scan may or may not see their records, and those it
// missed are kept.
func (r *Posts) ownerIndexBuilt(ctx context.Context) error {
	x := r.feed.owned
	if x.isBuilt() {
		return nil
	}
	if !x.build.TryLock() {
		// Another caller builds it (WarmUp, at start): a handler waits
		// without its gateway slot, as for the write lock (collection.lock).
		retake := bot.GiveBackSlot(ctx)
		x.build.Lock()
		defer retake() // after the Unlock below
	}
	defer x.build.Unlock()
	if x.isBuilt() {
		return nil
	}
	byKey := map[string][]ownedPost{}
	scanned := map[string]bool{}
	err := each(ctx, r.c, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1, "enterprise_id": 1, "openid": 1, "created_at": 1}), func(row postRow) {
		scanned[row.ID] = true
		for _, k := range r.ownerKeys(&row.Post) {
			byKey[k] = append(byKey[k], ownedPost{ID: row.ID, At: row.CreatedAt.UTC()})
		}
	})
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for k, added := range x.posts {
		for _, o := range added {
			if !scanned[o.ID] {
				byKey[k] = append(byKey[k], o)
			}
		}
	}
	x.posts, x.built = byKey, true
	return nil
}

// addOwned adds the records to the owner documents. A document not there
// yet (a new poster, every seeded one) is inserted: one write, where
// FerretDB's upsert is a read and then a write (see collection).
func (r *Posts) addOwned(ctx context.Context, byKey map[string][]ownedPost) error {
	for k, ps := range byKey {
		if err := r.addOwnedTo(ctx, k, ps); err != nil {
			return err
		}
	}
	return nil
}

func (r *Posts) addOwnedTo(ctx context.Context, k string, ps []ownedPost) error {
	doc, err := r.ownerDoc(ctx, k)
	if err != nil {
		return err
	}
	if len(doc.Posts) == 0 {
		_, err := r.owners().InsertOne(ctx, ownerDoc{ID: k, Posts: ps})
		if err == nil || !mongo.IsDuplicateKeyError(err) {
			return translate(err)
		}
		// there after all (another save was first): add to it
	}
	_, err = r.owners().UpdateOne(ctx, bson.M{"_id": k},
		bson.M{"$addToSet": bson.M{"posts": bson.M{"$each": ps}}}, options.Update().SetUpsert(true))
	return translate(err)
}

func (r *Posts) ownerKeys(p *Post) []string {
	var keys []string
	if p.EnterpriseID != "" {
		keys = append(keys, r.ownerKey("e", p.EnterpriseID))
	}
	if p.OpenID != "" {
		keys = append(keys, r.ownerKey("u", p.OpenID))
	}
	return keys
}

// ownedBy lists the records of the owner key that keep passes,
// newest first, at most limit.
func (r *Posts) ownedBy(ctx context.Context, key string, limit int, keep func(*Post) bool) ([]Post, error) {
	var owned []ownedPost
	if x := r.feed.owned; x != nil {
		if err := r.ownerIndexBuilt(ctx); err != nil {
			return nil, err
		}
		owned = x.list(key)
	} else {
		if err := r.ownersBuilt(ctx); err != nil {
			return nil, err
		}
		doc, err := r.ownerDoc(ctx, key)
		if err != nil {
			return nil, err
		}
		owned = doc.Posts
	}
	if len(owned) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(owned, func(a, b ownedPost) int { return b.At.Compare(a.At) })
	var out []Post
	seen := map[string]bool{}
	for _, o := range owned {
		if len(out) == limit {
			break
		}
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		p, err := r.Get(ctx, o.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if keep(&p) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Post) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// ownerDoc reads the owner document key (empty when absent).
func (r *Posts) ownerDoc(ctx context.Context, key string) (ownerDoc, error) {
	var doc ownerDoc
	err := r.owners().FindOne(ctx, bson.M{"_id": key}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return ownerDoc{}, translate(err)
	}
	return doc, nil
}

// ownersFromStart marks the owner documents of a kind built when the
// database holds no record of it yet (OpenMongo calls it): every record
// will be added by its save, and no lookup needs to scan.
func (r *Posts) ownersFromStart(ctx context.Context) error {
	if !r.feedOn() {
		return nil
	}
	switch err := r.c.FindOne(ctx, bson.M{}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err(); {
	case err == nil:
		return nil // records exist: the first lookup checks for the marker
	case !errors.Is(err, mongo.ErrNoDocuments):
		return translate(err)
	}
	_, err := r.owners().InsertOne(ctx, bson.M{"_id": r.kind + ":built"})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err)
	}
	return nil
}

// ownersBuilt builds the owner documents of the records that predate
// them, once per database and kind (a marker document says it was done).
func (r *Posts) ownersBuilt(ctx context.Context) error {
	r.feed.mu.Lock()
	defer r.feed.mu.Unlock()
	if r.feed.owners {
		return nil
	}
	marker := r.kind + ":built"
	switch err := r.owners().FindOne(ctx, bson.M{"_id": marker}).Err(); {
	case err == nil:
		r.feed.owners = true
		return nil
	case !errors.Is(err, mongo.ErrNoDocuments):
		return translate(err)
	}
	rows, err := r.findRows(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1, "enterprise_id": 1, "openid": 1, "created_at": 1}))
	if err != nil {
		return err
	}
	byKey := map[string][]ownedPost{}
	for _, row := range rows {
		for _, k := range r.ownerKeys(&row.Post) {
			byKey[k] = append(byKey[k], ownedPost{ID: row.ID, At: row.CreatedAt.UTC()})
		}
	}
	if err := r.addOwned(ctx, byKey); err != nil {
		return err
	}
	if _, err := r.owners().InsertOne(ctx, bson.M{"_id": marker}); err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err)
	}
	r.feed.owners = true
	return nil
}

// ByOpenID lists the user's records, newest first (at most limit).
func (r *Posts) ByOpenID(ctx context.Context, openid string, limit int) ([]Post, error) {
	if r.feedOn() {
		return r.ownedBy(ctx, r.ownerKey("u", openid), limit, func(p *Post) bool {
			return p.OpenID == openid && p.Status != StatusRemoved
		})
	}
	return r.find(ctx, bson.M{"openid": openid, "status": bson.M{"$ne": StatusRemoved}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
}

// ByEnterprise lists the enterprise's records, newest first (at most limit).
func (r *Posts) ByEnterprise(ctx context.Context, enterpriseID string, limit int) ([]Post, error) {
	if r.feedOn() {
		return r.ownedBy(ctx, r.ownerKey("e", enterpriseID), limit, func(p *Post) bool {
			return p.EnterpriseID == enterpriseID && p.Status != StatusRemoved
		})
	}
	return r.find(ctx, bson.M{"enterprise_id": enterpriseID, "status": bson.M{"$ne": StatusRemoved}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(int64(limit)))
}
