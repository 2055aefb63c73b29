package bot

import (
	"sort"
	"testing"
	"time"
)

// TestKeysLeftPerPush: a reply in time leaves its done mark, a few bytes,
// for the dedupe window, and its reply beside it for ReplyTTL only; only a
// reply late for its request leaves a deliverer claim too. The keys a
// push leaves are what the embedded Redis holds in memory, and their
// number is what slows it down (BenchmarkEmbeddedRedisAged): with the
// reply in the mark, ten minutes of 帮助 at 300 messages/s would keep
// 180,000 replies.
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
	start := time.Now()
	if status, reply := h.post(t, ModeSafe, TextXML("u-keys", "帮助", 7)); status != 200 || reply != "echo:帮助" {
		t.Fatalf("push: %d %q", status, reply)
	}
	if got := keys(h); len(got) != 2 || got[0] != "dd:m:u-keys:7" || got[1] != "dr:m:u-keys:7" {
		t.Fatalf("a reply in time left %q, want its done mark and its reply", got)
	}
	h.kv.mu.Lock()
	mark, markExp, reply, replyExp := h.kv.m["dd:m:u-keys:7"], h.kv.exp["dd:m:u-keys:7"], h.kv.m["dr:m:u-keys:7"], h.kv.exp["dr:m:u-keys:7"]
	h.kv.mu.Unlock()
	if mark != doneMark || reply != "echo:帮助" {
		t.Errorf("mark %q, reply %q", mark, reply)
	}
	if w := start.Add(10 * time.Minute); markExp.Before(w) || markExp.After(w.Add(5*time.Second)) {
		t.Errorf("the mark expires %v after the push, want the dedupe window (10 min)", markExp.Sub(start))
	}
	if w := start.Add(30 * time.Second); replyExp.Before(w) || replyExp.After(w.Add(5*time.Second)) {
		t.Errorf("the reply expires %v after the push, want ReplyTTL (30 s)", replyExp.Sub(start))
	}

	late := newHarness(t, GatewayConfig{Mode: ModeSafe, Deadline: 50 * time.Millisecond}, 200*time.Millisecond)
	if status, reply := late.post(t, ModeSafe, TextXML("u-keys", "帮助", 8)); status != 200 || reply != "" {
		t.Fatalf("late push: %d %q", status, reply)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(late.followUps()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := keys(late); len(got) != 3 || got[0] != "dd:m:u-keys:8" || got[1] != "dl:m:u-keys:8" || got[2] != "dr:m:u-keys:8" {
		t.Fatalf("a late reply left %q, want its done mark, its deliverer claim and its reply", got)
	}
	if f := late.followUps(); len(f) != 1 {
		t.Fatalf("follow-ups %q, want one", f)
	}
}

// TestRetryOnceTheReplyIsGone: a retry after ReplyTTL finds the push done
// and runs nothing again (the mark holds for the dedupe window), answering
// "success"; a done record written before replies were kept apart still
// gives its reply.
func TestRetryOnceTheReplyIsGone(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, ReplyTTL: 100 * time.Millisecond}, 0)
	body := TextXML("u-gone", "帮助", 9)
	if _, reply := h.post(t, ModeSafe, body); reply != "echo:帮助" {
		t.Fatalf("push: %q", reply)
	}
	if _, reply := h.post(t, ModeSafe, body); reply != "echo:帮助" {
		t.Fatalf("retry within ReplyTTL: %q, want the reply", reply)
	}
	time.Sleep(200 * time.Millisecond)
	if status, reply := h.post(t, ModeSafe, body); status != 200 || reply != "" || h.calls.Load() != 1 {
		t.Fatalf("retry after ReplyTTL: %d %q after %d handler runs, want success and one run", status, reply, h.calls.Load())
	}

	h.kv.mu.Lock()
	h.kv.set("dd:m:u-old:10", `{"s":"done","r":"earlier reply"}`, time.Minute)
	h.kv.mu.Unlock()
	if _, reply := h.post(t, ModeSafe, TextXML("u-old", "帮助", 10)); reply != "earlier reply" || h.calls.Load() != 1 {
		t.Fatalf("retry of a push recorded the old way: %q after %d runs", reply, h.calls.Load())
	}
}
