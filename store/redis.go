package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/go-redis/redis/v8"

	"supplybot/bot"
)

// RedisOptions select the Redis server and the key prefix every key of this
// application carries (so tests and tenants can share one server).
type RedisOptions struct {
	Addr     string
	Password string
	DB       int
	TLS      bool
	Prefix   string // default "sb:"
	// Dialer, when set, opens the connections instead of TCP to Addr
	// (EmbeddedRedis.Dial).
	Dialer func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Redis is the one Redis connection pool of the process. It serves sessions,
// dedupe marks, rate limits and (through Client) the SDK's token cache.
type Redis struct {
	c      *redis.Client
	prefix string
	// native: the server is the embedded one, which increments a rate
	// counter with a command of its own instead of a script (redis_incr.go).
	native bool
	co     *coalescer // sends Batch
}

// OpenRedis connects and pings within ctx.
func OpenRedis(ctx context.Context, o RedisOptions) (*Redis, error) {
	opts := &redis.Options{
		Addr:         o.Addr,
		Password:     o.Password,
		DB:           o.DB,
		DialTimeout:  2 * time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
		Dialer:       o.Dialer,
	}
	if o.TLS {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if o.Prefix == "" {
		o.Prefix = "sb:"
	}
	r := &Redis{c: redis.NewClient(opts), prefix: o.Prefix}
	r.c.AddHook(costHook{})
	if err := r.Ping(ctx); err != nil {
		r.c.Close()
		return nil, fmt.Errorf("redis %s: %w", o.Addr, err)
	}
	r.native = r.c.Do(ctx, nativeHello).Err() == nil
	r.co = newCoalescer(r, coalesceSenders)
	return r, nil
}

// Client is the underlying go-redis client, for the WeChat SDK's cache.
func (r *Redis) Client() *redis.Client { return r.c }

// Key returns k with the application prefix.
func (r *Redis) Key(k string) string { return r.prefix + k }

// Ping checks the server answers.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// Close closes the pool.
func (r *Redis) Close() error {
	r.co.close()
	return r.c.Close()
}

// Get returns the value of k, or ErrNotFound.
func (r *Redis) Get(ctx context.Context, k string) (string, error) {
	v, err := r.c.Get(ctx, r.Key(k)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	return v, err
}

// Set stores v under k for ttl (0 = no expiry).
func (r *Redis) Set(ctx context.Context, k, v string, ttl time.Duration) error {
	return r.c.Set(ctx, r.Key(k), v, ttl).Err()
}

// SetNX stores v under k only if k does not exist; it reports whether it did.
func (r *Redis) SetNX(ctx context.Context, k, v string, ttl time.Duration) (bool, error) {
	return r.c.SetNX(ctx, r.Key(k), v, ttl).Result()
}

// SetXX replaces the value of k only if k exists; it reports whether it did.
func (r *Redis) SetXX(ctx context.Context, k, v string, ttl time.Duration) (bool, error) {
	return r.c.SetXX(ctx, r.Key(k), v, ttl).Result()
}

// Del removes keys.
func (r *Redis) Del(ctx context.Context, keys ...string) error {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.Key(k)
	}
	return r.c.Del(ctx, full...).Err()
}

var compareAndDelete = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)

// DelIfEqual removes k only while it still holds v (a lock release or a
// stale token drop that must not remove a newer value). It reports whether
// it removed the key.
func (r *Redis) DelIfEqual(ctx context.Context, k, v string) (bool, error) {
	n, err := compareAndDelete.Run(ctx, r.c, []string{r.Key(k)}, v).Int()
	return n == 1, err
}

// AddMember adds m to the set k and makes the set expire ttl from now
// (0 leaves its expiry as it is), in one round trip: the batch's own
// commands (pipeline).
func (r *Redis) AddMember(ctx context.Context, k, m string, ttl time.Duration) error {
	op := &bot.Op{Kind: bot.OpAddMember, Key: k, Value: m, TTL: ttl}
	if err := r.pipeline(ctx, []*bot.Op{op}, []int64{0}); err != nil {
		return err
	}
	return op.Err
}

// IsMember reports whether m is in the set k.
func (r *Redis) IsMember(ctx context.Context, k, m string) (bool, error) {
	return r.c.SIsMember(ctx, r.Key(k), m).Result()
}

// Lookup returns the value of k and whether it exists.
func (r *Redis) Lookup(ctx context.Context, k string) (string, bool, error) {
	v, err := r.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return "", false, nil
	}
	return v, err == nil, err
}

// costHook adds each request sent to the server (a command, or a
// pipeline of them) to the Cost of its context (CountCost).
type costHook struct{}

func (costHook) BeforeProcess(ctx context.Context, cmd redis.Cmder) (context.Context, error) {
	addTrip(ctx, cmd)
	return ctx, nil
}

func (costHook) AfterProcess(context.Context, redis.Cmder) error { return nil }

func (costHook) BeforeProcessPipeline(ctx context.Context, cmds []redis.Cmder) (context.Context, error) {
	addTrip(ctx, cmds...)
	return ctx, nil
}

func (costHook) AfterProcessPipeline(context.Context, []redis.Cmder) error { return nil }

func addTrip(ctx context.Context, cmds ...redis.Cmder) {
	c := costOf(ctx)
	if c == nil {
		return
	}
	names := make([]string, len(cmds))
	for i, cmd := range cmds {
		names[i] = cmd.Name()
	}
	c.addTrip(strings.Join(names, "+"))
}
