package store_test

import (
	"context"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// BenchmarkCreateAfter2000 is the save of one record when 2,000 of its kind
// exist: the reply to 确认 waits for it.
func BenchmarkCreateAfter2000(b *testing.B) {
	m := storetest.Mongo(b)
	ctx := context.Background()
	d := m.Demands()
	for range 2000 {
		if err := d.Create(ctx, &store.Post{Product: "轮毂", OpenID: "seed"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if err := d.Create(ctx, &store.Post{Product: "轮毂", OpenID: "u"}); err != nil {
			b.Fatal(err)
		}
	}
}
