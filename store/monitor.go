package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// costMonitor adds each command sent to MongoDB to the Cost of its
// context (CountCost), as its name and collection, marked when it selects
// by a lone _id ("find users", "update offers by _id"): tests pin a
// message's store cost with it.
func costMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, e *event.CommandStartedEvent) {
		cost := costOf(ctx)
		if cost == nil {
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
		cost.addMongo(key)
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
