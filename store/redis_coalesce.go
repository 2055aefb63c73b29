package store

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"supplybot/bot"
)

// The batches of concurrent callers share pipelines: a request (Batch)
// joins a queue that a sender drains, taking every request queued when it
// comes free and sending them in one round trip. Under load
// the requests of several messages travel together, which spares each its
// own write and read on both ends of the connection (most of a round
// trip's cost against a Redis on the same host); alone, a request is sent
// at once, as before.
//
// A request keeps its own deadline: its caller stops waiting when its
// context ends, as it would on a slow round trip of its own, while the
// pipeline carrying it runs on under the client's timeouts (a hung Redis
// runs what it was sent once it resumes, either way). The ops of one
// request are sent together and in order; a pipeline is not a transaction.
type coalescer struct {
	r     *Redis
	queue chan *pendingBatch
	stop  chan struct{}
	once  sync.Once
	// pipelines counts the round trips sent, for tests.
	pipelines atomic.Int64
}

// coalesceSenders is the number of pipelines in flight at once (with one,
// 帮助 over a Redis on the same host went from 0.46 to 0.52–0.55 of the
// echo server; two measured 0.49–0.54 in the same session); coalesceMax
// bounds the requests in one.
const (
	coalesceSenders = 1
	coalesceMax     = 64
)

type pendingBatch struct {
	ops     []*bot.Op // copies, written by the sender
	giveUps []int64   // per op: an increment's give-up time (incrArgs)
	size    int
	// until is when the caller stops waiting (zero: it waits for the
	// client's timeouts).
	until time.Time
	done  chan error // buffered: the sender never waits for the caller
}

// newCoalescer starts senders senders (tests start theirs by hand).
func newCoalescer(r *Redis, senders int) *coalescer {
	c := &coalescer{r: r, queue: make(chan *pendingBatch, coalesceMax), stop: make(chan struct{})}
	for range senders {
		go c.send()
	}
	return c
}

func (c *coalescer) close() { c.once.Do(func() { close(c.stop) }) }

var errRedisClosed = errors.New("store: redis client closed")

// do sends ops, whose keys and values are size bytes, in a shared pipeline
// and fills in their results.
func (c *coalescer) do(ctx context.Context, ops []*bot.Op, size int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// One allocation for the copies and one for their pointers, not one
	// a copy: a message's batches carry two to six ops.
	copies := make([]bot.Op, len(ops))
	p := &pendingBatch{ops: make([]*bot.Op, len(ops)), giveUps: make([]int64, len(ops)), size: size, done: make(chan error, 1)}
	p.until, _ = ctx.Deadline()
	for i, op := range ops {
		copies[i] = *op
		p.ops[i] = &copies[i]
		if op.Kind == bot.OpIncr {
			_, _, p.giveUps[i] = c.r.incrArgs(ctx, op.Key, op.TTL)
		}
	}
	if cost := costOf(ctx); cost != nil {
		names := make([]string, len(ops))
		for i, op := range ops {
			names[i] = opName(op.Kind, c.r.native)
		}
		cost.addTrip(strings.Join(names, "+"))
	}
	select {
	case c.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return errRedisClosed
	}
	select {
	case err := <-p.done:
		if err != nil {
			return err
		}
		for i, op := range ops {
			op.Result, op.Found, op.N, op.Err = p.ops[i].Result, p.ops[i].Found, p.ops[i].N, p.ops[i].Err
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return errRedisClosed
	}
}

// opName is the command an op is sent as, for Cost.
func opName(k bot.OpKind, native bool) string {
	switch k {
	case bot.OpLookup:
		return "get"
	case bot.OpSet, bot.OpSetNX:
		return "set"
	case bot.OpAddMember:
		return "sadd+pexpire"
	case bot.OpIsMember:
		return "sismember"
	case bot.OpIncr:
		if native {
			return nativeIncr
		}
		return "evalsha"
	}
	return "?"
}

// send drains the queue until the client closes.
func (c *coalescer) send() {
	for {
		var first *pendingBatch
		select {
		case first = <-c.queue:
		case <-c.stop:
			return
		}
		batch, size := []*pendingBatch{first}, first.size
		// Callers made ready together (a burst of pushes read at once)
		// but not yet run would each follow this pipeline in one of
		// their own: one yield lets them queue first and join it. Under
		// 帮助 in a closed loop over a real Redis it took Redis's reads
		// from 0.79 to 0.47 a message.
		runtime.Gosched()
	take:
		for len(batch) < coalesceMax {
			select {
			case p := <-c.queue:
				if size+p.size > maxBatchBytes {
					c.run(batch)
					batch, size = nil, 0
				}
				batch, size = append(batch, p), size+p.size
			default:
				break take
			}
		}
		c.run(batch)
	}
}

// run sends batch in one pipeline. It runs until the last of its callers
// stops waiting (or under the client's timeouts, if one waits for them):
// a round trip nobody waits for holds up the requests queued behind it.
func (c *coalescer) run(batch []*pendingBatch) {
	var ops []*bot.Op
	var giveUps []int64
	var until time.Time
	for i, p := range batch {
		ops = append(ops, p.ops...)
		giveUps = append(giveUps, p.giveUps...)
		if i == 0 || !until.IsZero() && (p.until.IsZero() || p.until.After(until)) {
			until = p.until
		}
	}
	ctx := context.Background()
	if !until.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, until)
		defer cancel()
	}
	c.pipelines.Add(1)
	err := c.r.pipeline(ctx, ops, giveUps)
	for _, p := range batch {
		p.done <- err
	}
}
