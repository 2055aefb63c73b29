package match

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// counterpart is the offer); the score itself is symmetric.
func Score(demand, offer Record, now time.Time) (score float64, reasons []string, ok bool) {
	d, o := newFeatures(&demand, nil), newFeatures(&offer, nil)
	return scorePair(d, o, now, Offer, true, -1)
}

type reason struct {
	text string
	w    float64
}

// scorePair is the core. counterpart says whose verification "已认证企业"
// describes. When wantReasons is false no reason slice is built. Pairs that
// cannot reach minScore may be reported as filtered (ok=false) early; pass a
// negative minScore to disable that pruning.
func scorePair(d, o *features, now time.Time, counterpart Side, wantReasons bool, minScore float64) (float64, []string, bool) {
	if d.side != Demand || o.side != Offer {
		return 0, nil, false
	}
	nowN := now.UnixNano()
	if !d.openAt(nowN) || !o.openAt(nowN) {
		return 0, nil, false
	}
	if d.enterprise != "" && d.enterprise == o.enterprise {
		return 0, nil, false
	}
	// required certifications ⊆ held certifications
	for _, req := range d.certs {
		held := false
		for _, h := range o.certs {
			if h == req {
				held = true
				break
			}
		}
		if !held {
			return 0, nil, false
		}
	}

	// --- relevance ---
	matchedD := 0
	for i, t := range d.terms {
		if o.found(t, d.isLong(i)) {
			matchedD++
		}
	}
	matchedO := 0
	for i, t := range o.terms {
		if d.found(t, o.isLong(i)) {
			matchedO++
		}
	}
	// the same head noun by its characters (铝踏板 and 铝合金踏板, 限位器
	// and 车门限位器), for names the taxonomy lacks
	charHead := commonHead(d, o)
	shared := matchedD > 0 || matchedO > 0 || charHead != ""

	var cat float64
	catReason := ""
	switch {
	case d.leaf != "" && d.leaf == o.leaf:
		cat, catReason = 1, ReasonSameLeaf
	case d.branch != "" && d.branch == o.branch:
		cat, catReason = 0.6, ReasonSameBranch
	case d.branch == "" || o.branch == "":
		if !shared {
			return 0, nil, false
		}
		cat = 0.5
	default: // different branches
		if !shared {
			return 0, nil, false
		}
		cat = 0.2
	}

	var overlap float64
	if len(d.terms) > 0 && len(o.terms) > 0 {
		overlap = (float64(matchedD)/float64(len(d.terms)) + float64(matchedO)/float64(len(o.terms))) / 2
	}
	prod := overlap
	prodReason := ""
	headWord := ""
	dCore, oCore := coreFound(d, o), coreFound(o, d)
	switch {
	case dCore && oCore: // same core noun (possibly via synonyms)
		prod, headWord = 0.4+0.6*overlap, d.heads[0]
	case dCore: // one core is a generalisation of the other
		prod, headWord = 0.15+0.85*overlap, d.heads[0]
	case oCore:
		prod, headWord = 0.15+0.85*overlap, o.heads[0]
	case anyFound(d.heads, o) || anyFound(o.heads, d): // only a generic suffix word shared
		prod = 0.8 * overlap
	case len(d.heads) > 0 && len(o.heads) > 0: // both heads known, nothing in common
		prod = 0.2 * overlap
	}
	if charHead != "" && prod < charHeadProduct {
		prod = charHeadProduct
		if headWord == "" {
			headWord = charHead
		}
	}
	R := wCategory*cat + wProduct*prod
	// Upper bound of the final score given R: prune before the fit factors.
	if R*(fitBase+fitSpan+wSpec)+2*wVerified < minScore {
		return 0, nil, false
	}

	// a product that names the other's only as a modifier (轮毂轴承 for 轮毂)
	if nearMiss(d, o) || nearMiss(o, d) {
		return 0, nil, false
	}

	// --- terms: price, size, material, layers, voltage ---
	terms := compareTerms(d, o)
	if terms.conflict {
		return 0, nil, false
	}

	// --- fit ---
	reg, regReason := regionScore(d, o)

	qty, qtyReason := 0.5, ""
	capLow := false
	capUnknown := false
	if d.qty.v > 0 {
		if d.qty.comparable(o.moq) && d.qty.v < o.moq.v {
			return 0, nil, false
		}
		capUnknown = o.capacity.v <= 0
		if d.qty.comparable(o.capacity) {
			months := 1.0
			if d.deadline != 0 {
				if m := float64(d.deadline-nowN) / float64(30*24*time.Hour); m > 1 {
					months = m
				}
			}
			ratio := o.capacity.v * months / d.qty.v
			if d.qtyMonthly > 0 {
				// a rate (年需求) is met month by month
				ratio = o.capacity.v / d.qtyMonthly
			}
			qty = math.Min(1, ratio)
			switch {
			case ratio >= 1:
				qtyReason = ReasonCapacityOK
			case ratio < lowCapacityRatio:
				capLow = true
			}
		} else if d.qty.comparable(o.moq) {
			qtyReason = ReasonMOQOK
		}
	}

	lead, leadReason := 0.5, ""
	leadUnknown := d.deadline != 0 && o.lead < 0
	if d.deadline != 0 {
		if d.deadline <= nowN {
			return 0, nil, false
		}
		if o.lead >= 0 {
			slack := time.Duration(d.deadline - nowN - int64(o.lead)*int64(24*time.Hour))
			switch {
			case slack < 0:
				return 0, nil, false
			case slack < tightSlack:
				lead, leadReason = 0.6, ReasonLeadTight
			default:
				lead, leadReason = 1, ReasonLeadOK
			}
		}
	}

	F := wRegion*reg + wQuantity*qty + wLead*lead
	score := R * (fitBase + fitSpan*F)
	if capLow {
		score *= lowCapacityPenalty
	}
	score *= terms.factor
	spec := specOverlap(d.spec, o.spec)
	score += R * wSpec * spec
	if d.verified {
		score += wVerified
	}
	if o.verified {
		score += wVerified
	}
	score = math.Round(math.Min(1, math.Max(0, score))*1e4) / 1e4

	if !wantReasons {
		return score, nil, true
	}
	if headWord != "" {
		prodReason = ReasonProductHead
		if utf8.RuneCountInString(headWord) <= maxHeadInReasonRune {
			prodReason += "：" + originalWord(headWord, d.keywords, o.keywords)
		}
	} else if overlap >= 0.5 {
		prodReason = ReasonKeywords
	}
	rs := make([]reason, 0, 10)
	if catReason != "" {
		rs = append(rs, reason{catReason, wCategory * cat})
	}
	if prodReason != "" {
		rs = append(rs, reason{prodReason, wProduct * prod})
	}
	if regReason != "" {
		rs = append(rs, reason{regReason, R * fitSpan * wRegion * reg})
	}
	// certifications are a hard filter; rank them just below a good region.
	for i, c := range d.certNames {
		rs = append(rs, reason{ReasonCertPrefix + c, 0.08 - 0.001*float64(i)})
	}
	if qtyReason != "" {
		rs = append(rs, reason{qtyReason, R * fitSpan * wQuantity * qty})
	}
	if leadReason != "" {
		rs = append(rs, reason{leadReason, R * fitSpan * wLead * lead})
	}
	if spec >= 0.5 {
		rs = append(rs, reason{ReasonSpec, R * wSpec * spec})
	} else if spec > 0 {
		rs = append(rs, reason{ReasonSpecPartial, R * wSpec * spec})
	}
	cp := o
	if counterpart == Demand {
		cp = d
	}
	if cp.verified {
		rs = append(rs, reason{ReasonVerified, wVerified})
	}
	for i, t := range terms.fits {
		rs = append(rs, reason{t, 0.07 - 0.001*float64(i)})
	}
	for i, t := range terms.unknown {
		rs = append(rs, reason{t, -0.5 - 0.001*float64(i)})
	}
	if capUnknown {
		rs = append(rs, reason{ReasonCapacityUnknown, -0.6})
	}
	if leadUnknown {
		rs = append(rs, reason{ReasonLeadUnknown, -0.65})
	}
	if capLow {
		rs = append(rs, reason{ReasonCapacityLow, -1})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].w > rs[j].w })
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return score, out, true
}

// coreFound reports whether a's core (longest suffix keyword of its product) is
// present in b, either directly or composed of a modifier and a shorter head
// both present in b: "变速箱齿轮" is found in "变速器齿轮" whose keywords hold
// "变速箱" (synonym) and "齿轮".
func coreFound(a, b *features) bool {
	if len(a.heads) == 0 {
		return false
	}
	core := a.heads[0]
	if b.found(core, true) {
		return true
	}
	for _, h := range a.heads[1:] {
		if !b.found(h, true) {
			continue
		}
		if p := strings.TrimSuffix(core, h); p != "" && b.found(p, utf8.RuneCountInString(p) >= 2) {
			return true
		}
	}
	return false
}

func anyFound(words []string, f *features) bool {
	for _, w := range words {
		if f.found(w, true) {
			return true
		}
	}
	return false
}

// originalWord returns w as the user wrote it (case preserved) if one of
// the keyword lists has it.
func originalWord(w string, lists ...[]string) string {
	for _, keywords := range lists {
		for _, k := range keywords {
			if normWord(k) == w {
				return strings.TrimSpace(k)
			}
		}
	}
	return w
}

func sameUnit(a, b string) bool {
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}

func specOverlap(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
				break
			}
		}
	}
	return float64(n) / float64(min(len(a), len(b)))
}

const (
	chongqing = "重庆"
	sichuan   = "四川"
)

func inChengyu(province string) bool { return province == chongqing || province == sichuan }

func regionScore(d, o *features) (float64, string) {
	if d.province == "" || o.province == "" {
		return 0.5, ""
	}
	sameProv := d.province == o.province
	sameCity := sameProv && d.city != "" && d.city == o.city
	switch {
	case sameCity && d.district != "" && d.district == o.district:
		return 1, ReasonSameDistrict
	case sameCity:
		return 0.85, ReasonSameCity
	case inChengyu(d.province) && inChengyu(o.province):
		return 0.7, ReasonChengyu
	case sameProv:
		return 0.55, ReasonSameProvince
	}
	return 0.3, ""
}
