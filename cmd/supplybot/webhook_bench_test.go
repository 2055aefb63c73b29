package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// benchWebhook sends b.N signed safe-mode text messages through the real
// HTTP handler (decrypt, retry dedupe, rate limit, session, handler,
// encrypt) from 4 goroutines, each message from one of 5,000 users so the
// rate limit stays out of the way, and reports messages per second.
func benchWebhook(b *testing.B, text string, want string, seed func(m *Main)) {
	m := runTB(b, configTB(b), nil)
	if seed != nil {
		seed(m)
	}
	s := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey, Mode: bot.ModeSafe}
	url := m.URL() + "/wechat"
	var seq atomic.Int64
	seq.Store(time.Now().UnixNano())
	var bad atomic.Int64
	b.SetParallelism(2) // 2 × GOMAXPROCS senders
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := seq.Add(1)
			status, reply, err := s.Post(url, bot.TextXML(fmt.Sprintf("wb-%d", id%5000), text, id))
			if err != nil || status != 200 || !strings.Contains(reply, want) {
				bad.Add(1)
			}
		}
	})
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
	if n := bad.Load(); n > 0 {
		b.Fatalf("%d of %d replies were not the expected answer (%q)", n, b.N, want)
	}
}

// BenchmarkWebhookHelp is the gateway and dialog overhead: 帮助.
func BenchmarkWebhookHelp(b *testing.B) {
	benchWebhook(b, "帮助", "发布求购", nil)
}

// BenchmarkWebhookSearch is a search over 2,000 open offers: 查供应 轮毂 只看重庆.
func BenchmarkWebhookSearch(b *testing.B) {
	benchWebhook(b, "查供应 轮毂 只看重庆", "第1页", func(m *Main) {
		ctx := context.Background()
		products := []string{"铝合金轮毂", "钢制轮毂", "汽车线束", "6层PCB", "变速箱电磁阀"}
		cities := []store.Region{{Province: "重庆市", City: "重庆市", District: "璧山区"}, {Province: "四川省", City: "成都市"}}
		for i := range 2000 {
			p := store.Post{Kind: store.KindOffer, Product: products[i%len(products)], OpenID: "seed", EnterpriseID: "seed",
				Keywords: []string{products[i%len(products)], "轮毂"}, Region: cities[i%len(cities)],
				Capacity: &store.Quantity{Value: 1000, Unit: "件"}}
			if i%len(products) > 1 {
				p.Keywords = []string{products[i%len(products)]}
			}
			if err := m.Mongo.Offers().Create(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
