package main

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
)

// WeChat may deliver the retries of one push to different instances behind
// a load balancer; the dedupe in Redis must hold across them.
func TestRetriesAcrossInstancesRunHandlerOnce(t *testing.T) {
	cfg := testConfig(t)
	a := mustRun(t, cfg, nil)
	b := mustRun(t, cfg, a.Sim) // same database, Redis prefix and simulated WeChat
	var runs atomic.Int32
	slow := func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		runs.Add(1)
		time.Sleep(300 * time.Millisecond)
		return bot.Text("只回一次"), nil
	}
	a.Router.Exact(slow, "一次")
	b.Router.Exact(slow, "一次")

	body := bot.TextXML("multi-instance", "一次", 31337)
	var wg sync.WaitGroup
	replies := make([]string, 4)
	for i, m := range []*Main{a, b, a, b} {
		wg.Add(1)
		go func(i int, m *Main) {
			defer wg.Done()
			_, replies[i] = send(t, m, bot.ModeSafe, body)
		}(i, m)
	}
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Fatalf("handler ran %d times across two instances, want 1", n)
	}
	for i, r := range replies {
		if r != "只回一次" {
			t.Errorf("delivery %d: got %q, want the reply", i, r)
		}
	}
	if n := len(pushes(t, a, "multi-instance")); n != 0 {
		t.Fatalf("customer-service follow-ups: got %d, want 0", n)
	}
}
