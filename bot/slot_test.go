package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestAHandlerWaitingForAStoreGivesItsSlotBack: a handler that waits for
// something other than the CPU (a store's write lock) gives its slot back
// meanwhile, so a push that writes nothing is handled instead of being
// answered busy; the waiting one still answers once its wait is over.
// Without the give-back the same push is shed (the control), and beyond
// as many slot-less waiters as there are slots a waiter keeps its slot.
func TestAHandlerWaitingForAStoreGivesItsSlotBack(t *testing.T) {
	for _, give := range []bool{true, false} {
		h := newHarness(t, GatewayConfig{Mode: ModeSafe, MaxInflight: 1, QueueWait: 50 * time.Millisecond}, 0)
		release := make(chan struct{})
		waiting := make(chan struct{}, 4)
		h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
			if m.Text != "写" {
				return Text("echo:" + m.Text), nil
			}
			retake := func() {}
			if give {
				retake = GiveBackSlot(ctx)
			}
			waiting <- struct{}{}
			<-release // the wait, e.g. for the write lock
			retake()
			return Text("写好了"), nil
		}
		writer := make(chan string, 1)
		go func() { _, r := h.post(t, ModeSafe, TextXML("slot-w1", "写", 920)); writer <- r }()
		<-waiting
		_, reply := h.post(t, ModeSafe, TextXML("slot-help", "帮助", 921))
		if give && reply != "echo:帮助" {
			t.Fatalf("while a handler waits without its slot: got %q, want the push handled", reply)
		}
		if !give && reply != DefaultBusyText {
			t.Fatalf("control, the handler keeps its slot: got %q, want %q", reply, DefaultBusyText)
		}
		if give {
			// A second waiter finds the one slot-less place taken: it
			// keeps its slot, and the next push is shed again.
			second := make(chan string, 1)
			go func() { _, r := h.post(t, ModeSafe, TextXML("slot-w2", "写", 922)); second <- r }()
			<-waiting
			if _, r := h.post(t, ModeSafe, TextXML("slot-help2", "帮助", 923)); r != DefaultBusyText {
				t.Fatalf("with as many handlers waiting slot-less as slots: got %q, want %q", r, DefaultBusyText)
			}
			close(release)
			if r := <-second; r != "写好了" {
				t.Fatalf("second waiter: got %q", r)
			}
		} else {
			close(release)
		}
		if r := <-writer; r != "写好了" {
			t.Fatalf("the waiting handler: got %q, want its reply", r)
		}
		h.gw.Wait(context.Background())
		if n := len(h.gw.slots); n != 0 || h.gw.slotsAway.Load() != 0 {
			t.Fatalf("after the load: %d slots held, %d away; want none", n, h.gw.slotsAway.Load())
		}
	}
}

// TestGiveBackSlotAccounting: nested and concurrent waits of one handler
// give its slot back once and take it again once; a wait that outlives
// its handler does not take a slot again; outside a handler nothing moves.
func TestGiveBackSlotAccounting(t *testing.T) {
	slots := make(chan struct{}, 2)
	var away atomic.Int64
	slots <- struct{}{} // the handler's
	ctx, end := WithSlot(context.Background(), slots, &away)
	r1 := GiveBackSlot(ctx)
	r2 := GiveBackSlot(ctx)
	if len(slots) != 0 || away.Load() != 1 {
		t.Fatalf("during two waits: %d held, %d away; want 0 and 1", len(slots), away.Load())
	}
	r1()
	r1() // twice is once
	if len(slots) != 0 {
		t.Fatal("the slot was taken again while a wait is still under way")
	}
	r2()
	if len(slots) != 1 || away.Load() != 0 {
		t.Fatalf("after the waits: %d held, %d away; want 1 and 0", len(slots), away.Load())
	}
	r3 := GiveBackSlot(ctx)
	end() // the handler returns during a wait
	r3()
	if len(slots) != 0 || away.Load() != 0 {
		t.Fatalf("a wait that outlived its handler: %d held, %d away; want 0 and 0", len(slots), away.Load())
	}
	GiveBackSlot(context.Background())()
	if len(slots) != 0 {
		t.Fatal("a wait outside a handler moved a slot")
	}
}
