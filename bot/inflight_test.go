package bot

import (
	"sort"
	"testing"
	"time"
)

// TestKeysLeftPerPush: a reply in time leaves one key for the dedupe
// window (its done mark); only a reply late for its request leaves a
// deliverer claim beside it. Every key a push leaves stays in Redis for
// ten minutes, and their number is what slows the embedded Redis down
// (BenchmarkEmbeddedRedisAged).
func TestKeysLeftPerPush(t *testing.T) {
	keys := func(h *harness) []string {
		h.kv.mu.Lock()
		defer h.kv.mu.Unlock()
		var ks []string
		for k := range h.kv.m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	h := newHarness(t, GatewayConfig{Mode: ModeSafe}, 0)
	if status, reply := h.post(t, ModeSafe, TextXML("u-keys", "帮助", 7)); status != 200 || reply != "echo:帮助" {
		t.Fatalf("push: %d %q", status, reply)
	}
	if got := keys(h); len(got) != 1 || got[0] != "dd:m:u-keys:7" {
		t.Fatalf("a reply in time left %q, want only its done mark", got)
	}

	late := newHarness(t, GatewayConfig{Mode: ModeSafe, Deadline: 50 * time.Millisecond}, 200*time.Millisecond)
	if status, reply := late.post(t, ModeSafe, TextXML("u-keys", "帮助", 8)); status != 200 || reply != "" {
		t.Fatalf("late push: %d %q", status, reply)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(late.followUps()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := keys(late); len(got) != 2 || got[0] != "dd:m:u-keys:8" || got[1] != "dl:m:u-keys:8" {
		t.Fatalf("a late reply left %q, want its done mark and its deliverer claim", got)
	}
	if f := late.followUps(); len(f) != 1 {
		t.Fatalf("follow-ups %q, want one", f)
	}
}
