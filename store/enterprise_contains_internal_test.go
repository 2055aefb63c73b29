package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNameGramsAgreeWithAScan: the lists of names by their characters
// answer as a scan of every name kept does, under random registrations
// (out of order too, as a load's) and deletions, for random fragments,
// with and without a limit.
func TestNameGramsAgreeWithAScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"成", "都", "精", "工", "A", "b", "😀", "有限公司"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	g := newNameGrams()
	var kept []*nameHolder
	base := time.Unix(1_700_000_000, 0)
	for i := range 3000 {
		if len(kept) > 0 && rng.IntN(4) == 0 {
			h := kept[rng.IntN(len(kept))]
			g.remove(h.id)
			kept = slices.DeleteFunc(kept, func(k *nameHolder) bool { return k == h })
		} else {
			h := &nameHolder{id: fmt.Sprintf("e%04d", i), name: word(1 + rng.IntN(6)), created: base.Add(time.Duration(rng.IntN(500)) * time.Second)}
			g.add(h.name, h.id, h.created)
			g.add(h.name, h.id, h.created) // once only
			kept = append(kept, h)
		}
		frag := word(rng.IntN(4))
		limit := []int{0, 1, 3, 20}[rng.IntN(4)]
		var want []string
		sorted := slices.SortedFunc(slices.Values(kept), olderHolder)
		for _, h := range sorted {
			if strings.Contains(h.name, frag) && (limit == 0 || len(want) < limit) {
				want = append(want, h.id)
			}
		}
		var got []string
		for _, e := range g.contains(frag, limit) {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: contains(%q, %d) = %v, want %v", i, frag, limit, got, want)
		}
	}
}
