package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestDueIndexAgreesWithAModel: after any run of sets, holds and drops,
// next hands out exactly the keys due by now, earliest first, never a held
// or dropped one, and the queue stays within bounds of the items it holds.
func TestDueIndexAgreesWithAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Unix(1_800_000_000, 0)
	for round := range 50 {
		d := newDueIndex()
		type state struct {
			at   time.Time
			held bool
		}
		model := map[string]state{}
		for range 500 {
			key := fmt.Sprintf("k%d", rng.IntN(60))
			switch rng.IntN(4) {
			case 0, 1:
				at := base.Add(time.Duration(rng.IntN(100)) * time.Second)
				d.set(key, "u"+key, at)
				model[key] = state{at: at}
			case 2:
				d.hold(key, "u"+key)
				model[key] = state{held: true}
			case 3:
				d.drop(key)
				delete(model, key)
			}
		}
		if len(d.queue) > max(64, 2*len(d.items)) {
			t.Fatalf("round %d: queue of %d entries for %d items", round, len(d.queue), len(d.items))
		}
		now := base.Add(50 * time.Second)
		want := 0
		for _, s := range model {
			if !s.held && !s.at.After(now) {
				want++
			}
		}
		var prev time.Time
		got := 0
		for {
			key, ok := d.next(now)
			if !ok {
				break
			}
			s, in := model[key]
			if !in || s.held || s.at.After(now) {
				t.Fatalf("round %d: next gave %s (%+v, known %v)", round, key, s, in)
			}
			if s.at.Before(prev) {
				t.Fatalf("round %d: %s due %v after one due %v", round, key, s.at, prev)
			}
			prev = s.at
			delete(model, key) // handed out once; due again only after dueRecheck
			got++
		}
		if got != want {
			t.Fatalf("round %d: next gave %d keys, %d were due", round, got, want)
		}
		for k, s := range model {
			if s.held {
				if hk := d.heldOf("u" + k); len(hk) != 1 || hk[0] != k {
					t.Fatalf("round %d: held keys of u%s: %v", round, k, hk)
				}
			}
		}
		// Handed out keys come due again after dueRecheck, unless recorded.
		if key, ok := d.next(now.Add(dueRecheck)); want > 0 && !ok {
			t.Fatalf("round %d: nothing due again after the recheck pause", round)
		} else if ok && d.items[key].held {
			t.Fatalf("round %d: held %s handed out", round, key)
		}
	}
}
