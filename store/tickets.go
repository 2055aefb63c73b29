package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"tickets", mongo.IndexModel{Keys: bson.D{{Key: "n", Value: 1}}, Options: options.Index().SetUnique(true)}},
		index{"tickets", mongo.IndexModel{Keys: bson.D{{Key: "openid", Value: 1}, {Key: "status", Value: 1}}}},
		index{"tickets", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "updated_at", Value: 1}}}},
	)
}

// Ticket statuses: open waits for the task force, answered waits for the
// user (who may write again, which opens it again).
const (
	TicketOpen     = "open"
	TicketAnswered = "answered"
)

// TicketMessage is one message of a help-desk conversation.
type TicketMessage struct {
	From string    `bson:"from"` // "user" or the member's openid / console user
	Text string    `bson:"text"`
	At   time.Time `bson:"at"`
}

// Ticket is a user's help-desk conversation with the task force (人工客服,
// 留言). A user has at most one ticket that is not answered; writing
// again adds to it.
type Ticket struct {
	ID             string          `bson:"_id"`
	N              int64           `bson:"n"` // what members type: 回复 7
	OpenID         string          `bson:"openid"`
	EnterpriseName string          `bson:"enterprise_name,omitempty"`
	Status         string          `bson:"status"`
	Messages       []TicketMessage `bson:"messages"`
	Answers        int             `bson:"answers"`
	CreatedAt      time.Time       `bson:"created_at"`
	UpdatedAt      time.Time       `bson:"updated_at"`
}

// Tickets is the repository of the help desk.
type Tickets struct {
	c collection
	m *Mongo
}

// Tickets returns the repository.
func (m *Mongo) Tickets() *Tickets { return &Tickets{c: m.collection("tickets"), m: m} }

// Write adds the user's message to their open ticket, or opens a new one
// (open again after an answer is a new ticket). created tells which.
func (r *Tickets) Write(ctx context.Context, openid, enterpriseName, text string, at time.Time) (t Ticket, created bool, err error) {
	msg := TicketMessage{From: "user", Text: text, At: at.UTC()}
	err = r.c.FindOne(ctx, bson.M{"openid": openid, "status": TicketOpen}).Decode(&t)
	if err == nil {
		_, err = r.c.UpdateOne(ctx, bson.M{"_id": t.ID}, bson.M{"$push": bson.M{"messages": msg}, "$set": bson.M{"updated_at": msg.At}})
		t.Messages, t.UpdatedAt = append(t.Messages, msg), msg.At
		return t, false, translate(err)
	}
	if err = translate(err); !errors.Is(err, ErrNotFound) {
		return Ticket{}, false, err
	}
	for range 5 {
		n, err := r.m.nextSeq(ctx, "tickets")
		if err != nil {
			return Ticket{}, false, err
		}
		t = Ticket{ID: NewID(), N: n, OpenID: openid, EnterpriseName: enterpriseName, Status: TicketOpen,
			Messages: []TicketMessage{msg}, CreatedAt: msg.At, UpdatedAt: msg.At}
		_, err = r.c.InsertOne(ctx, t)
		if err = translate(err); !errors.Is(err, ErrConflict) {
			return t, err == nil, err
		}
	}
	return Ticket{}, false, fmt.Errorf("%w: no free ticket number", ErrConflict)
}

// ByN returns the ticket numbered n, or ErrNotFound.
func (r *Tickets) ByN(ctx context.Context, n int64) (Ticket, error) {
	var t Ticket
	err := r.c.FindOne(ctx, bson.M{"n": n}).Decode(&t)
	return t, translate(err)
}

// Answer adds the task force's answer and marks the ticket answered; it
// returns the ticket's answers so far, the new one included.
func (r *Tickets) Answer(ctx context.Context, id, by, text string, at time.Time) (int, error) {
	var t Ticket
	err := r.c.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{
		"$push": bson.M{"messages": TicketMessage{From: by, Text: text, At: at.UTC()}},
		"$inc":  bson.M{"answers": 1},
		"$set":  bson.M{"status": TicketAnswered, "updated_at": at.UTC()},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&t)
	return t.Answers, translate(err)
}

// List returns tickets, oldest first: the open ones (waiting for the task
// force), or all, newest first. At most limit (default 20).
func (r *Tickets) List(ctx context.Context, open bool, limit int) ([]Ticket, error) {
	if limit <= 0 {
		limit = 20
	}
	filter, sort := bson.M{}, bson.D{{Key: "updated_at", Value: -1}}
	if open {
		filter, sort = bson.M{"status": TicketOpen}, bson.D{{Key: "updated_at", Value: 1}}
	}
	cur, err := r.c.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []Ticket
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}
