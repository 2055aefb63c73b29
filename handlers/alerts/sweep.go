package alerts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// RunOnce is one lifecycle sweep at now: it asks the owners of records
// expiring within RemindBefore whether they still need them (once per
// expiry date), expires records past their date and takes them out of the
// engine, expires unanswered contact requests (telling the requester), and
// brings the engine up to date with records changed by other instances.
// The background sweeper calls it every SweepEvery; tests call it directly.
func (s *Service) RunOnce(ctx context.Context, now time.Time) error {
	var errs []error
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		errs = append(errs, s.remind(ctx, now, kind))
		expired, err := s.d.Mongo.Posts(kind).ExpireDue(ctx, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("expire %ss: %w", kind, err))
		}
		for _, p := range expired {
			s.engine.Remove(p.ID)
		}
	}
	s.engine.Prune(now)
	errs = append(errs, s.expireRequests(ctx, now), s.syncEngine(ctx))
	s.kick()
	return errors.Join(errs...)
}

func (s *Service) remind(ctx context.Context, now time.Time, kind string) error {
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
			it := store.OutboxItem{
				// The expiry date is in the key: a renewed record is reminded again.
				Key: "remind:" + p.ID + ":" + strconv.FormatInt(p.ExpiresAt.Unix(), 10), Kind: bot.PushCustom, OpenID: p.OpenID,
				Text: fmt.Sprintf("您的%s %s（%s）将于 %s 到期，%s回复 续期 %s", kindWord(p.Kind), p.No, p.Product, dateCN(p.ExpiresAt), ask, p.No),
			}
			if at, held := s.deliverAt(now); held {
				it.NextAt = at.UTC()
			}
			if err := s.enqueue(ctx, it); err != nil {
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

func (s *Service) expireRequests(ctx context.Context, now time.Time) error {
	expired, err := s.d.Mongo.ContactRequests().ExpireDue(ctx, now)
	if err != nil {
		return fmt.Errorf("expire contact requests: %w", err)
	}
	var errs []error
	for _, q := range expired {
		errs = append(errs, s.enqueue(ctx, store.OutboxItem{
			Key: "contact:" + strconv.FormatInt(q.No, 10) + ":expired", Kind: bot.PushCustom, OpenID: q.RequesterOpenID,
			Text: fmt.Sprintf("您对 %s（%s）的联系请求7天内未获回复，已失效。回复 查需求 或 查供应 寻找其他机会。", q.RecordNo, q.Product),
		}))
	}
	return errors.Join(errs...)
}

// syncOverlap re-reads a little before the last sync, for clock skew
// between instances and writes in flight.
const syncOverlap = time.Minute

// syncEngine applies the records changed since the last sweep (by any
// instance) to the engine. updated_at is written with the wall clock, so
// this uses the wall clock too.
func (s *Service) syncEngine(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	started := time.Now()
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		changed, err := s.d.Mongo.Posts(kind).ChangedSince(ctx, s.lastSync.Add(-syncOverlap))
		if err != nil {
			return fmt.Errorf("sync engine: %w", err)
		}
		for i := range changed {
			s.engine.Upsert(s.toRecord(&changed[i])) // removes what is no longer open
		}
	}
	s.lastSync = started
	return nil
}
