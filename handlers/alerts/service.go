// Package alerts carries the results of matching to people: it keeps the
// matching engine loaded with the open records, matches every saved record
// against its counterparts after the save (and, in the catch-up, the
// records other instances saved or a crash left unmatched), stores the
// matches and alerts both sides and the subscribers, under a daily cap,
// quiet hours and a digest, through the notify API; 我的匹配 lists a
// user's alerts.
//
// It also assembles the features around matching: New builds the
// subscriptions, contact brokering and lifecycle sweep services on the
// same stores, push API and clock, Register adds their commands in one
// order, and the background loop runs the sweep. They never import alerts:
// the sweep reaches the matching through its own lifecycle.Matcher.
//
// It imports bot, store and the handlers' match, parse, notify,
// subscriptions, contacts and lifecycle packages; never the package
// handlers itself (which calls it through PostSaved/PostClosed).
package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"supplybot/handlers/contacts"
	"supplybot/handlers/lifecycle"
	"supplybot/handlers/match"
	"supplybot/handlers/notify"
	"supplybot/handlers/parse"
	"supplybot/handlers/subscriptions"
	"supplybot/store"
)

// Outbox is where alerts, requests and reminders are queued for delivery
// (through the notify API built on it).
type Outbox = notify.Outbox

// Config tunes the service. Zero values take the defaults.
type Config struct {
	// TemplateID of the match-alert template (wechat.templates.match);
	// empty sends customer-service text messages.
	TemplateID string
	// RecordURL returns the public page of a record for the template's
	// link; nil (no public site) sends templates without a link.
	RecordURL func(no string) string

	Threshold float64 // minimum score; default match.DefaultThreshold
	Limit     int     // counterparts alerted per saved record; default match.DefaultLimit

	DailyCap int // alerts pushed per user and China day; default 20, the rest go to one digest
	// Quiet hours, China time, as offsets from midnight: alerts produced
	// from QuietFrom to QuietTo are held until QuietTo. Defaults 22:00 and
	// 08:00; NoQuietHours turns them off.
	QuietFrom, QuietTo time.Duration
	NoQuietHours       bool
	// DigestAt is when the day's digest goes out (China time, offset from
	// midnight); default 21:00. Inside quiet hours it waits for QuietTo.
	DigestAt time.Duration

	Workers int // matching goroutines; default 2
	Queue   int // saved records waiting for matching; default 256; a record that finds it full is matched by the catch-up

	// SyncEvery is how often the catch-up runs: records saved or changed
	// on other instances are learned and matched, and records whose
	// matching is owed (lost to a crash, or failed) are matched again.
	// Default 15 s; <0: only with the lifecycle sweep.
	SyncEvery time.Duration
	// MatchGrace is how old a save owing its matching must be before the
	// catch-up matches it, so that the live matching of a fresh save is not
	// doubled. Default 30 s; <0: none.
	MatchGrace time.Duration
	// OwedBatch bounds the records of each kind one catch-up matches for
	// owed matching, oldest first; default 100.
	OwedBatch int

	SweepEvery   time.Duration // lifecycle sweep interval; default 10 min; <0: no background work at all (tests call RunOnce)
	RemindBefore time.Duration // expiry reminder lead (lifecycle); default 72 h
	ContactTTL   time.Duration // a contact request expires after (contacts); default 7 days

	Now func() time.Time // default time.Now
}

func (c *Config) defaults() {
	if c.Threshold <= 0 {
		c.Threshold = match.DefaultThreshold
	}
	if c.Limit <= 0 {
		c.Limit = match.DefaultLimit
	}
	if c.DailyCap <= 0 {
		c.DailyCap = 20
	}
	if c.QuietFrom == 0 && c.QuietTo == 0 {
		c.QuietFrom, c.QuietTo = 22*time.Hour, 8*time.Hour
	}
	if c.QuietFrom == c.QuietTo {
		c.NoQuietHours = true
	}
	if c.DigestAt <= 0 {
		c.DigestAt = 21 * time.Hour
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.OwedBatch <= 0 {
		c.OwedBatch = 100
	}
	if c.Queue <= 0 {
		c.Queue = 256
	}
	if c.SweepEvery == 0 {
		c.SweepEvery = 10 * time.Minute
	}
	if c.SyncEvery == 0 {
		c.SyncEvery = 15 * time.Second
	}
	if c.MatchGrace == 0 {
		c.MatchGrace = 30 * time.Second
	}
	if c.MatchGrace < 0 {
		c.MatchGrace = 0
	}
	if c.RemindBefore <= 0 {
		c.RemindBefore = 72 * time.Hour
	}
	if c.ContactTTL <= 0 {
		c.ContactTTL = 7 * 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Deps are the stores and helpers the service uses.
type Deps struct {
	Mongo *store.Mongo
	// Notify is the push API; nil builds one on Outbox and Kick.
	Notify *notify.Notifier
	Outbox Outbox
	Kick   func() // wakes the push workers; may be nil
	Parser *parse.Parser
	Log    *slog.Logger
}

// Service is the matching and alerting service. Start it once, then feed
// it PostSaved / PostClosed; Shutdown drains it.
type Service struct {
	cfg    Config
	d      Deps
	engine *match.Engine
	index  *store.SearchIndex // the engine's records as search reads them
	now    atomic.Pointer[func() time.Time]

	notify   *notify.Notifier
	quiet    notify.QuietHours
	subs     *subscriptions.Service
	contacts *contacts.Service
	sweep    *lifecycle.Sweeper

	queue    chan store.Post
	mu       sync.Mutex // guards closed (and the sends on queue)
	closed   bool
	workers  sync.WaitGroup
	stop     chan struct{}
	sweeper  sync.WaitGroup
	syncMu   sync.Mutex // serialises the catch-ups (see CatchUp)
	lastSync time.Time  // wall clock of the last engine sync (see syncEngine)

	// The versions the engine holds (see admit). A record's version is its
	// updated_at; gone holds the records taken out of the engine and when,
	// so that a read from before the removal cannot put them back.
	verMu    sync.Mutex
	versions map[string]time.Time
	gone     map[string]time.Time

	// The records whose owed matching failed in a catch-up, with the
	// version that failed and how often (see matchOwed).
	failMu sync.Mutex
	failed map[string]failedMatch

	// bgCtx is the context of the background work: cancelled only when
	// Shutdown runs out of time, so jobs in flight finish their writes.
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// New returns an unstarted service.
func New(cfg Config, d Deps) *Service {
	cfg.defaults()
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Parser == nil {
		p, err := parse.New()
		if err != nil {
			panic(fmt.Sprintf("alerts: embedded parser data: %v", err)) // the embedded files are part of the binary
		}
		d.Parser = p
	}
	s := &Service{
		cfg:    cfg,
		d:      d,
		engine: match.NewEngine(match.Options{Threshold: cfg.Threshold, Limit: cfg.Limit}),
		index:  store.NewSearchIndex(),
		queue:  make(chan store.Post, cfg.Queue),
		stop:   make(chan struct{}),

		versions: map[string]time.Time{},
		gone:     map[string]time.Time{},
	}
	s.SetNow(cfg.Now)
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	s.notify = d.Notify
	if s.notify == nil {
		s.notify = notify.New(d.Outbox, d.Kick)
	}
	s.quiet = notify.QuietHours{From: cfg.QuietFrom, To: cfg.QuietTo, Off: cfg.NoQuietHours}
	s.subs = subscriptions.New(subscriptions.Config{DailyCap: cfg.DailyCap, Now: s.clock},
		subscriptions.Deps{Mongo: d.Mongo, Parser: d.Parser})
	s.contacts = contacts.New(contacts.Config{TTL: cfg.ContactTTL, Quiet: s.quiet, Now: s.clock},
		contacts.Deps{Mongo: d.Mongo, Notify: s.notify, Log: d.Log})
	s.sweep = lifecycle.New(lifecycle.Config{RemindBefore: cfg.RemindBefore, Quiet: s.quiet},
		lifecycle.Deps{Mongo: d.Mongo, Notify: s.notify, Matcher: s, Contacts: s.contacts})
	return s
}

// Contacts is the contact brokering the service assembles.
func (s *Service) Contacts() *contacts.Service { return s.contacts }

// SetNow replaces the clock of the service and of the features it
// assembles (tests).
func (s *Service) SetNow(now func() time.Time) { s.now.Store(&now) }

func (s *Service) clock() time.Time { return (*s.now.Load())() }

// Engine is the matching engine the service keeps up to date.
func (s *Service) Engine() *match.Engine { return s.engine }

// Start loads the open records into the engine and starts the matching
// workers and, unless SweepEvery < 0, the background loop, which at once
// and then every SyncEvery catches up (records of other instances, matching
// owed by saves a crash or an error left unmatched) and every SweepEvery
// runs the lifecycle sweep. ctx bounds the loading only.
func (s *Service) Start(ctx context.Context) error {
	now := s.clock()
	s.lastSync = time.Now()
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		open, err := s.d.Mongo.Posts(kind).Open(ctx, now)
		if err != nil {
			return fmt.Errorf("load open %ss: %w", kind, err)
		}
		for i := range open {
			s.admit(&open[i], false)
		}
	}
	s.d.Log.Info("matching engine loaded", "records", s.engine.Len())
	for range s.cfg.Workers {
		s.workers.Add(1)
		go s.work()
	}
	if s.cfg.SweepEvery > 0 {
		s.sweeper.Add(1)
		go s.background()
	}
	return nil
}

// work matches queued records. It exits when Shutdown closed the queue and
// the queue is drained.
func (s *Service) work() {
	defer s.workers.Done()
	for p := range s.queue {
		switch err := s.settle(s.bgCtx, p); {
		case inFlightOnly(err):
			s.d.Log.Info("an alert of a saved record is claimed elsewhere; the catch-up settles it", "no", p.No)
		case err != nil:
			s.d.Log.Error("matching a saved record; the catch-up retries it", "no", p.No, "err", err)
		}
	}
}

// background catches up at once and every SyncEvery, and runs RunOnce
// every SweepEvery. It exits when Shutdown starts.
func (s *Service) background() {
	defer s.sweeper.Done()
	var syncC <-chan time.Time
	if s.cfg.SyncEvery > 0 {
		t := time.NewTicker(s.cfg.SyncEvery)
		defer t.Stop()
		syncC = t.C
	}
	sweep := time.NewTicker(s.cfg.SweepEvery)
	defer sweep.Stop()
	s.logCatchUp(s.CatchUp(s.bgCtx))
	for {
		select {
		case <-s.stop:
			return
		case <-syncC:
			s.logCatchUp(s.CatchUp(s.bgCtx))
		case <-sweep.C:
			if err := s.RunOnce(s.bgCtx, s.clock()); err != nil {
				s.d.Log.Error("lifecycle sweep", "err", err)
			}
		}
	}
}

func (s *Service) logCatchUp(err error) {
	if err != nil {
		s.d.Log.Error("matching catch-up", "err", err)
	}
}

// Shutdown stops taking records, lets the workers match what is queued and
// stops the sweeper. When ctx ends first, the work in flight is cancelled
// and ctx's error returned.
func (s *Service) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
		close(s.stop)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.workers.Wait()
		s.sweeper.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.bgCancel()
		return nil
	case <-ctx.Done():
		s.bgCancel()
		<-done // the workers return promptly once their store calls are cancelled
		return ctx.Err()
	}
}

// ErrStopped is returned by PostSaved after Shutdown.
var ErrStopped = errors.New("alerts: service stopped")

// PostSaved takes a record that was created, edited or renewed. The engine
// is updated at once; matching, storing the matches and the alerts happen
// on a worker, so the caller's reply does not wait. The save recorded that
// the record's matching is owed, so when the queue is full (or the service
// stopped) the record is left to the catch-up instead of waiting.
func (s *Service) PostSaved(_ context.Context, p store.Post) {
	s.take(&p)
	s.matchFixed(p.ID, p.UpdatedAt)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.d.Log.Warn("record saved after the alerts service stopped; matched after the restart", "no", p.No)
		return
	}
	select {
	case s.queue <- p:
	default:
		s.d.Log.Warn("matching queue full; the catch-up matches the record", "no", p.No)
	}
}

// PostClosed takes a record that was closed or removed: it stops matching.
func (s *Service) PostClosed(_ context.Context, p store.Post) {
	s.drop(p.ID)
}

// MatchNow runs the matching of a saved record synchronously, as a worker
// would (tests and benchmarks; PostSaved is the asynchronous path).
// An alert claimed by another worker leaves p owed without an error: the
// catch-up settles it.
func (s *Service) MatchNow(ctx context.Context, p store.Post) error {
	s.take(&p)
	if err := s.settle(ctx, p); !inFlightOnly(err) {
		return err
	}
	return nil
}

// settle matches p and, once its matches and alerts are all stored,
// clears the matching debt p's save recorded. On an error the debt stays
// and the catch-up matches p again (every write of the matching is keyed,
// so nothing is stored or sent twice).
func (s *Service) settle(ctx context.Context, p store.Post) error {
	if err := s.process(ctx, p); err != nil {
		return err
	}
	if err := s.d.Mongo.Posts(p.Kind).MatchSettled(ctx, p.ID, p.UpdatedAt); err != nil {
		return fmt.Errorf("settle %s: %w", p.No, err)
	}
	return nil
}

// take puts a record saved by this instance into the engine.
func (s *Service) take(p *store.Post) {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	// A renewal hands over the record as read before the save: keep the
	// newest version known, so a read older than the save stays stale.
	v := p.UpdatedAt
	if at, ok := s.versions[p.ID]; ok && at.After(v) {
		v = at
	}
	if at, ok := s.gone[p.ID]; ok && at.After(v) {
		v = at
	}
	delete(s.gone, p.ID)
	s.engine.Upsert(s.toRecord(p))
	s.index.Put(*p)
	s.versions[p.ID] = v
}

// admit brings the engine to a version of a record read from the store
// and tells whether it did: a version older than the one held, or than
// the record's removal, is stale and ignored; the version held already is
// applied again only when force is set.
func (s *Service) admit(p *store.Post, force bool) bool {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	if at, ok := s.gone[p.ID]; ok && !p.UpdatedAt.After(at) {
		return false
	}
	if at, ok := s.versions[p.ID]; ok && (p.UpdatedAt.Before(at) || !force && p.UpdatedAt.Equal(at)) {
		return false
	}
	s.engine.Upsert(s.toRecord(p)) // removes what is no longer open
	s.index.Put(*p)
	if p.Status == store.StatusOpen {
		s.versions[p.ID] = p.UpdatedAt
	} else {
		delete(s.versions, p.ID)
		s.gone[p.ID] = p.UpdatedAt
	}
	return true
}

// drop takes a record out of the engine (closed or expired here).
func (s *Service) drop(id string) {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	s.engine.Remove(id)
	s.index.Remove(id)
	delete(s.versions, id)
	s.gone[id] = time.Now().UTC() // updated_at is written with the wall clock
}

// Prune drops the records that expired by now from the engine.
func (s *Service) Prune(now time.Time) {
	s.engine.Prune(now)
	s.index.Prune(now)
}

// Search answers a search for records of kind from the open records the
// service holds, as the store's Posts.Search would (same filters, same
// ranking), without reading the store. A record saved or closed on this
// instance is found (or gone) at once; one saved or closed on another
// instance once the next catch-up learned it: at most SyncEvery (15 s by
// default) plus the time a catch-up takes.
func (s *Service) Search(kind string, q store.SearchQuery) store.SearchResult {
	return s.index.Search(kind, q)
}

// RunOnce is one lifecycle sweep at now (see lifecycle.Sweeper.RunOnce):
// reminders, expiry of records and of contact requests, the pushes a crash
// left owing, and a catch-up. The background loop calls it every
// SweepEvery; tests call it directly.
func (s *Service) RunOnce(ctx context.Context, now time.Time) error {
	return s.sweep.RunOnce(ctx, now)
}
