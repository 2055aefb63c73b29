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
//     now + LeadTimeDays falls after the deadline (FILTER, not penalty);
//   - a near miss: one product names the other's only as a modifier
//     (轮毂轴承 for 轮毂, ECU外壳 for ECU, 显示屏驱动芯片 for 显示屏);
//   - a term the demand states conflicts clearly with the offer's: the
//     asking price above 1.1× the ceiling, a size, layer count or voltage
//     outside the offer's, another material family, another thread size.
//
// Then a score in [0,1]:
//
//	R     = 0.35·category + 0.65·product                      relevance
//	F     = 0.45·region + 0.35·quantity + 0.20·leadTime         fit, soft
//	score = R·(0.70 + 0.30·F) + R·0.05·spec + 0.015 per verified party
//	if capacity (over the time to the deadline, ≥1 month) < 20% of the need:
//	    score ×= 0.5
//	score ×= 0.94 per term the demand states and the offer does not
//	score ×= 0.85 when the asking price is above the ceiling by ≤ 10%
//
// A demand stated as a rate (Quantity.Per 年/月) is compared month by month
// with the capacity.
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
// contribution to the score: what fits first, then what is unknown
// ("价格未注明", "产能未注明"), caveats such as "产能不足" last.
package match

import "time"

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
// Per is "月" or "年" for a demand stated as a rate (年需求10万套), "" for a
// one-off amount.
type Quantity struct {
	Value float64
	Unit  string
	Per   string
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

	// Terms, compared where the demand states them (see terms.go).
	Price    *Price // demand: the ceiling or target; offer: the asking price
	Material string // material family as the parser gives it: 铝合金, 钢, 铸铁, …
	Size     *Span  // inches
	Layers   *Span  // PCB layers
	Voltage  *Span  // volts
}

// Ref names a record the engine holds: what a caller needs to read it
// from where it is stored. The engine keeps the features it scores by,
// not the records.
type Ref struct {
	ID, No       string
	Side         Side
	EnterpriseID string
}

// Result is one counterpart found by Engine.Match.
type Result struct {
	Counterpart Ref
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
