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
	// copies holds what ops point to, in one array.
	copies []bot.Op
}

// pendingBatches keeps the requests whose callers got their answer, for
// the next: the sender is done with a request once it sent on done, and
// a caller that stopped waiting first does not give its request back (the
// sender may still hold it). Reused, they spared about 1.4 KB a 帮助
// message (two requests of up to six ops).
var pendingBatches = sync.Pool{New: func() any { return &pendingBatch{done: make(chan error, 1)} }}

// getPendingBatch is a request with room for n ops, its copies cleared.
func getPendingBatch(n int) *pendingBatch {
	p := pendingBatches.Get().(*pendingBatch)
	if cap(p.copies) < n {
		p.copies, p.ops, p.giveUps = make([]bot.Op, n), make([]*bot.Op, n), make([]int64, n)
	}
	p.copies, p.ops, p.giveUps = p.copies[:n], p.ops[:n], p.giveUps[:n]
	for i := range p.copies {
		p.ops[i] = &p.copies[i]
	}
	clear(p.giveUps)
	return p
}

// release gives p back once its caller read its answer; nothing of the
// request (its values, its results) is kept.
func (p *pendingBatch) release() {
	if cap(p.copies) > coalesceKeepOps {
		return
	}
	clear(p.copies[:cap(p.copies)])
	p.until = time.Time{}
	pendingBatches.Put(p)
}

// coalesceKeepOps bounds the ops of a request kept for reuse.
const coalesceKeepOps = 16

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
	// The copies are a reused request's (getPendingBatch): a message's
	// batches carry two to six ops.
	p := getPendingBatch(len(ops))
	p.size = size
	p.until, _ = ctx.Deadline()
	for i, op := range ops {
		p.copies[i] = *op
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
		p.release() // never queued
		return ctx.Err()
	case <-c.stop:
		p.release()
		return errRedisClosed
	}
	select {
	case err := <-p.done:
		if err == nil {
			for i, op := range ops {
				op.Result, op.Found, op.N, op.Err = p.copies[i].Result, p.copies[i].Found, p.copies[i].N, p.copies[i].Err
			}
		}
		p.release()
		return err
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
	var s sendScratch
	for {
		var first *pendingBatch
		select {
		case first = <-c.queue:
		case <-c.stop:
			return
		}
		batch, size := append(s.batch[:0], first), first.size
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
					c.run(batch, &s)
					batch, size = batch[:0], 0
				}
				batch, size = append(batch, p), size+p.size
			default:
				break take
			}
		}
		c.run(batch, &s)
		clear(batch) // the requests are their callers' again
		s.batch = batch[:0]
	}
}

// sendScratch is a sender's own slices, reused from pipeline to pipeline.
type sendScratch struct {
	batch   []*pendingBatch
	ops     []*bot.Op
	giveUps []int64
}

// run sends batch in one pipeline. It runs until the last of its callers
// stops waiting (or under the client's timeouts, if one waits for them):
// a round trip nobody waits for holds up the requests queued behind it.
func (c *coalescer) run(batch []*pendingBatch, s *sendScratch) {
	ops, giveUps := s.ops[:0], s.giveUps[:0]
	defer func() {
		clear(ops) // the ops are their callers' again
		s.ops, s.giveUps = ops[:0], giveUps[:0]
	}()
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
