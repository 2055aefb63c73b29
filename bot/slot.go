package bot

import (
	"context"
	"sync"
	"sync/atomic"
)

// A handler holds one of the gateway's MaxInflight slots while it runs:
// the slots bound the work competing for the CPU. A handler that waits
// for something else — a store's write lock, behind other writers — need
// not hold its slot meanwhile: in the five-minute mix the eight slots
// were all held by publishes queued on the embedded store's write lock,
// and 帮助 and searches, which write nothing, waited behind them for a
// slot (docs/BENCHMARKS.md, eleventh pass). GiveBackSlot lets such a wait
// hand the slot back.

// heldSlot is a handler's slot, given back during waits.
type heldSlot struct {
	slots chan struct{} // the gateway's semaphore; holding = one value in it
	// away counts the gateway's handlers whose slot is given back; at
	// most cap(slots) at once, so that a store whose writes back up
	// cannot draw in handlers without bound: beyond that a handler waits
	// holding its slot, and new pushes are shed as before.
	away  *atomic.Int64
	mu    sync.Mutex
	waits int  // waits in progress
	given bool // the slot is given back (counted in away)
	ended bool // the handler returned: its slot is released for good
}

type slotCtx struct{}

// WithSlot returns ctx carrying the slot a handler holds in slots (a
// semaphore: holding is one value sent), and the function that releases
// it when the handler ends. away counts the holders of slots whose slot is
// given back (GiveBackSlot). The gateway calls it for each handler; tests
// of code that waits call it to check the slot is given back.
func WithSlot(ctx context.Context, slots chan struct{}, away *atomic.Int64) (context.Context, func()) {
	s := &heldSlot{slots: slots, away: away}
	return context.WithValue(ctx, slotCtx{}, s), s.end
}

// GiveBackSlot gives the slot of the handler ctx belongs to back to the
// gateway, for a wait that uses no CPU, and returns the function that takes
// it again once the wait is over (waiting for one to come free, as a new
// push would, but without a time limit: the work is under way). Outside a
// handler, when a wait of the same handler gave it back already, or when
// as many handlers as there are slots wait without one, it gives nothing.
func GiveBackSlot(ctx context.Context) (retake func()) {
	s, _ := ctx.Value(slotCtx{}).(*heldSlot)
	if s == nil {
		return func() {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.given && !s.ended {
		if s.away.Add(1) > int64(cap(s.slots)) {
			s.away.Add(-1)
			return func() {}
		}
		<-s.slots
		s.given = true
	}
	s.waits++
	var once sync.Once
	return func() { once.Do(s.retake) }
}

// retake ends one wait; the last one takes the slot again. The handler's
// own calls to the slot wait meanwhile.
func (s *heldSlot) retake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits--
	if s.waits > 0 || !s.given {
		return
	}
	if !s.ended {
		s.slots <- struct{}{}
	}
	s.given = false
	s.away.Add(-1)
}

// end releases the slot when the handler returns, unless a wait gave it
// back (that wait then does not take it again).
func (s *heldSlot) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.given && !s.ended {
		<-s.slots
	}
	s.ended = true
}
