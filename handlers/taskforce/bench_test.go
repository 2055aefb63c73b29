package taskforce

import (
	"context"
	"strconv"
	"testing"
	"time"

	"supplybot/store"
)

// BenchmarkStats is 统计 本月 with n open demands, as many offers, and
// a match per demand: the counters cost the same at any size; the counts
// of open records and matches (counts-read) read their collections on
// FerretDB, at most every countsTTL.
func BenchmarkStats(b *testing.B) {
	for _, n := range []int{500, 2000} {
		b.Run("records="+strconv.Itoa(n), func(b *testing.B) {
			s, m := newService(&testing.T{})
			ctx := context.Background()
			now := time.Now()
			for i := range n {
				for _, kind := range []string{store.KindDemand, store.KindOffer} {
					p := store.Post{Product: "轮毂", Category: "轮毂", EnterpriseID: "e", OpenID: "u" + strconv.Itoa(i)}
					if err := m.Posts(kind).Create(ctx, &p); err != nil {
						b.Fatal(err)
					}
					s.PostSaved(ctx, p)
				}
				if _, err := m.Matches().Upsert(ctx, store.Match{DemandID: "d" + strconv.Itoa(i), OfferID: "o"}, now); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("stats", func(b *testing.B) { // the counts read once before
				if _, err := s.Stats(ctx, PeriodMonth, now); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := s.Stats(ctx, PeriodMonth, now); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("counts-read", func(b *testing.B) { // what a refresh reads, every countsTTL at most
				for b.Loop() {
					if _, err := s.readCounts(ctx, earliestStart(now), now); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("series-30", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Series(ctx, 30, now); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
