package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// modelRank is the ranking as first written, over upper-case strings: a
// record's tier for the query words, then how many of its keywords are
// query words, stable so that the window's order (newest first) breaks
// ties.
func modelRank(found []*Post, keywords []string) []*Post {
	words := map[string]bool{}
	var list []string
	for _, k := range keywords {
		if k = strings.ToUpper(strings.TrimSpace(k)); k != "" && !words[k] {
			words[k] = true
			list = append(list, k)
		}
	}
	out := slices.Clone(found)
	if len(list) == 0 {
		return out
	}
	tier := func(p *Post) int {
		product := strings.ToUpper(strings.TrimSpace(p.Product))
		if words[product] || words[strings.ToUpper(p.Category)] {
			return tierProduct
		}
		t := tierKeyword
		for _, w := range list {
			if strings.HasSuffix(product, w) {
				return tierProduct
			}
			if strings.Contains(product, w) {
				t = tierContains
			}
		}
		for _, c := range p.CategoryPath {
			if words[strings.ToUpper(c)] {
				return max(t, tierBranch)
			}
		}
		return t
	}
	hits := func(p *Post) (n int) {
		for _, k := range p.Keywords {
			if words[strings.ToUpper(k)] {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(out, func(a, b *Post) int {
		if ta, tb := tier(a), tier(b); ta != tb {
			return tb - ta
		}
		return hits(b) - hits(a)
	})
	return out
}

// The ranking over word ids orders any window as the model over strings
// does: mixed case, repeated keywords, words inside and at the end of
// products, words no record carries, empty fields.
func TestRankAgreesWithAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"PCB", "pcb", "线路板", "电路板", "轮毂", "铝合金轮毂", "轮毂螺栓", "螺栓", "底盘", "汽车", "电子", "abs", "ABS", " 线束 ", ""}
	pick := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[rng.IntN(len(vocab))]
		}
		return out
	}
	for round := range 500 {
		found := make([]*Post, rng.IntN(40))
		for i := range found {
			found[i] = &Post{No: fmt.Sprint("O", i), Product: strings.Join(pick(rng.IntN(3)), ""),
				Category: pick(1)[0], CategoryPath: pick(rng.IntN(4)), Keywords: pick(rng.IntN(8))}
		}
		keywords := pick(rng.IntN(5))
		if rng.IntN(4) == 0 {
			keywords = append(keywords, "不存在")
		}
		want := modelRank(found, keywords)

		// As the store's search ranks its window: words numbered per search.
		got := slices.Clone(found)
		words := newWordIDs()
		fields := make(map[*Post]*rankFields, len(got))
		for _, p := range got {
			f := words.fields(p)
			fields[p] = &f
		}
		rank(got, func(p *Post) *rankFields { return fields[p] }, words.query(keywords))
		if !slices.Equal(got, want) {
			t.Fatalf("round %d, query %q: got %v, want %v", round, keywords, numbers(got), numbers(want))
		}
	}
}

func numbers(ps []*Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.No
	}
	return out
}

// newer compares records of one creation time by id as the strings
// compare, whether the ids are ObjectIDs' hex or anything else.
func TestNewerOrdersIDsAsStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	at := time.Unix(1_800_000_000, 0)
	ids := []string{"", "x", "00000000000000000000000f", "0000000000000000000000f0", "ffffffffffffffffffffffff",
		"FFFFFFFFFFFFFFFFFFFFFFFF", "0123456789abcdef01234567", "0123456789abcdef0123456g", "0123456789abcdef012345678"}
	for range 300 {
		b := make([]byte, 24)
		for i := range b {
			b[i] = "0123456789abcdef"[rng.IntN(16)]
		}
		if rng.IntN(3) == 0 {
			b[rng.IntN(24)] = "0123456789abcdef"[rng.IntN(16)] &^ 0x20 // an upper-case letter or a control byte
		}
		ids = append(ids, string(b))
	}
	for _, a := range ids {
		for _, b := range ids {
			ea := &indexed{p: Post{ID: a}, at: at.UnixNano(), id: hexIDOf(a)}
			eb := &indexed{p: Post{ID: b}, at: at.UnixNano(), id: hexIDOf(b)}
			if got := newer(ea, eb); got != (a > b) {
				t.Fatalf("newer(%q, %q) = %v, want %v", a, b, got, a > b)
			}
		}
	}
}
