package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The statistics of the task force (统计) come from counters, because
// FerretDB reads every document of a collection for any query: a count
// over the records would cost time in proportion to them. The collection
// "stats" holds one document per China day ("day:20261201") and one
// "total", each a flat map of counter names to numbers; a statistic of a
// period reads at most one document per day. Counter names are the
// constants below, some with a suffix (":整车", ":重庆市", ":轮毂").
const (
	CountEnterprises   = "ent"          // enterprises registered (total: those that exist)
	CountByRole        = "ent_role"     // + ":" role, enterprises that exist (total only)
	CountByProvince    = "ent_prov"     // + ":" province (total only)
	CountVerified      = "ent_verified" // verified enterprises (total only)
	CountRecordsByProv = "rec_prov"     // + ":" province, records posted
	CountDemands       = "demands"      // demands posted
	CountOffers        = "offers"       // offers posted
	CountCategory      = "cat"          // + ":" category, records posted
	CountDeals         = "deals"        // records closed as 已成交
	CountDealsPlatform = "deals_via"
	countedMarker      = "ent_counted" // the enterprises were counted once (stats_seen)
)

// Counts is a set of counters by name.
type Counts map[string]int64

// chinaTZ is China time, whose days the counters follow.
var chinaTZ = time.FixedZone("CST", 8*3600)

// ChinaDay is the counters' name of t's China day (20261201).
func ChinaDay(t time.Time) string { return t.In(chinaTZ).Format("20060102") }

// CounterKey names a counter with a suffix; dots and dollars, which
// MongoDB reads as paths and operators, become underscores.
func CounterKey(name, suffix string) string {
	return name + ":" + strings.NewReplacer(".", "_", "$", "_").Replace(suffix)
}

// Counters is the repository of the statistics' counters.
type Counters struct {
	c, seen collection
	q       *countQueue // Queue's batches (stats_queue.go)
}

// Counters returns the repository.
func (m *Mongo) Counters() *Counters {
	return &Counters{c: m.collection("stats"), seen: m.collection("stats_seen"), q: m.counts}
}

// Add adds deltas to the counters of at's China day; those in total, to
// the totals as well (total may be nil: the same as deltas).
func (r *Counters) Add(ctx context.Context, at time.Time, deltas, total Counts) error {
	if total == nil {
		total = deltas
	}
	if len(deltas) > 0 {
		if err := r.inc(ctx, "day:"+ChinaDay(at), deltas); err != nil {
			return err
		}
	}
	if len(total) > 0 {
		return r.inc(ctx, "total", total)
	}
	return nil
}

func (r *Counters) inc(ctx context.Context, id string, deltas Counts) error {
	_, err := r.c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": map[string]int64(deltas)}, options.Update().SetUpsert(true))
	return translate(err)
}

// Once reports whether key is seen for the first time, so that an event
// heard twice (a repeated save, a second instance) is counted once.
func (r *Counters) Once(ctx context.Context, key string) (bool, error) {
	_, err := r.seen.InsertOne(ctx, bson.M{"_id": key, "at": time.Now().UTC()})
	if err = translate(err); errors.Is(err, ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// Total returns the totals, with every count queued before.
func (r *Counters) Total(ctx context.Context) (Counts, error) {
	if err := r.flush(ctx); err != nil {
		return nil, err
	}
	return r.doc(ctx, "total")
}

func (r *Counters) doc(ctx context.Context, id string) (Counts, error) {
	var raw bson.M
	err := r.c.FindOne(ctx, bson.M{"_id": id}).Decode(&raw)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Counts{}, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return toCounts(raw), nil
}

// Days returns the counters of the China days from and to (20261201),
// both included, by day; days without counters are absent. They hold
// every count queued before.
func (r *Counters) Days(ctx context.Context, from, to string) (map[string]Counts, error) {
	if err := r.flush(ctx); err != nil {
		return nil, err
	}
	cur, err := r.c.Find(ctx, bson.M{"_id": bson.M{"$gte": "day:" + from, "$lte": "day:" + to}})
	if err != nil {
		return nil, translate(err)
	}
	var raws []bson.M
	if err := cur.All(ctx, &raws); err != nil {
		return nil, translate(err)
	}
	out := make(map[string]Counts, len(raws))
	for _, raw := range raws {
		id, _ := raw["_id"].(string)
		out[strings.TrimPrefix(id, "day:")] = toCounts(raw)
	}
	return out, nil
}

func toCounts(raw bson.M) Counts {
	out := Counts{}
	for k, v := range raw {
		switch n := v.(type) {
		case int32:
			out[k] = int64(n)
		case int64:
			out[k] = n
		case float64:
			out[k] = int64(n)
		}
	}
	return out
}

// enterpriseCounts are the counters an enterprise adds to (sign 1) or
// takes from (-1) the totals.
func enterpriseCounts(e *Enterprise, sign int64) Counts {
	c := Counts{CountEnterprises: sign}
	if e.Role != "" {
		c[CounterKey(CountByRole, e.Role)] = sign
	}
	if e.Region.Province != "" {
		c[CounterKey(CountByProvince, e.Region.Province)] = sign
	}
	if e.Verified {
		c[CountVerified] = sign
	}
	return c
}

// CountEnterprisesOnce counts the enterprises that exist into the totals,
// once in the database's life: those registered before the counters were
// kept. It reads every enterprise, once. An enterprise registered on
// another instance between the read and the write is counted twice (the
// first start after an upgrade only).
func (r *Enterprises) CountEnterprisesOnce(ctx context.Context) error {
	// One instance counts, the first to claim it.
	if first, err := r.counts.Once(ctx, countedMarker); err != nil || !first {
		return err
	}
	cur, err := r.c.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"role": 1, "region": 1, "verified": 1}))
	if err != nil {
		return translate(err)
	}
	var all []Enterprise
	if err := cur.All(ctx, &all); err != nil {
		return translate(err)
	}
	sum := Counts{}
	for i := range all {
		for k, v := range enterpriseCounts(&all[i], 1) {
			sum[k] += v
		}
	}
	return r.counts.Add(ctx, time.Now(), nil, sum)
}

// countEnterprise adds a new enterprise to the counters, or takes a
// deleted one from the totals, in the background (Counters.Queue): the
// registration does not wait for statistics, nor fails with them.
func (r *Enterprises) countEnterprise(e *Enterprise, sign int64) {
	deltas := Counts{}
	if sign > 0 {
		deltas[CountEnterprises] = 1
	}
	r.counts.Queue("", time.Now(), deltas, enterpriseCounts(e, sign))
}

// CountOpen counts the open, unexpired records of the kind. On FerretDB
// it reads every record of the kind; on MongoDB the index on status and
// expires_at serves it.
func (r *Posts) CountOpen(ctx context.Context, now time.Time) (int64, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{"status": StatusOpen, "expires_at": bson.M{"$gt": now}})
	return n, translate(err)
}

func init() {
	indexes = append(indexes,
		index{"matches", mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}}},
		index{"contact_requests", mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "answered_at", Value: 1}}}},
	)
}

// CreatedSince lists when each pair found since from was found. On
// FerretDB it reads every pair; on MongoDB the index on created_at serves it.
func (r *Matches) CreatedSince(ctx context.Context, from time.Time) ([]time.Time, error) {
	return times(ctx, r.c, bson.M{"created_at": timeRange(from, time.Time{})}, "created_at")
}

// CountAccepted counts every contact exchange agreed. On FerretDB it reads
// every request; on MongoDB the index on status and answered_at serves it.
func (r *ContactRequests) CountAccepted(ctx context.Context) (int64, error) {
	n, err := r.c.CountDocuments(ctx, bson.M{"status": ContactAccepted})
	return n, translate(err)
}

// AcceptedSince lists when each contact exchange agreed since from was
// agreed. Costs as CountAccepted.
func (r *ContactRequests) AcceptedSince(ctx context.Context, from time.Time) ([]time.Time, error) {
	return times(ctx, r.c, bson.M{"status": ContactAccepted, "answered_at": timeRange(from, time.Time{})}, "answered_at")
}

// times reads one time field of the documents filter selects.
func times(ctx context.Context, c collection, filter bson.M, field string) ([]time.Time, error) {
	var out []time.Time
	err := each(ctx, c, filter, options.Find().SetProjection(bson.M{field: 1, "_id": 0}), func(doc bson.M) {
		if t, ok := doc[field].(primitive.DateTime); ok {
			out = append(out, t.Time())
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func timeRange(from, to time.Time) bson.M {
	m := bson.M{"$exists": true}
	if !from.IsZero() {
		m["$gte"] = from
	}
	if !to.IsZero() {
		m["$lt"] = to
	}
	return m
}
