package taskforce

import (
	"context"
	"sort"
	"strings"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// Periods of 统计.
const (
	PeriodToday = "今天"
	PeriodWeek  = "本周"
	PeriodMonth = "本月"
	PeriodAll   = "全部"
)

// Named is a count with its name (a role, a province, a category).
type Named struct {
	Name  string
	Count int64
}

// Stats are the platform's figures for a period (统计).
//
// What each costs: the enterprises by role and province, the new
// enterprises, demands and offers, the deals and the categories are
// counters (store.Counters), one document per China day: a period reads
// at most 31 small documents, 全部 one, on any backend. The open records,
// matches and contact exchanges are counts: on MongoDB an index serves
// each; on FerretDB each reads its whole collection (demands, offers,
// matches, contact_requests), so they are read at most every countsTTL
// per instance, in the background once read (counts.go).
type Stats struct {
	Period   string
	From, To time.Time // From zero for 全部

	Enterprises    int64 // registered now
	Verified       int64 // of them verified
	ByRole         []Named
	ByProvince     []Named
	NewEnterprises int64

	NewDemands, NewOffers   int64
	OpenDemands, OpenOffers int64 // now

	Matches  int64 // demand–offer pairs found
	Contacts int64 // contact exchanges agreed
	// CountedAt is when the open records, matches and contact exchanges
	// were counted: they are read at most every few minutes.
	CountedAt        time.Time
	Deals            int64 // records closed as 已成交
	DealsViaPlatform int64 // … through the platform, said their owners
	TopCategories    []Named
	RecordsByRegion  []Named // records posted, by province
}

// DayCount is one China day of Series.
type DayCount struct {
	Day                          string // 2026-12-01
	Enterprises, Demands, Offers int64
}

// periodStart is the China-time start of period at now; zero for 全部.
// EInvalid for a period not known.
func periodStart(period string, now time.Time) (time.Time, error) {
	c := now.In(record.China)
	day := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, record.China)
	switch period {
	case PeriodToday:
		return day, nil
	case PeriodWeek:
		back := (int(c.Weekday()) + 6) % 7 // Monday starts the week
		return day.AddDate(0, 0, -back), nil
	case PeriodMonth:
		return time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, record.China), nil
	case PeriodAll:
		return time.Time{}, nil
	}
	return time.Time{}, fail(EInvalid, "统计可以看：今天、本周、本月、全部。例如：统计 本周")
}

// Stats computes the figures of period (今天, 本周, 本月, 全部; "" is 今天)
// at now. EInvalid for another period.
func (s *Service) Stats(ctx context.Context, period string, now time.Time) (Stats, error) {
	if period == "" {
		period = PeriodToday
	}
	from, err := periodStart(period, now)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Period: period, From: from, To: now}
	counters := s.d.Mongo.Counters()
	total, err := counters.Total(ctx)
	if err != nil {
		return st, err
	}
	flows := total
	if !from.IsZero() {
		days, err := counters.Days(ctx, store.ChinaDay(from), store.ChinaDay(now))
		if err != nil {
			return st, err
		}
		flows = store.Counts{}
		for _, c := range days {
			for k, v := range c {
				flows[k] += v
			}
		}
	}
	st.Enterprises, st.Verified = total[store.CountEnterprises], total[store.CountVerified]
	st.ByRole = named(total, store.CountByRole, 0)
	st.ByProvince = named(total, store.CountByProvince, 0)
	st.NewEnterprises = flows[store.CountEnterprises]
	st.NewDemands, st.NewOffers = flows[store.CountDemands], flows[store.CountOffers]
	st.Deals, st.DealsViaPlatform = flows[store.CountDeals], flows[store.CountDealsPlatform]
	st.TopCategories = named(flows, store.CountCategory, 5)
	st.RecordsByRegion = named(flows, store.CountRecordsByProv, 0)
	c, err := s.countsFor(ctx, from, now)
	if err != nil {
		return st, err
	}
	st.OpenDemands, st.OpenOffers, st.CountedAt = c.openDemands, c.openOffers, c.at
	st.Matches, st.Contacts = c.matches(from), c.contacts(from)
	return st, nil
}

// named lists the counters name:* of c, largest first (at most limit; 0
// for all).
func named(c store.Counts, name string, limit int) []Named {
	var out []Named
	for k, v := range c {
		if rest, ok := strings.CutPrefix(k, name+":"); ok && v > 0 {
			out = append(out, Named{Name: rest, Count: v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Series counts, per China day of the last days days up to now (oldest
// first), the new enterprises, demands and offers, for the console's
// charts. It reads one counter document per day.
func (s *Service) Series(ctx context.Context, days int, now time.Time) ([]DayCount, error) {
	if days <= 0 || days > 366 {
		return nil, fail(EInvalid, "天数应在1到366之间。")
	}
	c := now.In(record.China)
	first := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, record.China).AddDate(0, 0, -(days - 1))
	counts, err := s.d.Mongo.Counters().Days(ctx, store.ChinaDay(first), store.ChinaDay(now))
	if err != nil {
		return nil, err
	}
	out := make([]DayCount, days)
	for i := range out {
		d := first.AddDate(0, 0, i)
		k := counts[store.ChinaDay(d)]
		out[i] = DayCount{Day: d.Format("2006-01-02"), Enterprises: k[store.CountEnterprises],
			Demands: k[store.CountDemands], Offers: k[store.CountOffers]}
	}
	return out, nil
}

// PostSaved counts a new record (handlers.PostEvents): the conversation
// calls it for every save, so an edit or a renewal, and a save heard
// twice, are told apart from a creation.
func (s *Service) PostSaved(ctx context.Context, p store.Post) {
	if p.ID == "" || !p.UpdatedAt.Equal(p.CreatedAt) {
		return // edited since it was created
	}
	deltas := store.Counts{store.CountDemands: 1}
	if p.Kind == store.KindOffer {
		deltas = store.Counts{store.CountOffers: 1}
	}
	if cat := p.Category; cat != "" {
		deltas[store.CounterKey(store.CountCategory, cat)] = 1
	}
	if prov := p.Region.Province; prov != "" {
		deltas[store.CounterKey(store.CountRecordsByProv, prov)] = 1
	}
	s.count("new:"+p.ID, p.CreatedAt, deltas)
}

// PostClosed counts a deal: a record closed as 已成交.
func (s *Service) PostClosed(ctx context.Context, p store.Post) {
	if p.ID == "" || p.Status != store.StatusClosed || p.ClosedReason != "已成交" {
		return
	}
	deltas := store.Counts{store.CountDeals: 1}
	if p.ViaPlatform != nil && *p.ViaPlatform {
		deltas[store.CountDealsPlatform] = 1
	}
	s.count("deal:"+p.ID, s.now(), deltas)
}

// count adds deltas once per key, in the background: statistics never
// hold up nor fail the action (store.Counters.Queue logs a failed write).
func (s *Service) count(key string, at time.Time, deltas store.Counts) {
	s.d.Mongo.Counters().Queue(key, at, deltas, nil)
}
