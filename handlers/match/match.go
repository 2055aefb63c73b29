// Package match is the two-way, explainable matching engine of supplybot.
//
// It pairs parts demands posted by vehicle / device makers with offers posted
// by suppliers on the 成渝 automotive and electronics supply–demand platform.
// It is pure Go, has no storage and does not parse Chinese text: callers hand
// in plain Records whose Keywords already carry expanded synonyms.
//
// # Scoring
//
// Score(demand, offer, now) first applies HARD filters (ok=false):
//
//   - wrong sides (demand must be Demand, offer must be Offer);
//   - either record not "open", or expired (ExpiresAt set and not after now);
//   - both records from the same enterprise;
//   - the offer lacks a certification the demand requires;
//   - no relevance evidence: no shared product word while the categories are
//     in different branches or at least one category is unknown;
//   - units agree and the demand quantity is below the offer MOQ;
//   - the demand deadline has passed, or the lead time is known and
//     now + LeadTimeDays falls after the deadline (FILTER, not penalty).
//
// Then a score in [0,1]:
//
//	R     = 0.35·category + 0.65·product                      relevance
//	F     = 0.45·region + 0.35·quantity + 0.20·leadTime         fit, soft
//	score = R·(0.70 + 0.30·F) + R·0.05·spec + 0.015 per verified party
//	if capacity (over the time to the deadline, ≥1 month) < 20% of the need:
//	    score ×= 0.5
//
// category: same leaf 1.0, same branch 0.6, unknown 0.5, different branch (but
// sharing a product word) 0.2. product: overlap of keyword sets (a keyword also
// counts when contained in the other side's Product), refined by the head noun
// (Chinese compounds are right-headed: the core is the longest keyword that is a
// suffix of Product): both cores found on the other side → 0.4+0.6·overlap; one
// core found → 0.15+0.85·overlap; only a shorter, generic suffix word shared →
// 0.8·overlap; heads known but disjoint → 0.2·overlap; no head known → overlap. region: same district 1.0, same city
// 0.85, 成渝 (重庆市 with 四川省, or both in 成渝) 0.7, same province 0.55,
// elsewhere 0.3, unknown 0.5. Region never filters. quantity: compared only
// when units agree, min(1, capacity·months/need); unknown 0.5. lead time: slack
// ≥3 days 1.0, <3 days 0.6, unknown 0.5. Verified is a small bonus, spec token
// overlap is a bonus only. Among the records above the threshold, Engine.Match
// lists verified enterprises' first, then by score.
//
// DefaultThreshold is 0.5. Reasons are short Chinese phrases ordered by their
// contribution to the score (caveats such as "产能不足" come last).
package match

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Side of a record.
type Side int

const (
	// Demand is a parts need posted by a vehicle / device maker.
	Demand Side = iota
	// Offer is a supply offer posted by a supplier.
	Offer
)

func (s Side) String() string {
	switch s {
	case Demand:
		return "demand"
	case Offer:
		return "offer"
	}
	return "unknown"
}

// Quantity is an amount with its unit ("件","套","只","个","吨","平米").
type Quantity struct {
	Value float64
	Unit  string
}

// Region uses official names, e.g. 重庆市/重庆市/璧山区, 四川省/成都市/龙泉驿区.
type Region struct {
	Province, City, District string
}

// StatusOpen is the only matchable status.
const StatusOpen = "open"

// Record is one demand or offer as seen by the matcher.
type Record struct {
	ID, No       string // No is what users type: D1024 / O2048
	Side         Side
	EnterpriseID string
	Verified     bool   // enterprise verified by the task force
	CategoryCode string // dot path, e.g. "auto.powertrain.transmission"; "" unknown
	CategoryName string // leaf name in Chinese, e.g. "变速器"
	Product      string // e.g. "变速箱电磁阀"
	Keywords     []string
	Spec         string
	Quantity     *Quantity // demand: amount needed
	Capacity     *Quantity // offer: monthly capacity
	MOQ          *Quantity // offer: minimum order
	Region       Region
	Deadline     *time.Time // demand: delivery deadline
	LeadTimeDays int        // offer: days to deliver; <0 unknown
	// Certifications: for a demand the REQUIRED certs, for an offer the HELD certs.
	Certifications []string
	Status         string // only "open" is matchable
	ExpiresAt      time.Time
}

// Result is one counterpart found by Engine.Match.
type Result struct {
	Counterpart Record
	Score       float64
	Reasons     []string
}

// Options of an Engine.
type Options struct {
	Threshold float64 // minimum score; <=0 means DefaultThreshold
	Limit     int     // max results; <=0 means DefaultLimit
}

// Defaults.
const (
	DefaultThreshold = 0.5
	DefaultLimit     = 20
)

// Weights (see package doc).
const (
	wCategory = 0.35
	wProduct  = 0.65

	fitBase   = 0.70
	fitSpan   = 0.30
	wRegion   = 0.45
	wQuantity = 0.35
	wLead     = 0.20

	wSpec     = 0.05
	wVerified = 0.015

	lowCapacityRatio   = 0.2
	lowCapacityPenalty = 0.5
	tightSlack         = 3 * 24 * time.Hour
)

// Reason strings.
const (
	ReasonSameLeaf      = "品类相同"
	ReasonSameBranch    = "品类相近"
	ReasonProductHead   = "产品对口"
	ReasonKeywords      = "关键词相近"
	ReasonSpec          = "规格相符"
	ReasonSpecPartial   = "规格部分相符"
	ReasonSameDistrict  = "同区县"
	ReasonSameCity      = "同城"
	ReasonChengyu       = "同在成渝"
	ReasonSameProvince  = "同省"
	ReasonCertPrefix    = "持"
	ReasonCapacityOK    = "产能满足"
	ReasonCapacityLow   = "产能不足"
	ReasonMOQOK         = "起订量满足"
	ReasonLeadOK        = "交期满足"
	ReasonLeadTight     = "交期偏紧"
	ReasonVerified      = "已认证企业"
	maxHeadInReasonRune = 6
)

// features are the normalised, precomputed parts of a Record used for
// scoring. Everything the hot path reads is copied in (no pointer chasing into
// the Record) so that scoring thousands of candidates stays cache-friendly.
type features struct {
	rec        *Record // for reason texts only
	id         string
	side       Side
	open       bool  // Status == "open"
	expires    int64 // unix nanos; 0 = never
	enterprise string
	verified   bool

	branch   string   // category code minus last segment; "" unknown
	leaf     string   // full category code; "" unknown
	terms    []string // normalised keywords (or the product), deduplicated
	long     []bool   // terms[i] has >= 2 runes (may match by containment)
	product  string   // normalised product
	heads    []string // terms that are a suffix of product, longest first
	spec     []string // spec tokens, deduplicated
	certs    []string // normalised cert keys
	province string
	city     string
	district string

	qty, capacity, moq amount
	deadline           int64 // unix nanos; 0 = none
	lead               int   // days; <0 unknown
}

type amount struct {
	v    float64 // 0 = unknown
	unit string
}

func toAmount(q *Quantity, in func(string) string) amount {
	if q == nil || q.Value <= 0 {
		return amount{}
	}
	return amount{q.Value, in(strings.TrimSpace(q.Unit))}
}

func (a amount) comparable(b amount) bool { return a.v > 0 && b.v > 0 && a.unit == b.unit }

func identity(s string) string { return s }

// newFeatures precomputes r's features. in interns strings (nil: none); the
// engine interns vocabulary so equal words share memory.
func newFeatures(r *Record, in func(string) string) *features {
	if in == nil {
		in = identity
	}
	f := &features{
		rec:        r,
		id:         r.ID,
		side:       r.Side,
		open:       r.Status == StatusOpen,
		enterprise: r.EnterpriseID,
		verified:   r.Verified,
		qty:        toAmount(r.Quantity, in),
		capacity:   toAmount(r.Capacity, in),
		moq:        toAmount(r.MOQ, in),
		lead:       r.LeadTimeDays,
	}
	if !r.ExpiresAt.IsZero() {
		f.expires = r.ExpiresAt.UnixNano()
	}
	if r.Deadline != nil {
		f.deadline = r.Deadline.UnixNano()
	}
	code := strings.TrimSpace(r.CategoryCode)
	if code != "" {
		f.leaf = in(code)
		if i := strings.LastIndexByte(code, '.'); i > 0 {
			f.branch = in(code[:i])
		} else {
			f.branch = f.leaf
		}
	}
	f.product = normWord(r.Product)
	f.terms = make([]string, 0, len(r.Keywords)+1)
	add := func(w string) {
		if w == "" {
			return
		}
		for _, t := range f.terms {
			if t == w {
				return
			}
		}
		f.terms = append(f.terms, in(w))
	}
	for _, k := range r.Keywords {
		add(normWord(k))
	}
	if len(f.terms) == 0 {
		add(f.product)
	}
	f.long = make([]bool, len(f.terms))
	for i, t := range f.terms {
		f.long[i] = utf8.RuneCountInString(t) >= 2
	}
	if f.product != "" {
		for i, t := range f.terms {
			if f.long[i] && strings.HasSuffix(f.product, t) {
				f.heads = append(f.heads, t)
			}
		}
		sort.SliceStable(f.heads, func(i, j int) bool { return len(f.heads[i]) > len(f.heads[j]) })
	}
	f.spec = specTokens(r.Spec)
	for _, c := range r.Certifications {
		if k := certKey(c); k != "" {
			f.certs = append(f.certs, in(k))
		}
	}
	f.province = in(normPlace(r.Region.Province))
	f.city = in(normPlace(r.Region.City))
	f.district = in(strings.TrimSpace(r.Region.District))
	return f
}

func normWord(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// certKey makes "IATF16949", "iatf 16949" and "IATF-16949" compare equal.
func certKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func normPlace(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"省", "市"} {
		if strings.HasSuffix(s, suf) && utf8.RuneCountInString(s) > 2 {
			s = strings.TrimSuffix(s, suf)
		}
	}
	return s
}

// specTokens splits a spec into lower-case runs of letters/digits; hyphens are
// dropped first so "FR-4" equals "FR4".
func specTokens(s string) []string {
	s = strings.ToLower(strings.ReplaceAll(s, "-", ""))
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.')
	})
	out := fields[:0]
	for _, t := range fields {
		t = strings.Trim(t, ".")
		if t == "" {
			continue
		}
		dup := false
		for _, o := range out {
			if o == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

// found reports whether term w of one side is present on the other side:
// as a term, or (long: ≥2 runes) contained in its product.
func (f *features) found(w string, long bool) bool {
	for _, t := range f.terms {
		if t == w {
			return true
		}
	}
	return long && f.product != "" && strings.Contains(f.product, w)
}

func (f *features) hasTerm(w string) bool {
	for _, t := range f.terms {
		if t == w {
			return true
		}
	}
	return false
}

func isOpen(r *Record, now time.Time) bool {
	if r.Status != StatusOpen {
		return false
	}
	return r.ExpiresAt.IsZero() || r.ExpiresAt.After(now)
}

func (f *features) openAt(now int64) bool {
	return f.open && (f.expires == 0 || f.expires > now)
}

// Score scores a demand against an offer. ok=false means the pair is
// hard-filtered out. Reasons are phrased for the demand poster (the
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
		if o.found(t, d.long[i]) {
			matchedD++
		}
	}
	matchedO := 0
	for i, t := range o.terms {
		if d.found(t, o.long[i]) {
			matchedO++
		}
	}
	shared := matchedD > 0 || matchedO > 0

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
	R := wCategory*cat + wProduct*prod
	// Upper bound of the final score given R: prune before the fit factors.
	if R*(fitBase+fitSpan+wSpec)+2*wVerified < minScore {
		return 0, nil, false
	}

	// --- fit ---
	reg, regReason := regionScore(d, o)

	qty, qtyReason := 0.5, ""
	capLow := false
	if d.qty.v > 0 {
		if d.qty.comparable(o.moq) && d.qty.v < o.moq.v {
			return 0, nil, false
		}
		if d.qty.comparable(o.capacity) {
			months := 1.0
			if d.deadline != 0 {
				if m := float64(d.deadline-nowN) / float64(30*24*time.Hour); m > 1 {
					months = m
				}
			}
			ratio := o.capacity.v * months / d.qty.v
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
	dr, or := d.rec, o.rec
	if headWord != "" {
		prodReason = ReasonProductHead
		if utf8.RuneCountInString(headWord) <= maxHeadInReasonRune {
			prodReason += "：" + originalWord(headWord, dr, or)
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
	for i, c := range dr.Certifications {
		if strings.TrimSpace(c) == "" {
			continue
		}
		rs = append(rs, reason{ReasonCertPrefix + strings.TrimSpace(c), 0.08 - 0.001*float64(i)})
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
	cp := or
	if counterpart == Demand {
		cp = dr
	}
	if cp.Verified {
		rs = append(rs, reason{ReasonVerified, wVerified})
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

// originalWord returns w as the user wrote it (case preserved) if possible.
func originalWord(w string, rs ...*Record) string {
	for _, r := range rs {
		for _, k := range r.Keywords {
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
