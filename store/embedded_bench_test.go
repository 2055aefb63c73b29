package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// Keys one message leaves in Redis: the retry dedupe mark with the reply
// (10 minutes, see bot/inflight.go), the rate-limit counter (5 s) and the
// user's session (30 minutes). A reply late for its request also leaves a
// deliverer claim; one in time, as here, does not.
const (
	benchDedupeTTL = 10 * time.Minute
	benchRateTTL   = 5 * time.Second
	benchUsers     = 2000
)

var benchReply = `{"s":"done","r":"` + strings.Repeat("发送 查供应 PCB 找供应商", 12) + `"}`

// benchMessage makes the Redis calls the gateway and a reply that reads no
// records make for message i (bot/readahead.go, bot/inflight.go): one
// batch with the dedupe mark, the held-push mark, the session, the rate
// limit and the draft; one with the reply stored.
func benchMessage(ctx context.Context, r *store.Redis, i int64) error {
	user := "oBench" + strconv.FormatInt(i%benchUsers, 10)
	key := user + ":" + strconv.FormatInt(i, 10)
	begin := []*bot.Op{
		{Kind: bot.OpSetNX, Key: "dd:" + key, Value: `{"s":"running"}`, TTL: 6 * time.Second},
		{Kind: bot.OpLookup, Key: "outbox:held:" + user},
		{Kind: bot.OpLookup, Key: "sess:" + user},
		{Kind: bot.OpIncr, Key: "rl:" + user, TTL: benchRateTTL},
		{Kind: bot.OpLookup, Key: "draft:" + user},
	}
	if err := r.Batch(ctx, begin...); err != nil {
		return err
	}
	return r.Batch(ctx, &bot.Op{Kind: bot.OpSet, Key: "dd:" + key, Value: benchReply, TTL: benchDedupeTTL})
}

// BenchmarkEmbeddedRedisAged measures the Redis calls of a message, sent
// in-process as the bot sends them to its embedded Redis, on a
// fresh embedded Redis and on one holding the live keys of 200,000 earlier
// messages (one per message, ten minutes each) and having seen the keys of
// a million more expire (as over a day: miniredis kept a counter of every
// key ever written, see embedded_versions.go), in alternating rounds so
// that other load on the machine falls on both alike. The goal of issue 9:
// aged/fresh at least 0.9. Each op is one message on each server; run long
// enough to include several expiry passes of the aged one:
//
//	go test ./store -run '^$' -bench EmbeddedRedisAged -benchtime 100000x
func BenchmarkEmbeddedRedisAged(b *testing.B) {
	ctx := context.Background()
	fresh := benchServer(b, 0, 0)
	aged := benchServer(b, 200000, 1000000)
	const round = 2000
	var took [2]time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		for i, r := range []*store.Redis{fresh, aged} {
			start := time.Now()
			benchRound(ctx, b, r, int64(done), n)
			took[i] += time.Since(start)
		}
	}
	b.StopTimer()
	f, a := float64(b.N)/took[0].Seconds(), float64(b.N)/took[1].Seconds()
	b.ReportMetric(f, "fresh-msgs/s")
	b.ReportMetric(a, "aged-msgs/s")
	b.ReportMetric(a/f, "aged/fresh")
}

// benchServer starts an embedded Redis holding the keys of earlier
// messages, after the keys of gone more expired, and returns a client of
// it.
func benchServer(b *testing.B, earlier, gone int) *store.Redis {
	b.Helper()
	e, err := store.StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Close() })
	m := e.Server()
	for i := 0; i < gone; i++ {
		key := "sb:dd:oGone" + strconv.Itoa(i%benchUsers) + ":" + strconv.Itoa(i)
		_ = m.Set(key, benchReply)
		m.SetTTL(key, time.Millisecond)
	}
	m.FastForward(time.Second) // they expire
	for i := 0; i < earlier; i++ {
		key := "sb:dd:oOld" + strconv.Itoa(i%benchUsers) + ":" + strconv.Itoa(i)
		_ = m.Set(key, benchReply)
		m.SetTTL(key, benchDedupeTTL)
	}
	// What the server's loop does after its next expiry pass (the pass
	// after one that took seconds waits dutyFactor times as long).
	e.PruneKeyVersions()
	if versions, live := e.KeyVersions(); live != earlier || versions > 2*live+4096 {
		b.Fatalf("after the expiry of %d keys: %d live keys, %d version counters", gone, live, versions)
	}
	r, err := store.OpenRedis(context.Background(), store.RedisOptions{Addr: e.Addr(), Dialer: e.Dial})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Close() })
	return r
}

// benchRound sends messages from..from+n to r from 8 goroutines.
func benchRound(ctx context.Context, b *testing.B, r *store.Redis, from int64, n int) {
	var next atomic.Int64
	next.Store(from)
	end := from + int64(n)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= end; i = next.Add(1) {
				if err := benchMessage(ctx, r, i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
