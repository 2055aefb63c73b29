package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// showUsage lists what `supplybot show` prints.
const showUsage = "usage: supplybot show demands|offers|enterprises|matches [N]"

// Show prints the newest N documents of a collection as JSON lines, for a
// look into the data on a machine that has only Go: records as their JSON
// view (no openid, no raw text), enterprises with their mobiles masked.
// With the embedded store it reads through a running server's embedded
// FerretDB when one listens, else it opens the data directory itself.
func (m *Main) Show(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || len(args) > 2 {
		return fmt.Errorf("%s", showUsage)
	}
	n := 20
	if len(args) == 2 {
		v, err := strconv.Atoi(args[1])
		if err != nil || v < 1 || v > 1000 {
			return fmt.Errorf("show: N must be a number from 1 to 1000, got %q", args[1])
		}
		n = v
	}
	mg, closeStore, err := m.openForShow(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	now := time.Now()
	switch args[0] {
	case "demands", "offers":
		kind := store.KindDemand
		if args[0] == "offers" {
			kind = store.KindOffer
		}
		ps, _, err := mg.Posts(kind).List(ctx, store.PostFilter{Limit: n})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := enc.Encode(record.NewView(p, now)); err != nil {
				return err
			}
		}
	case "enterprises":
		es, _, err := mg.Enterprises().List(ctx, store.EnterpriseFilter{Limit: n})
		if err != nil {
			return err
		}
		for _, e := range es {
			for i := range e.Contacts {
				e.Contacts[i].Mobile = maskMobile(e.Contacts[i].Mobile)
			}
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
	case "matches":
		ms, err := mg.Matches().List(ctx, n)
		if err != nil {
			return err
		}
		for _, x := range ms {
			if err := enc.Encode(x); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("show: unknown collection %q; %s", args[0], showUsage)
	}
	return nil
}

// openForShow connects to the configured MongoDB; for the embedded store,
// to a running server's FerretDB or to the data directory's.
func (m *Main) openForShow(ctx context.Context) (*store.Mongo, func(), error) {
	cfg := m.Config
	uri := cfg.Mongo.URI
	var stop func()
	if uri == embedded {
		uri = "mongodb://" + cfg.Mongo.EmbeddedListen + "/"
		octx, cancel := context.WithTimeout(ctx, 2*time.Second)
		mg, err := store.OpenMongo(octx, uri, cfg.Mongo.Database)
		cancel()
		if err == nil {
			return mg, func() { mg.Close(context.Background()) }, nil
		}
		e, err := store.StartEmbeddedMongo(filepath.Join(cfg.DataDir, "mongo"), "127.0.0.1:0", m.Log)
		if err != nil {
			return nil, nil, fmt.Errorf("mongo: open %s: %w", filepath.Join(cfg.DataDir, "mongo"), err)
		}
		uri, stop = e.URI(), e.Close
	}
	octx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	mg, err := store.OpenMongo(octx, uri, cfg.Mongo.Database)
	if err != nil {
		if stop != nil {
			stop()
		}
		return nil, nil, fmt.Errorf("mongo.uri: cannot reach MongoDB: %w", err)
	}
	return mg, func() {
		mg.Close(context.Background())
		if stop != nil {
			stop()
		}
	}, nil
}

// maskMobile keeps the first three and last four digits.
func maskMobile(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:3] + "****" + s[7:]
}
