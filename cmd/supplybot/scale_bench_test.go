package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/seed"
)

// BenchmarkScale: the requests that read records, against the SDK's bare
// echo server in the same run, with N open offers seeded before the bot
// starts (as after a restart: the engine and the search index load them
// once): 查供应 PCB, 查供应 of many products and places in turn, 详情 of
// a record, 我的发布 of a user, and 帮助.
// 16 concurrent users; each op is one message to each server. The figures
// of docs/BENCHMARKS.md ("Scale"):
//
//	go test ./cmd/supplybot -run '^$' -bench Scale -benchtime 1000x
//
// Seeding 10,000 offers takes a minute or two.
func BenchmarkScale(b *testing.B) {
	parent := b // owns the seeded bots, which outlive each sub-benchmark
	for _, offers := range []int{100, 10000} {
		var m *Main // seeded by the first sub-benchmark -bench selects
		for _, c := range []struct {
			name string
			msg  func(id int64) (openid, text string)
			want string
		}{
			{"search", func(id int64) (string, string) { return fmt.Sprintf("sc-%d", id%5000), "查供应 PCB" }, "第1页"},
			// A different search each time, as many users asking for
			// many things: more distinct searches (product words by
			// places) than the search index keeps in its memo, asked in
			// turn, so that the memo never answers.
			{"search-varied", func(id int64) (string, string) {
				return fmt.Sprintf("sc-%d", id%5000), variedSearch(id)
			}, "供应"}, // a page, or that none are there
			{"detail", func(id int64) (string, string) {
				return fmt.Sprintf("sc-%d", id%5000), fmt.Sprintf("详情 O%d", 1001+id%int64(offers))
			}, "供应"},
			// A user who posted nothing: the seeded posters are too few
			// to stay under the rate limit of 8 messages in 5 s.
			{"mine", func(id int64) (string, string) { return fmt.Sprintf("sc-%d", id%5000), "我的发布" }, "发布"},
			{"help", func(id int64) (string, string) { return fmt.Sprintf("sc-%d", id%5000), "帮助" }, "发布求购"},
		} {
			b.Run(fmt.Sprintf("%s/offers=%d", c.name, offers), func(b *testing.B) {
				if m == nil {
					m = seededMain(parent, offers)
				}
				againstEcho(b, m, c.msg, c.want)
			})
		}
	}
}

// Product words the seeded offers carry, and places to limit a search to.
var (
	searchWords = []string{"PCB", "轮毂", "线束", "电磁阀", "刹车片", "制动钳", "减震器", "座椅骨架", "车灯", "保险杠",
		"转向节", "曲轴", "散热器", "衬套", "冲压件", "压铸件", "螺栓", "轴承", "油封", "气囊", "电机", "电池模组",
		"注塑件", "密封条", "空调管", "副车架", "HDI板", "FPC", "PCBA", "MCU", "IGBT", "功率模块", "连接器", "电容",
		"电感", "晶振", "液晶模组", "触摸屏", "摄像头", "毫米波雷达", "T-Box", "5G模组", "存储芯片", "继电器", "BMS",
		"充电机"}
	searchPlaces = []string{"", "只看重庆", "只看四川", "只看成都", "只看绵阳", "只看德阳", "只看宜宾", "只看璧山",
		"只看江津", "只看渝北", "只看永川", "只看涪陵"}
)

// variedSearch is the id-th of len(searchWords)*len(searchPlaces)
// distinct searches, in turn.
func variedSearch(id int64) string {
	n := id % int64(len(searchWords)*len(searchPlaces))
	return strings.TrimSpace("查供应 " + searchWords[n%int64(len(searchWords))] + " " + searchPlaces[n/int64(len(searchWords))])
}

// seededMain starts the bot on a store seeded with offers open offers
// (and the enterprises posting them) by an earlier instance.
func seededMain(b *testing.B, offers int) *Main {
	cfg := configTB(b)
	if os.Getenv("SUPPLYBOT_TEST_MONGO_URI") == "" {
		// The local default: the bot's own embedded FerretDB, which it
		// serves alone (store.ServeAlone), as `go run ./cmd/supplybot`.
		cfg.Mongo.URI, cfg.Mongo.EmbeddedListen = embedded, "127.0.0.1:0"
	}
	if os.Getenv("SUPPLYBOT_TEST_REDIS_ADDR") == "" {
		// The local default: the bot's own embedded Redis, reached
		// in-process as `go run ./cmd/supplybot` does.
		cfg.Redis.Addr, cfg.Redis.EmbeddedListen = embedded, "127.0.0.1:0"
	}
	first := runTB(b, cfg, nil)
	p, err := parse.New()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Records(context.Background(), first.Mongo, p, 0, offers, time.Now(), nil); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first.Close(ctx)
	m := runTB(b, cfg, nil)
	settle(b)
	return m
}

// settle waits until the bot started has done what its start set off (the
// catch-up re-reads the seeding's records as changes for a minute, every
// 15 s), so that it does not run beside the measurement: until the process
// used under a tenth of a core over 16 s, or three minutes have passed.
// The load generator's baseline.sh waits for the same reason.
func settle(b *testing.B) {
	b.Helper()
	for end := time.Now().Add(3 * time.Minute); time.Now().Before(end); {
		c0 := processCPU()
		time.Sleep(16 * time.Second)
		if used := processCPU() - c0; used < 1600*time.Millisecond {
			return
		}
	}
	b.Log("the bot was still busy after three minutes; measuring anyway")
}

// againstEcho sends b.N messages to the bot and b.N to the echo server,
// alternating in rounds of 200, and reports both rates and their ratio.
func againstEcho(b *testing.B, m *Main, msg func(id int64) (openid, text string), want string) {
	w := m.Config.WeChat
	s := bot.PushSigner{Token: w.Token, AppID: w.AppID, EncodingAESKey: w.EncodingAESKey, Mode: bot.ModeSafe}
	echo := httptest.NewServer(bot.EchoHandler(w.Token, w.AppID, w.EncodingAESKey))
	defer echo.Close()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	var took, cpu [2]time.Duration
	var missed atomic.Int64
	var seq atomic.Int64
	seq.Store(time.Now().UnixNano())
	b.ResetTimer()
	for done := 0; done < b.N; done += 200 {
		n := min(200, b.N-done)
		for i, url := range []string{m.URL() + "/wechat", echo.URL + "/wechat"} {
			var next atomic.Int64
			var wg sync.WaitGroup
			cpu0 := processCPU()
			start := time.Now()
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(n) {
						id := seq.Add(1)
						openid, text := msg(id)
						reply, err := post(client, s, url, bot.TextXML(openid, text, id))
						if i == 0 && (err != nil || !strings.Contains(reply, want)) {
							missed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			took[i] += time.Since(start)
			cpu[i] += processCPU() - cpu0
		}
	}
	b.StopTimer()
	botRate, echoRate := float64(b.N)/took[0].Seconds(), float64(b.N)/took[1].Seconds()
	b.ReportMetric(botRate, "bot-msgs/s")
	b.ReportMetric(echoRate, "echo-msgs/s")
	b.ReportMetric(botRate/echoRate, "bot/echo")
	b.ReportMetric(float64(missed.Load()), "bot-missed")
	// The CPU time of this process (not of a Redis server outside it)
	// while each server was under load: the load generator's share is
	// the same in both.
	b.ReportMetric(float64(cpu[0].Microseconds())/float64(b.N), "bot-cpu-us/msg")
	b.ReportMetric(float64(cpu[1].Microseconds())/float64(b.N), "echo-cpu-us/msg")
}
