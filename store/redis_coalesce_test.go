package store

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
)

func embeddedRedisTB(t *testing.T) *Redis {
	t.Helper()
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	r, err := OpenRedis(context.Background(), RedisOptions{Addr: e.Addr(), Dialer: e.Dial})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// TestBatchesQueuedTogetherShareOneRoundTrip: requests queued while the
// sender is busy go out in one pipeline, and each caller gets the results
// of its own ops, in its own order, with one round trip counted in its
// Cost.
func TestBatchesQueuedTogetherShareOneRoundTrip(t *testing.T) {
	r := embeddedRedisTB(t)
	ctx := context.Background()
	r.co.close() // its sender: this test sends by hand
	r.co = newCoalescer(r, 0)
	t.Cleanup(r.co.close)
	const callers = 20
	if err := r.Set(ctx, "co:seen", "before", time.Minute); err != nil {
		t.Fatal(err)
	}
	type result struct {
		ops  []*bot.Op
		err  error
		trip []string
	}
	results := make([]result, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := strconv.Itoa(i)
			ops := []*bot.Op{
				{Kind: bot.OpLookup, Key: "co:seen"},
				{Kind: bot.OpSetNX, Key: "co:mark:" + id, Value: id, TTL: time.Minute},
				{Kind: bot.OpSetNX, Key: "co:mark:" + id, Value: "again", TTL: time.Minute},
				{Kind: bot.OpIncr, Key: "co:count", TTL: time.Minute},
				{Kind: bot.OpSet, Key: "co:own:" + id, Value: "v" + id, TTL: time.Minute},
				{Kind: bot.OpLookup, Key: "co:own:" + id},
			}
			cctx, cost := CountCost(ctx)
			cctx, cancel := context.WithTimeout(cctx, 10*time.Second)
			defer cancel()
			err := r.Batch(cctx, ops...)
			results[i] = result{ops, err, cost.RedisTrips()}
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); len(r.co.queue) < callers; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests queued", len(r.co.queue), callers)
		}
		time.Sleep(time.Millisecond)
	}
	go r.co.send()
	wg.Wait()
	if n := r.co.pipelines.Load(); n != 1 {
		t.Errorf("%d pipelines for %d queued requests, want 1", n, callers)
	}
	counts := map[int64]bool{}
	for i, res := range results {
		id := strconv.Itoa(i)
		if res.err != nil {
			t.Fatalf("caller %d: %v", i, res.err)
		}
		o := res.ops
		if !o[0].Found || o[0].Result != "before" || !o[1].Found || o[2].Found || !o[5].Found || o[5].Result != "v"+id {
			t.Errorf("caller %d: %+v %+v %+v %+v", i, *o[0], *o[1], *o[2], *o[5])
		}
		counts[o[3].N] = true
		if len(res.trip) != 1 || res.trip[0] != "get+set+set+"+nativeIncr+"+set+get" {
			t.Errorf("caller %d: round trips %q", i, res.trip)
		}
	}
	for n := int64(1); n <= callers; n++ {
		if !counts[n] {
			t.Errorf("no caller saw the count reach %d: %v", n, counts)
		}
	}
}

// TestRequestsReadyTogetherShareOneRoundTrip: requests whose callers are
// made ready together join the pipeline of the first of them (the sender
// yields once before it sends) instead of following it in a second. On
// one processor the callers run one after another, so without the yield
// the first goes alone and the rest follow: two pipelines a round.
func TestRequestsReadyTogetherShareOneRoundTrip(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	r := embeddedRedisTB(t)
	ctx := context.Background()
	const rounds, callers = 20, 10
	before := r.co.pipelines.Load()
	for range rounds {
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				op := &bot.Op{Kind: bot.OpSet, Key: "co:ready:" + strconv.Itoa(i), Value: "v", TTL: time.Minute}
				if err := r.Batch(ctx, op); err != nil || op.Err != nil {
					t.Errorf("caller %d: %v %v", i, err, op.Err)
				}
			})
		}
		wg.Wait()
	}
	if n := r.co.pipelines.Load() - before; n > rounds*3/2 {
		t.Errorf("%d pipelines for %d rounds of %d callers made ready together, want about one a round", n, rounds, callers)
	}
}

// TestBatchCallerStopsAtItsDeadline: a caller whose context ends while its
// request waits behind a busy sender gets its context's error then, not
// when the sender comes free; the others are served.
func TestBatchCallerStopsAtItsDeadline(t *testing.T) {
	r := embeddedRedisTB(t)
	r.co.close()
	r.co = newCoalescer(r, 0)
	t.Cleanup(r.co.close)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	op := &bot.Op{Kind: bot.OpSetNX, Key: "co:late", Value: "x", TTL: time.Minute}
	if err := r.Batch(ctx, op); err != context.DeadlineExceeded {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("returned after %v", took)
	}
	if op.Found || op.Err != nil {
		t.Errorf("the op of a caller that gave up was written to: %+v", *op)
	}
	// The lookup queues behind the request left in the queue before the
	// sender starts, so that one round trip carries both: sent alone,
	// nobody would wait for the first, and run drops it at once.
	op2 := &bot.Op{Kind: bot.OpLookup, Key: "co:late"}
	looked := make(chan error, 1)
	go func() { looked <- r.Batch(context.Background(), op2) }()
	for len(r.co.queue) < 2 {
		time.Sleep(time.Millisecond)
	}
	go r.co.send()
	if err := <-looked; err != nil {
		t.Fatal(err)
	}
	// The request left in the queue was sent after all, as a hung
	// Redis runs what it was sent once it resumes.
	if !op2.Found || op2.Result != "x" {
		t.Errorf("lookup after: %+v", *op2)
	}
}

// TestReusedRequestsCarryNothingOver: requests are reused from caller to
// caller (pendingBatches). Callers of batches of every size, some giving
// up while theirs is in flight, each read their own values, and a lookup
// of a key nobody set finds nothing whatever the request held before.
func TestReusedRequestsCarryNothingOver(t *testing.T) {
	r := embeddedRedisTB(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 150 {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if i%10 == 9 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i%3)*50*time.Microsecond)
				}
				n := 1 + (w+i)%8
				ops := make([]*bot.Op, 0, 2*n+1)
				for k := range n {
					key := "co:reuse:" + strconv.Itoa(w) + ":" + strconv.Itoa(i) + ":" + strconv.Itoa(k)
					ops = append(ops, &bot.Op{Kind: bot.OpSet, Key: key, Value: key, TTL: time.Minute}, &bot.Op{Kind: bot.OpLookup, Key: key})
				}
				ops = append(ops, &bot.Op{Kind: bot.OpLookup, Key: "co:reuse:nobody"})
				err := r.Batch(ctx, ops...)
				cancel()
				if err != nil {
					if i%10 != 9 {
						t.Errorf("worker %d batch %d: %v", w, i, err)
					}
					continue
				}
				for k := 0; k < 2*n; k += 2 {
					if got := ops[k+1]; !got.Found || got.Result != ops[k].Key || got.Err != nil {
						t.Errorf("worker %d batch %d: %s read %+v", w, i, ops[k].Key, *got)
					}
				}
				if last := ops[2*n]; last.Found || last.Result != "" || last.Err != nil {
					t.Errorf("worker %d batch %d: a key nobody set read %+v", w, i, *last)
				}
			}
		})
	}
	wg.Wait()
}
