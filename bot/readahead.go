package bot

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Read-ahead: the reads and the rate counter every message needs (its
// session, whether pushes are held for the user, the rate limit) are sent
// in the same round trip as the dedupe mark, instead of one round trip
// each once the handler asks. Whoever owns such a key declares it with
// Gateway.ReadAhead; the KV everyone is given is wrapped by ReadAheadKV,
// which answers a Lookup or an Incr of a key read ahead for the message in
// ctx from that result, once. Any write to the key in the turn drops the
// result first, so a later read goes to the store.
//
// A key is read ahead before the dedupe answer is known: a retry of a
// message that is already running reads it for nothing, and an Incr read
// ahead counts the retry too (WeChat retries only a push not answered in
// five seconds).

// ReadAheadFunc lists the ops to read ahead for m (nil for none).
type ReadAheadFunc func(m *Message) []*Op

// ReadAhead adds f to what the gateway reads ahead for each message. Call
// it before serving.
func (g *Gateway) ReadAhead(f ReadAheadFunc) { g.readAheads = append(g.readAheads, f) }

// readAhead is what to read ahead for m.
func (g *Gateway) readAhead(m *Message) []*Op {
	var ops []*Op
	for _, f := range g.readAheads {
		ops = append(ops, f(m)...)
	}
	return ops
}

type turnKey struct{}

// turn is the KV state of one message's handling: the results read ahead
// for it, and the writes it left to be sent with its reply (SetWithReply).
type turn struct {
	mu sync.Mutex
	// ahead are the results read ahead, a few keys searched in order (a
	// map of them cost a fifth of a KB a message); of ops of one key, the
	// last listed is the one read.
	ahead []*Op
	later []*Op
	ended bool
}

func withTurn(ctx context.Context, ahead []*Op) (context.Context, *turn) {
	t := &turn{ahead: make([]*Op, 0, len(ahead))}
	for _, op := range ahead {
		if op.Err == nil {
			t.ahead = append(t.ahead, op)
		}
	}
	return context.WithValue(ctx, turnKey{}, t), t
}

func turnOf(ctx context.Context) *turn {
	t, _ := ctx.Value(turnKey{}).(*turn)
	return t
}

// end returns the writes left for the reply's round trip; later ones are
// sent at once.
func (t *turn) end() []*Op {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ended = true
	later := t.later
	t.later = nil
	return later
}

// take returns and forgets the result read ahead for key, if it was read
// ahead as kind (and, for an Incr, with the same ttl). A lookup of a key
// left to be written with the reply answers that value.
func take(ctx context.Context, key string, kind OpKind, ttl time.Duration) (*Op, bool) {
	t := turnOf(ctx)
	if t == nil {
		return nil, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if kind == OpLookup {
		for i := len(t.later) - 1; i >= 0; i-- {
			if t.later[i].Key == key {
				return &Op{Kind: OpLookup, Key: key, Result: t.later[i].Value, Found: true}, true
			}
		}
	}
	i := len(t.ahead) - 1
	for i >= 0 && t.ahead[i].Key != key {
		i--
	}
	if i < 0 {
		return nil, false
	}
	op := t.ahead[i]
	t.forget(key)
	if op.Kind != kind || (kind == OpIncr && op.TTL != ttl) {
		return nil, false
	}
	return op, true
}

// forget drops what was read ahead for key; t.mu is held.
func (t *turn) forget(key string) {
	t.ahead = slices.DeleteFunc(t.ahead, func(op *Op) bool { return op.Key == key })
}

// drop forgets what was read ahead for keys, and drops writes left for
// the reply to them: they are being written now.
func drop(ctx context.Context, keys ...string) {
	t := turnOf(ctx)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		t.forget(k)
		t.later = slices.DeleteFunc(t.later, func(op *Op) bool { return op.Key == k })
	}
}

// SetWithReply sets key like kv.Set, but during a message's handling it
// leaves the write to the round trip that records the reply, before the
// reply is delivered: for state the reply does not depend on (a search
// kept for 下一页) and whose loss, should that round trip fail, costs the
// user no more than asking again. Lookups in the same turn see the value.
func SetWithReply(ctx context.Context, kv KV, key, value string, ttl time.Duration) error {
	if t := turnOf(ctx); t != nil {
		t.mu.Lock()
		if !t.ended {
			t.forget(key)
			t.later = slices.DeleteFunc(t.later, func(op *Op) bool { return op.Key == key })
			t.later = append(t.later, &Op{Kind: OpSet, Key: key, Value: value, TTL: ttl})
			t.mu.Unlock()
			return nil
		}
		t.mu.Unlock()
	}
	return kv.Set(ctx, key, value, ttl)
}

// ReadAheadKV wraps kv so that the reads of a message's turn use what the
// gateway read ahead for it.
func ReadAheadKV(kv KV) KV { return aheadKV{kv} }

type aheadKV struct{ KV }

func (k aheadKV) Lookup(ctx context.Context, key string) (string, bool, error) {
	if op, ok := take(ctx, key, OpLookup, 0); ok {
		return op.Result, op.Found, nil
	}
	return k.KV.Lookup(ctx, key)
}

func (k aheadKV) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	if op, ok := take(ctx, key, OpIncr, ttl); ok {
		return op.N, nil
	}
	return k.KV.Incr(ctx, key, ttl)
}

func (k aheadKV) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	drop(ctx, key)
	return k.KV.Set(ctx, key, value, ttl)
}

func (k aheadKV) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	drop(ctx, key)
	return k.KV.SetNX(ctx, key, value, ttl)
}

func (k aheadKV) Del(ctx context.Context, keys ...string) error {
	drop(ctx, keys...)
	return k.KV.Del(ctx, keys...)
}

func (k aheadKV) DelIfEqual(ctx context.Context, key, value string) (bool, error) {
	drop(ctx, key)
	return k.KV.DelIfEqual(ctx, key, value)
}

func (k aheadKV) Batch(ctx context.Context, ops ...*Op) error {
	for _, op := range ops {
		drop(ctx, op.Key)
	}
	return k.KV.Batch(ctx, ops...)
}
