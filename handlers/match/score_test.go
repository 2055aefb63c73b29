package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// goodPair is a clear match; each hard-filter case breaks exactly one thing.
func goodPair(dopts, oopts []opt) (Record, Record) {
	d := dem(catHarness, "线束", "汽车线束", kwHarness,
		append([]opt{qty(2000, "套"), deadlineIn(30), certs("IATF 16949")}, dopts...)...)
	o := off(catHarness, "线束", "汽车线束", kwHarness,
		append([]opt{capac(5000, "套"), moq(500, "套"), lead(10), certs("IATF 16949", "ISO 9001")}, oopts...)...)
	return d, o
}

func TestHardFilters(t *testing.T) {
	cases := []struct {
		name         string
		dopts, oopts []opt
		ok           bool
	}{
		{"baseline passes", nil, nil, true},
		{"demand closed", []opt{status("closed")}, nil, false},
		{"offer closed", nil, []opt{status("closed")}, false},
		{"demand status empty", []opt{status("")}, nil, false},
		{"demand expired", []opt{expiresIn(-1)}, nil, false},
		{"offer expires exactly now", nil, []opt{expiresIn(0)}, false},
		{"same enterprise", []opt{ent("e1")}, []opt{ent("e1")}, false},
		{"missing required cert", []opt{certs("IATF 16949", "ISO 14001")}, nil, false},
		{"offer holds no cert", nil, []opt{certs()}, false},
		{"cert spelling normalised", []opt{certs("iatf-16949")}, nil, true},
		{"demand requires nothing", []opt{certs()}, []opt{certs()}, true},
		{"MOQ above need", nil, []opt{moq(3000, "套")}, false},
		{"MOQ equal to need", nil, []opt{moq(2000, "套")}, true},
		{"MOQ in other unit not compared", nil, []opt{moq(3000, "吨")}, true},
		{"lead time beyond deadline", nil, []opt{lead(31)}, false},
		{"lead time unknown", nil, []opt{lead(-1)}, true},
		{"deadline passed", []opt{deadlineIn(-1)}, []opt{lead(-1)}, false},
		{"unknown category and no shared word",
			[]opt{func(r *Record) { r.CategoryCode = "" }},
			[]opt{func(r *Record) { r.Keywords = ws("轮毂"); r.Product = "轮毂" }}, false},
		{"different branch and no shared word", nil,
			[]opt{func(r *Record) { r.CategoryCode = catLCD; r.Keywords = ws("液晶屏"); r.Product = "液晶屏" }}, false},
		{"region far away is not a filter", nil, []opt{region(rgHarbin)}, true},
		{"unknown region is not a filter", []opt{region(Region{})}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, o := goodPair(c.dopts, c.oopts)
			s, reasons, ok := Score(d, o, testNow)
			if ok != c.ok {
				t.Fatalf("ok=%v want %v (score %.3f %v)", ok, c.ok, s, reasons)
			}
			if !ok && (s != 0 || reasons != nil) {
				t.Fatalf("filtered pair must have zero score and no reasons, got %v %v", s, reasons)
			}
		})
	}
}

func TestWrongSides(t *testing.T) {
	d, o := goodPair(nil, nil)
	if _, _, ok := Score(o, d, testNow); ok {
		t.Fatal("swapped sides must be filtered")
	}
	if _, _, ok := Score(d, d, testNow); ok {
		t.Fatal("demand vs demand must be filtered")
	}
}

func TestScoreOrdering(t *testing.T) {
	base := func(oopts ...opt) float64 {
		d := dem(catBrake, "制动", "刹车片", kwBrakePad, region(rgBishan))
		o := off(catBrake, "制动", "制动片", ws("制动片", "刹车片"), oopts...)
		s, _, ok := Score(d, o, testNow)
		if !ok {
			t.Fatal("unexpected filter")
		}
		return s
	}
	district := base(region(rgBishan))
	city := base(region(rgYubei))
	chengyu := base(region(rgLongquan))
	elsewhere := base(region(rgHarbin))
	if !(district > city && city > chengyu && chengyu > elsewhere) {
		t.Fatalf("region order broken: district %.3f city %.3f 成渝 %.3f elsewhere %.3f", district, city, chengyu, elsewhere)
	}
	if v := base(region(rgLongquan), verified()); v <= chengyu {
		t.Fatalf("verified bonus missing: %.3f <= %.3f", v, chengyu)
	}
	// same province outside 成渝 ranks below the 成渝 pair but above elsewhere
	dg := dem(catBrake, "制动", "刹车片", kwBrakePad, region(rgGuangzhou))
	og := off(catBrake, "制动", "制动片", ws("制动片", "刹车片"), region(rgShenzhen))
	sp, _, _ := Score(dg, og, testNow)
	if !(sp < chengyu && sp > elsewhere) {
		t.Fatalf("same province %.3f not between 成渝 %.3f and elsewhere %.3f", sp, chengyu, elsewhere)
	}
	// same leaf beats same branch for the same words
	d := dem(catBrake, "制动", "刹车片", kwBrakePad)
	leaf, _, _ := Score(d, off(catBrake, "制动", "刹车片", kwBrakePad), testNow)
	branch, _, _ := Score(d, off(catSteering, "转向", "刹车片", kwBrakePad), testNow)
	if !(leaf > branch) {
		t.Fatalf("leaf %.3f should beat branch %.3f", leaf, branch)
	}
}

func TestReasons(t *testing.T) {
	cases := []struct {
		name         string
		dopts, oopts []opt
		want         []string // must all be present
		absent       []string
	}{
		{"ideal", nil, []opt{verified()},
			[]string{"产品对口：汽车线束", ReasonSameLeaf, ReasonChengyu, "持IATF 16949", ReasonCapacityOK, ReasonLeadOK, ReasonVerified}, nil},
		{"same district", []opt{region(rgBishan)}, []opt{region(rgBishan)}, []string{ReasonSameDistrict}, []string{ReasonSameCity, ReasonChengyu}},
		{"same city", []opt{region(rgBishan)}, []opt{region(rgYubei)}, []string{ReasonSameCity}, []string{ReasonSameDistrict}},
		{"same province", []opt{region(rgGuangzhou)}, []opt{region(rgShenzhen)}, []string{ReasonSameProvince}, []string{ReasonChengyu}},
		{"elsewhere has no region reason", nil, []opt{region(rgHarbin)}, nil, []string{ReasonChengyu, ReasonSameProvince, ReasonSameCity}},
		{"tight lead time", nil, []opt{lead(28)}, []string{ReasonLeadTight}, []string{ReasonLeadOK}},
		{"low capacity caveat", []opt{qty(200000, "套")}, []opt{capac(1000, "套")}, []string{ReasonCapacityLow}, []string{ReasonCapacityOK}},
		{"MOQ only", nil, []opt{func(r *Record) { r.Capacity = nil }}, []string{ReasonMOQOK}, []string{ReasonCapacityOK}},
		{"spec", []opt{spec("0.5mm² 橙色")}, []opt{spec("0.5mm² 橙色 高压")}, []string{ReasonSpec}, nil},
		{"unverified", nil, nil, nil, []string{ReasonVerified}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, o := goodPair(c.dopts, c.oopts)
			_, reasons, ok := Score(d, o, testNow)
			if !ok {
				t.Fatal("filtered")
			}
			for _, w := range c.want {
				if !slices.Contains(reasons, w) {
					t.Errorf("missing %q in %v", w, reasons)
				}
			}
			for _, w := range c.absent {
				if slices.Contains(reasons, w) {
					t.Errorf("unexpected %q in %v", w, reasons)
				}
			}
			for _, r := range reasons {
				if n := utf8.RuneCountInString(r); n == 0 || n > 16 {
					t.Errorf("reason %q has %d runes", r, n)
				}
			}
			if c.name == "low capacity caveat" && reasons[len(reasons)-1] != ReasonCapacityLow {
				t.Errorf("caveat must come last: %v", reasons)
			}
			if len(strings.Join(reasons, " · ")) == 0 {
				t.Error("no reasons")
			}
		})
	}
}

func TestReasonsOrderedByContribution(t *testing.T) {
	d, o := goodPair(nil, []opt{verified()})
	_, reasons, _ := Score(d, o, testNow)
	want := []string{"产品对口：汽车线束", ReasonSameLeaf, ReasonCapacityOK, ReasonChengyu, "持IATF 16949", ReasonLeadOK, ReasonVerified}
	if !slices.Equal(reasons, want) {
		t.Fatalf("reasons %v, want %v", reasons, want)
	}
}

func TestScoreSymmetricAndBounded(t *testing.T) {
	for _, p := range labelledPairs() {
		s, _, ok := Score(p.d, p.o, testNow)
		if s < 0 || s > 1 {
			t.Fatalf("%s: score %v out of range", p.name, s)
		}
		// the same pair seen from the offer side gives the same score
		sd, _, okd := scorePair(newFeatures(&p.d, nil), newFeatures(&p.o, nil), testNow, Demand, true, -1)
		if sd != s || okd != ok {
			t.Fatalf("%s: perspective changed score %v vs %v", p.name, sd, s)
		}
	}
}

// A record's terms past the 64th are found as long words (by
// containment, as heads) like the first ones.
func TestLongTermsPastTheBits(t *testing.T) {
	var kw []string
	for i := range 64 {
		kw = append(kw, string(rune('一'+i)))
	}
	kw = append(kw, "轮毂")
	f := newFeatures(&Record{Product: "铝轮毂", Keywords: kw}, nil)
	if len(f.terms) != 65 || f.isLong(0) || !f.isLong(64) {
		t.Fatalf("terms %d, long(0) %v, long(64) %v", len(f.terms), f.isLong(0), f.isLong(64))
	}
	if !slices.Contains(f.heads, "轮毂") {
		t.Fatalf("heads %q, want 轮毂 (term 65)", f.heads)
	}
}

// The terms without their generic tails are a list of their own once one
// term has such a tail; the terms themselves keep it.
func TestTermsTrimKeepsTerms(t *testing.T) {
	f := newFeatures(&Record{Product: "变速器总成", Keywords: []string{"齿轮", "变速器总成"}}, nil)
	if !slices.Equal(f.terms, []string{"齿轮", "变速器总成"}) || !slices.Equal(f.termsTrim, []string{"齿轮", "变速器"}) {
		t.Fatalf("terms %q, trimmed %q", f.terms, f.termsTrim)
	}
	g := newFeatures(&Record{Product: "齿轮", Keywords: []string{"齿轮", "变速器"}}, nil)
	if !slices.Equal(g.termsTrim, g.terms) {
		t.Fatalf("terms %q, trimmed %q", g.terms, g.termsTrim)
	}
}
