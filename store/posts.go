package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes, index{"post_numbers", mongo.IndexModel{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "seq", Value: -1}}}})
	for _, coll := range []string{"demands", "offers"} {
		indexes = append(indexes,
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "no", Value: 1}}, Options: options.Index().SetUnique(true)}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "created_at", Value: -1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "enterprise_id", Value: 1}, {Key: "status", Value: 1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "enterprise_id", Value: 1}, {Key: "created_at", Value: -1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "expires_at", Value: 1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "keywords", Value: 1}, {Key: "status", Value: 1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "category_code", Value: 1}, {Key: "status", Value: 1}}}},
			index{coll, mongo.IndexModel{Keys: bson.D{{Key: "match_owed", Value: 1}, {Key: "updated_at", Value: 1}}}},
			msgKeyIndex(coll),
		)
	}
}

// Posts is the repository of demands or offers (one collection each).
type Posts struct {
	kind    string
	c       collection
	numbers collection // claimed record numbers, each with its record's id
	msgKeys collection // the message keys of records, each with its record's id
	nos     *numbering
	feed    *feedState
}

// Demands returns the demands repository.
func (m *Mongo) Demands() *Posts { return m.posts(KindDemand) }

// Offers returns the offers repository.
func (m *Mongo) Offers() *Posts { return m.posts(KindOffer) }

// Posts returns the repository of kind.
func (m *Mongo) Posts(kind string) *Posts { return m.posts(kind) }

func (m *Mongo) posts(kind string) *Posts {
	nos, feed := &m.demandNos, &m.demandFeed
	if kind == KindOffer {
		nos, feed = &m.offerNos, &m.offerFeed
	}
	return &Posts{kind: kind, c: m.collection(collectionOf(kind)), numbers: m.collection("post_numbers"),
		msgKeys: m.collection("msg_keys"), nos: nos, feed: feed}
}

// postRow is a record as stored: the record and whether its matching is
// owed. Every save of an open record (create, edit, renewal) writes
// match_owed in the same write, so a process killed before the matching
// ran leaves the debt in the database; MatchSettled clears it.
type postRow struct {
	Post      `bson:",inline"`
	MatchOwed bool `bson:"match_owed"`
}

// savedAt is the time a save writes as updated_at, to the millisecond the
// database keeps, so the saved record carries the version stored.
func savedAt() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// numbering is what a process knows of the record numbers of one kind.
type numbering struct {
	last  atomic.Int64 // the highest number this process claimed or read; 0 unknown
	reads atomic.Int64 // how often the highest number was read from the database
	mu    sync.Mutex   // held while reading it
}

// firstNo is the first record number of each kind (D1001, O1001).
const firstNo = 1000

type numberClaim struct {
	No   string `bson:"_id"`
	Kind string `bson:"kind"`
	Seq  int64  `bson:"seq"`
	// ID is the id of the record the number was claimed for, so that
	// ByNo reads two documents by _id, served from an index on MongoDB and
	// on the embedded FerretDB (see doc.go), instead of decoding every
	// record for the number.
	// Claims made before it was kept have none.
	ID string `bson:"post_id,omitempty"`
}

// msgKeyClaim ties the key of the message that created a record to the
// record: its _id is the kind and the key, so that inserting it is the
// check that no record of the message exists, checked by the unique _id
// index even on FerretDB (a count on msg_key decodes every record there).
type msgKeyClaim struct {
	Key string `bson:"_id"`
	ID  string `bson:"post_id"`
}

// nextNo claims the next number of the kind. A number is taken by
// inserting it as a unique _id, which both MongoDB and FerretDB enforce;
// an $inc counter is not safe on FerretDB, whose findAndModify is a query
// followed by an update. Concurrent callers that collide move on to the
// next number.
//
// The highest number in use is read from the database once, then
// remembered: on FerretDB that read sorts every number of the kind, which
// made each save slower as records grew (56 ms per save with 2,000
// records). Each try takes the next number from the remembered one
// atomically, so callers in one process never try the same number. When
// other instances claimed numbers since, the claim collides and, after a
// few collisions, reads the database again (unless another read ended
// since the call began, which moved the number past theirs). A claim that fails for another
// reason leaves its number unused: numbers are unique, not gapless.
func (r *Posts) nextNo(ctx context.Context, id string) (string, error) {
	reads := r.nos.reads.Load()
	if err := r.learnFirstNo(ctx); err != nil {
		return "", err
	}
	for try := range 1000 {
		if try == 4 {
			if err := r.learnNo(ctx, reads); err != nil {
				return "", err
			}
		}
		seq := r.nos.last.Add(1)
		no := NoPrefix(r.kind) + strconv.FormatInt(seq, 10)
		_, err := r.numbers.InsertOne(ctx, numberClaim{No: no, Kind: r.kind, Seq: seq, ID: id})
		if err == nil {
			return no, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return "", translate(err)
		}
	}
	return "", fmt.Errorf("%w: no free record number", ErrConflict)
}

// learnFirstNo reads the highest number unless it is known already. The
// reads are counted before the number is looked at: highestNo sets the
// number before it counts its read, so a read ending in between is seen
// either way and not repeated.
func (r *Posts) learnFirstNo(ctx context.Context) error {
	reads := r.nos.reads.Load()
	if r.nos.last.Load() != 0 {
		return nil
	}
	return r.learnNo(ctx, reads)
}

// learnNo reads the highest number unless another caller read it after
// this one counted reads reads: callers that need it at once (the first
// posts after a start, a burst colliding with another instance) wait for
// one read instead of each sorting every number.
func (r *Posts) learnNo(ctx context.Context, reads int64) error {
	r.nos.mu.Lock()
	defer r.nos.mu.Unlock()
	if r.nos.reads.Load() != reads {
		return nil
	}
	_, err := r.highestNo(ctx)
	return err
}

// highestNo reads the highest number of the kind claimed so far (firstNo
// when none) and remembers it.
func (r *Posts) highestNo(ctx context.Context) (int64, error) {
	var last numberClaim
	err := r.numbers.FindOne(ctx, bson.M{"kind": r.kind}, options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&last)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, translate(err)
	}
	seq := max(last.Seq, firstNo)
	r.sawNo(seq)
	r.nos.reads.Add(1)
	return seq, nil
}

func (r *Posts) sawNo(seq int64) {
	for {
		cur := r.nos.last.Load()
		if seq <= cur || r.nos.last.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// Create stores p as open with a new id and number, its matching owed;
// CreatedAt and ExpiresAt default to now and now + 30 days. It returns
// ErrConflict when a record with p's MsgKey exists.
func (r *Posts) Create(ctx context.Context, p *Post) error {
	id := NewID()
	if p.MsgKey != "" {
		// Claimed first so that a repeat claims no number; a record of
		// the message saved before the claims were kept is caught by the
		// unique index on msg_key.
		_, err := r.msgKeys.InsertOne(ctx, msgKeyClaim{Key: r.msgKeyID(p.MsgKey), ID: id})
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("%w: a record of message %s exists", ErrConflict, p.MsgKey)
		}
		if err != nil {
			return translate(err)
		}
	}
	err := r.create(ctx, p, id)
	if err != nil && p.MsgKey != "" {
		// Free the key for a retry of the message; should this fail too,
		// ByMsgKey finds no record and the retry is refused as a repeat.
		_, _ = r.msgKeys.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": r.msgKeyID(p.MsgKey)})
	}
	return err
}

func (r *Posts) msgKeyID(key string) string { return r.kind + ":" + key }

func (r *Posts) create(ctx context.Context, p *Post, id string) error {
	no, err := r.nextNo(ctx, id)
	if err != nil {
		return fmt.Errorf("number: %w", err)
	}
	r.fillNew(p, id, no, savedAt())
	if err := r.saving(ctx, p, true); err != nil {
		return err
	}
	if err := r.owned(ctx, p); err != nil {
		return err
	}
	_, err = r.c.InsertOne(ctx, postRow{Post: *p, MatchOwed: p.Status == StatusOpen})
	return translate(err)
}

// fillNew gives a new record its id, number and kind, and the defaults
// of a save at now: open, created and updated now, 30 days to live, empty
// lists rather than null.
func (r *Posts) fillNew(p *Post, id, no string, now time.Time) {
	p.ID, p.No, p.Kind = id, no, r.kind
	if p.Status == "" {
		p.Status = StatusOpen
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = now
	if p.ExpiresAt.IsZero() {
		p.ExpiresAt = p.CreatedAt.Add(DefaultPostLifetime)
	}
	if p.Certifications == nil {
		p.Certifications = []string{}
	}
	if p.Keywords == nil {
		p.Keywords = []string{}
	}
}

// saving notes, before the write, that the record p is saved at
// p.UpdatedAt and, when open, owes its matching. fresh says p is not
// written yet (Create), so it has no owed entry to replace.
func (r *Posts) saving(ctx context.Context, p *Post, fresh bool) error {
	if p.Status == StatusOpen {
		owe := r.owe
		if fresh {
			owe = r.oweNew
		}
		if err := owe(ctx, p.ID, p.UpdatedAt); err != nil {
			return err
		}
	}
	return r.changed(ctx, p.ID, p.UpdatedAt)
}

// ByNo returns the record with number no (case-insensitive), or ErrNotFound.
// It reads the number's claim, then the record, both by _id (see
// doc.go; a filter on no decodes every record on FerretDB); a number
// claimed before claims kept the record's id is looked up by no.
func (r *Posts) ByNo(ctx context.Context, no string) (Post, error) {
	no = strings.ToUpper(strings.TrimSpace(no))
	var claim numberClaim
	switch err := r.numbers.FindOne(ctx, bson.M{"_id": no}).Decode(&claim); {
	case errors.Is(err, mongo.ErrNoDocuments):
		return Post{}, ErrNotFound
	case err != nil:
		return Post{}, translate(err)
	case claim.Kind != r.kind:
		return Post{}, ErrNotFound
	case claim.ID != "":
		return r.Get(ctx, claim.ID)
	}
	var p Post
	err := r.c.FindOne(ctx, bson.M{"no": no}).Decode(&p)
	return p, translate(err)
}

// Get returns the record with id, or ErrNotFound.
func (r *Posts) Get(ctx context.Context, id string) (Post, error) {
	var p Post
	err := r.c.FindOne(ctx, bson.M{"_id": id}).Decode(&p)
	return p, translate(err)
}

// Replace stores an edited record (same id), bumping UpdatedAt; an open
// record's matching is owed again.
func (r *Posts) Replace(ctx context.Context, p *Post) error {
	p.UpdatedAt = savedAt()
	if err := r.saving(ctx, p, false); err != nil {
		return err
	}
	res, err := r.c.ReplaceOne(ctx, bson.M{"_id": p.ID}, postRow{Post: *p, MatchOwed: p.Status == StatusOpen})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Close sets a record's status (closed, removed) with the reason.
func (r *Posts) Close(ctx context.Context, id, status, reason string, viaPlatform *bool) error {
	now := savedAt()
	set := bson.M{"status": status, "closed_reason": reason, "updated_at": now, "match_owed": false}
	if viaPlatform != nil {
		set["via_platform"] = *viaPlatform
	}
	if err := r.changed(ctx, id, now); err != nil {
		return err
	}
	return r.updateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set})
}

// Renew reopens a record until expiresAt; its matching is owed again.
func (r *Posts) Renew(ctx context.Context, id string, expiresAt time.Time) error {
	now := savedAt()
	if err := r.saving(ctx, &Post{ID: id, Status: StatusOpen, UpdatedAt: now}, false); err != nil {
		return err
	}
	return r.updateOne(ctx, bson.M{"_id": id}, bson.M{
		"$set":   bson.M{"status": StatusOpen, "expires_at": expiresAt, "updated_at": now, "match_owed": true},
		"$unset": bson.M{"reminded_at": ""},
	})
}

func (r *Posts) updateOne(ctx context.Context, filter, update bson.M) error {
	res, err := r.c.UpdateOne(ctx, filter, update)
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// MatchSettled clears the matching debt of the record saved at version
// (its UpdatedAt). A later save owes its own matching and is left owing.
// It leaves updated_at alone: settling is no change other instances need
// to learn. A record gone or saved again since is no error.
//
// On FerretDB the owed entry is the debt once the entries were adopted
// (MatchOwed reads only them): the entry of that version is dropped and
// the record is left alone: a write fewer, and one that scanned every
// record of the kind before the embedded store's _id index
// (BenchmarkFerretDBByID). Only a record without
// an entry (saved before the entries were kept) has its flag cleared.
func (r *Posts) MatchSettled(ctx context.Context, id string, version time.Time) error {
	if r.feedOn() {
		switch had, err := r.settledEntry(ctx, id, version); {
		case err != nil:
			return err
		case had:
			return nil
		}
	}
	err := r.updateIf(ctx, id, bson.M{"updated_at": version, "match_owed": true},
		func(row postRow) bool { return row.UpdatedAt.Equal(version) && row.MatchOwed },
		bson.M{"$set": bson.M{"match_owed": false}})
	if err != nil {
		return err
	}
	return r.settled(ctx, id, version)
}

// OweMatching records again that the matching of the record saved at
// version is owed (it failed on an instance that learned the record from
// another); a later save owes its own and is left alone.
func (r *Posts) OweMatching(ctx context.Context, id string, version time.Time) error {
	if err := r.owe(ctx, id, version); err != nil {
		return err
	}
	return r.updateIf(ctx, id, bson.M{"updated_at": version, "status": StatusOpen},
		func(row postRow) bool { return row.UpdatedAt.Equal(version) && row.Status == StatusOpen },
		bson.M{"$set": bson.M{"match_owed": true}})
}

// updateIf applies update to the record id when it still is as guard
// says (holds says the same of a record read); see collection.updateIDIf.
func (r *Posts) updateIf(ctx context.Context, id string, guard bson.M, holds func(postRow) bool, update bson.M) error {
	_, err := r.c.updateIDIf(ctx, id, guard, func(raw bson.Raw) bool {
		var row postRow
		return bson.Unmarshal(raw, &row) == nil && holds(row)
	}, update)
	return err
}

// ByIDs returns the records with these ids, by id: in one query on
// MongoDB; on FerretDB, where an $in decodes every record, one lookup per
// id by a lone _id (see doc.go).
func (r *Posts) ByIDs(ctx context.Context, ids []string) (map[string]Post, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if r.c.mu != nil {
		out := make(map[string]Post, len(ids))
		for _, id := range ids {
			switch p, err := r.Get(ctx, id); {
			case err == nil:
				out[id] = p
			case !errors.Is(err, ErrNotFound):
				return nil, err
			}
		}
		return out, nil
	}
	ps, err := r.find(ctx, bson.M{"_id": bson.M{"$in": ids}}, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Post, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// ByMsgKey returns the record created by the message msgKey, or ErrNotFound.
func (r *Posts) ByMsgKey(ctx context.Context, msgKey string) (Post, error) {
	var claim msgKeyClaim
	switch err := r.msgKeys.FindOne(ctx, bson.M{"_id": r.msgKeyID(msgKey)}).Decode(&claim); {
	case err == nil:
		return r.Get(ctx, claim.ID)
	case !errors.Is(err, mongo.ErrNoDocuments):
		return Post{}, translate(err)
	}
	// A record saved before the claims were kept.
	var p Post
	err := r.c.FindOne(ctx, bson.M{"msg_key": msgKey}).Decode(&p)
	return p, translate(err)
}

// Open lists every open, unexpired record (for loading the matching engine).
func (r *Posts) Open(ctx context.Context, now time.Time) ([]Post, error) {
	return r.find(ctx, bson.M{"status": StatusOpen, "expires_at": bson.M{"$gt": now}}, nil)
}

// ExpiringBetween lists open records expiring in [from, to) not yet reminded.
func (r *Posts) ExpiringBetween(ctx context.Context, from, to time.Time) ([]Post, error) {
	return r.find(ctx, bson.M{"status": StatusOpen, "expires_at": bson.M{"$gte": from, "$lt": to}, "reminded_at": bson.M{"$exists": false}}, nil)
}

// MarkReminded records that the expiry reminder was queued.
func (r *Posts) MarkReminded(ctx context.Context, id string, at time.Time) error {
	return r.updateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"reminded_at": at}})
}

// ExpireDue sets every open record past its expiry to expired and returns them.
func (r *Posts) ExpireDue(ctx context.Context, now time.Time) ([]Post, error) {
	due, err := r.find(ctx, bson.M{"status": StatusOpen, "expires_at": bson.M{"$lte": now}}, nil)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	ids := make([]string, len(due))
	for i, p := range due {
		ids[i] = p.ID
	}
	if err := r.changedIDs(ctx, ids, now); err != nil {
		return nil, err
	}
	set := bson.M{"$set": bson.M{"status": StatusExpired, "updated_at": now, "match_owed": false}}
	if r.c.mu != nil {
		// FerretDB: an $in reads every record, holding every write up
		// meanwhile (collection.go); one write per record by its lone _id.
		for _, id := range ids {
			if err := r.updateIf(ctx, id, bson.M{"status": StatusOpen},
				func(row postRow) bool { return row.Status == StatusOpen }, set); err != nil {
				return nil, err
			}
		}
		return due, nil
	}
	_, err = r.c.UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "status": StatusOpen}, set)
	return due, translate(err)
}

// RemoveByOpenID marks the user's records removed and erases what ties
// them to the person (the user deregistered): the openid, the enterprise
// and raw_text, which holds whatever the user typed, phone numbers and
// names included.
func (r *Posts) RemoveByOpenID(ctx context.Context, openid string) (int64, error) {
	if openid == "" {
		return 0, nil
	}
	now := savedAt()
	res, err := r.c.UpdateMany(ctx, bson.M{"openid": openid}, bson.M{"$set": bson.M{
		"status": StatusRemoved, "openid": "", "enterprise_id": "", "raw_text": "",
		"updated_at": now, "match_owed": false}})
	if err != nil {
		return 0, translate(err)
	}
	if err := r.changedWhere(ctx, bson.M{"status": StatusRemoved, "openid": ""}, now); err != nil {
		return 0, err
	}
	return res.ModifiedCount, nil
}

func (r *Posts) find(ctx context.Context, filter bson.M, opts *options.FindOptions) ([]Post, error) {
	cur, err := r.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []Post
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
