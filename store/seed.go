package store

import (
	"context"
	"regexp"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// CreateSettled stores posts as Create would, each with a new id and
// number, but with their matching already done (match_owed false), in one
// insert. It is for seeding a store with records that stand for the past:
// as owed records they would all be matched by the catch-up of the next
// start. The owner documents are written once per owner for all of
// posts, so seed in large calls; the records are inserted 500 at a time.
func (r *Posts) CreateSettled(ctx context.Context, posts []Post) error {
	if len(posts) == 0 {
		return nil
	}
	now := savedAt()
	rows := make([]any, len(posts))
	for i := range posts {
		p := &posts[i]
		id := NewID()
		no, err := r.nextNo(ctx, id)
		if err != nil {
			return err
		}
		r.fillNew(p, id, no, now)
		rows[i] = postRow{Post: *p}
	}
	ids := make([]string, len(posts))
	for i := range posts {
		ids[i] = posts[i].ID
	}
	if err := r.changedIDs(ctx, ids, now); err != nil {
		return err
	}
	ptrs := make([]*Post, len(posts))
	for i := range posts {
		ptrs[i] = &posts[i]
	}
	if err := r.owned(ctx, ptrs...); err != nil {
		return err
	}
	for len(rows) > 0 {
		n := min(len(rows), 500)
		if _, err := r.c.InsertMany(ctx, rows[:n]); err != nil {
			return translate(err)
		}
		rows = rows[n:]
	}
	return nil
}

// CountOpenByOpenIDPrefix counts the open records of users whose openid
// starts with prefix (the seeded users, for a seed that adds only what is
// missing).
func (r *Posts) CountOpenByOpenIDPrefix(ctx context.Context, prefix string) (int64, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{
		"openid": primitive.Regex{Pattern: "^" + regexp.QuoteMeta(prefix)},
		"status": StatusOpen,
	})
	return n, translate(err)
}
