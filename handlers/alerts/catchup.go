package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supplybot/store"
)

// syncOverlap re-reads a little before the last sync, for clock skew
// between instances and writes in flight.
const syncOverlap = time.Minute

// maxOwedTries is how many catch-ups in a row try the owed matching of one
// version of a record. After that it is left until the record is saved
// again (or the process restarts), so that a record whose matching always
// fails neither logs every 15 s for ever nor, with others like it, takes
// up the whole batch and holds back the records behind it.
const maxOwedTries = 5

type failedMatch struct {
	version time.Time
	tries   int
}

// matchFailed counts a failed owed matching of p and reports whether it
// was the last try.
func (s *Service) matchFailed(p store.Post) bool {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	if s.failed == nil {
		s.failed = map[string]failedMatch{}
	}
	f := s.failed[p.ID]
	if !f.version.Equal(p.UpdatedAt) {
		f = failedMatch{version: p.UpdatedAt}
	}
	f.tries++
	s.failed[p.ID] = f
	return f.tries == maxOwedTries
}

// matchFixed forgets the failures of a record once it was matched or saved
// at a version other than the one that failed.
func (s *Service) matchFixed(id string, version time.Time) {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	if f, ok := s.failed[id]; ok && (version.IsZero() || !f.version.Equal(version)) {
		delete(s.failed, id)
	}
}

// givenUp lists the records left out of owed matching.
func (s *Service) givenUp() []string {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	var ids []string
	for id, f := range s.failed {
		if f.tries >= maxOwedTries {
			ids = append(ids, id)
		}
	}
	return ids
}

// CatchUp brings the engine up to date with the records other instances
// saved and matches them (syncEngine), then matches the records whose
// matching is owed (matchOwed). Catch-ups run one at a time; the
// background loop runs one every SyncEvery and the lifecycle sweep one
// each time.
func (s *Service) CatchUp(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.forgetGone(time.Now().Add(-syncOverlap))
	return errors.Join(s.syncEngine(ctx), s.matchOwed(ctx))
}

// syncEngine applies the records changed since the last sync (by any
// instance) to the engine, and matches every open one the engine did not
// hold at that version: a demand saved here and an offer saved on another
// instance meet only this way, since each instance's live matching ran
// against an engine without the other. Both instances may store the pair
// and alert its sides; the writes are keyed, so nobody hears of it twice.
// updated_at is written with the wall clock, so this uses the wall clock
// too. s.syncMu must be held.
func (s *Service) syncEngine(ctx context.Context) error {
	started := time.Now()
	var errs []error
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		posts := s.d.Mongo.Posts(kind)
		changed, err := posts.ChangedSince(ctx, s.lastSync.Add(-syncOverlap), s.holds)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("sync engine: %w", err))...)
		}
		for i := range changed {
			p := &changed[i]
			s.matchFixed(p.ID, p.UpdatedAt) // saved again, maybe on another instance
			if !s.admit(p, false) || p.Status != store.StatusOpen {
				continue
			}
			if err := s.settle(ctx, *p); err != nil {
				errs = append(errs, fmt.Errorf("matching %s learned from another instance: %w", p.No, err))
				// Its own instance may have settled it already: owe it
				// again, for matchOwed to retry.
				if err := posts.OweMatching(ctx, p.ID, p.UpdatedAt); err != nil {
					errs = append(errs, fmt.Errorf("owe matching of %s: %w", p.No, err))
				}
			}
		}
	}
	s.lastSync = started
	return errors.Join(errs...)
}

// holds tells whether the engine holds the record id at version at or
// later, or knows it removed since: admit would turn that version away,
// so the catch-up need not read it (this instance's own saves).
func (s *Service) holds(id string, at time.Time) bool {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	if gone, ok := s.gone[id]; ok && !at.After(gone) {
		return true
	}
	held, ok := s.versions[id]
	return ok && !at.After(held)
}

// matchOwed matches the records whose save owes their matching and is
// older than MatchGrace: the process that saved one was killed before its
// matching ran, or the matching failed. At most OwedBatch of each kind a
// time, oldest first, leaving out those that failed maxOwedTries times.
// s.syncMu must be held.
func (s *Service) matchOwed(ctx context.Context) error {
	before := time.Now().Add(-s.cfg.MatchGrace)
	skip := s.givenUp()
	var errs []error
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		owed, err := s.d.Mongo.Posts(kind).MatchOwed(ctx, before, s.cfg.OwedBatch, skip...)
		if err != nil {
			errs = append(errs, fmt.Errorf("owed matching: %w", err))
			continue
		}
		for i := range owed {
			p := &owed[i]
			if !s.admit(p, true) {
				continue // stale: saved or closed here since
			}
			if err := s.settle(ctx, *p); err != nil {
				if inFlightOnly(err) {
					continue // owed still: the next catch-up finishes it
				}
				errs = append(errs, fmt.Errorf("owed matching of %s: %w", p.No, err))
				if s.matchFailed(*p) {
					s.d.Log.ErrorContext(ctx, "owed matching keeps failing; left until the record is saved again or the bot restarts",
						"no", p.No, "tries", maxOwedTries, "err", err)
				}
				continue
			}
			s.matchFixed(p.ID, time.Time{})
		}
	}
	return errors.Join(errs...)
}

// forgetGone forgets the removals made before t: every read that could
// predate them has been applied, as catch-ups run one at a time.
func (s *Service) forgetGone(t time.Time) {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	for id, at := range s.gone {
		if at.Before(t) {
			delete(s.gone, id)
		}
	}
}
