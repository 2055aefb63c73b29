package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supplybot/bot"
	"supplybot/handlers/match"
	"supplybot/store"
)

// Alert kinds.
const (
	kindMatch        = "match"
	kindSubscription = "subscription"
)

// process matches a saved record against the open counterparts, stores
// every pair above the threshold and alerts both sides, then the
// subscribers. Every write is keyed, so running it again for the same
// record (an edit, a retry) stores no pair twice and alerts nobody twice.
func (s *Service) process(ctx context.Context, p store.Post) error {
	if _, ok := s.engine.Get(p.ID); !ok {
		return nil // not open (closed or expired since it was queued)
	}
	now := s.clock()
	results := s.engine.Match(s.toRecord(&p), now)
	told := map[string]bool{p.OpenID: true} // who heard of p already
	var errs []error
	for _, r := range results {
		if err := s.pair(ctx, now, &p, r, told); err != nil {
			errs = append(errs, fmt.Errorf("%s–%s: %w", p.No, r.Counterpart.No, err))
		}
	}
	if err := s.notifySubscribers(ctx, now, &p, told); err != nil {
		errs = append(errs, fmt.Errorf("subscriptions of %s: %w", p.No, err))
	}
	s.kick()
	return errors.Join(errs...)
}

// pair stores one match and alerts both of its sides.
func (s *Service) pair(ctx context.Context, now time.Time, p *store.Post, r match.Result, told map[string]bool) error {
	kind := store.KindOffer
	if r.Counterpart.Side == match.Demand {
		kind = store.KindDemand
	}
	cp, err := s.d.Mongo.Posts(kind).Get(ctx, r.Counterpart.ID)
	if err != nil {
		return fmt.Errorf("counterpart: %w", err)
	}
	if cp.Status != store.StatusOpen {
		s.engine.Remove(cp.ID) // closed on another instance
		return nil
	}
	d, o := p, &cp
	if p.Kind == store.KindOffer {
		d, o = &cp, p
	}
	if _, err := s.d.Mongo.Matches().Upsert(ctx, store.Match{
		DemandID: d.ID, DemandNo: d.No, DemandOpenID: d.OpenID,
		OfferID: o.ID, OfferNo: o.No, OfferOpenID: o.OpenID,
		Score: r.Score, Reasons: r.Reasons,
	}, now); err != nil {
		return fmt.Errorf("store match: %w", err)
	}
	key := func(openid string) string { return "match:" + d.ID + ":" + o.ID + ":" + openid }
	// The engine phrased the reasons for p's owner; "已认证企业" describes
	// the counterpart, so it is swapped for the other side.
	errA := s.alert(ctx, now, alertSpec{Key: key(p.OpenID), OpenID: p.OpenID, Kind: kindMatch, MyNo: p.No, About: &cp, Reasons: r.Reasons, Score: r.Score})
	errB := s.alert(ctx, now, alertSpec{Key: key(cp.OpenID), OpenID: cp.OpenID, Kind: kindMatch, MyNo: cp.No, About: p, Reasons: reasonsAbout(r.Reasons, p.Verified), Score: r.Score})
	told[cp.OpenID] = true
	return errors.Join(errA, errB)
}

// reasonsAbout rewrites the verification reason for a reader told about a
// record whose enterprise is (or is not) verified.
func reasonsAbout(reasons []string, verified bool) []string {
	out := make([]string, 0, len(reasons)+1)
	for _, r := range reasons {
		if r != match.ReasonVerified {
			out = append(out, r)
		}
	}
	if verified {
		out = append(out, match.ReasonVerified)
	}
	return out
}

// alertSpec is one thing to tell one user: the record About, and why.
type alertSpec struct {
	Key     string // logical key: the user hears of it once
	OpenID  string
	Kind    string // match | subscription
	MyNo    string // match: the user's own record
	SubDesc string // subscription: what the user subscribed to
	About   *store.Post
	Reasons []string
	Score   float64
}

// alert delivers a to its user once: a push while the user is under the
// daily cap (held until the end of quiet hours), otherwise an entry in the
// day's digest. Either way the alert lands in the user's inbox (我的匹配).
//
// The outbox key makes a repeat harmless (nothing is sent twice); a crash
// between taking the slot and the inbox write can use up one slot twice.
func (s *Service) alert(ctx context.Context, now time.Time, a alertSpec) error {
	if a.OpenID == "" {
		return nil // the owner left; nobody to tell
	}
	inbox := s.d.Mongo.Alerts()
	if seen, err := inbox.Exists(ctx, a.Key); err != nil || seen {
		return err
	}
	at, held := s.deliverAt(now)
	day := chinaDay(at)
	n, err := inbox.TakeSlot(ctx, a.OpenID, day, s.cfg.DailyCap)
	if err != nil {
		return fmt.Errorf("daily cap: %w", err)
	}
	entry := store.Alert{
		Key: a.Key, OpenID: a.OpenID, Kind: a.Kind, MyNo: a.MyNo,
		RecordID: a.About.ID, RecordNo: a.About.No, RecordKind: a.About.Kind, Product: a.About.Product,
		Summary: summary(a.About), Reasons: a.Reasons, Score: a.Score,
		Delivery: store.DeliveryPush, Day: day, DeliverAt: at.UTC(), CreatedAt: now.UTC(),
	}
	if n > s.cfg.DailyCap {
		entry.Delivery = store.DeliveryDigest
	} else if err := s.enqueue(ctx, s.alertItem(a, at, held)); err != nil {
		return err
	}
	if err := inbox.Add(ctx, entry); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("inbox: %w", err)
	}
	if entry.Delivery == store.DeliveryDigest {
		return s.updateDigest(ctx, now, a.OpenID, day)
	}
	return nil
}

// enqueue queues it; a key queued before is not an error (nothing is sent twice).
func (s *Service) enqueue(ctx context.Context, it store.OutboxItem) error {
	if err := s.d.Outbox.Enqueue(ctx, it); err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("outbox %s: %w", it.Key, err)
	}
	return nil
}

// alertItem is the push of an alert: a template message when one is
// configured (every field within WeChat's 20 characters), else a
// customer-service text, which the push workers hold until the user writes
// again when the 48-hour window is closed.
func (s *Service) alertItem(a alertSpec, at time.Time, held bool) store.OutboxItem {
	it := store.OutboxItem{Key: a.Key, Kind: bot.PushCustom, OpenID: a.OpenID, Text: alertText(a)}
	if held {
		it.NextAt = at.UTC()
	}
	if s.cfg.TemplateID != "" {
		it.Kind, it.TemplateID, it.Fields = bot.PushTemplate, s.cfg.TemplateID, alertFields(a)
		if s.cfg.RecordURL != nil {
			it.URL = s.cfg.RecordURL(a.About.No)
		}
	}
	return it
}

// updateDigest (re)writes the user's digest of the day, due at DigestAt.
func (s *Service) updateDigest(ctx context.Context, now time.Time, openid, day string) error {
	items, err := s.d.Mongo.Alerts().Digest(ctx, openid, day)
	if err != nil || len(items) == 0 {
		return err
	}
	text := digestText(items)
	key := "digest:" + openid + ":" + day
	err = s.d.Outbox.Enqueue(ctx, store.OutboxItem{Key: key, Kind: bot.PushCustom, OpenID: openid, Text: text, NextAt: s.digestAt(day, now).UTC()})
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	if err := s.d.Outbox.SetPendingText(ctx, key, text); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("digest: %w", err)
	}
	// ErrNotFound: the digest went out already; the rest stay in 我的匹配.
	return nil
}

// China time: quiet hours, days and dates are the user's.
var cst = time.FixedZone("CST", 8*3600)

func chinaDay(t time.Time) string { return t.In(cst).Format("20060102") }

func midnight(t time.Time) time.Time {
	c := t.In(cst)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, cst)
}

// deliverAt is when an alert produced at now may be pushed: now, or the end
// of quiet hours (held = true).
func (s *Service) deliverAt(now time.Time) (time.Time, bool) {
	if s.cfg.NoQuietHours {
		return now, false
	}
	day := midnight(now)
	tod := now.Sub(day)
	from, to := s.cfg.QuietFrom, s.cfg.QuietTo
	if from < to { // e.g. 00:00–07:00
		if tod >= from && tod < to {
			return day.Add(to), true
		}
		return now, false
	}
	switch { // wraps midnight, e.g. 22:00–08:00
	case tod >= from:
		return day.AddDate(0, 0, 1).Add(to), true
	case tod < to:
		return day.Add(to), true
	}
	return now, false
}

// digestAt is when the digest of day goes out: DigestAt that day, moved
// out of quiet hours, never before now.
func (s *Service) digestAt(day string, now time.Time) time.Time {
	d, err := time.ParseInLocation("20060102", day, cst)
	if err != nil {
		return now
	}
	t := d.Add(s.cfg.DigestAt)
	if q, held := s.deliverAt(t); held {
		t = q
	}
	if t.Before(now) {
		t, _ = s.deliverAt(now)
	}
	return t
}
