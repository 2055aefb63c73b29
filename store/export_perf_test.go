package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
)

// ForgetRecordIDs makes the stored records look saved before number and
// message-key claims carried their record's id.
func (m *Mongo) ForgetRecordIDs(ctx context.Context) error {
	if _, err := m.collection("post_numbers").UpdateMany(ctx, bson.M{}, bson.M{"$unset": bson.M{"post_id": ""}}); err != nil {
		return translate(err)
	}
	_, err := m.collection("msg_keys").DeleteMany(ctx, bson.M{})
	return translate(err)
}

// ForgetOwedEntries makes the owed records look saved before the owed
// entries were kept.
func (m *Mongo) ForgetOwedEntries(ctx context.Context) error {
	for _, c := range []string{"demands_owed", "offers_owed"} {
		if _, err := m.collection(c).DeleteMany(ctx, bson.M{}); err != nil {
			return translate(err)
		}
	}
	if _, err := m.collection("post_owners").DeleteMany(ctx, bson.M{"_id": bson.M{"$in": bson.A{"demand:owed-adopted", "offer:owed-adopted"}}}); err != nil {
		return translate(err)
	}
	m.demandFeed.adopted, m.offerFeed.adopted = false, false
	return nil
}

// ForgetOwners makes the records look saved before the owner documents
// were kept.
func (m *Mongo) ForgetOwners(ctx context.Context) error {
	_, err := m.collection("post_owners").DeleteMany(ctx, bson.M{"_id": bson.M{"$nin": bson.A{"demand:owed-adopted", "offer:owed-adopted"}}})
	m.demandFeed.owners, m.offerFeed.owners = false, false
	for _, f := range []*feedState{&m.demandFeed, &m.offerFeed} {
		if f.owned != nil {
			f.owned = &ownerIndex{} // rebuilt from the records
		}
	}
	return translate(err)
}

// HoldOwnerIndexBuild takes the build of the offers' owner index, as a
// builder at start would; ok is false when it is not kept in memory.
func (m *Mongo) HoldOwnerIndexBuild() (release func(), ok bool) {
	x := m.offerFeed.owned
	if x == nil {
		return nil, false
	}
	x.build.Lock()
	return x.build.Unlock, true
}
