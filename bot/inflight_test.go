package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKeysLeftPerPush: a reply in time leaves its done mark, which holds
// the reply, for ReplyTTL, and its id in the set of its minute for the
// dedupe window; only a reply late for its request leaves a deliverer
// claim too. The keys a push leaves are what the embedded Redis holds in
// memory, and their number is what slows it down
// (BenchmarkEmbeddedRedisAged): with a mark of its own for the window,
// ten minutes of 帮助 at 300 messages/s kept 180,000 keys.
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
	if got := keys(h); len(got) != 1 || got[0] != "dd:m:u-keys:7" {
		t.Fatalf("a reply in time left %q, want its done mark, with the reply, only", got)
	}
	h.kv.mu.Lock()
	mark, markExp := h.kv.m["dd:m:u-keys:7"], h.kv.exp["dd:m:u-keys:7"]
	sets := map[string]map[string]struct{}{}
	setExp := map[string]time.Time{}
	for k, s := range h.kv.sets {
		sets[k], setExp[k] = s, h.kv.exp[k]
	}
	h.kv.mu.Unlock()
	if mark != `{"s":"done","r":"echo:帮助"}` {
		t.Errorf("mark %q, want done with the reply", mark)
	}
	if w := start.Add(30 * time.Second); markExp.Before(w) || markExp.After(w.Add(5*time.Second)) {
		t.Errorf("the mark expires %v after the push, want ReplyTTL (30 s)", markExp.Sub(start))
	}
	if len(sets) != 1 {
		t.Fatalf("done sets %v, want one", sets)
	}
	for set, ids := range sets {
		minute, err := strconv.ParseInt(strings.TrimPrefix(set, "dn:"), 10, 64)
		if _, ok := ids[doneID("m:u-keys:7")]; err != nil || minute < start.Unix()/60 || minute > time.Now().Unix()/60 || len(ids) != 1 || !ok {
			t.Fatalf("done set %s holds %v, want the push's minute holding its id", set, ids)
		}
		// The push was created now: the set lives the dedupe window after
		// its minute ends.
		if w := time.Unix((minute+1)*60, 0).Add(10 * time.Minute); setExp[set].Sub(w).Abs() > 2*time.Second {
			t.Errorf("the set expires at %v, want %v", setExp[set], w)
		}
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

// TestRetryOnceTheReplyIsGone: a retry after ReplyTTL finds the push done
// and runs nothing again (its id stays in the done set for the dedupe
// window), answering "success"; a done record of an earlier version,
// whose reply is kept apart (dr:), still gives its reply.
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

	// A push done by an earlier version, which kept the reply apart.
	h.kv.mu.Lock()
	h.kv.set("dd:m:u-old:10", doneMark, time.Minute)
	h.kv.set("dr:m:u-old:10", "earlier reply", time.Minute)
	h.kv.mu.Unlock()
	if _, reply := h.post(t, ModeSafe, TextXML("u-old", "帮助", 10)); reply != "earlier reply" || h.calls.Load() != 1 {
		t.Fatalf("retry of a push whose reply was kept apart: %q after %d runs", reply, h.calls.Load())
	}
}

// TestDoneSetOfAPush: a push goes in the set of the minute it was created
// in, which lives the dedupe window after that minute; a CreateTime
// further than half the window from now (refused as a signed request's
// timestamp would be) goes by the minute it arrives in. The set's expiry
// is sent with its first push, not with every one. A push's id is
// FNV-1a, the same on every instance.
func TestDoneSetOfAPush(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"now", now, now},
		{"four minutes ago", now.Add(-4 * time.Minute), now.Add(-4 * time.Minute)},
		{"an hour ago", now.Add(-time.Hour), now},
		{"six minutes ahead", now.Add(6 * time.Minute), now},
		{"unset", time.Time{}, now},
	} {
		f := &inflight{ttl: 10 * time.Minute}
		key, m := f.doneSet(tc.at)
		ttl := f.doneSetTTL(m)
		before := time.Now()
		minute := tc.want.Unix() / 60
		ok := key == "dn:"+strconv.FormatInt(minute, 10) && m == minute
		if tc.want.Equal(now) {
			// The minute may have turned since now was read.
			ok = ok || key == "dn:"+strconv.FormatInt(before.Unix()/60, 10) && m == before.Unix()/60
		}
		if !ok {
			t.Errorf("%s: set %s (minute %d), want dn:%d", tc.name, key, m, minute)
			continue
		}
		if end := time.Unix((m+1)*60, 0).Add(10 * time.Minute); before.Add(ttl).Sub(end).Abs() > time.Second {
			t.Errorf("%s: the set lives %v, until %v; want until %v", tc.name, ttl, before.Add(ttl), end)
		}
	}
	// The expiry goes with the set's first push of this process, then once
	// every setExpiryRefresh, and again after a write that failed.
	f := &inflight{ttl: 10 * time.Minute}
	_, m := f.doneSet(now)
	if f.doneSetTTL(m) <= 0 || f.doneSetTTL(m) != 0 {
		t.Errorf("the expiry: want it with the first push only")
	}
	f.expiryLost(m)
	if f.doneSetTTL(m) <= 0 {
		t.Errorf("the expiry after a failed write: want it again")
	}
	f.expSent = f.expSent.Add(-setExpiryRefresh)
	if f.doneSetTTL(m) <= 0 {
		t.Errorf("the expiry %v after it was last sent: want it again", setExpiryRefresh)
	}
	for _, key := range []string{"", "m:u:1", "m:oABCDEFGHIJKLMNOPQRSTUVWXYZa:7000000000000000001", "e:u:1700000000:subscribe:"} {
		h := fnv.New64a()
		h.Write([]byte(key))
		if got, want := doneID(key), fmt.Sprintf("%016x", h.Sum64()); got != want {
			t.Errorf("doneID(%q) = %s, want %s", key, got, want)
		}
	}
}

// TestRunningMarkIsItsStateInJSON: the running mark, written by hand on
// every message, is what json.Marshal writes of its flightState, so that
// state and await read it as before.
func TestRunningMarkIsItsStateInJSON(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	first, running, err := h.gw.flights.begin(context.Background(), "m:u-mark:1", time.Now(), nil)
	if err != nil || !first {
		t.Fatalf("begin: first %v, err %v", first, err)
	}
	var s flightState
	if err := json.Unmarshal([]byte(running), &s); err != nil {
		t.Fatalf("mark %q: %v", running, err)
	}
	want, _ := json.Marshal(flightState{State: "running", Mark: s.Mark})
	if s.State != "running" || len(s.Mark) != 16 || running != string(want) {
		t.Errorf("mark %q, want %s with 16 hex digits", running, want)
	}
	h.kv.mu.Lock()
	stored := h.kv.m["dd:m:u-mark:1"]
	h.kv.mu.Unlock()
	if stored != running {
		t.Errorf("stored %q, want %q", stored, running)
	}
}

// doneReplies are replies whose done record must read back as they were
// sent (invalid UTF-8 as JSON reads it: one U+FFFD a byte).
var doneReplies = []string{
	"帮助", "查供应 <PCB> & \"6层\"\n下一页", "line\u2028end\t😀", "bad \xff utf-8 \xe4\xb8",
}

// TestDoneRecordIsItsStateInJSON: the done record, written by hand on
// every message, is what json.Marshal writes of its flightState, and state
// reads the reply back.
func TestDoneRecordIsItsStateInJSON(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	ctx := context.Background()
	for i, reply := range doneReplies {
		key := "m:u-done:" + string(rune('a'+i))
		if err := h.gw.flights.finish(ctx, key, time.Now(), reply, nil); err != nil {
			t.Fatal(err)
		}
		got, _, _ := h.kv.Lookup(ctx, "dd:"+key)
		want, _ := json.Marshal(flightState{State: "done", Reply: reply})
		if got != string(want) {
			t.Errorf("reply %q: record %s, want %s", reply, got, want)
		}
		var read string // reply as JSON carries it: invalid bytes replaced
		_ = json.Unmarshal(want[len(`{"s":"done","r":`):len(want)-1], &read)
		s, err := h.gw.flights.state(ctx, key)
		if err != nil || s.State != "done" || s.Reply != read {
			t.Errorf("reply %q: state %+v, %v", reply, s, err)
		}
	}
}
