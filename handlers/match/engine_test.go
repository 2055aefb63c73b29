package match

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func newTestEngine(opts Options) *Engine {
	e := NewEngine(opts)
	e.now = func() time.Time { return testNow }
	return e
}

func ids(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Counterpart.ID
	}
	return out
}

func TestEngineDefaults(t *testing.T) {
	o := NewEngine(Options{}).Options()
	if o.Threshold != DefaultThreshold || o.Limit != DefaultLimit {
		t.Fatalf("defaults %+v", o)
	}
}

func TestEngineUpsertRemoveReplace(t *testing.T) {
	e := newTestEngine(Options{})
	o := off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("o1"))
	e.Upsert(o)
	e.Upsert(o) // idempotent
	if e.Len() != 1 {
		t.Fatalf("Len=%d", e.Len())
	}
	d := dem(catWheel, "轮毂", "铝合金轮毂", kwWheel, withID("d1"))
	if got := ids(e.Match(d, testNow)); !slices.Equal(got, []string{"o1"}) {
		t.Fatalf("match %v", got)
	}

	// replace o1 with a seat offer: no longer a wheel match, old index entries gone
	e.Upsert(off(catSeat, "座椅", "座椅骨架", kwSeatFrame, withID("o1")))
	if e.Len() != 1 {
		t.Fatalf("Len after replace=%d", e.Len())
	}
	if got := e.Match(d, testNow); len(got) != 0 {
		t.Fatalf("stale index after replace: %v", ids(got))
	}
	if _, ok := e.idx[Offer].branch["auto.chassis"]; ok {
		t.Fatal("stale branch posting list")
	}
	if _, ok := e.idx[Offer].term["轮毂"]; ok {
		t.Fatal("stale term posting list")
	}

	e.Remove("o1")
	e.Remove("nope")
	if e.Len() != 0 {
		t.Fatalf("Len after remove=%d", e.Len())
	}
	if len(e.idx[Offer].branch) != 0 || len(e.idx[Offer].term) != 0 {
		t.Fatal("posting lists leak after Remove")
	}
	if e.Has("o1") {
		t.Fatal("Has after Remove")
	}
}

func TestEngineClosedAndExpired(t *testing.T) {
	e := newTestEngine(Options{})
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("open")))
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("closed"), status("closed")))
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("expired"), expiresIn(-time.Hour)))
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("soon"), expiresIn(time.Hour)))
	if e.Len() != 2 {
		t.Fatalf("Len=%d, want 2 (closed/expired not indexed)", e.Len())
	}
	d := dem(catWheel, "轮毂", "铝合金轮毂", kwWheel)
	if got := ids(e.Match(d, testNow)); !slices.Equal(got, []string{"open", "soon"}) {
		t.Fatalf("now: %v", got)
	}
	// two hours later "soon" has expired: excluded by Match, removed by Prune
	later := testNow.Add(2 * time.Hour)
	if got := ids(e.Match(d, later)); !slices.Equal(got, []string{"open"}) {
		t.Fatalf("later: %v", got)
	}
	if n := e.Prune(later); n != 1 || e.Len() != 1 {
		t.Fatalf("Prune=%d Len=%d", n, e.Len())
	}
	// closing an indexed record removes it
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("open"), status("closed")))
	if e.Len() != 0 {
		t.Fatalf("Len=%d after closing", e.Len())
	}
	// a closed query record matches nothing
	e.Upsert(off(catWheel, "轮毂", "铝轮毂", kwWheel, withID("o2")))
	if got := e.Match(dem(catWheel, "轮毂", "铝合金轮毂", kwWheel, status("closed")), testNow); got != nil {
		t.Fatalf("closed query matched %v", ids(got))
	}
}

func TestEngineBothDirections(t *testing.T) {
	e := newTestEngine(Options{})
	for _, p := range labelledPairs() {
		e.Upsert(p.d)
		e.Upsert(p.o)
	}
	// new demand finds offers
	d := dem(catIGBT, "IGBT", "IGBT模块", kwIGBT, withID("newD"), ent("ent-new"))
	rs := e.Match(d, testNow)
	if len(rs) == 0 {
		t.Fatal("demand found no offers")
	}
	for _, r := range rs {
		if r.Counterpart.Side != Offer {
			t.Fatalf("demand matched a %v", r.Counterpart.Side)
		}
	}
	// new offer finds demands
	o := off(catIGBT, "IGBT", "IGBT功率模块", kwIGBT, withID("newO"), ent("ent-new2"))
	rs = e.Match(o, testNow)
	if len(rs) == 0 {
		t.Fatal("offer found no demands")
	}
	for _, r := range rs {
		if r.Counterpart.Side != Demand {
			t.Fatalf("offer matched a %v", r.Counterpart.Side)
		}
		if len(r.Reasons) == 0 {
			t.Fatal("result without reasons")
		}
	}
	// a record does not match itself nor its own enterprise
	e.Upsert(o)
	e.Upsert(off(catIGBT, "IGBT", "IGBT模块", kwIGBT, withID("sameEnt"), ent("ent-new")))
	for _, r := range e.Match(d, testNow) {
		if r.Counterpart.EnterpriseID == "ent-new" {
			t.Fatal("matched own enterprise")
		}
	}
	for _, r := range e.Match(o, testNow) {
		if r.Counterpart.ID == "newO" {
			t.Fatal("matched itself")
		}
	}
}

func TestEngineUnknownCategoryFoundByKeyword(t *testing.T) {
	e := newTestEngine(Options{})
	e.Upsert(off("", "", "PMIC", ws("pmic", "电源管理芯片"), withID("o-nocat")))
	d := dem(catPMIC, "电源管理", "电源管理芯片", ws("电源管理芯片", "pmic", "电源芯片"))
	if got := ids(e.Match(d, testNow)); !slices.Equal(got, []string{"o-nocat"}) {
		t.Fatalf("got %v", got)
	}
	// and in the other direction
	e.Upsert(dem("", "", "电源管理芯片", ws("电源管理芯片", "pmic"), withID("d-nocat")))
	o := off(catPMIC, "电源管理", "PMIC", ws("pmic", "电源管理芯片"))
	if got := ids(e.Match(o, testNow)); !slices.Equal(got, []string{"d-nocat"}) {
		t.Fatalf("got %v", got)
	}
}

func TestEngineLimitAndDeterministicOrder(t *testing.T) {
	e := newTestEngine(Options{Limit: 5})
	// 12 identical offers (ties) + 3 better ones (verified, same district)
	for i := 0; i < 12; i++ {
		e.Upsert(off(catMCU, "MCU", "MCU", kwMCU, withID(fmt.Sprintf("tie-%02d", 11-i))))
	}
	for i := 0; i < 3; i++ {
		e.Upsert(off(catMCU, "MCU", "MCU", kwMCU, withID(fmt.Sprintf("best-%d", i)), region(rgBishan), verified()))
	}
	d := dem(catMCU, "MCU", "MCU", kwMCU)
	first := e.Match(d, testNow)
	want := []string{"best-0", "best-1", "best-2", "tie-00", "tie-01"}
	if got := ids(first); !slices.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for i := 1; i < len(first); i++ {
		if first[i].Score > first[i-1].Score {
			t.Fatal("not sorted by score")
		}
	}
	for i := 0; i < 20; i++ {
		if got := ids(e.Match(d, testNow)); !slices.Equal(got, want) {
			t.Fatalf("run %d: %v", i, got)
		}
	}
}

func TestEngineThreshold(t *testing.T) {
	e := newTestEngine(Options{Threshold: 0.99})
	e.Upsert(off(catMCU, "MCU", "MCU", kwMCU))
	if got := e.Match(dem(catMCU, "MCU", "MCU", kwMCU), testNow); len(got) != 0 {
		t.Fatalf("threshold ignored: %v", got[0].Score)
	}
}

// The engine keeps its own copy of the keywords its reasons show as
// posted: a caller changing its slice after Upsert changes no reason.
func TestEngineKeepsItsKeywords(t *testing.T) {
	e := newTestEngine(Options{})
	d := dem(catMCU, "MCU", "MCU", ws("MCU"), withID("d"))
	e.Upsert(d)
	d.Keywords[0] = "changed" // caller mutates its slice after Upsert
	rs := e.Match(off(catMCU, "mcu", "mcu", ws("mcu"), withID("o")), testNow)
	if len(rs) != 1 || rs[0].Counterpart.ID != "d" || rs[0].Counterpart.Side != Demand {
		t.Fatalf("match %+v", rs)
	}
	if want := ReasonProductHead + "：MCU"; !slices.Contains(rs[0].Reasons, want) {
		t.Fatalf("reasons %q, want %q (the demand's keyword as posted)", rs[0].Reasons, want)
	}
}

func TestEngineConcurrent(t *testing.T) {
	e := newTestEngine(Options{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				id := fmt.Sprintf("o-%d-%d", w, i%50)
				e.Upsert(off(catHarness, "线束", "汽车线束", kwHarness, withID(id)))
				if i%7 == 0 {
					e.Remove(id)
				}
			}
		}(w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := dem(catHarness, "线束", "汽车线束", kwHarness)
			for i := 0; i < 300; i++ {
				for _, r := range e.Match(d, testNow) {
					if r.Score < DefaultThreshold {
						t.Error("below threshold")
						return
					}
				}
				_ = e.Len()
			}
		}()
	}
	wg.Wait()
}

// TestEngineVerifiedFirst: a verified enterprise's record that fits takes
// a place before better-scored unverified ones when more fit than Limit.
func TestEngineVerifiedFirst(t *testing.T) {
	e := newTestEngine(Options{Limit: 2})
	for i := 0; i < 3; i++ {
		e.Upsert(off(catMCU, "MCU", "MCU", kwMCU, withID(fmt.Sprintf("near-%d", i)), region(rgBishan)))
	}
	e.Upsert(off(catMCU, "MCU", "MCU", kwMCU, withID("verified-far"), verified()))
	got := e.Match(dem(catMCU, "MCU", "MCU", kwMCU, region(rgBishan)), testNow)
	if ids := ids(got); len(ids) != 2 || ids[0] != "verified-far" {
		t.Fatalf("got %v, want the verified record first", ids)
	}
	if got[0].Score >= got[1].Score {
		t.Fatalf("scores %v ≥ %v: the case does not test the order", got[0].Score, got[1].Score)
	}
}
