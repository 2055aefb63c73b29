package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestSearchMemoIsNeverStale: under random saves, edits, removals,
// prunes and a clock that moves on (and now and then a search stamped a
// little earlier than the last), every search answers as an index that
// keeps no memo does, while the memo does answer repeated searches.
func TestSearchMemoIsNeverStale(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	memo, fresh := NewSearchIndex(), NewSearchIndex()
	vocab := []string{"PCB", "线路板", "轮毂", "螺栓", "底盘", "线束"}
	provinces := []string{"四川", "重庆", ""}
	pick := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[rng.IntN(len(vocab))]
		}
		return out
	}
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	now := start
	var ids []string
	hits := 0
	for round := range 4000 {
		switch op := rng.IntN(10); {
		case op < 3: // a save, or an edit of a record held
			id := fmt.Sprintf("%024x", rng.IntN(400))
			ids = append(ids, id)
			p := Post{ID: id, No: "O" + id[20:], Kind: []string{"offer", "demand"}[rng.IntN(2)], Status: StatusOpen,
				Product: pick(1)[0], Category: pick(1)[0], CategoryPath: pick(rng.IntN(3)), Keywords: pick(1 + rng.IntN(3)),
				Region:    Region{Province: provinces[rng.IntN(len(provinces))]},
				CreatedAt: start.Add(time.Duration(rng.IntN(3600)) * time.Second),
				ExpiresAt: now.Add(time.Duration(rng.IntN(600)) * time.Second)}
			if rng.IntN(8) == 0 {
				p.Status = "closed"
			}
			memo.Put(p)
			fresh.Put(p)
		case op < 4 && len(ids) > 0:
			id := ids[rng.IntN(len(ids))]
			memo.Remove(id)
			fresh.Remove(id)
		case op < 5:
			now = now.Add(time.Duration(rng.IntN(30)) * time.Second)
			if rng.IntN(4) == 0 {
				memo.Prune(now)
				fresh.Prune(now)
			}
		default: // a search, often one asked before
			rng2 := rand.New(rand.NewPCG(uint64(rng.IntN(6)), 0))
			q := SearchQuery{Keywords: []string{vocab[rng2.IntN(len(vocab))]}, Now: now, Limit: 3, Offset: 3 * rng.IntN(3)}
			if rng2.IntN(3) == 0 {
				q.Province = provinces[rng2.IntN(2)]
			}
			if rng.IntN(4) == 0 {
				q.Now = now.Add(-time.Duration(1+rng.IntN(20)) * time.Second)
			}
			kind := []string{"offer", "demand"}[rng2.IntN(2)]
			_, wasHit := memo.memo.get(memoKey(kind, q), memo.version, nanos(q.Now))
			got := memo.Search(kind, q)
			fresh.memo = searchMemo{}
			want := fresh.Search(kind, q)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %s %+v: memo %v, fresh %v", round, kind, q, postNos(got.Posts), postNos(want.Posts))
			}
			if wasHit {
				hits++
			}
		}
	}
	if hits < 100 {
		t.Errorf("the memo answered %d searches; the test no longer exercises it", hits)
	}
}

func postNos(ps []Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.No
	}
	return out
}
