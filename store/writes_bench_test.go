package store_test

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"supplybot/store"
)

// BenchmarkConcurrentWrites is what a burst of posts does to the store:
// eight handlers at once each saving a record, claiming a statistics key
// or adding to the counters, on a store set up as the bot runs it (2,000
// records, serving alone, indexed by _id). It reports the latency of one
// operation (p50, p99, max in µs; a save is six writes, a claim one, an
// addition two) besides the time per operation: on FerretDB the writes of
// one database queue on one lock of the process, where SQLite made them
// poll (collection.go).
func BenchmarkConcurrentWrites(b *testing.B) {
	m, d := demandsAsTheBotRuns(b, 2000, 500)
	ctx := context.Background()
	c := m.Counters()
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				who := strconv.Itoa(i % 500)
				t := time.Now()
				var err error
				switch i % 3 {
				case 0:
					err = d.Create(ctx, &store.Post{Product: "轮毂", OpenID: "u" + who, EnterpriseID: "f" + who})
				case 1:
					_, err = c.Once(ctx, "k"+strconv.Itoa(i))
				case 2:
					err = c.Add(ctx, time.Now(), store.Counts{"x": 1}, nil)
				}
				if err != nil {
					b.Error(err)
				}
				el := time.Since(t)
				mu.Lock()
				lat = append(lat, el)
				mu.Unlock()
			}
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-us")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-us")
	}
}
