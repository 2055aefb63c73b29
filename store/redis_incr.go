package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
	"github.com/go-redis/redis/v8"

	"supplybot/bot"
)

// incrWithExpiry increments KEYS[1] unless the server's clock is past
// ARGV[2] (unix ms): a command that reaches Redis after its caller gave up
// — queued in the socket while the server hung — must not count. A
// counter the increment created (1) has no expiry yet and is given one
// without asking; an older one is asked, so that one left without expiry
// gets it back (most increments of the rate limit create theirs).
var incrWithExpiry = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call("TIME")
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[2]) then
  return tonumber(redis.call("GET", KEYS[1]) or "0")
end
local n = redis.call("INCR", KEYS[1])
if n == 1 or redis.call("PTTL", KEYS[1]) < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
end
return n`)

// The embedded Redis (miniredis) builds a new Lua interpreter for every
// script it runs, which made the rate limit the most expensive thing a
// message did there; it runs the same increment as a command of its own,
// nativeIncr, registered by StartEmbeddedRedis. OpenRedis asks for
// nativeHello to learn which one it talks to.
const (
	nativeHello = "SUPPLYBOT.HELLO"
	nativeIncr  = "SUPPLYBOT.INCR" // key ttl-ms give-up-unix-ms
)

// registerNative adds the embedded server's own commands.
func registerNative(m *miniredis.Miniredis) error {
	srv := m.Server()
	if err := srv.Register(nativeHello, func(c *server.Peer, _ string, _ []string) { c.WriteOK() }); err != nil {
		return err
	}
	return srv.Register(nativeIncr, func(c *server.Peer, cmd string, args []string) {
		if len(args) != 3 {
			c.WriteError("ERR wrong number of arguments for '" + cmd + "'")
			return
		}
		ttl, err1 := strconv.ParseInt(args[1], 10, 64)
		giveUp, err2 := strconv.ParseInt(args[2], 10, 64)
		if err1 != nil || err2 != nil {
			c.WriteError("ERR value is not an integer or out of range")
			return
		}
		key := args[0]
		if time.Now().UnixMilli() > giveUp {
			v, _ := m.Get(key)
			n, _ := strconv.ParseInt(v, 10, 64)
			c.WriteInt(int(n))
			return
		}
		n, err := m.Incr(key, 1)
		if err != nil {
			c.WriteError(err.Error())
			return
		}
		if m.TTL(key) <= 0 {
			m.SetTTL(key, time.Duration(ttl)*time.Millisecond)
		}
		c.WriteInt(n)
	})
}

// clockSkew is how far the clocks of this host and Redis may differ
// before a late increment is told from a timely one.
const clockSkew = 500 * time.Millisecond

// incrArgs are the arguments of an increment of k sent now under ctx.
func (r *Redis) incrArgs(ctx context.Context, k string, ttl time.Duration) (key string, ttlMS, giveUpMS int64) {
	giveUp := time.Now().Add(r.c.Options().WriteTimeout + r.c.Options().ReadTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(giveUp) {
		giveUp = d
	}
	return r.Key(k), ttl.Milliseconds(), giveUp.Add(clockSkew).UnixMilli()
}

// Incr increments the counter k, giving it an expiry of ttl when it has
// none, and returns the new value. An increment that reaches the server
// after the caller stopped waiting for it (ctx's deadline or the client's
// timeouts) is not applied.
func (r *Redis) Incr(ctx context.Context, k string, ttl time.Duration) (int64, error) {
	key, ttlMS, giveUp := r.incrArgs(ctx, k, ttl)
	if r.native {
		return r.c.Do(ctx, nativeIncr, key, ttlMS, giveUp).Int64()
	}
	return incrWithExpiry.Run(ctx, r.c, []string{key}, ttlMS, giveUp).Int64()
}

// maxBatchBytes bounds the keys and values of one pipeline. Over an
// in-process pipe to the embedded server (EmbeddedRedis.Dial), whose
// buffers are pipeBuffer each way, a pipeline whose commands and replies
// both outgrow them would stall; a larger batch (none is sent today: a
// message's batches carry a few small keys and a reply of at most 2 KB)
// goes a command at a time.
const maxBatchBytes = pipeBuffer / 2

// Batch sends ops in one pipeline (one round trip; not a transaction),
// shared with the batches of other callers sent at the same time
// (redis_coalesce.go). An increment whose script the server no longer
// holds (it restarted) carries a NOSCRIPT error; Incr loads the script
// again.
func (r *Redis) Batch(ctx context.Context, ops ...*bot.Op) error {
	size := 0
	for _, op := range ops {
		size += len(op.Key) + len(op.Value)
	}
	if size > maxBatchBytes {
		return bot.OneByOne(ctx, r, ops...)
	}
	return r.co.do(ctx, ops, size)
}

// pipeline sends ops in one pipeline under ctx; giveUps holds each
// increment's give-up time (incrArgs).
func (r *Redis) pipeline(ctx context.Context, ops []*bot.Op, giveUps []int64) error {
	cmds := make([]redis.Cmder, len(ops))
	var expires map[int]*redis.BoolCmd // OpAddMember's PEXPIRE, by op
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, op := range ops {
			switch op.Kind {
			case bot.OpLookup:
				cmds[i] = p.Get(ctx, r.Key(op.Key))
			case bot.OpSet:
				cmds[i] = p.Set(ctx, r.Key(op.Key), op.Value, op.TTL)
			case bot.OpSetNX:
				cmds[i] = p.SetNX(ctx, r.Key(op.Key), op.Value, op.TTL)
			case bot.OpIncr:
				key, ttlMS := r.Key(op.Key), op.TTL.Milliseconds()
				if r.native {
					cmds[i] = p.Do(ctx, nativeIncr, key, ttlMS, giveUps[i])
				} else {
					cmds[i] = incrWithExpiry.EvalSha(ctx, p, []string{key}, ttlMS, giveUps[i])
				}
			case bot.OpAddMember:
				key := r.Key(op.Key)
				cmds[i] = p.SAdd(ctx, key, op.Value)
				if op.TTL > 0 {
					if expires == nil {
						expires = map[int]*redis.BoolCmd{}
					}
					expires[i] = p.PExpire(ctx, key, op.TTL)
				}
			case bot.OpIsMember:
				cmds[i] = p.SIsMember(ctx, r.Key(op.Key), op.Value)
			default:
				return errors.New("store: unknown batch op")
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) && !isServerError(err) {
		return err
	}
	for i, op := range ops {
		switch c := cmds[i].(type) {
		case *redis.StringCmd:
			op.Result, op.Err = c.Result()
			op.Found = op.Err == nil
			if errors.Is(op.Err, redis.Nil) {
				op.Err = nil
			}
		case *redis.StatusCmd:
			op.Err = c.Err()
		case *redis.BoolCmd:
			op.Found, op.Err = c.Result()
		case *redis.Cmd:
			op.N, op.Err = c.Int64()
		case *redis.IntCmd: // SADD
			op.Err = c.Err()
			if e := expires[i]; e != nil && op.Err == nil {
				op.Err = e.Err()
			}
		}
	}
	return nil
}

// isServerError reports whether err is an error reply of the server (one
// command refused) rather than a failed round trip.
func isServerError(err error) bool {
	var e redis.Error
	return errors.As(err, &e)
}
