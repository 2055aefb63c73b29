package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Broadcast job states.
const (
	BroadcastDraft   = "draft"   // audience stored, waiting for 确认
	BroadcastRunning = "running" // a runner sends its chunks
	BroadcastDone    = "done"    // every chunk sent or given up; reported
)

// Broadcast chunk states.
const (
	ChunkPending = "pending" // not sent yet (or sent with an outcome unknown: resent, WeChat drops a repeat)
	ChunkSending = "sending" // by push: its messages are being queued (queued again after a crash; the outbox keeps one per key)
	ChunkSent    = "sent"    // WeChat accepted it (or answered 45065: accepted before)
	ChunkFailed  = "failed"  // given up
)

// BroadcastJob is one broadcast. Its audience is stored once, in chunks
// (BroadcastChunk, the openids in broadcast_audience), never as one
// document per person.
//
// FerretDB 1.x answers every filter but a lone _id by scanning the
// collection, so the collections are laid out for that: broadcast_jobs
// holds one small document per broadcast (a scan reads a few hundred);
// chunks, their audiences, the msg_id index and the monthly counters are
// read and written by _id only, their ids derived from the job. Every
// write is paid in a SQLite transaction on the embedded store, so a mass
// send costs two: the msg_id record and the chunk's state.
type BroadcastJob struct {
	ID         string            `bson:"_id"`
	ActorVia   string            `bson:"actor_via"`
	ActorID    string            `bson:"actor_id"`
	ActorName  string            `bson:"actor_name,omitempty"`
	Segment    BroadcastSegment  `bson:"segment"`
	Describe   string            `bson:"describe"`
	Text       string            `bson:"text"`
	Via        string            `bson:"via"` // mass | push
	State      string            `bson:"state"`
	Chunks     int               `bson:"chunks"`
	Total      int               `bson:"total"`    // openids stored in the chunks
	OverCap    int               `bson:"over_cap"` // left out: four mass messages this month already
	Month      string            `bson:"month"`    // yyyymm, China time, of the creation
	CreatedAt  time.Time         `bson:"created_at"`
	StartedAt  time.Time         `bson:"started_at,omitempty"`
	FinishedAt time.Time         `bson:"finished_at,omitempty"`
	Owner      string            `bson:"owner,omitempty"`
	LeaseUntil time.Time         `bson:"lease_until,omitempty"`
	Epoch      int               `bson:"epoch"`
	Extra      map[string]string `bson:"extra,omitempty"`
}

// BroadcastSegment is who a broadcast reaches, as stored.
type BroadcastSegment struct {
	All        bool   `bson:"all,omitempty"`
	Role       string `bson:"role,omitempty"`
	Province   string `bson:"province,omitempty"`
	City       string `bson:"city,omitempty"`
	District   string `bson:"district,omitempty"`
	Category   string `bson:"category,omitempty"`
	Verified   *bool  `bson:"verified,omitempty"`
	ActiveDays int    `bson:"active_days,omitempty"`
}

// BroadcastChunk is the delivery state of one chunk of a job's audience.
type BroadcastChunk struct {
	ID       string    `bson:"_id"` // ChunkID(job, n)
	Job      string    `bson:"job"`
	N        int       `bson:"n"`
	Size     int       `bson:"size"`
	State    string    `bson:"state"`
	Attempts int       `bson:"attempts"` // calls to WeChat
	Failures int       `bson:"failures"` // calls that failed and are retried
	MsgID    int64     `bson:"msg_id,omitempty"`
	Code     int       `bson:"code,omitempty"`
	Error    string    `bson:"error,omitempty"`
	Sent     int       `bson:"sent"`   // delivered (push: items sent)
	Failed   int       `bson:"failed"` // not delivered
	SentAt   time.Time `bson:"sent_at,omitempty"`
	// Reconciled: Sent and Failed are WeChat's counts from
	// MASSSENDJOBFINISH, not the size of the accepted send.
	Reconciled bool `bson:"reconciled,omitempty"`
}

// MassResult is what MASSSENDJOBFINISH said about one mass send.
type MassResult struct {
	ID         string    `bson:"_id"` // the msg_id in decimal: FerretDB finds a lone _id by its index only when it is a string
	MsgID      int64     `bson:"msg_id"`
	Chunk      string    `bson:"chunk"`
	Status     string    `bson:"status,omitempty"`
	Total      int64     `bson:"total"`
	Filter     int64     `bson:"filter"`
	Sent       int64     `bson:"sent"`
	Errors     int64     `bson:"errors"`
	Reconciled bool      `bson:"reconciled"`
	ReportedAt time.Time `bson:"reported_at,omitempty"`
	RecordedAt time.Time `bson:"recorded_at"`
}

// ChunkID is the id of chunk n of job.
func ChunkID(job string, n int) string { return job + ":" + strconv.Itoa(n) }

// Broadcasts is the repository of broadcast jobs.
type Broadcasts struct {
	jobs, chunks, audience, msgs, monthly, claims collection
	m                                             *Mongo
}

// Broadcasts returns the repository.
func (m *Mongo) Broadcasts() *Broadcasts {
	return &Broadcasts{
		jobs: m.collection("broadcast_jobs"), chunks: m.collection("broadcast_chunks"),
		audience: m.collection("broadcast_audience"), msgs: m.collection("broadcast_msgs"),
		monthly: m.collection("broadcast_monthly"), claims: m.collection("broadcast_claims"), m: m,
	}
}

type audienceDoc struct {
	ID      string   `bson:"_id"`
	OpenIDs []string `bson:"openids"`
}

// CreateJob stores job as a draft with its audience in chunks. The chunks
// are written first: a crash before the job leaves only orphans no job
// reads. job.ID is set when empty.
func (r *Broadcasts) CreateJob(ctx context.Context, job *BroadcastJob, chunks [][]string) error {
	if job.ID == "" {
		job.ID = NewID()
	}
	job.State, job.Chunks, job.Total = BroadcastDraft, len(chunks), 0
	for n, ids := range chunks {
		job.Total += len(ids)
		if _, err := r.audience.InsertOne(ctx, audienceDoc{ID: ChunkID(job.ID, n), OpenIDs: ids}); err != nil {
			return translate(err)
		}
		c := BroadcastChunk{ID: ChunkID(job.ID, n), Job: job.ID, N: n, Size: len(ids), State: ChunkPending}
		if _, err := r.chunks.InsertOne(ctx, c); err != nil {
			return translate(err)
		}
	}
	if job.CreatedAt.IsZero() {
		job.CreatedAt = time.Now().UTC()
	}
	_, err := r.jobs.InsertOne(ctx, job)
	return translate(err)
}

// Job returns one job.
func (r *Broadcasts) Job(ctx context.Context, id string) (BroadcastJob, error) {
	var j BroadcastJob
	return j, translate(r.jobs.FindOne(ctx, bson.M{"_id": id}).Decode(&j))
}

// Jobs returns the latest jobs, newest first.
func (r *Broadcasts) Jobs(ctx context.Context, limit int) ([]BroadcastJob, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetProjection(bson.M{"text": 0})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := r.jobs.Find(ctx, bson.M{}, opts)
	if err != nil {
		return nil, translate(err)
	}
	var out []BroadcastJob
	return out, translate(cur.All(ctx, &out))
}

// Start turns a draft into a running job; ErrNotFound when it is no draft.
func (r *Broadcasts) Start(ctx context.Context, id string, now time.Time) error {
	res, err := r.jobs.UpdateOne(ctx, bson.M{"_id": id, "state": BroadcastDraft},
		bson.M{"$set": bson.M{"state": BroadcastRunning, "started_at": now.UTC()}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Lease hands a running job to owner until now+lease: one whose lease ran
// out (its runner died) or that nobody held. At most one owner holds a
// job: each lease is claimed by inserting <job>#<epoch> into
// broadcast_claims, whose unique _id admits one winner per epoch on
// MongoDB and FerretDB alike (FerretDB runs a guarded update as a query
// and a write, so a guard alone could admit two). ok is false when no job
// is free.
func (r *Broadcasts) Lease(ctx context.Context, owner string, lease time.Duration, now time.Time) (BroadcastJob, bool, error) {
	cur, err := r.jobs.Find(ctx, bson.M{"state": BroadcastRunning}, options.Find().SetProjection(bson.M{"text": 0}).SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return BroadcastJob{}, false, translate(err)
	}
	var cands []BroadcastJob
	if err := cur.All(ctx, &cands); err != nil {
		return BroadcastJob{}, false, translate(err)
	}
	for _, c := range cands {
		if c.Owner != "" && c.Owner != owner && c.LeaseUntil.After(now) {
			continue
		}
		epoch := c.Epoch + 1
		claim := c.ID + "#" + strconv.Itoa(epoch)
		if _, err := r.claims.InsertOne(ctx, bson.M{"_id": claim, "owner": owner, "at": now}); err != nil {
			if !mongo.IsDuplicateKeyError(err) {
				return BroadcastJob{}, false, translate(err)
			}
			// A claim older than a lease whose job never moved on was left
			// by a runner that died between the two writes: take it over.
			res, derr := r.claims.DeleteOne(ctx, bson.M{"_id": claim, "at": bson.M{"$lte": now.Add(-lease)}})
			if derr != nil || res.DeletedCount == 0 {
				continue
			}
			if _, err := r.claims.InsertOne(ctx, bson.M{"_id": claim, "owner": owner, "at": now}); err != nil {
				continue
			}
		}
		res, err := r.jobs.UpdateOne(ctx, bson.M{"_id": c.ID, "epoch": c.Epoch, "state": BroadcastRunning},
			bson.M{"$set": bson.M{"owner": owner, "lease_until": now.Add(lease), "epoch": epoch}})
		if err != nil {
			return BroadcastJob{}, false, translate(err)
		}
		if res.MatchedCount == 0 {
			continue
		}
		j, err := r.Job(ctx, c.ID)
		if err != nil {
			return BroadcastJob{}, false, err
		}
		return j, j.Owner == owner && j.Epoch == epoch, nil
	}
	return BroadcastJob{}, false, nil
}

// Renew extends owner's lease of job at epoch; ErrNotFound when it lost it.
func (r *Broadcasts) Renew(ctx context.Context, job, owner string, epoch int, until time.Time) error {
	res, err := r.jobs.UpdateOne(ctx, bson.M{"_id": job, "owner": owner, "epoch": epoch, "state": BroadcastRunning},
		bson.M{"$set": bson.M{"lease_until": until}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Release gives the lease up now (a runner stopping), so another runner
// need not wait for it to run out.
func (r *Broadcasts) Release(ctx context.Context, job, owner string, epoch int) error {
	_, err := r.jobs.UpdateOne(ctx, bson.M{"_id": job, "owner": owner, "epoch": epoch},
		bson.M{"$set": bson.M{"owner": ""}})
	return translate(err)
}

// Finish marks owner's job done at now.
func (r *Broadcasts) Finish(ctx context.Context, job, owner string, epoch int, now time.Time) error {
	res, err := r.jobs.UpdateOne(ctx, bson.M{"_id": job, "owner": owner, "epoch": epoch, "state": BroadcastRunning},
		bson.M{"$set": bson.M{"state": BroadcastDone, "finished_at": now.UTC(), "owner": ""}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

// Chunk returns chunk n of job.
func (r *Broadcasts) Chunk(ctx context.Context, job string, n int) (BroadcastChunk, error) {
	var c BroadcastChunk
	return c, translate(r.chunks.FindOne(ctx, bson.M{"_id": ChunkID(job, n)}).Decode(&c))
}

// Chunks returns every chunk of job, in order, each read by _id.
func (r *Broadcasts) Chunks(ctx context.Context, job BroadcastJob) ([]BroadcastChunk, error) {
	out := make([]BroadcastChunk, 0, job.Chunks)
	for n := range job.Chunks {
		c, err := r.Chunk(ctx, job.ID, n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Audience returns the openids of chunk n of job.
func (r *Broadcasts) Audience(ctx context.Context, job string, n int) ([]string, error) {
	var d audienceDoc
	err := r.audience.FindOne(ctx, bson.M{"_id": ChunkID(job, n)}).Decode(&d)
	return d.OpenIDs, translate(err)
}

// SaveChunk writes c's state (by _id).
func (r *Broadcasts) SaveChunk(ctx context.Context, c BroadcastChunk) error {
	_, err := r.chunks.ReplaceOne(ctx, bson.M{"_id": c.ID}, c)
	return translate(err)
}

// RecordMassSend remembers that WeChat's msgID is chunk's send, for the
// MASSSENDJOBFINISH event. It is idempotent: a runner that resends after
// a crash records the same again.
func (r *Broadcasts) RecordMassSend(ctx context.Context, chunk string, msgID int64, now time.Time) error {
	if msgID == 0 {
		return nil
	}
	_, err := r.msgs.UpdateOne(ctx, bson.M{"_id": strconv.FormatInt(msgID, 10)},
		bson.M{"$set": bson.M{"chunk": chunk, "msg_id": msgID}, "$setOnInsert": bson.M{"recorded_at": now.UTC()}}, options.Update().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		err = nil // recorded by a runner at the same time
	}
	return translate(err)
}

// SendsInMonth records that job sends mass messages in month (yyyymm):
// its chunks, once sent, count towards each member's monthly cap. A
// write per job, not per chunk, and idempotent.
func (r *Broadcasts) SendsInMonth(ctx context.Context, month, job string) error {
	_, err := r.monthly.UpdateOne(ctx, bson.M{"_id": month}, bson.M{"$addToSet": bson.M{"jobs": job}}, options.Update().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) { // two upserts raced: the second adds to the first
		_, err = r.monthly.UpdateOne(ctx, bson.M{"_id": month}, bson.M{"$addToSet": bson.M{"jobs": job}})
	}
	return translate(err)
}

// Reconcile stores what MASSSENDJOBFINISH said about msgID. It returns
// the chunk id it belongs to, ErrNotFound for a mass send no broadcast
// recorded (sent by hand in the admin console).
func (r *Broadcasts) Reconcile(ctx context.Context, res MassResult, now time.Time) (string, error) {
	var have MassResult
	id := strconv.FormatInt(res.MsgID, 10)
	if err := r.msgs.FindOne(ctx, bson.M{"_id": id}).Decode(&have); err != nil {
		return "", translate(err)
	}
	_, err := r.msgs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{
		"status": res.Status, "total": res.Total, "filter": res.Filter, "sent": res.Sent, "errors": res.Errors,
		"reconciled": true, "reported_at": now.UTC(),
	}})
	return have.Chunk, translate(err)
}

// MassResultOf returns the recorded outcome of msgID.
func (r *Broadcasts) MassResultOf(ctx context.Context, msgID int64) (MassResult, error) {
	var m MassResult
	return m, translate(r.msgs.FindOne(ctx, bson.M{"_id": strconv.FormatInt(msgID, 10)}).Decode(&m))
}

// MassCounts counts, per openid, the mass messages sent to it in month,
// leaving out job except (the one being counted for): the month's
// document lists the jobs that sent in it; their sent chunks' audiences
// are read by _id.
func (r *Broadcasts) MassCounts(ctx context.Context, month, except string) (map[string]int, error) {
	var doc struct {
		Jobs []string `bson:"jobs"`
	}
	err := r.monthly.FindOne(ctx, bson.M{"_id": month}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return map[string]int{}, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	out := map[string]int{}
	slices.Sort(doc.Jobs)
	for _, id := range slices.Compact(doc.Jobs) {
		if id == except {
			continue
		}
		j, err := r.Job(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for n := range j.Chunks {
			c, err := r.Chunk(ctx, id, n)
			if err != nil {
				return nil, err
			}
			if c.State != ChunkSent {
				continue
			}
			ids, err := r.Audience(ctx, id, n)
			if err != nil {
				return nil, err
			}
			for _, o := range ids {
				out[o]++
			}
		}
	}
	return out, nil
}
