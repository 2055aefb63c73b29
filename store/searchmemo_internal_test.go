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
// little earlier than the last), every search (by words or none, with
// each kind of filter) answers as an index that keeps no memo does, while
// the memo does answer repeated searches, also after changes to records
// they do not show.
func TestSearchMemoIsNeverStale(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	memo, fresh := NewSearchIndex(), NewSearchIndex()
	// Windows that fill, so that a record older than a full window's
	// oldest is seen to leave its memo alone.
	memo.windowSize, fresh.windowSize = 12, 12
	vocab := []string{"PCB", "线路板", "轮毂", "螺栓", "底盘", "线束"}
	provinces := []string{"四川", "重庆", ""}
	cities := []string{"成都", "绵阳", ""}
	codes := []string{"auto.chassis", "auto.chassis.wheel", "elec.pcb", ""}
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
	hits, kept := 0, 0
	changedAt := 0              // the round of the index's last change
	askedAt := map[string]int{} // the round each search was last asked
	for round := range 4000 {
		switch op := rng.IntN(10); {
		case op < 3: // a save, or an edit of a record held
			id := fmt.Sprintf("%024x", rng.IntN(400))
			ids = append(ids, id)
			p := Post{ID: id, No: "O" + id[20:], Kind: []string{"offer", "demand"}[rng.IntN(2)], Status: StatusOpen,
				Product: pick(1)[0], Category: pick(1)[0], CategoryPath: pick(rng.IntN(3)), Keywords: pick(1 + rng.IntN(3)),
				CategoryCode: codes[rng.IntN(len(codes))], Verified: rng.IntN(2) == 0,
				Region:    Region{Province: provinces[rng.IntN(len(provinces))], City: cities[rng.IntN(len(cities))]},
				CreatedAt: start.Add(time.Duration(rng.IntN(3600)) * time.Second),
				ExpiresAt: now.Add(time.Duration(rng.IntN(600)) * time.Second)}
			if rng.IntN(8) == 0 {
				p.Status = "closed"
			}
			if held, ok := memo.Get(id); ok && rng.IntN(2) == 0 {
				// An edit that keeps the record's place in every list:
				// its filters' fields and its product change.
				p.Kind, p.CreatedAt, p.Keywords, p.Region.Province = held.Kind, held.CreatedAt, held.Keywords, held.Region.Province
			}
			memo.Put(p)
			fresh.Put(p)
			changedAt = round
		case op < 4 && len(ids) > 0:
			id := ids[rng.IntN(len(ids))]
			memo.Remove(id)
			fresh.Remove(id)
			changedAt = round
		case op < 5:
			now = now.Add(time.Duration(rng.IntN(30)) * time.Second)
			if rng.IntN(4) == 0 {
				memo.Prune(now)
				fresh.Prune(now)
				changedAt = round
			}
		default: // a search, often one asked before
			rng2 := rand.New(rand.NewPCG(uint64(rng.IntN(12)), 0))
			q := SearchQuery{Keywords: []string{vocab[rng2.IntN(len(vocab))]}, Now: now, Limit: 3, Offset: 3 * rng.IntN(3)}
			switch rng2.IntN(8) {
			case 0, 1:
				q.Province = provinces[rng2.IntN(2)]
			case 2:
				q.City = cities[rng2.IntN(2)]
			case 3:
				q.CategoryPrefix = codes[rng2.IntN(2)]
			case 4:
				q.VerifiedOnly = true
			case 5:
				q.Keywords = nil // every record of the kind
			}
			if rng.IntN(4) == 0 {
				q.Now = now.Add(-time.Duration(1+rng.IntN(20)) * time.Second)
			}
			kind := []string{"offer", "demand"}[rng2.IntN(2)]
			_, wasHit := memo.memo.get(memoKey(kind, q), nanos(q.Now))
			got := memo.Search(kind, q)
			fresh.memo = searchMemo{}
			want := fresh.Search(kind, q)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %s %+v: memo %v, fresh %v", round, kind, q, postNos(got.Posts), postNos(want.Posts))
			}
			if wasHit {
				hits++
				if asked, ok := askedAt[memoKey(kind, q)]; ok && asked < changedAt {
					kept++ // the entry outlived a change to the index
				}
			}
			askedAt[memoKey(kind, q)] = round
		}
	}
	if hits < 100 || kept < 50 {
		t.Errorf("the memo answered %d searches, %d of them after a change to the index; the test no longer exercises it", hits, kept)
	}
	t.Logf("the memo answered %d searches, %d of them after a change to the index", hits, kept)
}

func postNos(ps []Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.No
	}
	return out
}

// TestSearchMemoFollowsAnEditInPlace: an edit that keeps a record's place
// in every list (same kind, time, words and province) but takes it out of
// a search's filters drops that search's memo; a save of a record no
// search shows leaves the memo as it is.
func TestSearchMemoFollowsAnEditInPlace(t *testing.T) {
	x := NewSearchIndex()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	a := Post{ID: fmt.Sprintf("%024x", 1), No: "O1", Kind: "offer", Status: StatusOpen, Product: "PCB", Keywords: []string{"PCB"},
		Verified: true, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}
	x.Put(a)
	q := SearchQuery{Keywords: []string{"PCB"}, VerifiedOnly: true, Now: now, Limit: 5}
	if got := x.Search("offer", q); len(got.Posts) != 1 {
		t.Fatalf("before: %v", postNos(got.Posts))
	}
	other := Post{ID: fmt.Sprintf("%024x", 2), No: "O2", Kind: "offer", Status: StatusOpen, Product: "轮毂", Keywords: []string{"轮毂"},
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	x.Put(other)
	if _, ok := x.memo.get(memoKey("offer", q), nanos(now)); !ok {
		t.Error("a save of a record the search does not show dropped its memo")
	}
	a.Verified = false
	x.Put(a)
	if got := x.Search("offer", q); len(got.Posts) != 0 {
		t.Fatalf("after the edit: %v, want none", postNos(got.Posts))
	}
}
