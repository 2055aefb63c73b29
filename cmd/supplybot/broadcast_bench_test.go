package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/broadcast"
	"supplybot/store"
)

// timedSender records when each mass send WeChat accepted reached it.
type timedSender struct {
	next broadcast.MassSender
	mu   sync.Mutex
	at   []time.Time
}

func (s *timedSender) MassSendID(ctx context.Context, ids []string, text, id string) (int64, error) {
	msgID, err := s.next.MassSendID(ctx, ids, text, id)
	if err == nil || bot.ErrorCode(err) == bot.CodeClientMsgIDExists {
		s.mu.Lock()
		s.at = append(s.at, time.Now())
		s.mu.Unlock()
	}
	return msgID, err
}

// peakHeap samples the heap in use until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return &peak
}

// BenchmarkBroadcast100k sends one broadcast to 100,000 simulated
// followers through the simulated mass API, whose rate limit is R calls
// per window and each call of which takes 20 ms, and reports the calls per
// second the runner sustained (calls/s), that as a share of R (%R), the
// recipients per second and the peak heap in use (which includes the
// simulator's record of 100,000 deliveries). With crash, the runner is
// killed halfway (its context cancelled right after a call reached WeChat,
// its lease kept, as kill -9 leaves it) and a second runner takes the job
// over when the lease runs out; lost and duplicated deliveries must be 0.
func BenchmarkBroadcast100k(b *testing.B) {
	for _, c := range []struct {
		name   string
		chunk  int
		limit  int
		window time.Duration
		crash  bool
	}{
		{"R=60_per_min/chunk=10000", 10000, 60, time.Minute, false},
		{"R=120_per_min/chunk=500", 500, 120, time.Minute, false},
		{"R=120_per_min/chunk=500/kill_halfway", 500, 120, time.Minute, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				benchBroadcast(b, c.chunk, c.limit, c.window, c.crash)
			}
		})
	}
}

func benchBroadcast(b *testing.B, chunk, limit int, window time.Duration, crash bool) {
	b.StopTimer()
	m := runTB(b, configTB(b), nil)
	if err := m.stopBroadcast(context.Background()); err != nil {
		b.Fatal(err)
	}
	const n = 100000
	m.Sim.SeedFollowers("bench-", n)
	m.Sim.SetMassRate(limit, window)
	m.Sim.SetDelay("mass_send", 20*time.Millisecond)
	ids := m.Sim.Followers()[:n]
	perMinute := int(time.Minute / window * time.Duration(limit))
	cfg := broadcast.Config{ChunkSize: chunk, MassPerMinute: perMinute, Lease: time.Second, Poll: 50 * time.Millisecond,
		ReconcileWait: 10 * time.Millisecond, Owner: "bench-A"}
	deps := broadcast.Deps{Store: m.Mongo.Broadcasts(), Notify: m.notifier, Outbox: m.Outbox, Log: m.Log}
	timed := &timedSender{next: m.Client}
	var sender broadcast.MassSender = timed
	ctxA, killA := context.WithCancel(context.Background())
	if crash {
		cfg.KeepLeaseOnStop = true
		sender = &crashingSender{next: timed, at: int32(n / chunk / 2), kill: killA}
	}
	deps.Mass = sender
	a := broadcast.New(cfg, deps)
	ctx := context.Background()
	j, err := a.CreateList(ctx, broadcast.Actor{Via: "api", ID: "bench"}, "压测", "压测群发", ids)
	if err != nil {
		b.Fatal(err)
	}
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.StartTimer()
	if err := a.Start(ctx, broadcast.Actor{Via: "api", ID: "bench"}, j.ID); err != nil {
		b.Fatal(err)
	}
	runDone := func(s *broadcast.Service, ctx context.Context) chan struct{} {
		d := make(chan struct{})
		go func() { defer close(d); s.Run(ctx) }()
		return d
	}
	doneA := runDone(a, ctxA)
	var takeover time.Duration
	if crash {
		<-doneA
		died := time.Now()
		cfgB := cfg
		cfgB.Owner, cfgB.KeepLeaseOnStop = "bench-B", false
		depsB := deps
		depsB.Mass = timed
		bsvc := broadcast.New(cfgB, depsB)
		ctxB, stopB := context.WithCancel(context.Background())
		doneB := runDone(bsvc, ctxB)
		waitDone(b, deps.Store, j.ID)
		stopB()
		<-doneB
		timed.mu.Lock()
		for _, t := range timed.at {
			if t.After(died) {
				takeover = t.Sub(died)
				break
			}
		}
		timed.mu.Unlock()
	} else {
		waitDone(b, deps.Store, j.ID)
	}
	b.StopTimer()
	killA()
	<-doneA
	close(stop)

	got := map[string]int{}
	for _, p := range m.Sim.Pushes("") {
		if p.Type == "mass" {
			got[p.OpenID]++
		}
	}
	lost, dup := 0, 0
	for _, id := range ids {
		switch got[id] {
		case 0:
			lost++
		case 1:
		default:
			dup++
		}
	}
	if lost != 0 || dup != 0 {
		b.Errorf("lost %d, duplicated %d", lost, dup)
	}
	timed.mu.Lock()
	at := timed.at
	timed.mu.Unlock()
	if len(at) >= 2 && !crash {
		rate := float64(len(at)-1) / at[len(at)-1].Sub(at[0]).Seconds()
		r := float64(limit) / window.Seconds()
		b.ReportMetric(rate, "calls/s")
		b.ReportMetric(100*rate/r, "%R")
		b.ReportMetric(float64(n)/at[len(at)-1].Sub(at[0]).Seconds(), "recipients/s")
	}
	if crash {
		b.ReportMetric(takeover.Seconds(), "s-to-takeover")
	}
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(dup), "duplicated")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(m.Sim.Calls("mass_send")), "mass-calls")
}

// waitDone polls the job's one document (not its progress, which reads
// every chunk) until it is done.
func waitDone(b *testing.B, bs *store.Broadcasts, job string) {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		j, err := bs.Job(context.Background(), job)
		if err == nil && j.State == store.BroadcastDone {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Fatalf("broadcast %s not done in 5 minutes", job)
}

// BenchmarkAlertStorm queues the alerts of one offer that matches n open
// demands (n template pushes to n users, as the alerts service queues
// them, one Enqueue each) in the outbox on the store under test and
// reports how many Enqueue stores per second and how many the push
// workers then deliver per second through the simulated API.
func BenchmarkAlertStorm(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(fmt.Sprint("demands=", n), func(b *testing.B) {
			for range b.N {
				benchStorm(b, n)
			}
		})
	}
}

func benchStorm(b *testing.B, n int) {
	b.StopTimer()
	m := runTB(b, configTB(b), nil)
	m.Sim.SeedFollowers("storm-", n)
	stopMainPusher(m)
	now := time.Now().UTC()
	t0 := time.Now()
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("storm-%06d", i)
		if err := m.Outbox.Enqueue(context.Background(), store.OutboxItem{Key: "match:d" + id + ":o1:" + id, Kind: bot.PushTemplate,
			OpenID: id, TemplateID: "tpl", Fields: map[string]string{"first": "新供应匹配"}, Text: "alert", CreatedAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	enq := time.Since(t0)
	b.StartTimer()
	start := time.Now()
	r := startPusher(b, m, bot.PusherConfig{Workers: m.Config.Push.Workers}, nil, nil)
	for len(m.Sim.Pushes("")) < n {
		if time.Since(start) > 30*time.Minute {
			b.Fatalf("%d of %d delivered in 30 minutes", len(m.Sim.Pushes("")), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	r.Stop()
	b.ReportMetric(float64(n)/enq.Seconds(), "enqueued/s")
	b.ReportMetric(float64(n)/el.Seconds(), "pushes/s")
}
