package handlers

import (
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/parse"
	"supplybot/handlers/record"
	"supplybot/store"
)

// Stored free-text lengths, in characters.
const (
	maxProduct = 40
	maxSpec    = 80
	maxRaw     = maxInputRunes
	maxMedia   = 9
)

// postForm is a demand or offer being written, kept in the session.
type postForm struct {
	Kind         string          `json:"kind"`
	No           string          `json:"no,omitempty"` // editing a saved record
	Product      string          `json:"product,omitempty"`
	CategoryCode string          `json:"category_code,omitempty"`
	Spec         string          `json:"spec,omitempty"`
	Quantity     *store.Quantity `json:"quantity,omitempty"`
	Capacity     *store.Quantity `json:"capacity,omitempty"`
	MOQ          *store.Quantity `json:"moq,omitempty"`
	Price        *store.Price    `json:"price,omitempty"`
	Region       *store.Region   `json:"region,omitempty"`
	Deadline     *time.Time      `json:"deadline,omitempty"`
	LeadTimeDays *int            `json:"lead_time_days,omitempty"`
	Certs        []string        `json:"certs,omitempty"`
	MediaIDs     []string        `json:"media_ids,omitempty"`
	RawText      string          `json:"raw_text,omitempty"` // the texts of Raw, one a line
	Raw          []rawPart       `json:"raw,omitempty"`
	// Anonymous: the enterprise's name shows only after consent (匿名).
	Anonymous bool `json:"anonymous,omitempty"`
	// SameAs is an open record of the enterprise that this one repeats,
	// once the user was asked and confirmed again.
	SameAs string `json:"same_as,omitempty"`
	// AskDeadline: the deadline given had passed and was dropped; the form
	// asks for another before the summary.
	AskDeadline bool `json:"ask_deadline,omitempty"`
}

// maxAmount bounds quantities, capacities and MOQs: more than a billion of
// anything is a typing slip, and would crowd matching.
const maxAmount = 1e9

// Problems of values that make no sense, with an example of what does.
const (
	pastDeadline = "截止日期已过，请发一个今天之后的日期，例如：12月底前"
	tooMuch      = "数量太大了（超过10亿），请写实际数量，例如：5000件、1.2万套"
)

// pastDay reports whether t is before today in China time.
func pastDay(t, now time.Time) bool {
	y, m, d := now.In(parse.CST).Date()
	return t.Before(time.Date(y, m, d, 0, 0, 0, 0, parse.CST))
}

// sanitize drops values that cannot be meant — a deadline already past,
// an amount over maxAmount — and says so. A dropped demand quantity is
// asked again as a missing field, a past deadline by stepDeadline.
func (f *postForm) sanitize(now time.Time) (notes []string) {
	if f.Deadline != nil && pastDay(*f.Deadline, now) {
		f.Deadline, f.AskDeadline = nil, true
		notes = append(notes, pastDeadline)
	}
	if f.Quantity != nil && f.Quantity.Value > maxAmount {
		f.Quantity = nil
		notes = append(notes, tooMuch)
	}
	if f.Capacity != nil && f.Capacity.Value > maxAmount {
		f.Capacity = nil
		notes = append(notes, "月产能数字太大了（超过10亿），已去掉；可发“修改 产能 2万件”补上。")
	}
	if f.MOQ != nil && f.MOQ.Value > maxAmount {
		f.MOQ = nil
		notes = append(notes, "起订量数字太大了（超过10亿），已去掉；可发“修改 起订量 500件”补上。")
	}
	return notes
}

// merge takes every field the parser understood; set fields are kept
// unless the parser found a new value.
func (f *postForm) merge(p parse.Post) {
	if p.Product != "" {
		f.Product = cutRunes(p.Product, maxProduct)
		f.CategoryCode = ""
		if p.Category != nil {
			f.CategoryCode = p.Category.Code
		}
	}
	if p.Spec != "" {
		f.Spec = cutRunes(p.Spec, maxSpec)
	}
	if p.Quantity != nil {
		f.Quantity = &store.Quantity{Value: p.Quantity.Value, Unit: p.Quantity.Unit}
	}
	if p.Capacity != nil {
		f.Capacity = &store.Quantity{Value: p.Capacity.Value, Unit: p.Capacity.Unit}
		if f.Kind == store.KindDemand && f.Quantity == nil {
			f.Quantity, f.Capacity = f.Capacity, nil
		}
	}
	if p.MOQ != nil {
		f.MOQ = &store.Quantity{Value: p.MOQ.Value, Unit: p.MOQ.Unit}
	}
	if p.Price != nil {
		f.Price = &store.Price{Min: p.Price.Min, Max: p.Price.Max, Unit: p.Price.Unit}
	}
	if p.Region != nil {
		f.Region = &store.Region{Province: p.Region.Province, City: p.Region.City, District: p.Region.District}
	}
	if p.Deadline != nil {
		if f.Kind == store.KindOffer && p.LeadTimeDays > 0 {
			d := p.LeadTimeDays
			f.LeadTimeDays = &d
		} else {
			d := *p.Deadline
			f.Deadline = &d
		}
	} else if p.LeadTimeDays > 0 || p.InStock {
		d := p.LeadTimeDays
		f.LeadTimeDays = &d
	}
	if f.Kind == store.KindDemand {
		f.LeadTimeDays = nil
		f.Capacity, f.MOQ = nil, nil
	} else {
		f.Deadline = nil
		f.Quantity = nil
	}
	for _, c := range p.Certifications {
		f.addCert(c)
	}
}

func (f *postForm) addCert(c string) {
	for _, have := range f.Certs {
		if have == c {
			return
		}
	}
	if len(f.Certs) < 10 {
		f.Certs = append(f.Certs, c)
	}
}

// Steps of the posting form.
const (
	stepProduct  = "product"
	stepQuantity = "quantity"
	stepRegion   = "region"
	stepDeadline = "deadline" // only after a deadline that had passed
	stepConfirm  = "confirm"
)

// next is the first required field still missing, or the confirmation.
func (f *postForm) next() string {
	switch {
	case f.Product == "":
		return stepProduct
	case f.Kind == store.KindDemand && f.Quantity == nil:
		return stepQuantity
	case f.Region == nil:
		return stepRegion
	case f.AskDeadline && f.Kind == store.KindDemand:
		return stepDeadline
	}
	return stepConfirm
}

// fieldNames maps the Chinese names users type after 修改 to fields.
var fieldNames = map[string]string{
	"产品": "product", "品名": "product", "产品名称": "product", "名称": "product", "产品名": "product",
	"品类": "category", "类别": "category", "分类": "category", "类目": "category",
	"规格": "spec", "型号": "spec", "规格型号": "spec",
	"数量": "quantity", "采购量": "quantity", "需求量": "quantity", "采购数量": "quantity",
	"产能": "capacity", "月产能": "capacity", "供应量": "capacity",
	"起订量": "moq", "起订": "moq", "moq": "moq", "最小起订量": "moq",
	"价格": "price", "单价": "price", "预算": "price", "报价": "price",
	"地区": "region", "地点": "region", "所在地": "region", "交货地": "region", "地址": "region", "区域": "region",
	"交期": "lead", "交货期": "lead", "货期": "lead",
	"截止日期": "deadline", "截止": "deadline", "交货日期": "deadline", "日期": "deadline", "截止时间": "deadline",
	"认证": "certs", "资质": "certs", "证书": "certs",
	"匿名": "anonymous", "匿名发布": "anonymous",
}

// splitEdit reads "数量 4000" or "数量4000" into a field and a value.
func splitEdit(s string, names map[string]string) (field, value string, ok bool) {
	s = strings.TrimSpace(strings.TrimLeft(s, ":："))
	best := ""
	for n := range names {
		if len(n) > len(best) && len(s) >= len(n) && strings.EqualFold(s[:len(n)], n) {
			best = n
		}
	}
	if best == "" {
		return "", "", false
	}
	v := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s[len(best):]), ":：为改成="))
	v = strings.TrimSpace(strings.TrimPrefix(v, "为"))
	return names[best], v, true
}

var clearWords = []string{"无", "没有", "删除", "清空", "不填", "不限", "空"}

// set changes one field from what the user typed. It returns what the field
// now says, or a Chinese explanation with an example when the value is not
// understood (and then changes nothing).
func (f *postForm) set(p *parse.Parser, field, v string, now time.Time) (shown string, problem string) {
	clearing := inWords(v, clearWords)
	if v == "" {
		return "", "请在字段名后写新的内容，例如：修改 数量 4000"
	}
	demand := f.Kind == store.KindDemand
	switch field {
	case "product":
		if clearing {
			return "", "产品不能为空，请写产品名称，例如：修改 产品 铝合金轮毂"
		}
		v = safeField(v, maxProduct)
		if !meaningful(v) {
			return "", "请写产品名称，例如：修改 产品 铝合金轮毂"
		}
		return f.setProduct(p, v, now), ""
	case "category":
		if clearing {
			f.CategoryCode = ""
			return "（未分类）", ""
		}
		c, ok := p.ParseCategory(v)
		if !ok {
			return "", "没找到这个品类，请换个说法，例如：修改 品类 轮毂 / 线束 / PCB"
		}
		f.CategoryCode = c.Code
		return strings.Join(c.Path, "/"), ""
	case "spec":
		if clearing {
			f.Spec = ""
			return "（无）", ""
		}
		f.Spec = safeField(v, maxSpec)
		return f.Spec, ""
	case "quantity":
		if !demand {
			return "", "供应信息填写 产能 或 起订量，例如：修改 产能 2万件"
		}
		if clearing {
			return "", "求购数量不能为空，例如：修改 数量 4000件"
		}
		q, ok := quantityOf(v, unitOf("件", f.Quantity))
		if !ok {
			return "", "没看懂数量，请写数字和单位，例如：5000件、1.2万套"
		}
		if q.Value > maxAmount {
			return "", tooMuch
		}
		f.Quantity = q
		return record.Quantity(q), ""
	case "capacity", "moq":
		if demand {
			return "", "求购信息填写 数量，例如：修改 数量 5000件"
		}
		var q *store.Quantity
		if !clearing {
			var ok bool
			if field == "capacity" {
				if c, cok := parse.ParseCapacity(v); cok {
					q, ok = &store.Quantity{Value: c.Value, Unit: c.Unit}, true
				}
			}
			// A bare number keeps the field's unit, else its sibling's.
			def := unitOf(unitOf("件", f.MOQ), f.Capacity)
			if field == "moq" {
				def = unitOf(unitOf("件", f.Capacity), f.MOQ)
			}
			if q == nil {
				q, ok = quantityOf(v, def)
			} else if q.Unit == "" {
				q.Unit = def
			}
			if !ok {
				return "", "没看懂，请写数字和单位，例如：修改 产能 2万件 / 修改 起订量 500件"
			}
			if q.Value > maxAmount {
				return "", "数字太大了（超过10亿），请写实际数量，例如：修改 产能 2万件 / 修改 起订量 500件"
			}
		}
		if field == "capacity" {
			f.Capacity = q
			if q != nil {
				return record.Quantity(q), "" // the label says 月产能
			}
		} else {
			f.MOQ = q
			if q != nil {
				return record.Quantity(q), ""
			}
		}
		return "（无）", ""
	case "price":
		if clearing {
			f.Price = nil
			return "（面议）", ""
		}
		pr, ok := parse.ParsePrice(v)
		if !ok {
			if n, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && n > 0 {
				pr, ok = parse.Price{Min: n, Max: n, Unit: "元"}, true
			}
		}
		if !ok {
			return "", "没看懂价格，例如：单价30-35元 / 不超过50元/件"
		}
		f.Price = &store.Price{Min: pr.Min, Max: pr.Max, Unit: pr.Unit}
		return record.Price(f.Price), ""
	case "region":
		if clearing {
			return "", "地区不能为空，例如：修改 地区 重庆璧山"
		}
		r, ok := p.ParseRegion(v)
		if !ok {
			return "", "没认出这个地区，请写省市区，例如：重庆璧山 / 四川绵阳"
		}
		f.Region = &store.Region{Province: r.Province, City: r.City, District: r.District}
		return record.Region(*f.Region), ""
	case "lead":
		if demand {
			return f.set(p, "deadline", v, now)
		}
		if clearing {
			f.LeadTimeDays = nil
			return "（无）", ""
		}
		days, ok := leadDaysOf(p, v, now)
		if !ok {
			return "", "没看懂交期，例如：修改 交期 15天 / 现货"
		}
		f.LeadTimeDays = &days
		return record.Lead(days), ""
	case "deadline":
		if !demand {
			return f.set(p, "lead", v, now)
		}
		if clearing {
			f.Deadline = nil
			return "（不限）", ""
		}
		d, ok := parse.ParseDate(v, now)
		if !ok {
			// a span (交期 10天, 2周) is a deadline that far from today
			d, ok = parse.ParseDate(v+"内", now)
		}
		if !ok {
			return "", "没看懂日期，例如：12月底前 / 2027年3月15日 / 30天内"
		}
		if pastDay(d, now) {
			return "", pastDeadline
		}
		f.Deadline, f.AskDeadline = &d, false
		return record.Date(d, now) + "前", ""
	case "anonymous":
		switch {
		case isYes(v) || inWords(v, []string{"匿名", "开", "开启"}):
			f.Anonymous = true
			return "是（对方同意交换联系方式后才显示企业名称）", ""
		case isNo(v) || clearing || inWords(v, []string{"公开", "关", "关闭"}):
			f.Anonymous = false
			return "否（公开企业名称）", ""
		}
		return "", "请写“修改 匿名 是”或“修改 匿名 否”。"
	case "certs":
		if clearing {
			f.Certs = nil
			return "（无）", ""
		}
		var got []string
		for _, w := range fields(v) {
			if c, ok := parse.NormalizeCertification(w); ok {
				got = append(got, c)
			}
		}
		if len(got) == 0 {
			return "", "没认出认证名称，例如：修改 认证 IATF16949 ISO9001"
		}
		f.Certs = nil
		for _, c := range got {
			f.addCert(c)
		}
		return strings.Join(f.Certs, "、"), ""
	}
	return "", "这一项不能修改"
}

// unitOf is the unit of q, or def when q has none.
func unitOf(def string, q *store.Quantity) string {
	if q != nil && q.Unit != "" {
		return q.Unit
	}
	return def
}

// quantityOf reads an amount; a bare number gets unit def.
func quantityOf(v, def string) (*store.Quantity, bool) {
	if q, ok := parse.ParseQuantity(v); ok && q.Value > 0 {
		if q.Unit == "" {
			q.Unit = def
		}
		return &store.Quantity{Value: q.Value, Unit: q.Unit}, true
	}
	if q, ok := parse.ParseQuantity("数量" + v); ok && q.Value > 0 {
		if q.Unit == "" {
			q.Unit = def
		}
		return &store.Quantity{Value: q.Value, Unit: q.Unit}, true
	}
	return nil, false
}

// leadDaysOf reads a lead time: "15天", "2周", "现货", or a date.
func leadDaysOf(p *parse.Parser, v string, now time.Time) (int, bool) {
	if strings.Contains(v, "现货") {
		return 0, true
	}
	got := p.Parse("交期"+v, now)
	if got.LeadTimeDays > 0 || got.InStock {
		return got.LeadTimeDays, true
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 && n <= 3650 {
		return n, true
	}
	if d, ok := parse.ParseDate(v, now); ok {
		days := int(d.Sub(now).Hours()/24) + 1
		if days >= 0 {
			return days, true
		}
	}
	return 0, false
}

// meaningful reports whether s names something: a Han character or two letters.
func meaningful(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r >= 0x4E00 && r <= 0x9FFF:
			return true
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			letters++
		}
	}
	return letters >= 2
}

// toPost builds the record to store.
func (f *postForm) toPost(p *parse.Parser, into *store.Post) {
	into.Kind = f.Kind
	into.Product = f.Product
	into.CategoryCode, into.Category, into.CategoryPath = "", "", nil
	if c, ok := p.CategoryByCode(f.CategoryCode); ok {
		into.CategoryCode, into.Category, into.CategoryPath = c.Code, c.Name, c.Path
	}
	into.Spec = f.Spec
	into.Quantity, into.Capacity, into.MOQ = f.Quantity, f.Capacity, f.MOQ
	into.Price = f.Price
	if f.Region != nil {
		into.Region = *f.Region
	}
	into.Deadline, into.LeadTimeDays = f.Deadline, f.LeadTimeDays
	into.Certifications = append([]string{}, f.Certs...)
	into.MediaIDs = append([]string(nil), f.MediaIDs...)
	into.Anonymous = f.Anonymous
	into.Keywords = f.keywords(p)
	if f.RawText != "" {
		into.RawText = f.RawText
	}
}

// keywords are the product words, their synonyms, the category's names and
// the spec words: what search and matching look records up by.
func (f *postForm) keywords(p *parse.Parser) []string {
	var kw []string
	add := func(ws ...string) {
		for _, w := range ws {
			w = strings.TrimSpace(w)
			if w == "" {
				continue
			}
			for _, have := range kw {
				if have == w {
					w = ""
					break
				}
			}
			if w != "" && len(kw) < 40 {
				kw = append(kw, w)
			}
		}
	}
	add(f.Product)
	add(p.Synonyms(f.Product)...)
	add(p.Parse(f.Product, time.Time{}).Keywords...)
	for _, w := range fields(f.Product) {
		add(w)
		add(p.Synonyms(w)...)
	}
	if c, ok := p.CategoryByCode(f.CategoryCode); ok {
		add(c.Name)
		add(c.Path...)
	}
	for _, w := range strings.Fields(f.Spec) {
		add(strings.ToUpper(w))
	}
	return kw
}

// formOf turns a saved record back into a form, for editing it.
func formOf(p store.Post) *postForm {
	f := &postForm{Kind: p.Kind, No: p.No, Product: p.Product, CategoryCode: p.CategoryCode, Spec: p.Spec,
		Quantity: p.Quantity, Capacity: p.Capacity, MOQ: p.MOQ, Price: p.Price, Deadline: p.Deadline,
		LeadTimeDays: p.LeadTimeDays, Certs: p.Certifications, MediaIDs: p.MediaIDs, Anonymous: p.Anonymous}
	r := p.Region
	f.Region = &r
	return f
}

// question asks for a missing field.
func (f *postForm) question(step string) string {
	switch step {
	case stepProduct:
		if f.Kind == store.KindOffer {
			return "您要供应什么产品？请回复产品名称，可带规格，例如：6层PCB 或 铝合金轮毂 18寸"
		}
		return "您要求购什么产品？请回复产品名称，可带规格，例如：变速箱电磁阀 或 铝合金轮毂 18寸"
	case stepQuantity:
		return "需要多少？请回复数量和单位，例如：5000件、1.2万套"
	case stepRegion:
		if f.Kind == store.KindOffer {
			return "工厂在哪里？请回复地区，例如：成都龙泉驿 / 重庆璧山"
		}
		return "在哪里交货？请回复地区，例如：重庆璧山 / 四川绵阳"
	case stepDeadline:
		return "截止日期是哪天？例如：12月底前 / 30天内；不限时间请回复“不限”。"
	}
	return ""
}

// stepHelp explains a step of the posting form.
func (f *postForm) stepHelp(step string) string {
	common := "\n随时可以：回复“上一步”返回，“取消”放弃，“修改 " + editExample(f.Kind) + "”改任一项。"
	switch step {
	case stepProduct:
		return "正在填写" + record.KindName(f.Kind) + "的产品名称。写清楚产品即可，规格、认证可一起写。" + common
	case stepQuantity:
		return "正在填写求购数量。写数字和单位，如 5000件、5千件、一万套。" + common
	case stepRegion:
		return "正在填写地区，用于就近匹配。写到市或区县，如 重庆璧山、四川绵阳。" + common
	case stepDeadline:
		return "正在填写截止日期（选填），要在今天之后，如 12月底前、30天内；不限请回复“不限”。" + common
	case stepConfirm:
		return "信息已齐，等您确认。回复“确认”发布；还可以补充：修改 价格 30-35元 / 修改 认证 IATF16949 / 修改 交期 12月底。" + common
	}
	return common
}

// setProduct takes a new product name, split by the parser into product
// and spec as in a post ("8层PCB" is a PCB of spec 8层). The old spec stays
// while the product is still of its kind, and goes when the new name is of
// another category and brings no spec of its own. It returns what to show.
func (f *postForm) setProduct(p *parse.Parser, v string, now time.Time) string {
	product, spec, code := v, "", ""
	if pp := p.Parse(v, now); pp.Product != "" {
		product, spec = pp.Product, pp.Spec
		if pp.Category != nil {
			code = pp.Category.Code
		}
	} else if c, ok := p.ParseCategory(v); ok {
		code = c.Code
	}
	old := f.CategoryCode
	sameKind := old == "" || code == "" || old == code ||
		strings.HasPrefix(old, code+".") || strings.HasPrefix(code, old+".")
	if sameKind && code != "" && strings.HasPrefix(old, code+".") && spec == "" && f.Spec != "" {
		// "PCB板" for a multilayer board of spec 8层: still that leaf.
		code = old
	}
	f.Product, f.CategoryCode = safeField(product, maxProduct), code
	switch {
	case spec != "":
		f.Spec = safeField(spec, maxSpec)
		return f.Product + "（规格 " + f.Spec + "）"
	case !sameKind:
		f.Spec = ""
	}
	return f.Product
}
