package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// TakeDown is the task force's removal of a record (下架): why, by whom,
// when, and the status it had, which 恢复 gives back.
type TakeDown struct {
	Reason       string    `bson:"reason"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
	StatusBefore string    `bson:"status_before"`
	ReasonBefore string    `bson:"reason_before,omitempty"` // closed_reason before
}

type takeDownRow struct {
	TakeDown *TakeDown `bson:"taken_down"`
}

// TakeDown removes the record (status removed: it leaves search, matching
// and its page) and keeps td. ErrConflict when it is removed already.
func (r *Posts) TakeDown(ctx context.Context, id string, td TakeDown) error {
	td.At = td.At.UTC()
	now := savedAt()
	if err := r.changed(ctx, id, now); err != nil {
		return err
	}
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id, "status": bson.M{"$ne": StatusRemoved}}, bson.M{"$set": bson.M{
		"status": StatusRemoved, "closed_reason": "下架：" + td.Reason, "taken_down": td,
		"updated_at": now, "match_owed": false}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: %s is removed already", ErrConflict, id)
	}
	return nil
}

// TakeDownOf returns how the record was taken down, or ErrNotFound when it
// was not (a record removed when its owner deregistered was not).
func (r *Posts) TakeDownOf(ctx context.Context, id string) (TakeDown, error) {
	var row takeDownRow
	if err := r.c.FindOne(ctx, bson.M{"_id": id, "status": StatusRemoved}).Decode(&row); err != nil {
		return TakeDown{}, translate(err)
	}
	if row.TakeDown == nil {
		return TakeDown{}, ErrNotFound
	}
	return *row.TakeDown, nil
}

// Restore undoes a take-down: the record gets back the status it had
// (an open one is matched again). ErrNotFound when it is not taken down.
func (r *Posts) Restore(ctx context.Context, id string) (Post, error) {
	td, err := r.TakeDownOf(ctx, id)
	if err != nil {
		return Post{}, err
	}
	status := td.StatusBefore
	if status == "" || status == StatusRemoved {
		status = StatusOpen
	}
	now := savedAt()
	if err := r.saving(ctx, &Post{ID: id, Status: status, UpdatedAt: now}, false); err != nil {
		return Post{}, err
	}
	err = r.updateOne(ctx, bson.M{"_id": id, "status": StatusRemoved, "taken_down": bson.M{"$exists": true}}, bson.M{
		"$set":   bson.M{"status": status, "closed_reason": td.ReasonBefore, "updated_at": now, "match_owed": status == StatusOpen},
		"$unset": bson.M{"taken_down": ""}})
	if err != nil {
		return Post{}, err
	}
	return r.Get(ctx, id)
}

// SetVerifiedOf marks the enterprise's open (and expired, which may be
// renewed) records as
// posted by a verified enterprise (or not), so that listings, alerts and
// record pages show 已认证. It returns how many changed.
func (r *Posts) SetVerifiedOf(ctx context.Context, enterpriseID string, v bool) (int64, error) {
	if enterpriseID == "" {
		return 0, nil
	}
	now := savedAt()
	res, err := r.c.UpdateMany(ctx, bson.M{"enterprise_id": enterpriseID, "status": bson.M{"$in": bson.A{StatusOpen, StatusExpired}}, "verified": !v},
		bson.M{"$set": bson.M{"verified": v, "updated_at": now}})
	if err != nil {
		return 0, translate(err)
	}
	if err := r.changedWhere(ctx, bson.M{"enterprise_id": enterpriseID}, now); err != nil {
		return 0, err
	}
	return res.ModifiedCount, nil
}

// HandOver gives the enterprise's records to the openid of the claimant
// who won its name (Enterprises.HandOver), without raw_text, which holds
// what the former owner typed (names and phone numbers included); it
// returns how many changed.
func (r *Posts) HandOver(ctx context.Context, enterpriseID, openid string) (int64, error) {
	if enterpriseID == "" {
		return 0, nil
	}
	now := savedAt()
	res, err := r.c.UpdateMany(ctx, bson.M{"enterprise_id": enterpriseID},
		bson.M{"$set": bson.M{"openid": openid, "verified": false, "raw_text": "", "updated_at": now}})
	if err != nil {
		return 0, translate(err)
	}
	if err := r.changedWhere(ctx, bson.M{"enterprise_id": enterpriseID}, now); err != nil {
		return 0, err
	}
	return res.ModifiedCount, nil
}
