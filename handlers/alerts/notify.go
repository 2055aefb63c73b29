package alerts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"supplybot/bot"
	"supplybot/handlers/match"
	"supplybot/handlers/record"
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
// daily cap (held until the end of quiet hours), otherwise an entry in a
// digest of the day. Either way the alert lands in the user's inbox
// (我的匹配).
//
// Storing the inbox entry first claims the alert: when the same pair is
// processed twice at once (two workers, or the demand and the offer saved
// together), one caller stores it and goes on to take a slot and queue the
// push; the other stops there. A claim left unfinished by a worker that
// died (Pending, older than alertGrace) or gave up on an error (Released)
// is finished by the next caller; the slot it took is found again and the
// first delivery decided holds, so even a claimant that was only slow does
// not get the alert delivered two ways.
func (s *Service) alert(ctx context.Context, now time.Time, a alertSpec) error {
	if a.OpenID == "" {
		return nil // the owner left; nobody to tell
	}
	inbox := s.d.Mongo.Alerts()
	at, _ := s.deliverAt(now)
	entry := store.Alert{
		Key: a.Key, OpenID: a.OpenID, Kind: a.Kind, MyNo: a.MyNo,
		RecordID: a.About.ID, RecordNo: a.About.No, RecordKind: a.About.Kind, Product: a.About.Product,
		Summary: record.Summary(*a.About), Reasons: a.Reasons, Score: a.Score,
		Pending: true, Day: chinaDay(at), DeliverAt: at.UTC(), CreatedAt: now.UTC(),
	}
	resumed := false
	if err := inbox.Add(ctx, entry); errors.Is(err, store.ErrConflict) {
		prev, err := inbox.Get(ctx, a.Key)
		if err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
		switch {
		case !prev.Pending:
			return nil // told already
		case prev.Released:
			if took, err := inbox.Reclaim(ctx, a.Key); err != nil || !took {
				return err
			}
		case now.Sub(prev.CreatedAt) < alertGrace:
			return nil // being told
		}
		entry, resumed = prev, true
	} else if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	if err := s.deliverAlert(ctx, now, a, entry, resumed); err != nil {
		// Left to the retry (the record still owes its matching).
		if rerr := inbox.Release(context.WithoutCancel(ctx), a.Key); rerr != nil {
			err = errors.Join(err, fmt.Errorf("release: %w", rerr))
		}
		return err
	}
	return nil
}

// deliverAlert takes the daily slot of the claimed alert entry, decides
// its delivery and queues its push or digest.
func (s *Service) deliverAlert(ctx context.Context, now time.Time, a alertSpec, entry store.Alert, resumed bool) error {
	inbox := s.d.Mongo.Alerts()
	at, held := s.deliverAt(now)
	n, err := 0, store.ErrNotFound
	if resumed {
		n, err = inbox.SlotOf(ctx, a.Key)
	}
	if errors.Is(err, store.ErrNotFound) {
		n, err = inbox.TakeSlot(ctx, a.OpenID, entry.Day, s.cfg.DailyCap, a.Key)
	}
	if err != nil {
		return fmt.Errorf("daily cap: %w", err)
	}
	delivery := store.DeliveryPush
	if n > s.cfg.DailyCap {
		delivery = store.DeliveryDigest
	}
	if delivery, err = inbox.Decide(ctx, a.Key, delivery); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	if delivery == store.DeliveryPush {
		err = s.enqueue(ctx, s.alertItem(a, at, held))
	} else {
		err = s.digest(ctx, now, entry)
	}
	if err != nil {
		return err
	}
	if err := inbox.Settle(ctx, a.Key); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}

// alertGrace is how old an unfinished alert claim must be before another
// caller takes it for one whose worker died; a live alert finishes in
// milliseconds.
const alertGrace = time.Minute

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

// Digest timing. A digest is rewritten only while it is due more than
// digestSeal from now: a worker leasing it reads the text before it marks
// it taken, so a later rewrite could miss the send. What comes after that
// goes to a follow-up digest, due digestFollowUp later (out of quiet
// hours), so that alerts over the cap arriving after the day's digest went
// out still reach the user, batched.
const (
	digestSeal     = time.Minute
	digestFollowUp = time.Hour
)

// digest puts the alert, which went over its day's cap, in the user's
// latest digest of that day that has not gone out, and (re)writes that
// digest's text, due at DigestAt. Once it went out (or is about to), the
// alert starts the next digest. The user's digest writers take turns
// (store.Alerts.LockDigest), so none writes over a newer text.
func (s *Service) digest(ctx context.Context, now time.Time, a store.Alert) error {
	inbox := s.d.Mongo.Alerts()
	unlock, err := inbox.LockDigest(ctx, a.OpenID, a.Day)
	if err != nil {
		return fmt.Errorf("digest lock: %w", err)
	}
	defer unlock()
	part := a.DigestPart
	if part == 0 {
		if part, err = inbox.LastDigestPart(ctx, a.OpenID, a.Day); err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		part = max(part, 1)
	}
	for {
		if err := inbox.SetDigestPart(ctx, a.Key, part); err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		items, err := inbox.DigestPart(ctx, a.OpenID, a.Day, part)
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		text := digestText(items)
		key := digestKey(a.OpenID, a.Day, part)
		due := s.digestAt(a.Day, now)
		if part > 1 {
			due, _ = s.deliverAt(now.Add(digestFollowUp))
		}
		err = s.d.Outbox.Enqueue(ctx, store.OutboxItem{Key: key, Kind: bot.PushCustom, OpenID: a.OpenID, Text: text, NextAt: due.UTC()})
		if errors.Is(err, store.ErrConflict) {
			err = s.rewriteDigest(ctx, key, text, now.Add(digestSeal))
			if errors.Is(err, store.ErrNotFound) {
				part++ // gone out, or about to: the next digest takes it
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("digest %s: %w", key, err)
		}
		return nil
	}
}

// digestKey is the outbox key of the user's part-th digest of day.
func digestKey(openid, day string, part int) string {
	key := "digest:" + openid + ":" + day
	if part > 1 {
		key += ":" + strconv.Itoa(part)
	}
	return key
}

// rewriteDigest replaces the text of a digest that is due after dueAfter;
// store.ErrNotFound when it is not (it went out, or is about to).
func (s *Service) rewriteDigest(ctx context.Context, key, text string, dueAfter time.Time) error {
	return s.d.Outbox.SetPendingTextBefore(ctx, key, text, dueAfter)
}

// China time: quiet hours, days and dates are the user's.
var cst = record.China

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
