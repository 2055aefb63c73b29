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
	Ping(ctx context.Context) error
}
