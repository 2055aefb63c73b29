package parse

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Shared regular-expression fragments. All expressions are RE2: matching is
// linear in the input, there is no backtracking blow-up.
const (
	numPat  = `(?:(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[kKwW]?[十百千万亿]*)+|[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+(?:点[零〇一二三四五六七八九]+[万千百亿]*)?)`
	unitPat = `(?:pcs|PCS|Pcs|pc|PC|Pc|sets|SETS|set|SET|Set|ea|EA|pairs|pair|kg|KG|Kg|公斤|千克|吨|平方米|平米|平方|㎡|m2|m²|立方米|立方|万片|米|件|套|只|个|台|辆|根|条|块|张|片|颗|粒|卷|箱|盒|对|组|支|把|桶|升|瓶|包|袋|托|副|枚|盘|平|点)`
)

// plusPat sits between a number and its unit: "3万+件" is at least 30000件.
const plusPat = `\s*(?:\+\s*)?`

var unitNorm = map[string]string{
	"pcs": "件", "pc": "件", "ea": "件",
	"sets": "套", "set": "套",
	"pairs": "对", "pair": "对",
	"kg": "kg", "公斤": "kg", "千克": "kg",
	"平方米": "平米", "平米": "平米", "平方": "平米", "平": "平米", "㎡": "平米", "m2": "平米", "m²": "平米",
	"立方米": "立方米", "立方": "立方米",
}

// normUnit maps a unit word to its canonical form ("PCS" → "件").
func normUnit(u string) string {
	u = strings.TrimSpace(u)
	if n, ok := unitNorm[strings.ToLower(u)]; ok {
		return n
	}
	return u
}

var (
	quantityRe      = regexp.MustCompile(`(数量|需求量|采购量|订单量|年用量|月用量|年需求量|月需求量|年需求|月需求|年采购量|月采购量|年采购|月采购|年需|月需|每年需求|每月需求|一年|一个月|用量|总量|总共|一共|共计|合计|共|预计|大约|大概|约)?\s*[:：为是]?\s*(?:约|大约|大概|预计)?\s*(` + numPat + `)` + plusPat + `(` + unitPat + `)?(左右|上下|以上|多)?`)
	capacityRe      = regexp.MustCompile(`(月产能|月产量|月供货能力|月供货量|月供应量|月出货量|月产|月供应|月供货|月供|月出货|每月产能|每月产量|每月可供应|每月可供货|每月可供|每月供货|每月供应|每月生产|每月出货|每月能供|每个月|每月|年产能|年产量|年供货量|年供应量|年产|每年|日产能|日产量|日产|每天|每日|周产能|每周|产能|产量)\s*[:：为是]?\s*(?:约|大概|大约|可达|达到|达|超过|在|有)?\s*(` + numPat + `)` + plusPat + `(` + unitPat + `)?(?:\s*(?:/|每)\s*(月|年|天|日|周))?(?:左右|以上)?`)
	capacitySlashRe = regexp.MustCompile(`(` + numPat + `)\s*(` + unitPat + `)?\s*(?:/|每)\s*(月|年|天|日|周)`)
	moqRe           = regexp.MustCompile(`(?:最小起订量|最低起订量|最小订单量|最小起订|最低起订|最小订量|最低订量|最小批量|起订量|起批量|起订|起批|MOQ|moq|Moq)\s*[:：为是]?\s*(` + numPat + `)` + plusPat + `(` + unitPat + `)?(?:起)?`)
	moqSuffixRe     = regexp.MustCompile(`(` + numPat + `)\s*(` + unitPat + `)?\s*(起订|起批|起售|起做|起)`)
)

// quantityMatch is a quantity found in text with its byte span.
type quantityMatch struct {
	q          Quantity
	start, end int
	generic    bool     // capacity given as plain "每月…" or "…/月", not 产能/产量
	raw        Quantity // capacity before conversion to a monthly figure
}

// validQuantityAt checks the context of a number+unit match: the number must
// not be glued to a preceding ASCII letter (M8), an ASCII unit must not run
// into more letters (5mm), and "个" must not start 个月/个工作日.
func validQuantityAt(s string, numStart, unitEnd int, unit string) bool {
	if numStart > 0 {
		c := s[numStart-1]
		if isASCIILetter(c) || c == '-' || c == '.' || c == '/' || c == '#' || isASCIIDigit(c) {
			return false
		}
	}
	if unit != "" && isASCII(unit) && unitEnd < len(s) && (isASCIILetter(s[unitEnd]) || isASCIIDigit(s[unitEnd])) {
		return false
	}
	if unit == "" && unitEnd < len(s) && (isASCIILetter(s[unitEnd]) || s[unitEnd] == '.') {
		return false
	}
	if unit == "平" {
		// 平 alone is 平米 unless it starts a word: 2万平板, 平衡块.
		r, _ := utf8.DecodeRuneInString(s[unitEnd:])
		if strings.ContainsRune("板台方面衡均行安价整稳顶头常时日", r) {
			return false
		}
	}
	if unit == "个" || unit == "月" {
		rest := s[unitEnd:]
		for _, w := range []string{"月", "工作日", "星期", "礼拜", "小时", "季度", "半月"} {
			if strings.HasPrefix(rest, w) {
				return false
			}
		}
	}
	return true
}

var kgRe = regexp.MustCompile(`(\d)\s*[kK][gG]`)

// prepUnits rewrites "20kg" as "20公斤" so that the k is not read as 千.
// "18 inch" as "18寸", so that the size is read and inch is no spec word.
func prepUnits(s string) string {
	if strings.ContainsAny(s, "kK") {
		s = kgRe.ReplaceAllString(s, "${1}公斤")
	}
	if strings.Contains(s, "nch") || strings.Contains(s, "NCH") {
		s = inchRe.ReplaceAllString(s, "${1}寸")
	}
	return s
}

func findQuantities(s string) []quantityMatch {
	var out []quantityMatch
	for _, m := range quantityRe.FindAllStringSubmatchIndex(s, -1) {
		label := sub(s, m, 1)
		unit := sub(s, m, 3)
		if unit == "" && label == "" {
			continue
		}
		if unit == "" && (label == "约" || label == "大约" || label == "大概" || label == "预计") {
			continue
		}
		if !validQuantityAt(s, m[4], max(m[5], m[7]), unit) {
			continue
		}
		v, ok := parseNumber(sub(s, m, 2))
		if !ok || v <= 0 || !plausibleUnit(unit, v) {
			continue
		}
		out = append(out, quantityMatch{q: Quantity{Value: v, Unit: normUnit(unit), Per: ratePer(label, "")}, start: m[0], end: m[1]})
	}
	return out
}

// plausibleUnit rejects 点 with a small number: 3点 is a time of day, 50万点
// a count of LED points.
func plausibleUnit(unit string, v float64) bool {
	return unit != "点" || v >= 1000
}

// ratePer is the period of an amount given per month or per year
// (年需求, 月用量, 每月, …/年): "月", "年" or "" for a one-off amount.
func ratePer(label, period string) string {
	switch {
	case period == "年" || period == "" && strings.Contains(label, "年"):
		return "年"
	case period == "月" || period == "" && strings.Contains(label, "月"):
		return "月"
	case period == "周" || period == "天" || period == "日" || period == "" && strings.ContainsAny(label, "周天日"):
		return "月" // converted to a monthly figure by the caller
	}
	return ""
}

// ParseQuantity returns the first amount in s: "5000件", "5千件", "一万套",
// "1.2万只", "2000 pcs", "10吨", "两千个", "三万五千件", "5k件", "数量：300".
// A bare number without unit counts only after a label such as 数量.
func ParseQuantity(s string) (Quantity, bool) {
	qs := findQuantities(prepUnits(Normalize(s)))
	if len(qs) == 0 {
		return Quantity{}, false
	}
	return qs[0].q, true
}

// periodFactor converts an amount per period into an amount per month.
func periodFactor(label, period string) float64 {
	switch {
	case period == "年" || period == "" && strings.Contains(label, "年"):
		return 1.0 / 12
	case period == "天" || period == "日" || period == "" && (strings.Contains(label, "日") || strings.Contains(label, "天")):
		return 30
	case period == "周" || period == "" && strings.Contains(label, "周"):
		return 52.0 / 12
	}
	return 1
}

func findCapacities(s string) []quantityMatch {
	var out []quantityMatch
	for _, m := range capacityRe.FindAllStringSubmatchIndex(s, -1) {
		label, num, unit, period := sub(s, m, 1), sub(s, m, 2), sub(s, m, 3), sub(s, m, 4)
		if !validQuantityAt(s, m[4], max(m[5], m[7]), unit) {
			continue
		}
		v, ok := parseNumber(num)
		if !ok || v <= 0 || !plausibleUnit(unit, v) {
			continue
		}
		generic := !strings.ContainsAny(label, "产供能出")
		out = append(out, quantityMatch{q: Quantity{Value: roundQty(v * periodFactor(label, period)), Unit: normUnit(unit)}, start: m[0], end: m[1], generic: generic, raw: rawRate(v, unit, label, period)})
	}
	for _, m := range capacitySlashRe.FindAllStringSubmatchIndex(s, -1) {
		num, unit, period := sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)
		if unit == "" || !validQuantityAt(s, m[2], m[5], unit) || overlaps(out, m[0], m[1]) {
			continue
		}
		v, ok := parseNumber(num)
		if !ok || v <= 0 || !plausibleUnit(unit, v) {
			continue
		}
		out = append(out, quantityMatch{q: Quantity{Value: roundQty(v * periodFactor("", period)), Unit: normUnit(unit)}, start: m[0], end: m[1], generic: true, raw: rawRate(v, unit, "", period)})
	}
	return out
}

// rawRate is a capacity as stated, for a demand that gives its volume per
// period ("每月5000件", "30万件/年"): per year stays per year, per month
// stays per month, a daily or weekly figure becomes a monthly one.
func rawRate(v float64, unit, label, period string) Quantity {
	per := ratePer(label, period)
	if per == "月" {
		v = roundQty(v * periodFactor(label, period))
	}
	return Quantity{Value: v, Unit: normUnit(unit), Per: per}
}

func overlaps(ms []quantityMatch, start, end int) bool {
	for _, m := range ms {
		if start < m.end && m.start < end {
			return true
		}
	}
	return false
}

func roundQty(v float64) float64 {
	if v >= 100 {
		return math.Round(v)
	}
	return math.Round(v*100) / 100
}

// ParseCapacity returns a monthly production or supply capacity:
// "月产能2万件", "每月五万套", "月供50万只", "2万件/月". Yearly figures are
// divided by 12, daily ones multiplied by 30 and weekly ones by 52/12.
func ParseCapacity(s string) (Quantity, bool) {
	qs := findCapacities(prepUnits(Normalize(s)))
	if len(qs) == 0 {
		return Quantity{}, false
	}
	first := qs[0]
	for _, q := range qs[1:] {
		if q.start < first.start {
			first = q
		}
	}
	return first.q, true
}

func findMOQ(s string) []quantityMatch {
	var out []quantityMatch
	add := func(m []int, numG, unitG int, needUnit bool) {
		num, unit := sub(s, m, numG), sub(s, m, unitG)
		if needUnit && unit == "" {
			return
		}
		unitEnd := m[2*unitG+1]
		if unitEnd < 0 {
			unitEnd = m[2*numG+1]
		}
		if !validQuantityAt(s, m[2*numG], unitEnd, unit) || overlaps(out, m[0], m[1]) {
			return
		}
		v, ok := parseNumber(num)
		if !ok || v <= 0 {
			return
		}
		out = append(out, quantityMatch{q: Quantity{Value: v, Unit: normUnit(unit)}, start: m[0], end: m[1]})
	}
	for _, m := range moqRe.FindAllStringSubmatchIndex(s, -1) {
		add(m, 1, 2, false)
	}
	for _, m := range moqSuffixRe.FindAllStringSubmatchIndex(s, -1) {
		add(m, 1, 2, sub(s, m, 3) == "起")
	}
	return out
}

// ParseMOQ returns the minimum order quantity in s: "起订量500件",
// "MOQ 1000", "500件起订".
func ParseMOQ(s string) (Quantity, bool) {
	qs := findMOQ(prepUnits(Normalize(s)))
	if len(qs) == 0 {
		return Quantity{}, false
	}
	return qs[0].q, true
}

// sub returns submatch g of a FindStringSubmatchIndex result, "" if unset.
func sub(s string, m []int, g int) string {
	if 2*g+1 >= len(m) || m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
