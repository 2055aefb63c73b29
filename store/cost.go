package store

import (
	"context"
	"sort"
	"sync"
)

// Cost is what the work done under one context asked of the stores: the
// MongoDB commands ("find users") and the Redis round trips. Attach one
// with CountCost; the clients' monitors add to the Cost of the context of
// each call. Tests pin the cost of a message this way, unaffected by the
// background loops sharing the clients.
type Cost struct {
	mu         sync.Mutex
	mongo      []string
	redisTrips []string
}

type costKey struct{}

// CountCost returns ctx with a new Cost attached.
func CountCost(ctx context.Context) (context.Context, *Cost) {
	c := &Cost{}
	return context.WithValue(ctx, costKey{}, c), c
}

func costOf(ctx context.Context) *Cost {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(costKey{}).(*Cost)
	return c
}

// Mongo returns the MongoDB commands counted, sorted.
func (c *Cost) Mongo() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]string(nil), c.mongo...)
	sort.Strings(out)
	return out
}

// RedisTrips returns the Redis round trips counted, each as the commands
// sent in it ("get", "set+get+get+evalsha").
func (c *Cost) RedisTrips() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.redisTrips...)
}

func (c *Cost) addMongo(cmd string) {
	c.mu.Lock()
	c.mongo = append(c.mongo, cmd)
	c.mu.Unlock()
}

func (c *Cost) addTrip(cmds string) {
	c.mu.Lock()
	c.redisTrips = append(c.redisTrips, cmds)
	c.mu.Unlock()
}
