package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/seed"
)

// BenchmarkBaseline is the go test form of the figures in
// docs/BENCHMARKS.md: 帮助 and 查供应 PCB with 200, 2,000 and 10,000
// seeded offers, sent by 16 concurrent users to the bot and, alternating
// in rounds of 200, to the SDK's bare echo server in the same process, so
// that the ratio holds however busy the machine is. Each op is one message
// to each. Use a fixed count (searches over 10,000 offers take seconds):
//
//	go test ./cmd/supplybot -run '^$' -bench Baseline -benchtime 2000x
//	go test ./cmd/supplybot -run '^$' -bench 'Baseline/search' -benchtime 200x
//
// With SUPPLYBOT_TEST_REDIS_ADDR=127.0.0.1:6379 the bot uses that Redis.
func BenchmarkBaseline(b *testing.B) {
	for _, c := range []struct{ name, text, want string }{
		{"help", "帮助", "发布求购"},
		{"search", "查供应 PCB", "第1页"},
	} {
		for _, offers := range []int{200, 2000, 10000} {
			b.Run(fmt.Sprintf("%s/offers=%d", c.name, offers), func(b *testing.B) {
				benchAgainstEcho(b, offers, c.text, c.want)
			})
		}
	}
}

func benchAgainstEcho(b *testing.B, offers int, text, want string) {
	m := runTB(b, configTB(b), nil)
	p, err := parse.New()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Records(context.Background(), m.Mongo, p, 0, offers, time.Now(), nil); err != nil {
		b.Fatal(err)
	}
	w := m.Config.WeChat
	s := bot.PushSigner{Token: w.Token, AppID: w.AppID, EncodingAESKey: w.EncodingAESKey, Mode: bot.ModeSafe}
	echo := httptest.NewServer(bot.EchoHandler(w.Token, w.AppID, w.EncodingAESKey))
	defer echo.Close()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	targets := []struct {
		url, want string
		took      time.Duration
		bad       atomic.Int64
	}{{url: m.URL() + "/wechat", want: want}, {url: echo.URL + "/wechat", want: text}}
	var seq atomic.Int64
	seq.Store(time.Now().UnixNano())
	b.ResetTimer()
	for done := 0; done < b.N; done += 200 {
		n := min(200, b.N-done)
		for i := range targets {
			t := &targets[i]
			var next atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(n) {
						id := seq.Add(1)
						reply, err := post(client, s, t.url, bot.TextXML(fmt.Sprintf("bl-%d", id%5000), text, id))
						if err != nil || !strings.Contains(reply, t.want) {
							t.bad.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			t.took += time.Since(start)
		}
	}
	b.StopTimer()
	bot, echoRate := float64(b.N)/targets[0].took.Seconds(), float64(b.N)/targets[1].took.Seconds()
	b.ReportMetric(bot, "bot-msgs/s")
	b.ReportMetric(echoRate, "echo-msgs/s")
	b.ReportMetric(bot/echoRate, "bot/echo")
	b.ReportMetric(float64(targets[0].bad.Load()), "bot-missed")
	if n := targets[1].bad.Load(); n > 0 {
		b.Fatalf("the echo server got %d of %d wrong", n, b.N)
	}
}

// post sends a signed push and returns the text of the passive reply.
func post(c *http.Client, s bot.PushSigner, url string, body []byte) (string, error) {
	req, err := s.Request(url, body)
	if err != nil {
		return "", err
	}
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %v", res.StatusCode, err)
	}
	return s.ReplyText(b)
}
