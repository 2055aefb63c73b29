package alerts

import (
	"runtime"
	"testing"
	"time"

	"supplybot/handlers/match"
	"supplybot/handlers/parse"
	"supplybot/handlers/seed"
	"supplybot/store"
)

// BenchmarkHeldRecords: the heap that the records the service holds take,
// per record, in the matching engine and in the search index (as take
// puts them), for 10,000 seeded records of each kind. The figure is
// bytes/record, measured after a collection; ns/op is not a figure:
//
//	go test ./handlers/alerts -run '^$' -bench HeldRecords
func BenchmarkHeldRecords(b *testing.B) {
	p, err := parse.New()
	if err != nil {
		b.Fatal(err)
	}
	s := &Service{d: Deps{Parser: p}}
	now := time.Now()
	var posts []store.Post
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		for _, r := range seed.Sample(p, kind, 10000, now) {
			r.ID = kind[:1] + r.ID // one id space for both kinds
			posts = append(posts, r)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var engine, index uint64
	for b.Loop() {
		before := heap()
		e := match.NewEngine(match.Options{})
		for i := range posts {
			e.Upsert(s.toRecord(&posts[i]))
		}
		mid := heap()
		x := store.NewSearchIndex()
		for i := range posts {
			x.Put(posts[i])
		}
		after := heap()
		if e.Len() != len(posts) || x.Len() != len(posts) {
			b.Fatalf("held %d and %d of %d", e.Len(), x.Len(), len(posts))
		}
		engine, index = mid-before, after-mid
		runtime.KeepAlive(e)
		runtime.KeepAlive(x)
	}
	b.ReportMetric(float64(engine)/float64(len(posts)), "engine-B/record")
	b.ReportMetric(float64(index)/float64(len(posts)), "index-B/record")
}
