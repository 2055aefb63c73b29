package store

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// AudienceOf returns the openids a segment reaches, sorted and unique:
// the contacts of the registered enterprises that fit its role, region and
// verification, narrowed to those interested in its category (a record
// in it, or a subscription to it or with it as a word) and to those
// active since activeSince (an enterprise registered or changed, a
// record or a subscription made), when set. It runs once per broadcast,
// so its scans are paid once, not per delivery.
func (r *Broadcasts) AudienceOf(ctx context.Context, seg BroadcastSegment, activeSince time.Time) ([]string, error) {
	ef := bson.M{}
	if seg.Role != "" {
		ef["role"] = seg.Role
	}
	if seg.Province != "" {
		ef["region.province"] = seg.Province
	}
	if seg.City != "" {
		ef["region.city"] = seg.City
	}
	if seg.District != "" {
		ef["region.district"] = seg.District
	}
	if seg.Verified != nil {
		ef["verified"] = *seg.Verified
	}
	ents := r.m.collection("enterprises")
	cur, err := ents.Find(ctx, ef, options.Find().SetProjection(bson.M{"contacts.openid": 1, "created_at": 1, "updated_at": 1}))
	if err != nil {
		return nil, translate(err)
	}
	var es []struct {
		Contacts []struct {
			OpenID string `bson:"openid"`
		} `bson:"contacts"`
		CreatedAt time.Time `bson:"created_at"`
		UpdatedAt time.Time `bson:"updated_at"`
	}
	if err := cur.All(ctx, &es); err != nil {
		return nil, translate(err)
	}
	base := map[string]bool{}
	active := map[string]bool{}
	for _, e := range es {
		for _, c := range e.Contacts {
			if c.OpenID == "" {
				continue
			}
			base[c.OpenID] = true
			if !activeSince.IsZero() && (!e.UpdatedAt.Before(activeSince) || !e.CreatedAt.Before(activeSince)) {
				active[c.OpenID] = true
			}
		}
	}
	if seg.Category != "" {
		interested, err := r.interestedIn(ctx, seg.Category)
		if err != nil {
			return nil, err
		}
		for id := range base {
			if !interested[id] {
				delete(base, id)
			}
		}
	}
	if !activeSince.IsZero() {
		if err := r.activeSince(ctx, activeSince, active); err != nil {
			return nil, err
		}
		for id := range base {
			if !active[id] {
				delete(base, id)
			}
		}
	}
	out := make([]string, 0, len(base))
	for id := range base {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// openidsOf adds the openid of every document of coll matching filter to set.
func (r *Broadcasts) openidsOf(ctx context.Context, coll string, filter bson.M, set map[string]bool) error {
	cur, err := r.m.collection(coll).Find(ctx, filter, options.Find().SetProjection(bson.M{"openid": 1}))
	if err != nil {
		return translate(err)
	}
	var rows []struct {
		OpenID string `bson:"openid"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return translate(err)
	}
	for _, row := range rows {
		if row.OpenID != "" {
			set[row.OpenID] = true
		}
	}
	return nil
}

func (r *Broadcasts) interestedIn(ctx context.Context, category string) (map[string]bool, error) {
	set := map[string]bool{}
	posts := bson.M{"$or": bson.A{
		bson.M{"category": category}, bson.M{"category_path": category}, bson.M{"category_code": category},
	}}
	for _, coll := range []string{"demands", "offers"} {
		if err := r.openidsOf(ctx, coll, posts, set); err != nil {
			return nil, err
		}
	}
	subs := bson.M{"$or": bson.A{
		bson.M{"category_name": category}, bson.M{"category_code": category}, bson.M{"words": category},
	}}
	return set, r.openidsOf(ctx, "subscriptions", subs, set)
}

func (r *Broadcasts) activeSince(ctx context.Context, since time.Time, set map[string]bool) error {
	for _, coll := range []string{"demands", "offers"} {
		f := bson.M{"$or": bson.A{bson.M{"created_at": bson.M{"$gte": since}}, bson.M{"updated_at": bson.M{"$gte": since}}}}
		if err := r.openidsOf(ctx, coll, f, set); err != nil {
			return err
		}
	}
	return r.openidsOf(ctx, "subscriptions", bson.M{"created_at": bson.M{"$gte": since}}, set)
}
