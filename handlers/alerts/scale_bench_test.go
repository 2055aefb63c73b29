package alerts_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"supplybot/handlers/alerts"
	"supplybot/store"
	"supplybot/store/storetest"
)

// BenchmarkAtScale: with 100 and 2,000 open offers stored (seeded as from
// the past, matching done), "post" is one new demand saved and matched
// (the create, the matching and settling it, the alerts stored; the pushes
// are discarded: the outbox has its own benchmarks), "catchup" one
// catch-up with
// nothing new (what the background loop costs every SyncEvery; it waits
// a minute first, past the overlap a catch-up re-reads). Neither should
// grow with the offers stored:
//
//	go test ./handlers/alerts -run '^$' -bench AtScale -benchtime 50x
func BenchmarkAtScale(b *testing.B) {
	products := []string{"变速箱电磁阀", "铝合金轮毂", "汽车线束", "6层PCB", "贴片电容", "刹车片", "座椅骨架", "驱动电机", "螺栓", "TFT液晶屏"}
	for _, n := range []int{100, 2000, 10000} {
		m := storetest.Mongo(b)
		ctx := context.Background()
		rows := make([]store.Post, n)
		for i := range rows {
			pp := parser.Parse("供应 "+products[i%len(products)]+" 月产能2万件 重庆", daytime())
			rows[i] = store.Post{Product: pp.Product, Keywords: pp.Keywords, EnterpriseID: fmt.Sprint("e", i%200), OpenID: fmt.Sprint("s", i%200),
				Region: store.Region{Province: "重庆市", City: "重庆市"}, Capacity: &store.Quantity{Value: 20000, Unit: "件"},
				RawText: "供应 " + products[i%len(products)] + " 月产能2万件 重庆 联系人张先生", Certifications: pp.Certifications}
			if pp.Category != nil {
				rows[i].CategoryCode, rows[i].Category, rows[i].CategoryPath = pp.Category.Code, pp.Category.Name, pp.Category.Path
			}
		}
		if err := m.Offers().CreateSettled(ctx, rows); err != nil {
			b.Fatal(err)
		}
		seeded := time.Now()
		svc := alerts.New(alerts.Config{SweepEvery: -1, Now: daytime, NoQuietHours: true, DailyCap: 1 << 20},
			alerts.Deps{Mongo: m, Outbox: discardOutbox{}, Parser: parser, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := svc.Start(ctx); err != nil {
			b.Fatal(err)
		}
		if err := svc.CatchUp(ctx); err != nil { // learns the seeded offers once
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("post/offers=%d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				pp := parser.Parse("求购 "+products[i%len(products)]+" 5000件 重庆璧山", daytime())
				d := store.Post{Kind: store.KindDemand, Product: pp.Product, Keywords: pp.Keywords, EnterpriseID: fmt.Sprint("buyer", i), OpenID: fmt.Sprint("buyer", i),
					Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}, Quantity: &store.Quantity{Value: 5000, Unit: "件"},
					ExpiresAt: time.Now().Add(24 * time.Hour)}
				if pp.Category != nil {
					d.CategoryCode = pp.Category.Code
				}
				if err := m.Demands().Create(ctx, &d); err != nil {
					b.Fatal(err)
				}
				if err := svc.MatchNow(ctx, d); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("catchup/offers=%d", n), func(b *testing.B) {
			// Past the overlap a catch-up re-reads (a minute), the
			// seeding and the posts are no longer news.
			time.Sleep(time.Until(seeded.Add(61 * time.Second)))
			if err := svc.CatchUp(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := svc.CatchUp(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		_ = svc.Shutdown(ctx)
	}
}

// discardOutbox takes every push and keeps none.
type discardOutbox struct{}

func (discardOutbox) Enqueue(context.Context, store.OutboxItem) error { return nil }

func (discardOutbox) SetPendingTextBefore(context.Context, string, string, time.Time) error {
	return nil
}
