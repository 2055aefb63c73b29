package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// Note records a change of the record by a contact of its enterprise.
func (r *Posts) Note(ctx context.Context, id string, c PostChange) error {
	if c.At.IsZero() {
		c.At = time.Now().UTC()
	}
	return r.updateOne(ctx, bson.M{"_id": id}, bson.M{"$push": bson.M{"changes": c}})
}

// SetFollowAlerts sets whether the contact openid of the enterprise hears
// the alerts of records colleagues posted. Like RemoveContact it writes the
// contacts back, guarded by updated_at (FerretDB has no positional update
// with a condition it serves well).
func (r *Enterprises) SetFollowAlerts(ctx context.Context, openid string, follow bool) error {
	e, err := r.ByOpenID(ctx, openid)
	if err != nil {
		return err
	}
	found := false
	for i := range e.Contacts {
		if e.Contacts[i].OpenID == openid {
			e.Contacts[i].FollowAlerts, found = follow, true
		}
	}
	if !found {
		return ErrNotFound
	}
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": e.ID, "updated_at": e.UpdatedAt},
		bson.M{"$set": bson.M{"contacts": e.Contacts, "updated_at": time.Now().UTC()}})
	if err == nil && res.MatchedCount == 0 {
		err = fmt.Errorf("%w: enterprise changed meanwhile; try again", ErrConflict)
	}
	return translate(err)
}
