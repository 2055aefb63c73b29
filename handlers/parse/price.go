package parse

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var priceRe = regexp.MustCompile(
	`(单价|含税单价|含税价|不含税价|价格|报价|价位|目标价|预算|采购价|出厂价|批发价|售价|TARGET PRICE|PRICE|Price|price)?\s*[:：为是在]?\s*` +
		`(?:每\s*(` + unitPat + `)\s*)?` +
		`(不超过|不高于|不大于|不得超过|低于|小于|最高|最多|控制在|<=|≤|<|不低于|高于|大于|最低|至少|>=|≥|>)?\s*` +
		`(?:[¥￥]\s*)?(` + numPat + `)\s*(?:(?:元|块)?\s*(?:-|~|到|至|—)\s*(?:[¥￥]\s*)?(` + numPat + `))?\s*` +
		`(万元|元|块钱|块|RMB|rmb|CNY)?` +
		`(?:\s*(?:/|每|一)\s*((?:[百千万]|\d+)?` + unitPat + `))?` +
		`\s*(以内|以下|之内|以上|左右|上下)?`)

type priceMatch struct {
	p          Price
	start, end int
	unitPrice  bool // labelled 单价/… without an explicit per-unit
}

func findPrices(s string) []priceMatch {
	var out []priceMatch
	for _, m := range priceRe.FindAllStringSubmatchIndex(s, -1) {
		label := sub(s, m, 1)
		perBefore := sub(s, m, 2)
		op := sub(s, m, 3)
		n1, n2 := sub(s, m, 4), sub(s, m, 5)
		cur := sub(s, m, 6)
		per := sub(s, m, 7)
		post := sub(s, m, 8)
		yenSign := strings.ContainsAny(s[m[0]:m[8]], "¥￥")
		switch {
		case cur == "块" || cur == "块钱":
			if label == "" && per == "" && perBefore == "" && cur == "块" {
				continue // "5000块" is a quantity of pieces
			}
		case cur == "" && !yenSign && label == "":
			continue
		}
		if cur == "" && per != "" && !yenSign && label == "" {
			continue
		}
		// 三元材料, 三元锂电池: Chinese numerals glued to a word are a name
		if label == "" && per == "" && perBefore == "" && !strings.ContainsAny(n1, "0123456789") {
			if r, _ := utf8.DecodeRuneInString(s[m[1]:]); isHan(r) {
				continue
			}
		}
		// the number must not be glued to a model number on its left (型号A30元)
		if m[8] > 0 && isASCIILetter(s[m[8]-1]) && !yenSign && label == "" {
			continue
		}
		v1, ok := parseNumber(n1)
		if !ok {
			continue
		}
		v2 := v1
		if n2 != "" {
			if v2, ok = parseNumber(n2); !ok {
				continue
			}
		}
		mult := 1.0
		if cur == "万元" {
			mult = 10000
		}
		v1, v2 = v1*mult, v2*mult
		if v2 < v1 {
			v1, v2 = v2, v1
		}
		pr := Price{Min: v1, Max: v2, Unit: "元"}
		switch op {
		case "不超过", "不高于", "不大于", "不得超过", "低于", "小于", "最高", "最多", "控制在", "<=", "≤", "<":
			pr.Min = 0
		case "不低于", "高于", "大于", "最低", "至少", ">=", "≥", ">":
			pr.Max = 0
		}
		switch post {
		case "以内", "以下", "之内":
			pr.Min = 0
		case "以上":
			pr.Max = 0
		}
		if per == "" {
			per = perBefore
		}
		if per != "" {
			pr.Unit = "元/" + normPerUnit(per)
		}
		isUnit := per == "" && strings.Contains(label, "价")
		out = append(out, priceMatch{p: pr, start: m[0], end: m[1], unitPrice: isUnit})
	}
	return out
}

// ParsePrice returns the first price in s: "单价30-35元", "30~35元/件",
// "不超过50元/件" (Min 0), "50元以内", "单价12.5元", "¥8.8/个", "30块一个",
// "预算2万元". The unit is "元" or "元/<unit>".
func ParsePrice(s string) (Price, bool) {
	ps := findPrices(prepUnits(Normalize(s)))
	if len(ps) == 0 {
		return Price{}, false
	}
	return ps[0].p, true
}

// normPerUnit normalises a per-unit that may carry a count ("千只", "100个").
func normPerUnit(per string) string {
	i := 0
	for i < len(per) && (isASCIIDigit(per[i])) {
		i++
	}
	if i == 0 {
		for _, pre := range []string{"百", "千", "万"} {
			if strings.HasPrefix(per, pre) && len(per) > len(pre) {
				return pre + normUnit(per[len(pre):])
			}
		}
	}
	return per[:i] + normUnit(per[i:])
}
