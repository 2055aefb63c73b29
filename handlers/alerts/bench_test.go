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

// BenchmarkSavedDemand is the whole matching path of one saved demand
// (convert, engine match, upsert of the matches, alert dedupe) against 1000
// open offers, about 20 of which match. After the first iteration the
// alerts exist, so this is the cost of re-saving (an edit).
func BenchmarkSavedDemand(b *testing.B) {
	m := storetest.Mongo(b)
	ctx := context.Background()
	svc := alerts.New(alerts.Config{SweepEvery: -1, Now: daytime}, alerts.Deps{Mongo: m, Outbox: m.Outbox(), Parser: parser, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	products := []string{"变速箱电磁阀", "铝合金轮毂", "汽车线束", "6层PCB", "贴片电容", "刹车片", "座椅骨架", "驱动电机", "螺栓", "TFT液晶屏"}
	for i := range 1000 {
		pp := parser.Parse("供应 "+products[i%len(products)]+" 月产能2万件 重庆", daytime())
		p := store.Post{Kind: store.KindOffer, Product: pp.Product, Keywords: pp.Keywords, EnterpriseID: fmt.Sprint("e", i), OpenID: fmt.Sprint("s", i),
			Region: store.Region{Province: "重庆市", City: "重庆市"}, Capacity: &store.Quantity{Value: 20000, Unit: "件"}}
		if pp.Category != nil {
			p.CategoryCode = pp.Category.Code
		}
		if err := m.Offers().Create(ctx, &p); err != nil {
			b.Fatal(err)
		}
	}
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer svc.Shutdown(ctx)
	pp := parser.Parse("求购 变速箱电磁阀 5000件 重庆璧山", daytime())
	d := store.Post{Kind: store.KindDemand, Product: pp.Product, Keywords: pp.Keywords, CategoryCode: pp.Category.Code, EnterpriseID: "buyer", OpenID: "buyer",
		Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}, Quantity: &store.Quantity{Value: 5000, Unit: "件"}, ExpiresAt: time.Now().Add(24 * time.Hour)}
	if err := m.Demands().Create(ctx, &d); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := svc.MatchNow(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n, _ := m.Matches().Count(ctx)
	b.ReportMetric(float64(n), "matches")
}
