package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// On FerretDB, ByName's filter on the name reads and decodes every
// enterprise (doc.go): each registration, which checks its name is free,
// cost in proportion to the enterprises registered (430–720 ms with the
// 10,000-offer seeding under load). The process that serves a FerretDB
// store alone (Mongo.ServeAlone) keeps instead each name's oldest
// enterprise id in memory: loaded with one read of the enterprises' names
// at start (Mongo.WarmUp) or its first ByName, then added to by its own
// Create. A lookup reads the enterprise by its lone _id and checks the
// name there; when that enterprise is gone (its last contact left), the
// name is looked up by the filter once more and the entry mended. Names
// do not change after registration. On MongoDB the name index serves
// ByName and no copy is kept.

// nameIndex is the enterprises' names, each to its oldest enterprise, and
// every enterprise listed by the characters of its name (grams, for
// NameContains; enterprise_contains.go).
type nameIndex struct {
	mu     sync.Mutex
	loaded bool
	oldest map[string]nameEntry
	grams  *nameGrams
}

type nameEntry struct {
	id      string
	created time.Time
}

func newNameIndex() *nameIndex {
	return &nameIndex{oldest: map[string]nameEntry{}, grams: newNameGrams()}
}

// addLocked records enterprise id named name, created at created, unless
// an older one holds the name.
func (x *nameIndex) addLocked(name, id string, created time.Time) {
	x.grams.add(name, id, created)
	if have, ok := x.oldest[name]; ok && have.id != id && !created.Before(have.created) {
		return
	}
	x.oldest[name] = nameEntry{id: id, created: created}
}

func (x *nameIndex) add(name, id string, created time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.addLocked(name, id, created)
}

// set makes e the holder of its name (found by the filter).
func (x *nameIndex) set(e Enterprise) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.oldest[e.Name] = nameEntry{id: e.ID, created: e.CreatedAt}
}

// forget drops name when id still holds it.
func (x *nameIndex) forget(name, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.oldest[name].id == id {
		delete(x.oldest, name)
	}
}

// removed drops enterprise id, deleted, from the lists of NameContains;
// ByName finds it gone at its next lookup of the name (byNameIndexed).
func (x *nameIndex) removed(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.grams.remove(id)
}

// contains is NameContains from memory.
func (x *nameIndex) contains(fragment string, limit int) []Enterprise {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.grams.contains(fragment, limit)
}

func (x *nameIndex) get(name string) (string, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.oldest[name]
	return e.id, ok
}

// load reads every enterprise's id, name and creation once, the first
// time it is called; a Create meanwhile waits for it.
func (x *nameIndex) load(ctx context.Context, c collection) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.loaded {
		return nil
	}
	err := each(ctx, c, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1, "name": 1, "created_at": 1}),
		func(e Enterprise) { x.addLocked(e.Name, e.ID, e.CreatedAt) })
	if err != nil {
		return err
	}
	x.loaded = true
	return nil
}

// byNameIndexed is ByName from the name index.
func (r *Enterprises) byNameIndexed(ctx context.Context, name string) (Enterprise, error) {
	if err := r.names.load(ctx, r.c); err != nil {
		return Enterprise{}, err
	}
	id, ok := r.names.get(name)
	if !ok {
		return Enterprise{}, ErrNotFound
	}
	e, err := r.Get(ctx, id)
	if err == nil && e.Name == name {
		return e, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Enterprise{}, err
	}
	// That enterprise is gone: another of the name may remain.
	e, err = r.byNameFilter(ctx, name)
	switch {
	case errors.Is(err, ErrNotFound):
		r.names.forget(name, id)
	case err == nil:
		r.names.set(e)
	}
	return e, err
}
