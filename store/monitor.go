package store

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// Commands counts the commands the application sends to MongoDB, by
// command name and collection, marked when selecting by a lone _id ("find
// users", "update offers by _id"). On the embedded FerretDB
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
		if byLoneID(e.Command) {
			key += " by _id"
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

// byLoneID reports whether cmd (a find, or a single update or delete)
// selects by a lone _id equal to a value: the only filter FerretDB serves
// from an index.
func byLoneID(cmd bson.Raw) bool {
	filter, ok := cmd.Lookup("filter").DocumentOK()
	if !ok {
		for _, path := range [][]string{{"updates", "0", "q"}, {"deletes", "0", "q"}} {
			if filter, ok = cmd.Lookup(path...).DocumentOK(); ok {
				break
			}
		}
	}
	if !ok {
		return false
	}
	elems, err := filter.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return false
	}
	_, isDoc := elems[0].Value().DocumentOK()
	return !isDoc
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
