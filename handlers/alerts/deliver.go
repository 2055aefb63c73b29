package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supplybot/handlers/match"
	"supplybot/handlers/notify"
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
	if !s.engine.Has(p.ID) {
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
	return errors.Join(errs...)
}

// notifySubscribers alerts the subscribers that p fits, except its own
// enterprise and whoever heard of p already (told).
func (s *Service) notifySubscribers(ctx context.Context, now time.Time, p *store.Post, told map[string]bool) error {
	subs, err := s.subs.Fitting(ctx, p, func(openid string) bool { return told[openid] })
	if err != nil {
		return err
	}
	var errs []error
	for _, sub := range subs {
		if told[sub.OpenID] {
			continue
		}
		told[sub.OpenID] = true
		errs = append(errs, s.alert(ctx, now, alertSpec{
			Key: notify.SubscriptionAlertKey(p.ID, sub.OpenID), OpenID: sub.OpenID, Kind: kindSubscription,
			SubDesc: sub.Desc, About: p,
		}))
	}
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
	key := func(openid string) notify.Key { return notify.MatchAlertKey(d.ID, o.ID, openid) }
	// The engine phrased the reasons for p's owner; "已认证企业" describes
	// the counterpart, so it is swapped for the other side.
	mine, err := s.audience(ctx, p)
	if err != nil {
		return err
	}
	theirs, err := s.audience(ctx, &cp)
	if err != nil {
		return err
	}
	var errs []error
	for _, openid := range mine {
		errs = append(errs, s.alert(ctx, now, alertSpec{Key: key(openid), OpenID: openid, Kind: kindMatch, MyNo: p.No, About: &cp, Reasons: r.Reasons, Score: r.Score}))
	}
	for _, openid := range theirs {
		errs = append(errs, s.alert(ctx, now, alertSpec{Key: key(openid), OpenID: openid, Kind: kindMatch, MyNo: cp.No, About: p, Reasons: reasonsAbout(r.Reasons, p.Verified), Score: r.Score}))
		told[openid] = true
	}
	return errors.Join(errs...)
}

// audience is who hears of the matches of p: its poster while a contact of
// its enterprise, and the colleagues who follow the enterprise's alerts
// (关注企业提醒). A record whose poster left and whom nobody follows is
// the whole enterprise's: every contact hears of it.
func (s *Service) audience(ctx context.Context, p *store.Post) ([]string, error) {
	if p.EnterpriseID == "" {
		return []string{p.OpenID}, nil
	}
	e, err := s.d.Mongo.Enterprises().Get(ctx, p.EnterpriseID)
	if errors.Is(err, store.ErrNotFound) {
		return []string{p.OpenID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("enterprise of %s: %w", p.No, err)
	}
	var out []string
	for _, c := range e.Contacts {
		if c.OpenID == p.OpenID || c.FollowAlerts {
			out = append(out, c.OpenID)
		}
	}
	if len(out) == 0 {
		for _, c := range e.Contacts {
			out = append(out, c.OpenID)
		}
	}
	return out, nil
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
	Key     notify.Key // logical key of the alert and its push: the user hears of it once
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
	key := a.Key.String()
	at, _ := s.quiet.DeliverAt(now)
	entry := store.Alert{
		Key: key, OpenID: a.OpenID, Kind: a.Kind, MyNo: a.MyNo,
		RecordID: a.About.ID, RecordNo: a.About.No, RecordKind: a.About.Kind, Product: a.About.Product,
		Summary: record.Summary(*a.About), Reasons: a.Reasons, Score: a.Score,
		Pending: true, Day: chinaDay(at), DeliverAt: at.UTC(), CreatedAt: now.UTC(),
	}
	resumed := false
	if err := inbox.Add(ctx, entry); errors.Is(err, store.ErrConflict) {
		prev, err := inbox.Get(ctx, key)
		if err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
		switch {
		case !prev.Pending:
			return nil // told already
		case prev.Released:
			if took, err := inbox.Reclaim(ctx, key); err != nil || !took {
				return err
			}
		case now.Sub(prev.CreatedAt) < alertGrace:
			// Being told (a live claim settles in milliseconds), or
			// claimed by a worker that died: then the record stays owed,
			// and a later catch-up finishes it.
			if s.awaitSettled(ctx, key) {
				return nil
			}
			return errAlertInFlight
		}
		entry, resumed = prev, true
	} else if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	if err := s.deliverAlert(ctx, now, a, entry, resumed); err != nil {
		// Left to the retry (the record still owes its matching).
		if rerr := inbox.Release(context.WithoutCancel(ctx), key); rerr != nil {
			err = errors.Join(err, fmt.Errorf("release: %w", rerr))
		}
		return err
	}
	return nil
}

// deliverAlert takes the daily slot of the claimed alert entry, decides
// its delivery and queues its push or digest.
func (s *Service) deliverAlert(ctx context.Context, now time.Time, a alertSpec, entry store.Alert, resumed bool) error {
	inbox, key := s.d.Mongo.Alerts(), a.Key.String()
	at, held := s.quiet.DeliverAt(now)
	n, err := 0, store.ErrNotFound
	if resumed {
		n, err = inbox.SlotOf(ctx, key)
	}
	if errors.Is(err, store.ErrNotFound) {
		n, err = inbox.TakeSlot(ctx, a.OpenID, entry.Day, s.cfg.DailyCap, key)
	}
	if err != nil {
		return fmt.Errorf("daily cap: %w", err)
	}
	delivery := store.DeliveryPush
	if n > s.cfg.DailyCap {
		delivery = store.DeliveryDigest
	}
	if delivery, err = inbox.Decide(ctx, key, delivery); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	if delivery == store.DeliveryPush {
		err = s.push(ctx, a, at, held)
	} else {
		err = s.digest(ctx, now, entry)
	}
	if err != nil {
		return err
	}
	if err := inbox.Settle(ctx, key); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}

// errAlertInFlight says that an alert of the record is claimed and not yet
// delivered: its matching is not settled until it is. It is not a failure
// of the matching (catch-ups do not count it against the record).
var errAlertInFlight = errors.New("an alert of the pair is claimed and not delivered yet")

// awaitSettled waits a moment for another worker's claim of the alert key
// to settle, and reports whether it did.
func (s *Service) awaitSettled(ctx context.Context, key string) bool {
	deadline := time.Now().Add(inFlightWait)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(25 * time.Millisecond):
		}
		if a, err := s.d.Mongo.Alerts().Get(ctx, key); err == nil && !a.Pending {
			return true
		}
	}
	return false
}

// inFlightWait bounds how long a caller waits for another's alert claim.
const inFlightWait = time.Second

// inFlightOnly reports whether err holds nothing but errAlertInFlight.
func inFlightOnly(err error) bool {
	switch e := err.(type) {
	case nil:
		return false
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			if x != nil && !inFlightOnly(x) {
				return false
			}
		}
		return true
	case interface{ Unwrap() error }:
		return inFlightOnly(e.Unwrap())
	}
	return err == errAlertInFlight
}

// alertGrace is how old an unfinished alert claim must be before another
// caller takes it for one whose worker died; a live alert finishes in
// milliseconds.
const alertGrace = time.Minute

// push queues the push of an alert: a template message when one is
// configured (every field within WeChat's 20 characters), else a
// customer-service text, which the push workers hold until the user writes
// again when the 48-hour window is closed. A held alert waits until at.
func (s *Service) push(ctx context.Context, a alertSpec, at time.Time, held bool) error {
	var opts []notify.Option
	if held {
		opts = append(opts, notify.At(at))
	}
	if s.cfg.TemplateID == "" {
		return s.notify.Text(ctx, a.Key, a.OpenID, alertText(a), opts...)
	}
	t := notify.Template{ID: s.cfg.TemplateID, Fields: alertFields(a), Text: alertText(a)}
	if s.cfg.RecordURL != nil {
		t.URL = s.cfg.RecordURL(a.About.No)
	}
	return s.notify.Template(ctx, a.Key, a.OpenID, t, opts...)
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
		key := notify.DigestKey(a.OpenID, a.Day, part)
		due := s.digestAt(a.Day, now)
		if part > 1 {
			due, _ = s.quiet.DeliverAt(now.Add(digestFollowUp))
		}
		err = s.notify.Revise(ctx, key, a.OpenID, digestText(items), due, now.Add(digestSeal))
		if errors.Is(err, notify.ErrSealed) {
			part++ // gone out, or about to: the next digest takes it
			continue
		}
		if err != nil {
			return fmt.Errorf("digest %s: %w", key, err)
		}
		return nil
	}
}

// China time: days and dates are the user's.
var cst = record.China

func chinaDay(t time.Time) string { return t.In(record.China).Format("20060102") }

// digestAt is when the digest of day goes out: DigestAt that day, moved
// out of quiet hours, never before now.
func (s *Service) digestAt(day string, now time.Time) time.Time {
	d, err := time.ParseInLocation("20060102", day, record.China)
	if err != nil {
		return now
	}
	t := d.Add(s.cfg.DigestAt)
	if q, held := s.quiet.DeliverAt(t); held {
		t = q
	}
	if t.Before(now) {
		t, _ = s.quiet.DeliverAt(now)
	}
	return t
}
