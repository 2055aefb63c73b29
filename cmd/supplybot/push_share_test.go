package main

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"supplybot/bot"
	"supplybot/store"
)

// Under a flood of incoming messages the push workers keep sending: the
// handlers are bounded (server.max_inflight) and the workers are not
// behind them (issue 8: during 400 concurrent connections the workers sent
// nothing). The flood stops once the queue is sent, or after its bound.
func TestPushesAreSentDuringAnInboundFlood(t *testing.T) {
	cfg := testConfig(t)
	cfg.Server.MaxInflight = 4
	m := mustRun(t, cfg, nil)
	const queued = 20
	for i := range queued {
		openid := "share-" + strconv.Itoa(i)
		m.Sim.Follow(openid)
		enqueue(t, m, store.OutboxItem{Key: "share-" + strconv.Itoa(i), Kind: bot.PushCustom, OpenID: openid, Text: "推送"})
	}
	sentAll := func() bool {
		for i := range queued {
			if it, err := m.Outbox.Get(context.Background(), "share-"+strconv.Itoa(i)); err != nil || it.Status != store.OutboxSent {
				return false
			}
		}
		return true
	}
	var stop atomic.Bool
	var answered, busy atomic.Int64
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 400 && !stop.Load(); n++ {
				status, reply := send(t, m, bot.ModeSafe, bot.TextXML("flood-"+strconv.Itoa(w), "帮助", msgSeq.Add(1)))
				if status == 200 {
					answered.Add(1)
				}
				if reply == bot.DefaultBusyText {
					busy.Add(1)
				}
			}
		}()
	}
	m.Pusher.Kick()
	eventually(t, "every queued push sent while the flood goes on", func() bool {
		return sentAll() || stop.Load()
	})
	flooding := answered.Load() < 32*400
	stop.Store(true)
	wg.Wait()
	if !sentAll() {
		t.Fatal("the queue was not sent")
	}
	if !flooding {
		t.Fatal("the flood ended before the queue was sent: the test proved nothing")
	}
	t.Logf("flood: %d answered (%d busy) while %d pushes went out", answered.Load(), busy.Load(), queued)
}
