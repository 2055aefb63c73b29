package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Duty is who of the task force is off duty (下班): they are not told of
// help-desk messages. A member never marked is on duty.
type Duty struct{ c collection }

// Duty returns the repository.
func (m *Mongo) Duty() *Duty { return &Duty{c: m.collection("duty")} }

type dutyRow struct {
	OpenID string    `bson:"_id"`
	Off    bool      `bson:"off"`
	At     time.Time `bson:"at"`
}

// Set marks openid on duty or off.
func (d *Duty) Set(ctx context.Context, openid string, on bool, at time.Time) error {
	_, err := d.c.UpdateOne(ctx, bson.M{"_id": openid}, bson.M{"$set": bson.M{"off": !on, "at": at.UTC()}}, options.Update().SetUpsert(true))
	return translate(err)
}

// Off lists the members off duty.
func (d *Duty) Off(ctx context.Context) (map[string]bool, error) {
	cur, err := d.c.Find(ctx, bson.M{"off": true})
	if err != nil {
		return nil, translate(err)
	}
	var rows []dutyRow
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err)
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[r.OpenID] = true
	}
	return out, nil
}
