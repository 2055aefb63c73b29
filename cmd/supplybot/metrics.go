package main

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"supplybot/store"
)

// outboxGauge reports how many pushes are in each outbox state when
// /metrics is scraped, so a growing backlog or a run of failures shows.
// Counting scans on the embedded store, so a count is reused for maxAge.
type outboxGauge struct {
	outbox *store.Outbox
	desc   *prometheus.Desc
	maxAge time.Duration

	mu     sync.Mutex
	at     time.Time
	counts map[string]int64
}

func newOutboxGauge(o *store.Outbox) *outboxGauge {
	return &outboxGauge{
		outbox: o,
		desc:   prometheus.NewDesc("supplybot_outbox_items", "Outbox items by status (pending, leased, held, sent, failed).", []string{"status"}, nil),
		maxAge: 10 * time.Second,
	}
}

func (g *outboxGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *outboxGauge) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.counts == nil || time.Since(g.at) > g.maxAge {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		counts, err := g.outbox.CountByStatus(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(g.desc, err)
			return
		}
		g.counts, g.at = counts, time.Now()
	}
	for status, n := range g.counts {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n), status)
	}
}
