package main

import (
	"strings"
	"testing"
	"time"
)

// TestCatchUpSettings: alerts.catch_up_every and alerts.match_grace come
// from the file or the environment (the fault suite shortens them), and a
// negative one names its key.
func TestCatchUpSettings(t *testing.T) {
	c, err := LoadConfig("../../config.yaml", []string{"SUPPLYBOT_ALERTS_CATCH_UP_EVERY=300ms", "SUPPLYBOT_ALERTS_MATCH_GRACE=1s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Alerts.CatchUpEvery != 300*time.Millisecond || c.Alerts.MatchGrace != time.Second {
		t.Fatalf("got %s and %s, want 300ms and 1s", c.Alerts.CatchUpEvery, c.Alerts.MatchGrace)
	}
	_, err = LoadConfig("../../config.yaml", []string{"SUPPLYBOT_ALERTS_MATCH_GRACE=-1s"})
	if err == nil || !strings.Contains(err.Error(), "alerts.match_grace") {
		t.Fatalf("negative grace: got %v, want an error naming alerts.match_grace", err)
	}
}
