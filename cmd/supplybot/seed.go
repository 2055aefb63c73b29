package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"supplybot/handlers/parse"
	"supplybot/handlers/seed"
)

// Seed runs `seed records N`, `seed offers N` or `seed demands N` against
// the configured store: it makes the store hold at least N open seeded
// records (records: three in five offers, the rest demands), adding only
// what is missing, so a repeat adds nothing. Stop a serving instance on the
// embedded store first; it holds the files.
func (m *Main) Seed(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: supplybot seed records|offers|demands N")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 || n > 1_000_000 {
		return fmt.Errorf("seed %s: N must be a number from 0 to 1000000", args[0])
	}
	var demands, offers int
	switch args[0] {
	case "records":
		offers = n * 3 / 5
		demands = n - offers
	case "offers":
		offers = n
	case "demands":
		demands = n
	default:
		return fmt.Errorf("seed %q: want records, offers or demands", args[0])
	}
	p, err := parse.NewFromDir(m.Config.Parse.DataDir)
	if err != nil {
		return fmt.Errorf("parse.data_dir: %w", err)
	}
	if err := m.openStores(ctx, false); err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = m.Close(cctx)
	}()
	start := time.Now()
	rep, err := seed.Records(ctx, m.Mongo, p, demands, offers, time.Now(), m.Log)
	if err != nil {
		return err
	}
	m.Log.Info("seeded", "enterprises", rep.Enterprises, "enterprises_added", rep.AddedEnterprises,
		"demands_before", rep.HadDemands, "demands_added", rep.AddedDemands,
		"offers_before", rep.HadOffers, "offers_added", rep.AddedOffers, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}
