package bot

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// lateKV is a Redis that hangs on the dedupe mark and runs the write once
// it resumes, after the caller gave up: SIGSTOP, then SIGCONT.
type lateKV struct {
	*memKV
	hung   atomic.Bool
	mu     sync.Mutex
	queued []func() // writes sent while hung, run on resume
}

func (k *lateKV) SetNX(ctx context.Context, key, v string, ttl time.Duration) (bool, error) {
	if k.hung.Load() && strings.HasPrefix(key, "dd:") {
		<-ctx.Done()
		k.mu.Lock()
		k.queued = append(k.queued, func() { _, _ = k.memKV.SetNX(context.Background(), key, v, ttl) })
		k.mu.Unlock()
		return false, ctx.Err()
	}
	return k.memKV.SetNX(ctx, key, v, ttl)
}

// resume runs what was sent while hung, then answers again.
func (k *lateKV) resume() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, f := range k.queued {
		f()
	}
	k.queued = nil
	k.hung.Store(false)
}

func (k *lateKV) DelIfEqual(ctx context.Context, key, v string) (bool, error) {
	if k.hung.Load() {
		<-ctx.Done()
		return false, ctx.Err()
	}
	return k.memKV.DelIfEqual(ctx, key, v)
}

// TestBusyAnswerLeavesNoMarkForTheRetry: a push answered busy because
// Redis hung leaves a "running" mark behind once Redis resumes; a retry of
// the push (the busy answer lost on its way) used to wait for a handler
// that never ran and answer nothing. The mark is removed and the retry
// runs the handler, once (found by the fault suite, TestFaults).
func TestBusyAnswerLeavesNoMarkForTheRetry(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, DedupeTimeout: 50 * time.Millisecond, Deadline: time.Second}, 0)
	kv := &lateKV{memKV: h.kv}
	h.gw.flights.kv = kv
	body := TextXML("late-user", "确认", 41)
	kv.hung.Store(true)
	if _, reply := h.post(t, ModeSafe, body); reply != DefaultBusyText {
		t.Fatalf("while Redis hangs: got %q, want %q", reply, DefaultBusyText)
	}
	kv.resume()
	for i := range 2 {
		if _, reply := h.post(t, ModeSafe, body); reply != "echo:确认" {
			t.Fatalf("retry %d once Redis is back: got %q, want the handler's reply", i+1, reply)
		}
	}
	h.gw.Wait(context.Background())
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want once", n)
	}
}

// TestReplayAfterTheMarkExpiredIsRefused: a push signed with a timestamp
// ahead of the server's clock (WeChat's clock runs ahead, or the attacker
// replays one that did) used to stay acceptable for DedupeTTL past that
// timestamp, longer than its dedupe mark lived: replayed once the mark
// expired, it ran the handler again. A timestamp is now accepted within
// half the dedupe window either way, which the mark always outlives.
func TestReplayAfterTheMarkExpiredIsRefused(t *testing.T) {
	const ttl = 3 * time.Second
	h := newHarness(t, GatewayConfig{DedupeTTL: ttl}, 0)
	ts := strconv.FormatInt(time.Now().Add(ttl*2/5).Unix(), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {"9"}, "signature": {util.Signature(testToken, ts, "9")}}
	target := h.srv.URL + "/wechat?" + q.Encode()
	body := TextXML("replayed-user", "同意 3", 51)
	post := func() int {
		res, err := http.Post(target, "text/xml", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if status := post(); status != http.StatusOK {
		t.Fatalf("first delivery: status %d", status)
	}
	time.Sleep(ttl + 200*time.Millisecond) // the dedupe mark has expired
	post()
	h.gw.Wait(context.Background())
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want once: the replay ran it again", n)
	}
}

// TestRetryAfterAKillMidHandlerRunsIt: a process killed while its handler
// ran left the push marked running for the whole dedupe window, so
// WeChat's retries, reaching the restarted process, waited for a handler
// that was gone and answered nothing (found by the fault suite,
// KillDuringConfirmThenRetry). The mark now expires unless renewed, and
// the retry runs the handler.
func TestRetryAfterAKillMidHandlerRunsIt(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, RunningTTL: 300 * time.Millisecond, Deadline: 2 * time.Second}, 0)
	body := TextXML("killed-user", "确认", 61)
	key := (&Message{OpenID: "killed-user", Type: TypeText, MsgID: 61}).DedupeKey()
	if first, _, err := h.gw.flights.begin(context.Background(), key, time.Now(), nil); err != nil || !first {
		t.Fatalf("the killed process's mark: %v %v", first, err)
	} // …and the process died without renewing it
	if _, reply := h.post(t, ModeSafe, body); reply != "echo:确认" {
		t.Fatalf("WeChat's retry: got %q, want the handler's reply", reply)
	}
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want once", n)
	}
}

// TestSlowHandlerKeepsItsMark: a handler running longer than RunningTTL
// renews its mark, so a retry meanwhile waits for it instead of running
// it a second time.
func TestSlowHandlerKeepsItsMark(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe, RunningTTL: 200 * time.Millisecond, Deadline: 3 * time.Second}, time.Second)
	body := TextXML("slow-user", "确认", 62)
	done := make(chan string, 1)
	go func() {
		s := testSigner(ModeSafe)
		_, reply, _ := s.Post(h.srv.URL+"/wechat", body)
		done <- reply
	}()
	time.Sleep(600 * time.Millisecond) // three RunningTTLs into the handler
	h.post(t, ModeSafe, body)
	<-done
	h.gw.Wait(context.Background())
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want once", n)
	}
}

func (k *lateKV) Batch(ctx context.Context, ops ...*Op) error { return OneByOne(ctx, k, ops...) }
