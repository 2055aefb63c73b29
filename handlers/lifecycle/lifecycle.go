// Package lifecycle runs the periodic sweep of the records' lifecycle: it
// reminds owners of records about to expire, expires records past their
// date (and takes them out of matching), has unanswered contact requests
// expired and the pushes owed by interrupted ones finished, and lets the
// matching catch up.
//
// It imports store and handlers/notify. It reaches matching and contact
// brokering only through the interfaces it declares (Matcher, Contacts):
// it must not import the package handlers, alerts, contacts nor
// subscriptions.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supplybot/handlers/notify"
	"supplybot/handlers/record"
	"supplybot/store"
)

// Matcher is the matching service as the sweep needs it.
type Matcher interface {
	// PostClosed takes a record that expired out of matching.
	PostClosed(ctx context.Context, p store.Post)
	// Prune drops what expired by now from the matching engine.
	Prune(now time.Time)
	// CatchUp matches what other instances saved and what is owed.
	CatchUp(ctx context.Context) error
}

// Contacts is contact brokering as the sweep needs it.
type Contacts interface {
	// ExpireDue expires the unanswered requests and tells the requesters.
	ExpireDue(ctx context.Context, now time.Time) error
	// FinishOwed queues the pushes of requests whose command died.
	FinishOwed(ctx context.Context, now time.Time) error
}

// Config tunes the sweep. Zero values take the defaults.
type Config struct {
	RemindBefore time.Duration     // expiry reminder lead; default 72 h
	Quiet        notify.QuietHours // reminders wait for the end of quiet hours
}

// Deps are the stores, the push API and the services the sweep drives.
type Deps struct {
	Mongo    *store.Mongo
	Notify   *notify.Notifier
	Matcher  Matcher
	Contacts Contacts
}

// Sweeper runs the lifecycle sweep; the alerts service calls RunOnce on
// its schedule.
type Sweeper struct {
	cfg Config
	d   Deps
}

// New returns the sweeper.
func New(cfg Config, d Deps) *Sweeper {
	if cfg.RemindBefore <= 0 {
		cfg.RemindBefore = 72 * time.Hour
	}
	return &Sweeper{cfg: cfg, d: d}
}

// RunOnce is one lifecycle sweep at now: it asks the owners of records
// expiring within RemindBefore whether they still need them (once per
// expiry date), expires records past their date and takes them out of
// matching, expires unanswered contact requests (telling the requester),
// finishes the requests whose pushes a crash left owing, and has the
// matching catch up.
func (s *Sweeper) RunOnce(ctx context.Context, now time.Time) error {
	var errs []error
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		errs = append(errs, s.remind(ctx, now, kind))
		expired, err := s.d.Mongo.Posts(kind).ExpireDue(ctx, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("expire %ss: %w", kind, err))
		}
		for _, p := range expired {
			s.d.Matcher.PostClosed(ctx, p)
		}
	}
	s.d.Matcher.Prune(now)
	errs = append(errs, s.d.Contacts.ExpireDue(ctx, now), s.d.Contacts.FinishOwed(ctx, now), s.d.Matcher.CatchUp(ctx))
	s.d.Notify.Kick()
	return errors.Join(errs...)
}

func (s *Sweeper) remind(ctx context.Context, now time.Time, kind string) error {
	posts := s.d.Mongo.Posts(kind)
	due, err := posts.ExpiringBetween(ctx, now, now.Add(s.cfg.RemindBefore))
	if err != nil {
		return fmt.Errorf("expiring %ss: %w", kind, err)
	}
	var errs []error
	for _, p := range due {
		if p.OpenID != "" {
			ask := "仍需要吗？"
			if p.Kind == store.KindOffer {
				ask = "仍在供应吗？"
			}
			err := s.d.Notify.Text(ctx, notify.ExpiryReminderKey(p.ID, p.ExpiresAt), p.OpenID,
				fmt.Sprintf("您的%s %s（%s）将于 %s 到期，%s回复 续期 %s", record.KindName(p.Kind), p.No, p.Product, record.MonthDay(p.ExpiresAt), ask, p.No),
				s.cfg.Quiet.Hold(now))
			if err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := posts.MarkReminded(ctx, p.ID, now.UTC()); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
