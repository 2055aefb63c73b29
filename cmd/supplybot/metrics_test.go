package main

import (
	"strings"
	"testing"

	"supplybot/bot"
	"supplybot/store"
)

// TestOutboxBacklogInMetrics: /metrics shows the outbox by status.
func TestOutboxBacklogInMetrics(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	stopMainPusher(m)
	for _, k := range []string{"m1", "m2"} {
		enqueue(t, m, store.OutboxItem{Key: k, Kind: bot.PushCustom, OpenID: "u", Text: k})
	}
	_, body := get(t, m.URL()+"/metrics")
	if !strings.Contains(body, `supplybot_outbox_items{status="pending"} 2`) {
		t.Fatalf("metrics lack the pending backlog:\n%s", grepLines(body, "supplybot_outbox"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
