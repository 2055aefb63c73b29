package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"audit", mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}}}},
		index{"audit", mongo.IndexModel{Keys: bson.D{{Key: "actor_id", Value: 1}, {Key: "at", Value: -1}}}},
		index{"audit", mongo.IndexModel{Keys: bson.D{{Key: "target", Value: 1}, {Key: "at", Value: -1}}}},
	)
}

// AuditEntry is one action of the task force: who (through which
// channel), what, on which target, when, and the target's relevant fields
// before and after.
type AuditEntry struct {
	ID        string            `bson:"_id"`
	At        time.Time         `bson:"at"`
	ActorVia  string            `bson:"actor_via"` // chat, console, api
	ActorID   string            `bson:"actor_id"`  // openid or console user
	ActorName string            `bson:"actor_name,omitempty"`
	Action    string            `bson:"action"` // approve, reject, take-down …
	Target    string            `bson:"target"` // enterprise id, record number, ticket …
	Before    map[string]string `bson:"before,omitempty"`
	After     map[string]string `bson:"after,omitempty"`
	Note      string            `bson:"note,omitempty"`
}

// AuditFilter selects audit entries; empty fields select everything.
// Entries come newest first, Limit (default 50, at most 500) from Offset.
type AuditFilter struct {
	ActorID, Action, Target string
	From, To                time.Time // [From, To)
	Offset, Limit           int
}

// Audit is the append-only log of the task force's actions.
type Audit struct{ c collection }

// Audit returns the repository.
func (m *Mongo) Audit() *Audit { return &Audit{c: m.collection("audit")} }

// Add appends e, with a new id and, when zero, the current time.
func (a *Audit) Add(ctx context.Context, e *AuditEntry) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	_, err := a.c.InsertOne(ctx, e)
	return translate(err)
}

// Find lists the entries f selects, newest first.
func (a *Audit) Find(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	filter := bson.M{}
	if f.ActorID != "" {
		filter["actor_id"] = f.ActorID
	}
	if f.Action != "" {
		filter["action"] = f.Action
	}
	if f.Target != "" {
		filter["target"] = f.Target
	}
	at := bson.M{}
	if !f.From.IsZero() {
		at["$gte"] = f.From
	}
	if !f.To.IsZero() {
		at["$lt"] = f.To
	}
	if len(at) > 0 {
		filter["at"] = at
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	cur, err := a.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(max(f.Offset, 0))).SetLimit(int64(f.Limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []AuditEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
