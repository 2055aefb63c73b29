package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// memKV is an in-memory KV for the engine's unit tests; the real Redis
// implementation is exercised by the end-to-end tests in cmd/supplybot.
type memKV struct {
	mu   sync.Mutex
	m    map[string]string
	sets map[string]map[string]struct{}
	exp  map[string]time.Time
	fail error // when set, every call fails with it
	// hang, when set, makes SetNX of dedupe marks (dd:…) wait for its
	// context to end, as a Redis that accepts the connection and never
	// answers would.
	hang atomic.Bool
	// delay, when set, makes every SetNX take that long (or fail when its
	// context ends first), as a loaded Redis would.
	delay time.Duration
	// onMark, when set, runs at the start of every SetNX of a dedupe mark.
	onMark func()
}

func newMemKV() *memKV {
	return &memKV{m: map[string]string{}, sets: map[string]map[string]struct{}{}, exp: map[string]time.Time{}}
}

func (k *memKV) live(key string) (string, bool) {
	if t, ok := k.exp[key]; ok && time.Now().After(t) {
		delete(k.m, key)
		delete(k.sets, key)
		delete(k.exp, key)
	}
	v, ok := k.m[key]
	return v, ok
}

func (k *memKV) set(key, v string, ttl time.Duration) {
	k.m[key] = v
	if ttl > 0 {
		k.exp[key] = time.Now().Add(ttl)
	} else {
		delete(k.exp, key)
	}
}

func (k *memKV) Lookup(_ context.Context, key string) (string, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return "", false, k.fail
	}
	v, ok := k.live(key)
	return v, ok, nil
}

func (k *memKV) Set(_ context.Context, key, v string, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	k.set(key, v, ttl)
	return nil
}

func (k *memKV) SetNX(ctx context.Context, key, v string, ttl time.Duration) (bool, error) {
	if k.onMark != nil && strings.HasPrefix(key, "dd:") {
		k.onMark()
	}
	if k.hang.Load() && strings.HasPrefix(key, "dd:") {
		<-ctx.Done()
		return false, ctx.Err()
	}
	if k.delay > 0 {
		select {
		case <-time.After(k.delay):
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return false, k.fail
	}
	if _, ok := k.live(key); ok {
		return false, nil
	}
	k.set(key, v, ttl)
	return true, nil
}

func (k *memKV) Del(_ context.Context, keys ...string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, key := range keys {
		delete(k.m, key)
		delete(k.sets, key)
	}
	return k.fail
}

func (k *memKV) DelIfEqual(_ context.Context, key, v string) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if cur, ok := k.live(key); ok && cur == v {
		delete(k.m, key)
		return true, nil
	}
	return false, k.fail
}

func (k *memKV) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cur, ok := k.live(key)
	n, _ := strconv.ParseInt(cur, 10, 64)
	n++
	if !ok {
		k.set(key, strconv.FormatInt(n, 10), ttl)
	} else {
		k.m[key] = strconv.FormatInt(n, 10)
	}
	return n, k.fail
}

func (k *memKV) AddMember(_ context.Context, key, member string, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	k.live(key)
	s := k.sets[key]
	if s == nil {
		s = map[string]struct{}{}
		k.sets[key] = s
	}
	s[member] = struct{}{}
	if ttl > 0 {
		k.exp[key] = time.Now().Add(ttl)
	}
	return nil
}

func (k *memKV) IsMember(_ context.Context, key, member string) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return false, k.fail
	}
	k.live(key)
	_, ok := k.sets[key][member]
	return ok, nil
}

func (k *memKV) Ping(context.Context) error { return k.fail }

var errKVDown = errors.New("connection refused")

func (k *memKV) Batch(ctx context.Context, ops ...*Op) error { return OneByOne(ctx, k, ops...) }
