package store_test

import (
	"context"
	"strconv"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// BenchmarkCreateAfter2000 is the save of one record when 2,000 of its kind
// exist: the reply to 确认 waits for it.
func BenchmarkCreateAfter2000(b *testing.B) {
	_, d := demandsAsTheBotRuns(b, 2000, 500)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		who := strconv.Itoa(i % 500)
		if err := d.Create(ctx, &store.Post{Product: "轮毂", OpenID: "u" + who, EnterpriseID: "f" + who}); err != nil {
			b.Fatal(err)
		}
	}
}

// demandsAsTheBotRuns opens a store set up as the bot runs it — serving
// alone, its collections indexed by _id on FerretDB (store/embedded_ids.go)
// — holding n demands spread over posters posters.
func demandsAsTheBotRuns(b *testing.B, n, posters int) (*store.Mongo, *store.Posts) {
	b.Helper()
	m := storetest.Mongo(b)
	m.ServeAlone()
	ctx := context.Background()
	d := m.Demands()
	for i := range n {
		who := strconv.Itoa(i % posters)
		if err := d.Create(ctx, &store.Post{Product: "轮毂", OpenID: "seed" + who, EnterpriseID: "e" + who}); err != nil {
			b.Fatal(err)
		}
	}
	if e := storetest.Embedded(); e != nil {
		if _, err := e.IndexIDs(ctx, m.DatabaseName()); err != nil {
			b.Fatal(err)
		}
	}
	return m, d
}
