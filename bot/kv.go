package bot

import (
	"context"
	"time"
)

// KV is the shared key-value store (Redis) the engine keeps its state in:
// retry dedupe, sessions, the access token and rate limits. Keys are
// relative; the implementation adds its own prefix.
type KV interface {
	// Lookup returns the value of key and whether it exists.
	Lookup(ctx context.Context, key string) (string, bool, error)
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	// SetNX sets key only when it does not exist and reports whether it did.
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	Del(ctx context.Context, keys ...string) error
	// DelIfEqual removes key only while it holds value.
	DelIfEqual(ctx context.Context, key, value string) (bool, error)
	// Incr increments a counter that expires ttl after its creation.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// AddMember adds member to the set key and makes the set expire ttl
	// from now (0 leaves its expiry as it is: none for a new set).
	AddMember(ctx context.Context, key, member string, ttl time.Duration) error
	// IsMember reports whether member is in the set key.
	IsMember(ctx context.Context, key, member string) (bool, error)
	// Batch sends ops in one round trip, to be run in order, and fills in
	// their results. It fails as a whole when the round trip fails; an op
	// the server refused carries its own Err.
	Batch(ctx context.Context, ops ...*Op) error
	Ping(ctx context.Context) error
}

// OpKind is what an Op does; each is the KV method of the same name.
type OpKind int

const (
	OpLookup OpKind = iota + 1
	OpSet
	OpSetNX
	OpIncr
	OpAddMember
	OpIsMember
)

// Op is one command of a KV.Batch: its arguments, then its results.
type Op struct {
	Kind  OpKind
	Key   string
	Value string        // OpSet, OpSetNX; the member of OpAddMember, OpIsMember
	TTL   time.Duration // OpSet, OpSetNX, OpIncr, OpAddMember

	Result string // OpLookup: the value
	Found  bool   // OpLookup: the key exists; OpSetNX: it was set; OpIsMember: the member is in the set
	N      int64  // OpIncr: the new count
	Err    error  // the server refused this op
}

// OneByOne runs ops through kv's own methods, one round trip each: a Batch
// for KVs that cannot send several commands at once (test doubles). It
// stops at the first error and returns it, as a failed round trip.
func OneByOne(ctx context.Context, kv KV, ops ...*Op) error {
	for _, op := range ops {
		switch op.Kind {
		case OpLookup:
			op.Result, op.Found, op.Err = kv.Lookup(ctx, op.Key)
		case OpSet:
			op.Err = kv.Set(ctx, op.Key, op.Value, op.TTL)
		case OpSetNX:
			op.Found, op.Err = kv.SetNX(ctx, op.Key, op.Value, op.TTL)
		case OpIncr:
			op.N, op.Err = kv.Incr(ctx, op.Key, op.TTL)
		case OpAddMember:
			op.Err = kv.AddMember(ctx, op.Key, op.Value, op.TTL)
		case OpIsMember:
			op.Found, op.Err = kv.IsMember(ctx, op.Key, op.Value)
		}
		if op.Err != nil {
			return op.Err
		}
	}
	return nil
}
