package store

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/event"
)

// Commands counts the commands the application sends to MongoDB, by
// command name and collection ("find users"). On the embedded FerretDB
// every read scans its collection, so these counts are what the message
// path's store cost is made of; tests pin them per message, and /metrics
// publishes them.
type Commands struct {
	m sync.Map // "find users" -> *atomic.Int64
}

func (c *Commands) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, e *event.CommandStartedEvent) {
		switch e.CommandName {
		case "hello", "isMaster", "ismaster", "ping", "buildInfo", "endSessions", "saslStart", "saslContinue":
			return
		}
		key := e.CommandName
		if v, err := e.Command.LookupErr(e.CommandName); err == nil {
			if s, ok := v.StringValueOK(); ok {
				key += " " + s
			}
		}
		n, ok := c.m.Load(key)
		if !ok {
			n, _ = c.m.LoadOrStore(key, new(atomic.Int64))
		}
		n.(*atomic.Int64).Add(1)
		if cost := costOf(ctx); cost != nil {
			cost.addMongo(key)
		}
	}}
}

// Snapshot returns the counts so far.
func (c *Commands) Snapshot() map[string]int64 {
	out := map[string]int64{}
	c.m.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// Since returns what was sent after the snapshot before, sorted, e.g.
// ["find users", "update outbox"], each command once per time sent.
func (c *Commands) Since(before map[string]int64) []string {
	var out []string
	for k, n := range c.Snapshot() {
		for i := before[k]; i < n; i++ {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
