package match_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/match"
	"supplybot/handlers/parse"
)

// pairsNow is the clock of the text pairs: Wednesday 2026-11-25 10:00 CST.
var pairsNow = time.Date(2026, 11, 25, 10, 0, 0, 0, parse.CST)

// toRecord is what the alerts service hands the engine for a parsed post:
// handlers/alerts/convert.go does the same from store.Post, and must carry
// the fields marked "new" once the store keeps them.
func toRecord(id, ent string, p parse.Post) match.Record {
	r := match.Record{
		ID: id, No: id, Side: match.Demand, EnterpriseID: ent,
		Product: p.Product, Keywords: p.Keywords, Spec: p.Spec,
		Quantity: toQty(p.Quantity), Capacity: toQty(p.Capacity), MOQ: toQty(p.MOQ),
		LeadTimeDays: -1, Certifications: p.Certifications, Status: match.StatusOpen,
		ExpiresAt: pairsNow.AddDate(10, 0, 0), Deadline: p.Deadline,
		Material: p.Material,        // new
		Size:     toSpan(p.Size),    // new
		Layers:   toSpan(p.Layers),  // new
		Voltage:  toSpan(p.Voltage), // new
		Price:    toPrice(p.Price),  // new (store.Post has Price; convert.go drops it today)
	}
	if p.Kind == parse.KindOffer {
		r.Side = match.Offer
	}
	if p.Category != nil {
		r.CategoryCode, r.CategoryName = p.Category.Code, p.Category.Name
	}
	if p.Region != nil {
		r.Region = match.Region{Province: p.Region.Province, City: p.Region.City, District: p.Region.District}
	}
	if p.LeadTimeDays > 0 || p.InStock {
		r.LeadTimeDays = p.LeadTimeDays
	}
	return r
}

func toQty(q *parse.Quantity) *match.Quantity {
	if q == nil {
		return nil
	}
	return &match.Quantity{Value: q.Value, Unit: q.Unit, Per: q.Per} // Per: new
}

func toSpan(m *parse.Measure) *match.Span {
	if m == nil {
		return nil
	}
	return &match.Span{Min: m.Min, Max: m.Max}
}

func toPrice(p *parse.Price) *match.Price {
	if p == nil {
		return nil
	}
	return &match.Price{Min: p.Min, Max: p.Max, Unit: p.Unit}
}

type textPair struct {
	demand, offer string
	match         bool
}

func loadTextPairs(t testing.TB) []textPair {
	var out []textPair
	demand := ""
	for _, line := range strings.Split(textScenarios, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		tag, text, _ := strings.Cut(line, " ")
		switch tag {
		case "D":
			demand = text
		case "+", "-":
			if demand == "" {
				t.Fatalf("offer before any demand: %q", line)
			}
			out = append(out, textPair{demand, text, tag == "+"})
		default:
			t.Fatalf("bad scenario line %q", line)
		}
	}
	return out
}

// TestTextPairsPrecisionRecall parses each pair with the real parser and
// scores it; it reports precision and recall and fails below them.
func TestTextPairsPrecisionRecall(t *testing.T) {
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	pairs := loadTextPairs(t)
	var tp, fp, fn, tn int
	for i, pr := range pairs {
		dp, op := p.Parse(pr.demand, pairsNow), p.Parse(pr.offer, pairsNow)
		if dp.Kind != parse.KindDemand || op.Kind != parse.KindOffer {
			t.Fatalf("pair %d: kinds %v/%v for %q / %q", i, dp.Kind, op.Kind, pr.demand, pr.offer)
		}
		d := toRecord(fmt.Sprintf("D%d", i), "buyer", dp)
		o := toRecord(fmt.Sprintf("O%d", i), "supplier", op)
		s, reasons, ok := match.Score(d, o, pairsNow)
		got := ok && s >= match.DefaultThreshold
		switch {
		case got && pr.match:
			tp++
		case got && !pr.match:
			fp++
			t.Logf("MISS false positive: %s  ⇄  %s (score %.3f, %s)", pr.demand, pr.offer, s, strings.Join(reasons, " · "))
		case !got && pr.match:
			fn++
			t.Logf("MISS false negative: %s  ⇄  %s (score %.3f, ok=%v)", pr.demand, pr.offer, s, ok)
		default:
			tn++
		}
	}
	precision := float64(tp) / float64(max(1, tp+fp))
	recall := float64(tp) / float64(max(1, tp+fn))
	t.Logf("text pairs=%d tp=%d fp=%d fn=%d tn=%d precision=%.3f recall=%.3f", len(pairs), tp, fp, fn, tn, precision, recall)
	if len(pairs) < 225 {
		t.Fatalf("%d text pairs, want >= 225 (300 with the record pairs)", len(pairs))
	}
	if precision < 0.95 || recall < 0.95 {
		t.Fatalf("precision %.3f recall %.3f, want both >= 0.95", precision, recall)
	}
}

// TestAllPairsPrecisionRecall counts the record pairs of package match and
// the text pairs together: the figure issue 12 asks for (>= 300 pairs,
// precision and recall >= 0.95; the test fails below the goal).
func TestAllPairsPrecisionRecall(t *testing.T) {
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	var tp, fp, fn, n int
	count := func(got, want bool) {
		n++
		switch {
		case got && want:
			tp++
		case got && !want:
			fp++
		case !got && want:
			fn++
		}
	}
	for _, lp := range match.LabelledRecordPairs() {
		s, _, ok := match.Score(lp.D, lp.O, match.TestNow)
		count(ok && s >= match.DefaultThreshold, lp.Match)
	}
	for i, pr := range loadTextPairs(t) {
		d := toRecord(fmt.Sprintf("D%d", i), "buyer", p.Parse(pr.demand, pairsNow))
		o := toRecord(fmt.Sprintf("O%d", i), "supplier", p.Parse(pr.offer, pairsNow))
		s, _, ok := match.Score(d, o, pairsNow)
		count(ok && s >= match.DefaultThreshold, pr.match)
	}
	precision := float64(tp) / float64(max(1, tp+fp))
	recall := float64(tp) / float64(max(1, tp+fn))
	t.Logf("all pairs=%d tp=%d fp=%d fn=%d precision=%.3f recall=%.3f", n, tp, fp, fn, precision, recall)
	if n < 300 {
		t.Fatalf("%d labelled pairs, want >= 300", n)
	}
	if precision < 0.95 || recall < 0.95 {
		t.Fatalf("precision %.3f recall %.3f, want both >= 0.95", precision, recall)
	}
}

// TestTextPairsThroughEngine: the engine's index finds what Score accepts,
// in both directions.
func TestTextPairsThroughEngine(t *testing.T) {
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range loadTextPairs(t) {
		d := toRecord(fmt.Sprintf("D%d", i), "buyer", p.Parse(pr.demand, pairsNow))
		o := toRecord(fmt.Sprintf("O%d", i), "supplier", p.Parse(pr.offer, pairsNow))
		s, _, ok := match.Score(d, o, pairsNow)
		want := ok && s >= match.DefaultThreshold
		e := match.NewEngine(match.Options{})
		e.Upsert(o)
		if got := len(e.Match(d, pairsNow)) == 1; got != want {
			t.Errorf("%s ⇄ %s: demand→offer engine=%v score=%v", pr.demand, pr.offer, got, want)
		}
		e2 := match.NewEngine(match.Options{})
		e2.Upsert(d)
		if got := len(e2.Match(o, pairsNow)) == 1; got != want {
			t.Errorf("%s ⇄ %s: offer→demand engine=%v score=%v", pr.demand, pr.offer, got, want)
		}
	}
}
