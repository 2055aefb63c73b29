package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"supplybot/handlers/alerts"
	"supplybot/handlers/parse"
	"supplybot/store"
)

// AlertsPart is the matching and alerting service of a Main.
type AlertsPart struct {
	// Config, set before Run, overrides the service's defaults (tests set
	// the clock, the daily cap, the sweep); TemplateID defaults to
	// wechat.templates.match.
	Config alerts.Config
	// Service is running after Run.
	Service *alerts.Service
}

// startAlerts loads the matching engine, starts the matching workers and
// the lifecycle sweeper and adds the chat commands of alerts,
// subscriptions and contacts to the router. They push through the Main's
// notify API; the push workers deliver what it queues in the outbox.
func (m *Main) startAlerts(ctx context.Context, p *parse.Parser) error {
	cfg := m.Alerts.Config
	if cfg.TemplateID == "" {
		cfg.TemplateID = m.Config.WeChat.Templates.Match
	}
	if cfg.DailyCap == 0 {
		cfg.DailyCap = m.Config.Alerts.DailyCap
	}
	if cfg.QuietFrom == 0 && cfg.QuietTo == 0 && !cfg.NoQuietHours {
		cfg.QuietFrom, cfg.QuietTo, cfg.NoQuietHours, _ = m.Config.quietHours() // checked by Validate
	}
	if cfg.SyncEvery == 0 {
		cfg.SyncEvery = m.Config.Alerts.CatchUpEvery
	}
	if cfg.MatchGrace == 0 {
		cfg.MatchGrace = m.Config.Alerts.MatchGrace
	}
	if cfg.DigestAt == 0 {
		cfg.DigestAt, _ = clockTime(m.Config.Alerts.DigestAt)
	}
	if cfg.RecordURL == nil {
		base := strings.TrimRight(m.Config.Server.PublicURL, "/")
		if base == "" && m.Sim != nil {
			base = m.URL() // the simulator's links open on this machine
		}
		if base != "" {
			cfg.RecordURL = func(no string) string { return base + "/r/" + url.PathEscape(no) }
		}
	}
	svc := alerts.New(cfg, alerts.Deps{Mongo: m.Mongo, Notify: m.notifier, Parser: p, Log: m.Log})
	if err := svc.Start(ctx); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	m.Alerts.Service = svc
	return nil
}

// stopAlerts drains the matching queue; Close must call it before it stops
// the push workers and closes the stores.
func (m *Main) stopAlerts(ctx context.Context) error {
	if m.Alerts.Service == nil {
		return nil
	}
	if err := m.Alerts.Service.Shutdown(ctx); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	return nil
}

// postEvents hands the conversation's saved and closed records to the
// alerts service (handlers.Deps.Events). It may be built before the
// service runs: records saved before are not matched.
type postEvents struct{ m *Main }

func (e postEvents) PostSaved(ctx context.Context, p store.Post) {
	if s := e.m.Alerts.Service; s != nil {
		s.PostSaved(ctx, p)
	}
}

func (e postEvents) PostClosed(ctx context.Context, p store.Post) {
	if s := e.m.Alerts.Service; s != nil {
		s.PostClosed(ctx, p)
	}
}

// Search answers searches from the records the alerts service holds
// (handlers.Deps.Index); before it runs, the store answers.
func (e postEvents) Search(kind string, q store.SearchQuery) (store.SearchResult, bool) {
	if s := e.m.Alerts.Service; s != nil {
		return s.Search(kind, q), true
	}
	return store.SearchResult{}, false
}
