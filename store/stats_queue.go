package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// countQueue writes the counters of events (Counters.Queue) in batches, so
// that the action counted does not wait for them. Every save of a record
// counted three writes (the event's key, its day, the totals); with one
// writer at a time on FerretDB they were a third of what a burst of posts
// waited for. One batch is one insert of the batch's keys and one
// increment per day and of the totals, whatever its size: events queued
// while a batch is written form the next one, so a batch is small when
// the bot is quiet and grows with the load; nothing waits for a timer.
//
// Total and Days wait for the events queued before them (Counters.flush),
// so a reader in this process sees every count its process queued. A
// crash loses the events not yet written: those of the last batch, as a
// crash between a record's save and its count always did.
type countQueue struct {
	stats, seen collection
	log         func() *slog.Logger
	beforeWrite func(events int) // tests: called before each batch is written

	mu      sync.Mutex
	pending []countEvent
	next    chan struct{} // closed when the pending events are written
	current chan struct{} // closed when the batch being written is; nil when none
	running bool          // run writes batches
}

// countWriteTimeout bounds the writing of one batch: a store that hangs
// holds the counts queued behind it that long at most.
const countWriteTimeout = 30 * time.Second

// countEvent is one queued count: day to the counters of at's China day,
// total to the totals, once per key ("" counts every time).
type countEvent struct {
	key        string
	at         time.Time
	day, total Counts
}

func (q *countQueue) add(ev countEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, ev)
	if q.next == nil {
		q.next = make(chan struct{})
	}
	if !q.running {
		q.running = true
		go q.run()
	}
}

// run writes batches until none is pending.
func (q *countQueue) run() {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.current, q.running = nil, false
			q.mu.Unlock()
			return
		}
		batch, done := q.pending, q.next
		q.pending, q.next, q.current = nil, nil, done
		q.mu.Unlock()
		if q.beforeWrite != nil {
			q.beforeWrite(len(batch))
		}
		ctx, cancel := context.WithTimeout(context.Background(), countWriteTimeout)
		if err := q.write(ctx, batch); err != nil {
			q.log().Warn("statistics counters not written", "events", len(batch), "err", err)
		}
		cancel()
		close(done)
	}
}

// flush waits until the events queued before it are written (or failed,
// which run logs).
func (q *countQueue) flush(ctx context.Context) error {
	q.mu.Lock()
	ch := q.next
	if ch == nil {
		ch = q.current
	}
	q.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("statistics counters still being written: %w", ctx.Err())
	}
}

// write counts the batch: the keys first, in one unordered insert, so that
// an event whose key exists (heard twice) is left out; then the sums.
func (q *countQueue) write(ctx context.Context, batch []countEvent) error {
	var keys []interface{}
	var keyed []int // batch index of each key inserted
	seenNow := map[string]bool{}
	skip := make([]bool, len(batch))
	now := time.Now().UTC()
	for i, ev := range batch {
		if ev.key == "" {
			continue
		}
		if seenNow[ev.key] { // twice in one batch
			skip[i] = true
			continue
		}
		seenNow[ev.key] = true
		keys = append(keys, bson.M{"_id": ev.key, "at": now})
		keyed = append(keyed, i)
	}
	if len(keys) > 0 {
		_, err := q.seen.InsertMany(ctx, keys, options.InsertMany().SetOrdered(false))
		var bw mongo.BulkWriteException
		switch {
		case err == nil:
		case errors.As(err, &bw) && bw.WriteConcernError == nil:
			for _, we := range bw.WriteErrors {
				if we.Index < 0 || we.Index >= len(keyed) {
					return fmt.Errorf("insert keys: error for key %d of %d: %w", we.Index, len(keyed), err)
				}
				if !mongo.IsDuplicateKeyError(we) {
					return fmt.Errorf("insert keys: %w", translate(err))
				}
				skip[keyed[we.Index]] = true
			}
		default:
			return fmt.Errorf("insert keys: %w", translate(err))
		}
	}
	days, total := map[string]Counts{}, Counts{}
	for i, ev := range batch {
		if skip[i] {
			continue
		}
		d := ChinaDay(ev.at)
		for k, v := range ev.day {
			if days[d] == nil {
				days[d] = Counts{}
			}
			days[d][k] += v
		}
		for k, v := range ev.total {
			total[k] += v
		}
	}
	c := Counters{c: q.stats}
	for d, deltas := range days {
		if err := c.inc(ctx, "day:"+d, deltas); err != nil {
			return fmt.Errorf("day %s: %w", d, err)
		}
	}
	if len(total) > 0 {
		if err := c.inc(ctx, "total", total); err != nil {
			return fmt.Errorf("totals: %w", err)
		}
	}
	return nil
}

// Queue counts an event in the background: day is added to the counters
// of at's China day and total to the totals (nil: day), once per key
// (key "": every time). It does not wait for the write; Total and Days
// do. A failed write is logged, not retried: the counters are statistics.
func (r *Counters) Queue(key string, at time.Time, day, total Counts) {
	if total == nil {
		total = day
	}
	if len(day) == 0 && len(total) == 0 {
		return
	}
	r.q.add(countEvent{key: key, at: at, day: day, total: total})
}

// flush waits for the counts queued before it.
func (r *Counters) flush(ctx context.Context) error {
	if r.q == nil {
		return nil
	}
	return r.q.flush(ctx)
}
