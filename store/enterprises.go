package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func init() {
	indexes = append(indexes,
		index{"members", mongo.IndexModel{Keys: bson.D{{Key: "enterprise_id", Value: 1}}}},
		index{"enterprises", mongo.IndexModel{Keys: bson.D{{Key: "invite_code", Value: 1}}, Options: options.Index().SetUnique(true)}},
		index{"enterprises", mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}}},
	)
}

// Enterprises is the repository of registered companies. A user belongs to
// at most one enterprise: the collection "members" keyed by openid guards
// that, because a unique index on an array field is not enforced by
// FerretDB. Without transactions, a failed second write undoes the first.
type Enterprises struct {
	c, members collection
	counts     *Counters
	names      *nameIndex // when ServeAlone on FerretDB (enterprise_byname.go)
}

// Enterprises returns the repository.
func (m *Mongo) Enterprises() *Enterprises {
	return &Enterprises{c: m.collection("enterprises"), members: m.collection("members"), counts: m.Counters(), names: m.enterpriseNames}
}

type member struct {
	OpenID       string    `bson:"_id"`
	EnterpriseID string    `bson:"enterprise_id"`
	At           time.Time `bson:"at"`
}

// join claims openid for the enterprise; ErrConflict if it belongs to one.
func (r *Enterprises) join(ctx context.Context, openid, enterpriseID string) error {
	_, err := r.members.InsertOne(ctx, member{OpenID: openid, EnterpriseID: enterpriseID, At: time.Now().UTC()})
	return translate(err)
}

func (r *Enterprises) leave(ctx context.Context, openids ...string) {
	if len(openids) > 0 {
		_, _ = r.members.DeleteMany(context.WithoutCancel(ctx), bson.M{"_id": bson.M{"$in": openids}})
	}
}

// NewID returns a random record id.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Create stores e with a new id and invite code. It returns ErrConflict
// when one of its contacts already belongs to an enterprise.
func (r *Enterprises) Create(ctx context.Context, e *Enterprise) error {
	now := time.Now().UTC()
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.InviteCode == "" {
		e.InviteCode = inviteCode()
	}
	e.CreatedAt, e.UpdatedAt = now, now
	var joined []string
	for _, c := range e.Contacts {
		if err := r.join(ctx, c.OpenID, e.ID); err != nil {
			r.leave(ctx, joined...)
			return err
		}
		joined = append(joined, c.OpenID)
	}
	if _, err := r.c.InsertOne(ctx, e); err != nil {
		r.leave(ctx, joined...)
		return translate(err)
	}
	if r.names != nil {
		r.names.add(e.Name, e.ID, e.CreatedAt)
	}
	r.countEnterprise(e, 1)
	return nil
}

// inviteCode is six characters that are easy to read aloud.
func inviteCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Get returns the enterprise with id, or ErrNotFound.
func (r *Enterprises) Get(ctx context.Context, id string) (Enterprise, error) {
	var e Enterprise
	err := r.c.FindOne(ctx, bson.M{"_id": id}).Decode(&e)
	return e, translate(err)
}

// ByOpenID returns the enterprise the user belongs to, or ErrNotFound.
func (r *Enterprises) ByOpenID(ctx context.Context, openid string) (Enterprise, error) {
	var mb member
	if err := r.members.FindOne(ctx, bson.M{"_id": openid}).Decode(&mb); err != nil {
		return Enterprise{}, translate(err)
	}
	return r.Get(ctx, mb.EnterpriseID)
}

// ByInviteCode returns the enterprise with the code, or ErrNotFound.
func (r *Enterprises) ByInviteCode(ctx context.Context, code string) (Enterprise, error) {
	var e Enterprise
	err := r.c.FindOne(ctx, bson.M{"invite_code": code}).Decode(&e)
	return e, translate(err)
}

// ByName returns an enterprise registered under exactly name (the name as
// the conversation stores it, normalised), or ErrNotFound. Names are not
// unique in the collection: when several match, the oldest is returned.
func (r *Enterprises) ByName(ctx context.Context, name string) (Enterprise, error) {
	if r.names != nil {
		return r.byNameIndexed(ctx, name)
	}
	return r.byNameFilter(ctx, name)
}

func (r *Enterprises) byNameFilter(ctx context.Context, name string) (Enterprise, error) {
	var e Enterprise
	err := r.c.FindOne(ctx, bson.M{"name": name}, options.FindOne().SetSort(bson.D{{Key: "created_at", Value: 1}})).Decode(&e)
	return e, translate(err)
}

// AddContact adds c to the enterprise unless the user already belongs to one.
func (r *Enterprises) AddContact(ctx context.Context, id string, c Contact) error {
	c.JoinedAt = time.Now().UTC()
	if err := r.join(ctx, c.OpenID, id); err != nil {
		return err
	}
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$push": bson.M{"contacts": c}, "$set": bson.M{"updated_at": c.JoinedAt}})
	if err == nil && res.MatchedCount == 0 {
		err = ErrNotFound
	}
	if err != nil {
		r.leave(ctx, c.OpenID)
		return translate(err)
	}
	return nil
}

// RemoveContact deletes the user's personal data from the enterprise and
// deletes the enterprise when it was its last contact. It reports whether
// the enterprise was deleted.
func (r *Enterprises) RemoveContact(ctx context.Context, openid string) (deleted bool, err error) {
	e, err := r.ByOpenID(ctx, openid)
	if err != nil {
		return false, err
	}
	defer r.leave(ctx, openid)
	if len(e.Contacts) <= 1 {
		_, err := r.c.DeleteOne(ctx, bson.M{"_id": e.ID})
		if err == nil {
			r.countEnterprise(&e, -1)
			// ByName's entry for the name finds it gone at its next
			// lookup and looks for another holder then; the lists
			// NameContains reads drop it now.
			if r.names != nil {
				r.names.removed(e.ID)
			}
		}
		return err == nil, translate(err)
	}
	// FerretDB's $pull takes no condition: write the remaining contacts,
	// guarded by updated_at so a concurrent change is not overwritten.
	rest := make([]Contact, 0, len(e.Contacts)-1)
	for _, c := range e.Contacts {
		if c.OpenID != openid {
			rest = append(rest, c)
		}
	}
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": e.ID, "updated_at": e.UpdatedAt},
		bson.M{"$set": bson.M{"contacts": rest, "updated_at": time.Now().UTC()}})
	if err == nil && res.MatchedCount == 0 {
		err = fmt.Errorf("%w: enterprise changed meanwhile; try again", ErrConflict)
	}
	return false, translate(err)
}

// SetVerified marks the enterprise verified or not.
func (r *Enterprises) SetVerified(ctx context.Context, id string, v bool) error {
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"verified": v, "updated_at": time.Now().UTC()}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Verification statuses.
const (
	VerifyPending  = "pending"
	VerifyApproved = "approved"
	VerifyRejected = "rejected"
)

// Verification is a request to verify an enterprise (申请认证) and the
// task force's decision: who decided, when, and the USCC that was checked.
type Verification struct {
	Status      string     `bson:"status"`
	N           int64      `bson:"n"` // queue number (通过 3)
	RequestedAt time.Time  `bson:"requested_at"`
	RequestedBy string     `bson:"requested_by"` // openid of the contact who asked
	USCC        string     `bson:"uscc"`
	USCCValid   bool       `bson:"uscc_valid"` // the GB 32100-2015 check digit holds
	DecidedAt   *time.Time `bson:"decided_at,omitempty"`
	DecidedBy   string     `bson:"decided_by,omitempty"`
	Reason      string     `bson:"reason,omitempty"` // of a rejection
}

func init() {
	indexes = append(indexes, index{"enterprises", mongo.IndexModel{Keys: bson.D{{Key: "verification.status", Value: 1}, {Key: "verification.requested_at", Value: 1}}}})
}

// RequestVerification files v (pending, numbered) for the enterprise and
// stores its USCC.
func (r *Enterprises) RequestVerification(ctx context.Context, id string, v Verification) error {
	res, err := r.c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{
		"verification": v, "uscc": v.USCC, "updated_at": time.Now().UTC()}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// PendingVerifications lists enterprises waiting for verification, oldest
// request first (at most limit).
func (r *Enterprises) PendingVerifications(ctx context.Context, limit int) ([]Enterprise, error) {
	cur, err := r.c.Find(ctx, bson.M{"verification.status": VerifyPending},
		options.Find().SetSort(bson.D{{Key: "verification.requested_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err)
	}
	var out []Enterprise
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// ByVerificationN returns the enterprise whose verification request has
// queue number n, or ErrNotFound.
func (r *Enterprises) ByVerificationN(ctx context.Context, n int64) (Enterprise, error) {
	var e Enterprise
	err := r.c.FindOne(ctx, bson.M{"verification.n": n}).Decode(&e)
	return e, translate(err)
}

// DecideVerification approves or rejects the pending request of the
// enterprise; an approval marks it verified. ErrConflict when no request
// is pending (decided before).
func (r *Enterprises) DecideVerification(ctx context.Context, id string, approve bool, by, reason string, at time.Time) error {
	status := VerifyRejected
	if approve {
		status = VerifyApproved
	}
	set := bson.M{"verification.status": status, "verification.decided_at": at.UTC(), "verification.decided_by": by,
		"verification.reason": reason, "updated_at": time.Now().UTC()}
	if approve {
		set["verified"] = true
	}
	filter := bson.M{"_id": id, "verification.status": VerifyPending}
	if approve {
		filter["verified"] = false // counted once
	}
	res, err := r.c.UpdateOne(ctx, filter, bson.M{"$set": set})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: no pending verification of %s", ErrConflict, id)
	}
	if approve {
		r.counts.Queue("", at, nil, Counts{CountVerified: 1})
	}
	return nil
}

// HandOver gives the enterprise to a claimant who won a name dispute: c
// becomes its only contact, the former contacts leave it (they may
// register again), its verification is withdrawn and it gets a new
// invite code, which the former contacts knew. It returns the former
// contacts. ErrConflict when c belongs to another enterprise.
func (r *Enterprises) HandOver(ctx context.Context, id string, c Contact) ([]Contact, error) {
	e, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c.JoinedAt = time.Now().UTC()
	var former []string
	for _, old := range e.Contacts {
		if old.OpenID != c.OpenID {
			former = append(former, old.OpenID)
		}
	}
	if _, has := e.ContactOf(c.OpenID); !has {
		if err := r.join(ctx, c.OpenID, id); err != nil {
			return nil, err
		}
	}
	_, err = r.c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{
		"contacts": []Contact{c}, "verified": false, "invite_code": inviteCode(), "updated_at": c.JoinedAt},
		"$unset": bson.M{"verification": ""}})
	if err != nil {
		return nil, translate(err)
	}
	r.leave(ctx, former...)
	if e.Verified {
		r.counts.Queue("", c.JoinedAt, nil, Counts{CountVerified: -1})
	}
	var out []Contact
	for _, old := range e.Contacts {
		if old.OpenID != c.OpenID {
			out = append(out, old)
		}
	}
	return out, nil
}
