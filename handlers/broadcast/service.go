// Package broadcast is the task force's broadcasts: 群发 [人群] 内容 asks
// how many it reaches and how many will not receive it (four mass
// messages a month per follower), sends the admin a preview, and 确认
// starts it; 群发进度 shows what was sent. A job's audience is computed
// once and stored in chunks (store.Broadcasts); a runner delivers the
// chunks by WeChat mass send (one call per chunk of at most 10,000
// openids, with the chunk's key as clientmsgid, within 60 calls a minute)
// or, for small segments and accounts without mass send, by
// customer-service messages through the push API, rate-limited. The
// MASSSENDJOBFINISH event is folded into the report the admin receives at
// the end. A runner holds a job by a lease; one that dies is replaced by
// another that resends the chunk it was sending, which WeChat drops as a
// repeat (45065), so nobody gets a broadcast twice and nobody is skipped.
//
// It imports bot, store and the handlers' notify and parse packages, never
// the package handlers' internals nor other features.
package broadcast

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"supplybot/bot"
	"supplybot/handlers/notify"
	"supplybot/handlers/parse"
	"supplybot/store"
)

// Delivery ways.
const (
	ViaMass = "mass"
	ViaPush = "push"
)

// Actor says who acts.
type Actor struct {
	Via  string // "chat", "console", "api"
	ID   string // openid or console user
	Name string
}

// Audience is what a segment reaches now.
type Audience struct {
	Size           int    // members who will receive it
	OverMonthlyCap int    // members left out: four mass messages this month already
	Via            string // ViaMass or ViaPush
}

// Job is one broadcast.
type Job struct {
	ID         string
	Actor      Actor
	Segment    Segment
	Describe   string
	Text       string
	Via        string
	State      string // store.BroadcastDraft, BroadcastRunning, BroadcastDone
	Total      int
	OverCap    int
	Chunks     int
	CreatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
}

// Progress is how far a job is.
type Progress struct {
	Total, Sent, Failed, Pending int
	State                        string
	StartedAt, FinishedAt        time.Time
}

// MassSender is WeChat's mass send as the runner needs it: the msg_id of
// the send (also with the errcode 45065 of a repeat, when WeChat gives
// it). *bot.Client is one.
type MassSender interface {
	MassSendID(ctx context.Context, openids []string, text, clientMsgID string) (int64, error)
}

// Outbox reads pushes back, for the progress of customer-service delivery.
type Outbox interface {
	Get(ctx context.Context, key string) (store.OutboxItem, error)
}

// Config tunes the service; zero values take the defaults.
type Config struct {
	NoMass        bool          // the account has no mass send: every broadcast goes by push
	ChunkSize     int           // openids per mass send; default and at most 10,000
	MinMass       int           // smaller audiences go by push; default 20 (at least 2)
	MassPerMinute int           // mass send calls a minute; default 60
	PushPerSecond float64       // customer-service messages queued a second; default 20
	MonthlyCap    int           // mass messages a member receives a month; default 4
	Lease         time.Duration // a runner's hold on a job; default 60 s
	Poll          time.Duration // how often an idle runner looks for work; default 2 s
	ReconcileWait time.Duration // how long the end waits for MASSSENDJOBFINISH; default 10 min
	MaxFailures   int           // failed calls (-1, network) before a chunk is given up; default 8
	Senders       int           // chunks sent at once (within the rate); default 4
	RetryBase     time.Duration // first backoff after a failed call; default 2 s
	Admins        []string      // told at the end of a job started from the console or the API
	Owner         string        // the runner's name; default random
	Now           func() time.Time
	// KeepLeaseOnStop leaves the lease held when Run stops, as a killed
	// process would (tests of the crash points).
	KeepLeaseOnStop bool
}

// Deps are what the service works with.
type Deps struct {
	Store    *store.Broadcasts
	Mass     MassSender
	Notify   *notify.Notifier
	Outbox   Outbox
	Parser   *parse.Parser
	IsMember func(ctx context.Context, openid string) bool
	Log      *slog.Logger
}

// Service is the broadcasts. Run starts its runner.
type Service struct {
	cfg  Config
	d    Deps
	kick chan struct{}
	mass pacer
	push pacer
}

// New returns the service.
func New(cfg Config, d Deps) *Service {
	if cfg.ChunkSize <= 0 || cfg.ChunkSize > 10000 {
		cfg.ChunkSize = 10000
	}
	if cfg.MinMass < 2 {
		cfg.MinMass = 20
	}
	if cfg.MassPerMinute <= 0 {
		cfg.MassPerMinute = 60
	}
	if cfg.PushPerSecond <= 0 {
		cfg.PushPerSecond = 20
	}
	if cfg.MonthlyCap <= 0 {
		cfg.MonthlyCap = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.ReconcileWait <= 0 {
		cfg.ReconcileWait = 10 * time.Minute
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = 8
	}
	if cfg.Senders <= 0 {
		cfg.Senders = 4
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 2 * time.Second
	}
	if cfg.Owner == "" {
		cfg.Owner = "broadcast-" + store.NewID()[:8]
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.IsMember == nil {
		d.IsMember = func(context.Context, string) bool { return false }
	}
	s := &Service{cfg: cfg, d: d, kick: make(chan struct{}, 1)}
	// 3% under the limit: a call's latency varies, so calls spaced
	// exactly may reach WeChat closer together than the limit allows.
	s.mass.every = time.Minute / time.Duration(cfg.MassPerMinute) * 103 / 100
	s.push.every = time.Duration(float64(time.Second) / cfg.PushPerSecond)
	return s
}

var chinaTZ = time.FixedZone("CST", 8*3600)

func (s *Service) now() time.Time { return s.cfg.Now() }

func monthOf(t time.Time) string { return t.In(chinaTZ).Format("200601") }

// Audience computes whom seg reaches now.
func (s *Service) Audience(ctx context.Context, seg Segment) (Audience, error) {
	ids, over, via, err := s.audience(ctx, seg, "")
	if err != nil {
		return Audience{}, err
	}
	return Audience{Size: len(ids), OverMonthlyCap: over, Via: via}, nil
}

// audience returns the openids that will receive a broadcast to seg, how
// many were left out for the monthly cap, and the way it goes.
func (s *Service) audience(ctx context.Context, seg Segment, except string) ([]string, int, string, error) {
	var since time.Time
	if seg.ActiveDays > 0 {
		since = s.now().Add(-time.Duration(seg.ActiveDays) * 24 * time.Hour)
	}
	ids, err := s.d.Store.AudienceOf(ctx, seg.stored(), since)
	if err != nil {
		return nil, 0, "", err
	}
	if s.cfg.NoMass || len(ids) < s.cfg.MinMass {
		return ids, 0, ViaPush, nil
	}
	counts, err := s.d.Store.MassCounts(ctx, monthOf(s.now()), except)
	if err != nil {
		return nil, 0, "", err
	}
	kept := ids[:0]
	over := 0
	for _, id := range ids {
		if counts[id] >= s.cfg.MonthlyCap {
			over++
			continue
		}
		kept = append(kept, id)
	}
	if len(kept) < 2 {
		return kept, over, ViaPush, nil // mass send takes 2 to 10,000 openids
	}
	return kept, over, ViaMass, nil
}

// Create computes seg's audience, stores it in chunks as a draft job and,
// for a chat actor, sends them the preview. A segment that reaches nobody
// stores nothing: the Job has no ID and Total 0.
func (s *Service) Create(ctx context.Context, actor Actor, seg Segment, text string) (Job, error) {
	ids, over, via, err := s.audience(ctx, seg, "")
	if err != nil {
		return Job{}, err
	}
	return s.create(ctx, actor, seg, seg.Describe(), text, ids, over, via)
}

// CreateList is Create for a list of openids (a list the console
// uploads, a load test's followers), described as describe. The monthly
// cap applies as to a segment.
func (s *Service) CreateList(ctx context.Context, actor Actor, describe, text string, openids []string) (Job, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(openids)))
	via, over := ViaPush, 0
	if !s.cfg.NoMass && len(ids) >= s.cfg.MinMass {
		counts, err := s.d.Store.MassCounts(ctx, monthOf(s.now()), "")
		if err != nil {
			return Job{}, err
		}
		kept := ids[:0]
		for _, id := range ids {
			if counts[id] >= s.cfg.MonthlyCap {
				over++
				continue
			}
			kept = append(kept, id)
		}
		if ids = kept; len(ids) >= 2 {
			via = ViaMass
		}
	}
	return s.create(ctx, actor, Segment{}, describe, text, ids, over, via)
}

func (s *Service) create(ctx context.Context, actor Actor, seg Segment, describe, text string, ids []string, over int, via string) (Job, error) {
	if len(ids) == 0 { // nobody to send to: nothing is stored
		return Job{Actor: actor, Segment: seg, Describe: describe, Text: text, Via: via, OverCap: over}, nil
	}
	size := s.cfg.ChunkSize
	if via == ViaPush {
		size = pushChunk
	}
	now := s.now()
	sj := store.BroadcastJob{
		ActorVia: actor.Via, ActorID: actor.ID, ActorName: actor.Name, Segment: seg.stored(), Describe: describe,
		Text: text, Via: via, OverCap: over, Month: monthOf(now), CreatedAt: now.UTC(),
	}
	if err := s.d.Store.CreateJob(ctx, &sj, split(ids, size)); err != nil {
		return Job{}, fmt.Errorf("broadcast: store job: %w", err)
	}
	if actor.Via == "chat" && actor.ID != "" && s.d.Notify != nil {
		preview := "【群发预览】" + sj.Describe + "\n" + text
		if err := s.d.Notify.Text(ctx, notify.BroadcastPreviewKey(sj.ID, actor.ID), actor.ID, preview); err != nil {
			s.d.Log.WarnContext(ctx, "broadcast preview", "job", sj.ID, "err", err)
		}
	}
	return jobOf(sj), nil
}

// pushChunk is the chunk size of a broadcast by customer-service
// messages: the runner waits for each chunk's pushes before the next.
const pushChunk = 200

// split cuts ids into chunks of at most size, as even as can be, so that
// none of a mass send holds a single openid (WeChat wants 2 to 10,000).
func split(ids []string, size int) [][]string {
	if len(ids) == 0 {
		return nil
	}
	n := (len(ids) + size - 1) / size
	out := make([][]string, 0, n)
	for i := range n {
		lo, hi := i*len(ids)/n, (i+1)*len(ids)/n
		out = append(out, ids[lo:hi])
	}
	return out
}

// ErrNotDraft is returned by Start for a job started or done already.
var ErrNotDraft = errors.New("broadcast: the job is not waiting to start")

// Start starts a draft job.
func (s *Service) Start(ctx context.Context, actor Actor, jobID string) error {
	err := s.d.Store.Start(ctx, jobID, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotDraft
	}
	if err != nil {
		return err
	}
	s.d.Log.InfoContext(ctx, "broadcast started", "job", jobID, "actor", actor.ID, "via", actor.Via)
	s.Kick()
	return nil
}

// Kick wakes the runner.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Progress says how far a job is.
func (s *Service) Progress(ctx context.Context, jobID string) (Progress, error) {
	j, err := s.d.Store.Job(ctx, jobID)
	if err != nil {
		return Progress{}, err
	}
	chunks, err := s.d.Store.Chunks(ctx, j)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Total: j.Total, State: j.State, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt}
	for _, c := range chunks {
		p.Sent += c.Sent
		p.Failed += c.Failed
	}
	p.Pending = max(p.Total-p.Sent-p.Failed, 0)
	return p, nil
}

// Jobs lists the latest jobs, newest first (without their text).
func (s *Service) Jobs(ctx context.Context, limit int) ([]Job, error) {
	js, err := s.d.Store.Jobs(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(js))
	for i, j := range js {
		out[i] = jobOf(j)
	}
	return out, nil
}

func jobOf(j store.BroadcastJob) Job {
	return Job{
		ID: j.ID, Actor: Actor{Via: j.ActorVia, ID: j.ActorID, Name: j.ActorName}, Segment: segmentOf(j.Segment),
		Describe: j.Describe, Text: j.Text, Via: j.Via, State: j.State, Total: j.Total, OverCap: j.OverCap,
		Chunks: j.Chunks, CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt,
	}
}

// Events reconciles MASSSENDJOBFINISH: WeChat's counts of a mass send are
// stored for the runner, which folds them into the report.
func (s *Service) Events() map[string]bot.Handler {
	return map[string]bot.Handler{bot.EventMassEnd: s.massEnd}
}

func (s *Service) massEnd(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	if m.MsgID == 0 {
		s.d.Log.WarnContext(ctx, "MASSSENDJOBFINISH without MsgID")
		return bot.Reply{}, nil
	}
	_, err := s.d.Store.Reconcile(ctx, store.MassResult{
		MsgID: m.MsgID, Status: m.Status, Total: m.TotalCount, Filter: m.FilterCount, Sent: m.SentCount, Errors: m.ErrorCount,
	}, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, nil // a mass send of the admin console, not a broadcast's
	}
	if err == nil {
		s.Kick()
	}
	return bot.Reply{}, err
}
