package store

import (
	"container/heap"
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// On FerretDB a lease's question — which items are due now — is a filter
// on status and next_at, which FerretDB answers by reading and decoding
// the whole live outbox (doc.go): every lease, and so every push, would
// cost in proportion to the pushes waiting. The process that serves a
// FerretDB store alone (Mongo.ServeAlone) keeps the live items' due times
// in memory instead: loaded with one read of the outbox at start
// (Mongo.WarmUp) or its first lease, then moved by each of its own
// writes. A lease takes the earliest due keys from it and reads each item
// by its lone _id (an indexed read, embedded_ids.go), where it checks the
// item is due; an entry that no longer holds (an item dropped by
// DropForOpenID, say) costs that one read and goes. Writes of another process are not seen: on FerretDB one
// instance serves the store (collection.go). On MongoDB the outbox's
// (status, next_at) index answers the filter and no copy is kept.

// dueRecheck is when a key handed out by next falls due again should its
// lease attempt end without recording the item's new state (an error):
// the item is then read again, not forgotten.
const dueRecheck = 10 * time.Second

// dueIndex is the live outbox's items by when each falls due.
type dueIndex struct {
	mu     sync.Mutex
	loaded bool
	items  map[string]dueItem
	queue  dueHeap
	held   map[string]map[string]bool // openid → its held items' keys
	gen    uint64
}

type dueItem struct {
	openid string
	held   bool      // due only when ReleaseHeld lets it go
	at     time.Time // when it falls due, unless held
	gen    uint64    // of its queue entry; older entries are stale
}

type dueEntry struct {
	at  time.Time
	key string
	gen uint64
}

type dueHeap []dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func newDueIndex() *dueIndex {
	return &dueIndex{items: map[string]dueItem{}, held: map[string]map[string]bool{}}
}

// set records that key falls due at at.
func (d *dueIndex) set(key, openid string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setLocked(key, openid, at)
}

func (d *dueIndex) setLocked(key, openid string, at time.Time) {
	d.unholdLocked(key)
	d.gen++
	d.items[key] = dueItem{openid: openid, at: at, gen: d.gen}
	heap.Push(&d.queue, dueEntry{at: at, key: key, gen: d.gen})
	d.trimLocked()
}

// hold records that key waits for its user's next message.
func (d *dueIndex) hold(key, openid string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.holdLocked(key, openid)
}

func (d *dueIndex) holdLocked(key, openid string) {
	d.unholdLocked(key)
	d.gen++ // its queue entry, if any, is stale now
	d.items[key] = dueItem{openid: openid, held: true, gen: d.gen}
	if d.held[openid] == nil {
		d.held[openid] = map[string]bool{}
	}
	d.held[openid][key] = true
	d.trimLocked()
}

// drop forgets key (sent, failed, or gone).
func (d *dueIndex) drop(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unholdLocked(key)
	delete(d.items, key)
	d.trimLocked()
}

func (d *dueIndex) unholdLocked(key string) {
	it, ok := d.items[key]
	if !ok || !it.held {
		return
	}
	delete(d.held[it.openid], key)
	if len(d.held[it.openid]) == 0 {
		delete(d.held, it.openid)
	}
}

// trimLocked rebuilds the queue when stale entries outnumber the live
// ones, so it stays within twice the items it stands for.
func (d *dueIndex) trimLocked() {
	if len(d.queue) < 64 || len(d.queue) < 2*len(d.items) {
		return
	}
	live := d.queue[:0]
	for _, e := range d.queue {
		if it, ok := d.items[e.key]; ok && it.gen == e.gen {
			live = append(live, e)
		}
	}
	clear(d.queue[len(live):])
	d.queue = live
	heap.Init(&d.queue)
}

// next hands out the key that fell due first, by now, and moves it to
// fall due again after dueRecheck, in case its caller records nothing.
func (d *dueIndex) next(now time.Time) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.queue) > 0 {
		e := d.queue[0]
		if it, ok := d.items[e.key]; !ok || it.gen != e.gen {
			heap.Pop(&d.queue) // stale
			continue
		}
		if e.at.After(now) {
			return "", false
		}
		heap.Pop(&d.queue)
		d.setLocked(e.key, d.items[e.key].openid, now.Add(dueRecheck))
		return e.key, true
	}
	return "", false
}

// openidOf returns the user of key, "" when unknown.
func (d *dueIndex) openidOf(key string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.items[key].openid
}

// heldOf returns the keys of openid's held items.
func (d *dueIndex) heldOf(openid string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var keys []string
	for k := range d.held[openid] {
		keys = append(keys, k)
	}
	return keys
}

// note records an item as read from the store.
func (d *dueIndex) note(it OutboxItem) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.noteLocked(it)
}

func (d *dueIndex) noteLocked(it OutboxItem) {
	switch it.Status {
	case OutboxPending:
		d.setLocked(it.Key, it.OpenID, it.NextAt)
	case OutboxLeased:
		d.setLocked(it.Key, it.OpenID, it.LeaseUntil)
	case OutboxHeld:
		d.holdLocked(it.Key, it.OpenID)
	case outboxEnqueuing:
		// Lease finishes it once its Enqueue must have died.
		d.setLocked(it.Key, it.OpenID, it.CreatedAt.Add(enqueueGrace))
	default: // sent or failed, and archived or about to be
		d.unholdLocked(it.Key)
		delete(d.items, it.Key)
	}
}

// load reads the live outbox once, the first time it is called. Writes
// meanwhile wait for it, so what they record comes after what it read.
func (d *dueIndex) load(ctx context.Context, c collection) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded {
		return nil
	}
	err := each(ctx, c, bson.M{}, options.Find().SetProjection(bson.M{
		"_id": 1, "openid": 1, "status": 1, "next_at": 1, "lease_until": 1, "created_at": 1}), d.noteLocked)
	if err != nil {
		return err
	}
	d.loaded = true
	return nil
}

// leaseDue is Lease from the due index: the earliest due keys, each read
// by its lone _id and checked there.
func (o *Outbox) leaseDue(ctx context.Context, owner string, n int, lease time.Duration, now time.Time) ([]OutboxItem, error) {
	if err := o.due.load(ctx, o.c); err != nil {
		return nil, err
	}
	var out []OutboxItem
	for len(out) < n {
		key, ok := o.due.next(now)
		if !ok {
			break
		}
		var c OutboxItem
		err := o.c.FindOne(ctx, bson.M{"_id": key}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			o.due.drop(key)
			continue
		}
		if err != nil {
			return out, translate(err)
		}
		if c.Status == outboxEnqueuing && !c.CreatedAt.After(now.Add(-enqueueGrace)) {
			// Its Enqueue died between the two writes: finish it.
			if err := o.reserve(ctx, c); err != nil && !errors.Is(err, ErrConflict) {
				return out, err
			}
			if err := o.c.FindOne(ctx, bson.M{"_id": key}).Decode(&c); errors.Is(err, mongo.ErrNoDocuments) {
				o.due.drop(key)
				continue
			} else if err != nil {
				return out, translate(err)
			}
		}
		due := c.Status == OutboxPending && !c.NextAt.After(now) || c.Status == OutboxLeased && !c.LeaseUntil.After(now)
		if !due {
			o.due.note(c)
			continue
		}
		won, err := o.leaseOne(ctx, &c, owner, lease, now)
		if err != nil {
			return out, err
		}
		if won {
			out = append(out, c)
			o.due.note(c) // due again when its lease ends
		}
		// Not won: next has it read again after dueRecheck.
	}
	return out, nil
}

// releaseHeldDue is ReleaseHeld from the due index: each held item of
// openid released by its lone _id.
func (o *Outbox) releaseHeldDue(ctx context.Context, openid string, now time.Time) (int64, error) {
	if err := o.due.load(ctx, o.c); err != nil {
		return 0, err
	}
	var n int64
	for _, key := range o.due.heldOf(openid) {
		ok, err := o.updateGuarded(ctx, key, bson.M{"status": OutboxHeld},
			bson.M{"$set": bson.M{"status": OutboxPending, "next_at": now}})
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
		// Released, or not held after all: either way read at the next lease.
		o.due.set(key, openid, now)
	}
	return n, nil
}
