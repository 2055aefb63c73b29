package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"supplybot/bot"
	"supplybot/handlers/broadcast"
	"supplybot/handlers/parse"
)

// BroadcastPart is the task force's broadcasts of a Main.
type BroadcastPart struct {
	// Config, set before Run, overrides what config.yaml says (tests set
	// the lease, the poll and the waits).
	Config broadcast.Config
	// Service is running after Run.
	Service *broadcast.Service

	stop context.CancelFunc
	done chan struct{}
}

// isMember reports whether openid is in the task force (admin.openids).
func (m *Main) isMember(_ context.Context, openid string) bool {
	return openid != "" && slices.Contains(m.Config.Admin.OpenIDs, openid)
}

// startBroadcast builds the broadcasts and starts their runner; Close
// stops it (stopBroadcast) before the stores close.
func (m *Main) startBroadcast(p *parse.Parser) *broadcast.Service {
	cfg := m.Broadcast.Config
	bc := m.Config.Broadcast
	if !cfg.NoMass {
		cfg.NoMass = bc.NoMass
	}
	if cfg.MassPerMinute == 0 {
		cfg.MassPerMinute = bc.MassPerMinute
	}
	if cfg.MinMass == 0 {
		cfg.MinMass = bc.MinMass
	}
	if cfg.PushPerSecond == 0 {
		cfg.PushPerSecond = float64(bc.PushPerSecond)
	}
	if cfg.Admins == nil {
		cfg.Admins = m.Config.Admin.OpenIDs
	}
	svc := broadcast.New(cfg, broadcast.Deps{
		Store: m.Mongo.Broadcasts(), Mass: m.Client, Notify: m.notifier, Outbox: m.Outbox, Parser: p,
		IsMember: m.isMember, Log: m.Log,
	})
	m.Broadcast.Service = svc
	if m.ConsoleBroadcasts == nil {
		m.ConsoleBroadcasts = consoleBroadcasts{svc} // the console's front end of the same service
	}
	if m.Sim != nil {
		// The simulated WeChat pushes MASSSENDJOBFINISH to this server.
		m.Sim.SetEventSink(m.simEvent, 200*time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.Broadcast.stop, m.Broadcast.done = cancel, make(chan struct{})
	go func() {
		defer close(m.Broadcast.done)
		svc.Run(ctx)
	}()
	return svc
}

// stopBroadcast stops the runner; a job it was sending is taken over by
// the next runner (here after a restart, or another instance).
func (m *Main) stopBroadcast(ctx context.Context) error {
	if m.Broadcast.stop == nil {
		return nil
	}
	m.Broadcast.stop()
	select {
	case <-m.Broadcast.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("broadcast runner: %w", ctx.Err())
	}
}

// simEvent posts an event of the simulated WeChat to the gateway, signed
// as WeChat signs it.
func (m *Main) simEvent(ctx context.Context, body []byte) error {
	signer := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey}
	if signer.EncodingAESKey != "" {
		signer.Mode = bot.ModeSafe
	}
	req, err := signer.Request("/wechat", body)
	if err != nil {
		return err
	}
	rec := newRecorder()
	m.Gateway.ServeHTTP(rec, req.WithContext(ctx))
	if rec.status != http.StatusOK {
		return fmt.Errorf("gateway answered %d", rec.status)
	}
	return nil
}
