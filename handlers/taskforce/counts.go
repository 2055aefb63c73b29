package taskforce

import (
	"context"
	"sync"
	"time"
)

// countsTTL is how old the counts that read whole collections may be
// before a 统计 refreshes them (in the background; it answers with the
// ones it has).
const countsTTL = 5 * time.Minute

// counts are the figures of Stats that no counter keeps: the open records
// now, and when each match and contact exchange since since happened. On
// FerretDB they read the collections demands, offers, matches and
// contact_requests whole, so they are read at most once per countsTTL
// and instance, and never while a 统计 waits unless there are none yet.
type counts struct {
	at                      time.Time // when read
	since                   time.Time // matchTimes and contactTimes start here
	openDemands, openOffers int64
	matchesAll, contactsAll int64
	matchTimes, contactAt   []time.Time
}

// countsCache holds the last counts of the instance.
type countsCache struct {
	mu         sync.Mutex
	last       *counts
	refreshing bool
}

// countsFor returns counts covering from (zero: only the totals are
// needed), read at most countsTTL ago, or older ones while a refresh runs.
func (s *Service) countsFor(ctx context.Context, from, now time.Time) (*counts, error) {
	c := &s.counts
	c.mu.Lock()
	last := c.last
	covers := last != nil && (from.IsZero() || !from.Before(last.since))
	if covers && now.Sub(last.at) < countsTTL {
		c.mu.Unlock()
		return last, nil
	}
	if covers {
		if !c.refreshing {
			c.refreshing = true
			// The refresh outlives the request that started it; it ends
			// after one read, bounded by its own timeout.
			go func() {
				rctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				fresh, err := s.readCounts(rctx, last.since, s.now())
				c.mu.Lock()
				defer c.mu.Unlock()
				c.refreshing = false
				if err != nil {
					s.d.Log.Warn("statistics: refresh counts", "err", err)
					return
				}
				c.last = fresh
			}()
		}
		c.mu.Unlock()
		return last, nil
	}
	c.mu.Unlock()
	since := earliestStart(now)
	if !from.IsZero() && from.Before(since) {
		since = from
	}
	fresh, err := s.readCounts(ctx, since, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.last = fresh
	c.mu.Unlock()
	return fresh, nil
}

// earliestStart is the earliest start of 今天, 本周 and 本月 at now.
func earliestStart(now time.Time) time.Time {
	week, _ := periodStart(PeriodWeek, now)
	month, _ := periodStart(PeriodMonth, now)
	if week.Before(month) {
		return week
	}
	return month
}

func (s *Service) readCounts(ctx context.Context, since, now time.Time) (*counts, error) {
	c := &counts{at: now, since: since}
	var err error
	if c.openDemands, err = s.d.Mongo.Demands().CountOpen(ctx, now); err != nil {
		return nil, err
	}
	if c.openOffers, err = s.d.Mongo.Offers().CountOpen(ctx, now); err != nil {
		return nil, err
	}
	if c.matchesAll, err = s.d.Mongo.Matches().Count(ctx); err != nil {
		return nil, err
	}
	if c.matchTimes, err = s.d.Mongo.Matches().CreatedSince(ctx, since); err != nil {
		return nil, err
	}
	if c.contactsAll, err = s.d.Mongo.ContactRequests().CountAccepted(ctx); err != nil {
		return nil, err
	}
	if c.contactAt, err = s.d.Mongo.ContactRequests().AcceptedSince(ctx, since); err != nil {
		return nil, err
	}
	return c, nil
}

// matches and contacts count those at or after from (zero: all).
func (c *counts) matches(from time.Time) int64 {
	if from.IsZero() {
		return c.matchesAll
	}
	return countFrom(c.matchTimes, from)
}

func (c *counts) contacts(from time.Time) int64 {
	if from.IsZero() {
		return c.contactsAll
	}
	return countFrom(c.contactAt, from)
}

func countFrom(ts []time.Time, from time.Time) int64 {
	n := int64(0)
	for _, t := range ts {
		if !t.Before(from) {
			n++
		}
	}
	return n
}
