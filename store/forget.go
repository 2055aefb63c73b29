package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// What a user who deregisters (注销) leaves behind besides the enterprise
// contact (Enterprises.RemoveContact) and the records (Posts.RemoveByOpenID):
// the subscriptions that would keep alerting them, the pushes queued for
// them that have not gone out, and the contact requests they are waiting on.

// ForgetUser deletes the user's subscriptions and gives up every push to
// the user not sent yet. A push a worker is sending at this moment may
// still arrive. Repeating it is harmless.
func (m *Mongo) ForgetUser(ctx context.Context, openid string) error {
	if openid == "" {
		return nil
	}
	_, errS := m.Subscriptions().DeleteByOpenID(ctx, openid)
	_, errO := m.Outbox().DropForOpenID(ctx, openid, "user deregistered")
	_, errC := m.ContactRequests().WithdrawByRequester(ctx, openid, time.Now().UTC())
	return errors.Join(errS, errO, errC)
}

// WithdrawByRequester ends the user's pending contact requests: nobody is
// left to receive the owner's consent. They turn expired with nothing owed
// (the owner, if already asked, finds them no longer pending).
func (r *ContactRequests) WithdrawByRequester(ctx context.Context, openid string, now time.Time) (int64, error) {
	res, err := r.c.UpdateMany(ctx, bson.M{"requester_openid": openid, "status": ContactPending},
		bson.M{"$set": bson.M{"status": ContactExpired, "answered_at": now, "asked_at": now, "told_at": now}})
	if err != nil {
		return 0, translate(err)
	}
	return res.ModifiedCount, nil
}

// DeleteByOpenID removes every subscription of the user and returns how
// many there were.
func (r *Subscriptions) DeleteByOpenID(ctx context.Context, openid string) (int64, error) {
	res, err := r.c.DeleteMany(ctx, bson.M{"openid": openid})
	if err != nil {
		return 0, translate(err)
	}
	return res.DeletedCount, nil
}

// DropForOpenID gives up the pushes to openid that wait (pending, held
// for the user's next message, or still being enqueued): they turn failed
// with reason and move to the archive, their keys still reserved so that
// a repeat enqueue is refused. Items a worker holds are left to it. It
// returns how many it gave up.
func (o *Outbox) DropForOpenID(ctx context.Context, openid, reason string) (int64, error) {
	waiting := bson.M{"$in": bson.A{OutboxPending, OutboxHeld, outboxEnqueuing}}
	cur, err := o.c.Find(ctx, bson.M{"openid": openid, "status": waiting})
	if err != nil {
		return 0, translate(err)
	}
	var items []OutboxItem
	if err := cur.All(ctx, &items); err != nil {
		return 0, translate(err)
	}
	var n int64
	for _, it := range items {
		// One by one, guarded by the status seen: a lease taken meanwhile wins.
		res, err := o.c.UpdateOne(ctx, bson.M{"_id": it.Key, "status": waiting}, bson.M{"$set": bson.M{
			"status": OutboxFailed, "last_code": 0, "last_error": reason, "lease_owner": "", "next_at": time.Now().UTC()}})
		if err != nil {
			return n, translate(err)
		}
		if res.ModifiedCount == 1 {
			n++
			o.archive(ctx, it.Key)
			if o.due != nil {
				o.due.drop(it.Key)
			}
		}
	}
	return n, nil
}
