package seed

import (
	"fmt"
	"testing"
	"time"

	"supplybot/handlers/parse"
	"supplybot/store"
)

// BenchmarkSearchIndexSeeded: 查供应 PCB over 10,000 and 100,000 seeded
// offers held in the search index, with the words the search handler asks
// for it (the word, its synonyms and its category's name). The seeded
// records carry the keywords posted ones do, and many share a creation
// time (one per hour of twenty days), as a bulk load's do. Each search
// follows a save of one of the records it shows, which its memo does not
// survive, so the figure is a search's own cost plus a save's:
//
//	go test ./handlers/seed -run '^$' -bench SearchIndexSeeded
func BenchmarkSearchIndexSeeded(b *testing.B) {
	p, err := parse.New()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	q := store.SearchQuery{Keywords: []string{"PCB", "电路板", "线路板", "印制电路板", "印刷电路板", "印制板", "PCB板", "线路板PCB"}, Now: now, Limit: 5}
	for _, n := range []int{10000, 100000} {
		ix := store.NewSearchIndex()
		for _, r := range Sample(p, store.KindOffer, n, now) {
			ix.Put(r)
		}
		// A save of a record the search shows: the memo of searches
		// does not survive it.
		again := ix.Search(store.KindOffer, q).Posts[0]
		b.Run(fmt.Sprintf("offers=%d", n), func(b *testing.B) {
			for b.Loop() {
				ix.Put(again)
				if len(ix.Search(store.KindOffer, q).Posts) == 0 {
					b.Fatal("nothing found")
				}
			}
		})
	}
}
