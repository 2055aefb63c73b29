package match

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Terms are what a buyer states beyond the product: a price ceiling, a
// size, a material, a layer count, a voltage. Each is compared only where
// the demand states it. Both sides stating it and disagreeing clearly is a
// conflict (the pair is filtered); the offer not stating it lowers the
// score and the reasons say it is unknown (价格未注明).

// Price is a unit price in yuan: Min == Max for one price, Min == 0 for an
// upper bound only (不超过300元), Max == 0 for a lower bound only. Unit is
// "元" or "元/<unit>" ("元/只", "元/千只").
type Price struct {
	Min, Max float64
	Unit     string
}

// Span is a stated size (inches), layer count or voltage: Min == Max for
// one value, a range for what an offer covers (4-12层).
type Span struct {
	Min, Max float64
}

// Reasons about terms.
const (
	ReasonPriceOK         = "价格在预算内"
	ReasonPriceHigh       = "价格略高于预算"
	ReasonPriceUnknown    = "价格未注明"
	ReasonSizeOK          = "尺寸相符"
	ReasonSizeUnknown     = "尺寸未注明"
	ReasonMaterialOK      = "材质相符"
	ReasonMaterialUnknown = "材质未注明"
	ReasonLayersOK        = "层数相符"
	ReasonLayersUnknown   = "层数未注明"
	ReasonVoltageOK       = "电压相符"
	ReasonVoltageUnknown  = "电压未注明"
	ReasonCapacityUnknown = "产能未注明"
	ReasonLeadUnknown     = "交期未注明"
)

const (
	// unknownTermFactor scales the score once per term the demand states
	// and the offer does not.
	unknownTermFactor = 0.94
	// priceSlack is how far above the ceiling an asking price is still a
	// near fit (negotiable) rather than a conflict.
	priceSlack = 1.1
	// highPriceFactor scales the score of a price within the slack.
	highPriceFactor = 0.85
)

// unitPrice is a price per one base unit, comparable with another of the
// same class.
type unitPrice struct {
	lo, hi float64 // 0 = open end
	class  string  // "piece", "kg", "平米", "米", or a unit as written; "" = unknown or a total
}

var pieceUnits = map[string]bool{"件": true, "只": true, "个": true, "套": true, "片": true, "颗": true, "台": true, "条": true,
	"根": true, "块": true, "支": true, "粒": true, "把": true, "张": true, "枚": true, "副": true, "pcs": true}

func toUnitPrice(p *Price) unitPrice {
	if p == nil || p.Min <= 0 && p.Max <= 0 {
		return unitPrice{}
	}
	per, ok := strings.CutPrefix(strings.TrimSpace(p.Unit), "元/")
	if !ok || per == "" {
		return unitPrice{} // a total or a price without a unit is not compared
	}
	mult := 1.0
	i := 0
	for i < len(per) && per[i] >= '0' && per[i] <= '9' {
		i++
	}
	if i > 0 {
		if v, err := strconv.ParseFloat(per[:i], 64); err == nil && v > 0 {
			mult = v
		}
		per = per[i:]
	} else {
		for pre, m := range map[string]float64{"百": 100, "千": 1000, "万": 10000} {
			if rest, ok := strings.CutPrefix(per, pre); ok && rest != "" {
				mult, per = m, rest
				break
			}
		}
	}
	class := per
	switch {
	case pieceUnits[per]:
		class = "piece"
	case per == "吨":
		class, mult = "kg", mult*1000
	case per == "kg" || per == "公斤" || per == "千克":
		class = "kg"
	}
	return unitPrice{lo: p.Min / mult, hi: p.Max / mult, class: class}
}

type span struct {
	lo, hi float64
	ok     bool
}

func toSpan(s *Span) span {
	if s == nil || s.Max < s.Min || s.Max <= 0 {
		return span{}
	}
	return span{s.Min, s.Max, true}
}

func (a span) overlaps(b span) bool {
	const eps = 1e-6
	return a.lo <= b.hi+eps && b.lo <= a.hi+eps
}

// termResult is the outcome of comparing the terms of a pair.
type termResult struct {
	conflict bool
	factor   float64 // product of the unknown and near-fit factors
	fits     []string
	unknown  []string
}

// compareTerms compares what the demand states with the offer.
func compareTerms(d, o *features) termResult {
	r := termResult{factor: 1}
	unknown := func(reason string) {
		r.factor *= unknownTermFactor
		r.unknown = append(r.unknown, reason)
	}
	// price: the demand's ceiling against the offer's lowest asking price
	if d.price.hi > 0 && d.price.class != "" {
		switch ask := o.price.lo; {
		case o.price.class == "" || o.price.lo <= 0 && o.price.hi <= 0:
			unknown(ReasonPriceUnknown)
		case o.price.class != d.price.class:
			// per 吨 against per 件: not comparable
		default:
			if ask <= 0 {
				ask = o.price.hi
			}
			switch {
			case ask <= d.price.hi*(1+1e-9):
				r.fits = append(r.fits, ReasonPriceOK)
			case ask <= d.price.hi*priceSlack:
				r.factor *= highPriceFactor
				r.fits = append(r.fits, ReasonPriceHigh)
			default:
				r.conflict = true
				return r
			}
		}
	}
	for _, t := range []struct {
		d, o          span
		ok, notStated string
	}{
		{d.size, o.size, ReasonSizeOK, ReasonSizeUnknown},
		{d.layers, o.layers, ReasonLayersOK, ReasonLayersUnknown},
		{d.voltage, o.voltage, ReasonVoltageOK, ReasonVoltageUnknown},
	} {
		switch {
		case !t.d.ok:
		case !t.o.ok:
			unknown(t.notStated)
		case t.d.overlaps(t.o):
			r.fits = append(r.fits, t.ok)
		default:
			r.conflict = true
			return r
		}
	}
	// metric thread sizes in the spec (M8 against M10)
	if dm, om := threadSizes(d.spec), threadSizes(o.spec); len(dm) > 0 && len(om) > 0 {
		if specOverlap(dm, om) == 0 {
			r.conflict = true
			return r
		}
		r.fits = append(r.fits, ReasonSizeOK)
	}
	switch {
	case d.material == "":
	case o.material == "":
		unknown(ReasonMaterialUnknown)
	case d.material == o.material:
		r.fits = append(r.fits, ReasonMaterialOK)
	default:
		r.conflict = true
	}
	return r
}

// genericTails are endings that do not change what a product is (座椅总成
// is a 座椅, IGBT模块 an IGBT).
var genericTails = []string{"总成", "组件", "模块", "模组", "系统", "产品", "系列", "成品"}

func trimTails(s string) string {
	for changed := true; changed; {
		changed = false
		for _, t := range genericTails {
			if rest, ok := strings.CutSuffix(s, t); ok && rest != "" {
				s, changed = rest, true
			}
		}
	}
	return s
}

// nearMiss reports a product of b that names a's product only as a
// modifier: 轮毂轴承 against 轮毂, 显示屏驱动芯片 against 显示屏, ECU外壳
// against ECU, 座椅面料 against 座椅总成. Chinese names are head-final, so b
// is about a's product only when it ends with one of a's words (a synonym,
// a shorter head); a's product or head inside b, not at its end, is the
// modifier case. Category and industry words among the keywords are not
// a's product and are not looked for inside b.
func nearMiss(a, b *features) bool {
	if b.product == "" || a.product == "" {
		return false
	}
	for i, t := range a.terms {
		if a.isLong(i) && (endsWith(b.product, t) || endsWith(b.productTrim, t) || endsWith(b.productTrim, a.termsTrim[i]) || endsWith(b.productForm, t)) {
			return false
		}
	}
	for _, h := range a.headsTrim {
		if j := strings.Index(b.productTrim, h); j >= 0 && wordAt(b.productTrim, j, j+len(h)) {
			return true
		}
	}
	return false
}

// nearMissWords precomputes what nearMiss reads of f.
func (f *features) nearMissWords(in func(string) string) {
	f.productTrim = trimTails(f.product)
	f.productForm = trimForm(f.productTrim)
	// Most terms have no generic tail: their list is the terms' own
	// until one has, held by every record the engine keeps.
	f.termsTrim = f.terms
	shared := true
	for i, t := range f.terms {
		if tt := trimTails(t); tt != t {
			if shared {
				f.termsTrim, shared = slices.Clone(f.terms), false
			}
			f.termsTrim[i] = tt
		}
	}
	if last := lastHan(f.productTrim, 2); last != "" {
		f.headKey = in("\x00head:" + last)
	}
	for _, h := range append([]string{f.product}, f.heads...) {
		if ht := trimTails(h); utf8.RuneCountInString(ht) >= 2 && !slices.Contains(f.headsTrim, ht) {
			f.headsTrim = append(f.headsTrim, ht)
		}
	}
}

// trimForm drops a last character that only names a form (OLED屏 is an
// OLED, PCB板 a PCB).
func trimForm(s string) string {
	for _, f := range []string{"屏", "板", "片", "件"} {
		if rest, ok := strings.CutSuffix(s, f); ok && rest != "" {
			return rest
		}
	}
	return s
}

func endsWith(s, t string) bool {
	return t != "" && strings.HasSuffix(s, t) && wordAt(s, len(s)-len(t), len(s))
}

// wordAt reports whether s[i:j] is not part of a longer ASCII word (IC in
// PIC16).
func wordAt(s string, i, j int) bool {
	isWord := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !isWord(s[i]) && !isWord(s[j-1]) {
		return true
	}
	if i > 0 && isWord(s[i-1]) && isWord(s[i]) {
		return false
	}
	if j < len(s) && isWord(s[j]) && isWord(s[j-1]) {
		return false
	}
	return true
}

// monthlyNeed is the demand quantity per month when it is a rate (年需求),
// and ok=false for a one-off amount.
func monthlyNeed(q *Quantity) (float64, bool) {
	if q == nil {
		return 0, false
	}
	switch q.Per {
	case "月":
		return q.Value, true
	case "年":
		return q.Value / 12, true
	}
	return 0, false
}

// productMaterials name a material inside a product name, for records
// saved without the parser's Material (铝合金轮毂, 钢制轮毂). Longer words
// first; the parser's table is the full one.
var productMaterials = []struct{ word, family string }{
	{"不锈钢", "钢"}, {"铝合金", "铝合金"}, {"钢制", "钢"}, {"钢质", "钢"}, {"铸铁", "铸铁"},
	{"锌合金", "锌合金"}, {"镁合金", "镁合金"}, {"碳纤维", "碳纤维"}, {"陶瓷", "陶瓷"},
	{"铝轮", "铝合金"}, {"铝板", "铝合金"}, {"铜排", "铜"}, {"黄铜", "铜"},
}

func productMaterial(product string) string {
	for _, m := range productMaterials {
		if strings.Contains(product, m.word) {
			return m.family
		}
	}
	return ""
}

// threadSizes are the metric thread sizes among spec tokens: m8, m10, m3.5.
func threadSizes(spec []string) []string {
	var out []string
	for _, t := range spec {
		if len(t) >= 2 && len(t) <= 5 && t[0] == 'm' && t[1] >= '1' && t[1] <= '9' && strings.Trim(t[1:], "0123456789.") == "" {
			out = append(out, t)
		}
	}
	return out
}

// charHeadProduct is the product score of two names that end with the same
// head by their characters (commonHead).
const charHeadProduct = 0.7

// commonHead returns the longest common ending of the two products (less
// generic tails) when it is a head noun the matcher can trust by its
// characters: at least two Han characters, the taxonomy not placing the two
// in different categories, and either one whole product
// (限位器 of 车门限位器) or a word neither side's keywords know (踏板 of
// 铝踏板 and 铝合金踏板). A known shared word (电机 of 驱动电机 and 雨刮电机)
// is left to the keyword rules, which know it is generic.
func commonHead(a, b *features) string {
	x, y := a.productTrim, b.productTrim
	if x == "" || y == "" || a.leaf != "" && b.leaf != "" && a.leaf != b.leaf {
		return "" // the taxonomy tells them apart (正极材料, 负极材料)
	}
	i, j := len(x), len(y)
	n := 0
	for i > 0 && j > 0 {
		r1, s1 := utf8.DecodeLastRuneInString(x[:i])
		r2, s2 := utf8.DecodeLastRuneInString(y[:j])
		if r1 != r2 || !unicode.Is(unicode.Han, r1) {
			break
		}
		i, j, n = i-s1, j-s2, n+1
	}
	if n < 2 {
		return ""
	}
	cs := x[i:]
	if cs == x || cs == y {
		return cs
	}
	if a.hasTerm(cs) || b.hasTerm(cs) {
		return ""
	}
	return cs
}

// lastHan returns the last n runes of s when they are all Han, else "".
func lastHan(s string, n int) string {
	i := len(s)
	for k := 0; k < n; k++ {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if size == 0 || !unicode.Is(unicode.Han, r) {
			return ""
		}
		i -= size
	}
	return s[i:]
}
