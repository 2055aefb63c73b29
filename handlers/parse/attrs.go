package parse

import (
	"regexp"
	"strings"
)

// Measure is a stated size, layer count or voltage: Min == Max for one
// value, Min < Max for a range an offer covers ("4-12层", "15-18寸").
type Measure struct {
	Min, Max float64
	Unit     string // "寸", "层", "V"
}

var (
	sizeRe    = regexp.MustCompile(`(\d{1,3}(?:\.\d{1,2})?)\s*(?:寸|英寸|")?\s*(?:-|~|到|至|/)\s*(\d{1,3}(?:\.\d{1,2})?)\s*(?:英寸|寸|")|(\d{1,3}(?:\.\d{1,2})?)\s*(?:英寸|寸|")`)
	layersRe  = regexp.MustCompile(`(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*层?\s*(?:-|~|到|至)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*层|(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*层`)
	voltageRe = regexp.MustCompile(`(\d{1,4}(?:\.\d{1,2})?)\s*(?:[Vv]\s*)?(?:-|~|到|至)\s*(\d{1,4}(?:\.\d{1,2})?)\s*(kV|KV|kv|V|v|伏)|(\d{1,4}(?:\.\d{1,2})?)\s*(kV|KV|kv|V|v|伏)`)
	inchRe    = regexp.MustCompile(`(\d)\s*(?:inches|inch|Inch|INCH)\b`)
)

// findSize reads a wheel, screen or tyre size in inches: 18寸, 6.67英寸,
// 15-18寸, 16/17/18寸 (the ends of the list).
func findSize(s string) *Measure {
	m := sizeRe.FindStringSubmatchIndex(s)
	if m == nil || m[0] > 0 && (isASCIIDigit(s[m[0]-1]) || s[m[0]-1] == '.' || s[m[0]-1] == '/' || isASCIILetter(s[m[0]-1])) {
		return nil
	}
	if sub(s, m, 3) != "" {
		v, _ := parseNumber(sub(s, m, 3))
		return &Measure{Min: v, Max: v, Unit: "寸"}
	}
	a, _ := parseNumber(sub(s, m, 1))
	b, _ := parseNumber(sub(s, m, 2))
	if b < a {
		a, b = b, a
	}
	return &Measure{Min: a, Max: b, Unit: "寸"}
}

// findLayers reads a PCB layer count: 6层, 4-12层, 4层-12层, 双面 (2),
// 单面 (1).
func findLayers(s string) *Measure {
	if m := layersRe.FindStringSubmatchIndex(s); m != nil && !(m[0] > 0 && (isASCIILetter(s[m[0]-1]) || s[m[0]-1] == '.')) {
		if sub(s, m, 3) != "" {
			v, ok := parseNumber(sub(s, m, 3))
			if ok && v >= 1 && v <= 64 {
				return &Measure{Min: v, Max: v, Unit: "层"}
			}
			return nil
		}
		a, ok1 := parseNumber(sub(s, m, 1))
		b, ok2 := parseNumber(sub(s, m, 2))
		if ok1 && ok2 && a >= 1 && b <= 64 {
			if b < a {
				a, b = b, a
			}
			return &Measure{Min: a, Max: b, Unit: "层"}
		}
		return nil
	}
	switch {
	case strings.Contains(s, "单双面"):
		return &Measure{Min: 1, Max: 2, Unit: "层"}
	case strings.Contains(s, "双面板"), strings.Contains(s, "双面PCB"):
		return &Measure{Min: 2, Max: 2, Unit: "层"}
	case strings.Contains(s, "单面板"), strings.Contains(s, "单面PCB"):
		return &Measure{Min: 1, Max: 1, Unit: "层"}
	}
	return nil
}

// findVoltage reads a voltage: 12V, 800V, 3.3-5V, 10kV (as 10000 V).
func findVoltage(s string) *Measure {
	for _, m := range voltageRe.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > 0 && (isASCIILetter(s[m[0]-1]) || isASCIIDigit(s[m[0]-1])) || m[1] < len(s) && isASCIILetter(s[m[1]]) {
			continue
		}
		unit := sub(s, m, 3) + sub(s, m, 5)
		mult := 1.0
		if strings.EqualFold(unit, "kV") {
			mult = 1000
		}
		if sub(s, m, 4) != "" {
			v, _ := parseNumber(sub(s, m, 4))
			return &Measure{Min: v * mult, Max: v * mult, Unit: "V"}
		}
		a, _ := parseNumber(sub(s, m, 1))
		b, _ := parseNumber(sub(s, m, 2))
		if b < a {
			a, b = b, a
		}
		return &Measure{Min: a * mult, Max: b * mult, Unit: "V"}
	}
	return nil
}

// materials maps a material word to its family; match compares families,
// so 铝 and 铝合金 agree and 铝合金 and 钢 conflict.
var materials = map[string]string{
	"铝合金": "铝合金", "铝": "铝合金", "6061": "铝合金", "6063": "铝合金", "7075": "铝合金", "A356": "铝合金", "ADC12": "铝合金",
	"钢": "钢", "钢制": "钢", "钢质": "钢", "碳钢": "钢", "合金钢": "钢", "不锈钢": "钢", "冷轧": "钢", "热轧": "钢", "镀锌": "钢",
	"铸铁": "铸铁", "灰铁": "铸铁", "球铁": "铸铁", "球墨铸铁": "铸铁",
	"铜": "铜", "黄铜": "铜", "紫铜": "铜", "磷铜": "铜",
	"锌合金": "锌合金", "镁合金": "镁合金", "钛合金": "钛合金",
	"碳纤维": "碳纤维",
	"塑料":  "塑料", "塑胶": "塑料", "尼龙": "塑料", "PA66": "塑料", "PA6": "塑料", "ABS": "塑料", "PP": "塑料", "PVC": "塑料", "POM": "塑料", "PBT": "塑料", "玻纤": "塑料",
	"橡胶": "橡胶", "硅胶": "橡胶", "三元乙丙": "橡胶", "EPDM": "橡胶", "丁腈": "橡胶",
	"陶瓷": "陶瓷",
	"真皮": "皮革", "皮革": "皮革", "PU皮": "皮革", "超纤": "皮革",
	"FR-4": "FR-4", "FR4": "FR-4",
}

// notMaterial are words that hold a material's character without naming the
// material of the product: 钢圈 is any rim, 钢化玻璃 is glass.
var notMaterial = []string{"钢圈", "钢化", "铝电解", "铜箔", "铝箔", "铁锂", "锂铜", "铝塑膜"}

var materialDict = func() *dict {
	d := newDict()
	for w, fam := range materials {
		d.put(asciiUpper(w), fam)
	}
	for _, w := range notMaterial {
		d.put(w, "")
	}
	return d
}()

// findMaterial returns the family of the first material named in s.
func findMaterial(s string) string {
	up := asciiUpper(s)
	found := ""
	materialDict.scan(up, func(start, end int, v any) bool {
		fam := v.(string)
		if found != "" {
			return true
		}
		if isASCII(up[start:end]) && (start > 0 && (isASCIILetter(up[start-1]) || isASCIIDigit(up[start-1])) || end < len(up) && (isASCIILetter(up[end]) || isASCIIDigit(up[end]))) {
			return false
		}
		if fam != "" {
			found = fam
		}
		return true
	})
	return found
}

// fillAttrs reads the product's attributes from the words that describe it:
// the product phrase and its spec words (not the application).
func fillAttrs(post *Post, rest string) {
	desc := post.Product + " " + post.Spec
	post.Material = findMaterial(desc)
	if strings.ContainsAny(rest, "寸\"") {
		post.Size = findSize(rest)
	}
	if strings.ContainsAny(rest, "层面") {
		post.Layers = findLayers(rest)
		if post.Layers == nil {
			post.Layers = findLayers(desc)
		}
	}
	if strings.ContainsAny(rest, "Vv伏") {
		post.Voltage = findVoltage(rest)
	}
}

// cleanApplication trims an application phrase (用于X的 → X).
func cleanApplication(s string) string {
	s = strings.TrimSpace(strings.Trim(s, "的"))
	if !meaningful(s) {
		return ""
	}
	return s
}

// appGeneric are words before 用 that make one product name (汽车用线束 is
// a car harness, 乘用车 a passenger car), not an application.
var appGeneric = map[string]bool{"汽车": true, "车": true, "工业": true, "家": true, "家庭": true, "商": true, "乘": true, "通": true, "民": true, "军": true, "医": true, "医疗": true, "实": true, "专": true, "备": true, "试": true, "使": true, "常": true}

// splitApplication splits "ECU用PCB" or "ECU专用PCB" into the application
// and the product; ok is false when tok has no such form.
func splitApplication(tok string) (app, product string, ok bool) {
	for _, sep := range []string{"专用", "用"} {
		i := strings.Index(tok, sep)
		if i <= 0 || i+len(sep) >= len(tok) {
			continue
		}
		left, right := strings.TrimSpace(tok[:i]), strings.TrimSpace(tok[i+len(sep):])
		if appGeneric[left] || runeLen(left) < 2 && !isASCII(left) || !meaningful(left) || !meaningful(right) {
			continue
		}
		return left, right, true
	}
	return "", "", false
}

// bareAmounts are numbers with a multiplier and no unit (500K, 2W, 3万):
// in a post with no other amount they are the amount, not a spec, except
// for parts whose values are written that way (a 10K resistor).
var bareAmountRe = regexp.MustCompile(`^\d+(?:\.\d+)?[kKwW万]$`)

var valueParts = []string{"electronics.component.resistor", "electronics.component.potentiometer"}

func (p *Parser) bareAmount(post *Post) {
	if post.Quantity != nil || post.Capacity != nil || post.Spec == "" {
		return
	}
	if post.Category != nil {
		for _, c := range valueParts {
			if strings.HasPrefix(post.Category.Code, c) {
				return
			}
		}
	}
	words := strings.Fields(post.Spec)
	for i, w := range words {
		if !bareAmountRe.MatchString(w) {
			continue
		}
		v, ok := parseNumber(w)
		if !ok || v <= 0 {
			continue
		}
		post.Quantity = &Quantity{Value: v}
		post.Spec = strings.Join(append(words[:i:i], words[i+1:]...), " ")
		return
	}
}
