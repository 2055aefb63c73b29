package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// BenchmarkWebhookBurst sends bursts of 400 concurrent 帮助 pushes (the
// issue's 400 connections), one burst per iteration, to an instance with
// the default server.max_inflight, and reports the share answered busy and
// the answer times: a burst the process can serve within the deadline is
// served; beyond that, pushes are answered busy within the queue wait
// instead of queueing for seconds.
func BenchmarkWebhookBurst(b *testing.B) { benchBurst(b, "帮助", nil) }

// BenchmarkWebhookBurstSearch is the same with 查供应 轮毂 只看重庆 over
// 2,000 open offers, the heavier load the issue saw.
func BenchmarkWebhookBurstSearch(b *testing.B) {
	benchBurst(b, "查供应 轮毂 只看重庆", func(m *Main) {
		ctx := context.Background()
		for i := range 2000 {
			p := store.Post{Kind: store.KindOffer, Product: "铝合金轮毂", OpenID: "seed", EnterpriseID: "seed",
				Keywords: []string{"铝合金轮毂", "轮毂"}, Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
				Capacity: &store.Quantity{Value: 1000, Unit: "件"}}
			if i%2 == 1 {
				p.Product, p.Keywords, p.Region = "汽车线束", []string{"汽车线束"}, store.Region{Province: "四川省", City: "成都市"}
			}
			if err := m.Mongo.Offers().Create(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchBurst(b *testing.B, text string, seed func(*Main)) {
	const burst = 400
	m := runTB(b, configTB(b), nil)
	if seed != nil {
		seed(m)
	}
	s := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: burst}}
	url := m.URL() + "/wechat"
	var (
		seq        atomic.Int64
		busy, fail atomic.Int64
		mu         sync.Mutex
		lat        []time.Duration
	)
	seq.Store(time.Now().UnixNano())
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := seq.Add(1)
				req, err := s.Request(url, bot.TextXML(fmt.Sprintf("burst-%d", id%5000), text, id))
				if err != nil {
					b.Error(err)
					return
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil || res.StatusCode != 200 {
					fail.Add(1)
					return
				}
				var body [4096]byte
				n, _ := res.Body.Read(body[:])
				res.Body.Close()
				d := time.Since(t0)
				if text, err := s.ReplyText(body[:n]); err == nil && text == bot.DefaultBusyText {
					busy.Add(1)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	total := float64(b.N * burst)
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[int(p*float64(len(lat)-1))].Seconds() * 1000 }
	b.ReportMetric(100*float64(busy.Load())/total, "%busy")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	if n := fail.Load(); n > 0 {
		b.Fatalf("%d of %.0f pushes failed", n, total)
	}
}
