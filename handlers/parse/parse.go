package parse

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	urlRe     = regexp.MustCompile(`(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+`)
	emailRe   = regexp.MustCompile(`[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,100}\.[A-Za-z]{2,10}`)
	mobileRe  = regexp.MustCompile(`(?:(?:\+|00)?86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}`)
	phoneRe   = regexp.MustCompile(`0\d{2,3}[ \-]?\d{7,8}(?:-\d{1,5})?`)
	contactRe = regexp.MustCompile(`(?:联系人|联系电话|联系方式|联系手机|电话|手机号码|手机号|手机|座机|微信号|微信|VX|vx|Vx|V信|QQ|qq|邮箱|Tel|TEL|tel|WeChat|wechat)\s*(?:[:：]\s*[A-Za-z0-9_\-]{0,30}|\x00+|[A-Za-z0-9_\-]{5,30})|微信同号|同微信|加微信|加V|联系人`)
	personRe  = regexp.MustCompile(`(?:联系人\s*[:：]?\s*)?\p{Han}(?:经理|先生|女士|小姐|老师)`)

	leadTimeRe  = regexp.MustCompile(`(?:交期|交货期|交货周期|货期|生产周期|供货周期|交付周期|LT|L/T|lead ?time|Lead ?Time|LEAD ?TIME)\s*[:：为是]?\s*(?:约|大概|大约|一般|正常|在)?\s*(` + numPat + `)(?:\s*(?:-|~|到|至)\s*(` + numPat + `))?\s*` + daysPat + `(?:左右|以内|之内|内)?`)
	leadTime2Re = regexp.MustCompile(`(` + numPat + `)(?:\s*(?:-|~|到|至)\s*(` + numPat + `))?\s*` + daysPat + `\s*(?:左右)?\s*(?:即可|可以|可|能)?\s*(?:交货|发货|交付|出货|到货|交)`)
	stockRe     = regexp.MustCompile(`现货秒发|现货供应|现货充足|有现货|现货|库存充足|大量库存|有库存|当天发货|当日发货|即时发货|下单即发`)
	placeTailRe = regexp.MustCompile(`^\s*(?:地区|周边|附近|一带|本地|市区|范围内|范围)`)

	specRe     = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9.\-_*/#+×Φφ%]*(?:万像素|像素|英寸|毫米|公分|层|寸|芯|位|脚|针|孔|号|伏|瓦|欧|安|路|通道|口)?|[一二两三四五六七八九十]+层`)
	pcbLayerRe = regexp.MustCompile(`(\d+|[一二两三四五六七八九十]+)层`)

	applicationRe = regexp.MustCompile(`(?:适用于|应用于|用于|用在|适配于|适配|配套于|配套用于|装在|装于)\s*([^\s\x00，。,;；:：、!！?？()（）]{1,16}?)(?:的|上的|上|中|等|使用|$|[\s\x00，。,;；:：、!！?？()（）])`)
)

// masker blanks recognised spans (with NUL bytes) so that later stages and
// the product extraction do not see them again. Byte offsets never move.
type masker struct{ b []byte }

func (m *masker) String() string { return string(m.b) }

func (m *masker) mask(a, b int) {
	if a < 0 {
		a = 0
	}
	if b > len(m.b) {
		b = len(m.b)
	}
	for i := a; i < b; i++ {
		m.b[i] = 0
	}
}

// recoverPanics makes Parse return an empty Post instead of panicking. Tests
// and the fuzzer switch it off so that bugs surface.
var recoverPanics = true

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Parse reads a whole chat message. now is the time the message was received;
// relative dates are resolved against it in China time. Parse never panics
// and looks at no more than MaxInputBytes of text.
func (p *Parser) Parse(text string, now time.Time) (post Post) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				post = Post{} // a bug must not take the bot down; fuzzing runs without this
			}
		}()
	}
	text = truncateUTF8(text, MaxInputBytes)
	s := prepUnits(Normalize(StripMarkup(text)))
	var intentEnd int
	post.Kind, intentEnd = detectKind(s)
	m := &masker{b: []byte(s)}

	// contacts: URLs, e-mails, mobile and landline numbers, WeChat ids, names
	for _, re := range []*regexp.Regexp{urlRe, emailRe} {
		for _, loc := range re.FindAllStringIndex(m.String(), -1) {
			m.mask(loc[0], loc[1])
		}
	}
	cur := m.String()
	for _, loc := range mobileRe.FindAllStringIndex(cur, -1) {
		if loc[0] > 0 && isASCIIDigit(cur[loc[0]-1]) || loc[1] < len(cur) && isASCIIDigit(cur[loc[1]]) {
			continue
		}
		if d := mobileDigits(cur[loc[0]:loc[1]]); d != "" {
			if post.Mobile == "" {
				post.Mobile = d
			}
			m.mask(loc[0], loc[1])
		}
	}
	cur = m.String()
	for _, loc := range phoneRe.FindAllStringIndex(cur, -1) {
		if loc[0] > 0 && isASCIIDigit(cur[loc[0]-1]) || loc[1] < len(cur) && isASCIIDigit(cur[loc[1]]) {
			continue
		}
		m.mask(loc[0], loc[1])
	}
	for _, re := range []*regexp.Regexp{contactRe, personRe} {
		for _, loc := range re.FindAllStringIndex(m.String(), -1) {
			m.mask(loc[0], loc[1])
		}
	}

	// certifications
	for _, c := range findCerts(m.String()) {
		post.Certifications = append(post.Certifications, c.name)
		m.mask(c.start, c.end)
	}
	post.Certifications = dedup(post.Certifications)

	// dates (leftmost wins)
	if ds := findDates(m.String(), now); len(ds) > 0 {
		best := ds[0]
		for _, d := range ds {
			if d.start < best.start {
				best = d
			}
			m.mask(d.start, d.end)
		}
		t := best.t
		post.Deadline = &t
		post.LeadTimeDays = best.leadDays
	}

	// lead time and stock
	cur = m.String()
	leadSet := false
	for _, re := range []*regexp.Regexp{leadTimeRe, leadTime2Re} {
		for _, mm := range re.FindAllStringSubmatchIndex(cur, -1) {
			if mm[2] > 0 && (isASCIIDigit(cur[mm[2]-1]) || isASCIILetter(cur[mm[2]-1])) && re == leadTime2Re {
				continue
			}
			d, ok := parseLead(sub(cur, mm, 1), sub(cur, mm, 2), sub(cur, mm, 3))
			if !ok {
				continue
			}
			if !leadSet {
				post.LeadTimeDays, leadSet = d, true
			}
			m.mask(mm[0], mm[1])
		}
		cur = m.String()
	}
	for _, loc := range stockRe.FindAllStringIndex(cur, -1) {
		post.InStock = true
		m.mask(loc[0], loc[1])
	}
	if post.InStock && !leadSet && post.Deadline == nil {
		post.LeadTimeDays = 0
	}

	// capacity, MOQ, price, quantity
	var capMatch *quantityMatch
	if cs := findCapacities(m.String()); len(cs) > 0 {
		best := cs[0]
		for _, c := range cs {
			if c.start < best.start {
				best = c
			}
			m.mask(c.start, c.end)
		}
		capMatch = &best
		q := best.q
		post.Capacity = &q
	}
	if ms := findMOQ(m.String()); len(ms) > 0 {
		q := ms[0].q
		post.MOQ = &q
		for _, x := range ms {
			m.mask(x.start, x.end)
		}
	}
	var priceUnitLabel bool
	if ps := findPrices(m.String()); len(ps) > 0 {
		pr := ps[0].p
		post.Price = &pr
		priceUnitLabel = ps[0].unitPrice
		for _, x := range ps {
			m.mask(x.start, x.end)
		}
	}
	if qs := findQuantities(m.String()); len(qs) > 0 {
		q := qs[0].q
		post.Quantity = &q
		for _, x := range qs {
			m.mask(x.start, x.end)
		}
	}
	if capMatch != nil && capMatch.generic && post.Kind == KindDemand && post.Quantity == nil {
		// "每月5000件" in a demand is the volume wanted, not a capacity
		q := capMatch.raw
		post.Quantity, post.Capacity = &q, nil
	}
	if post.Price != nil && post.Price.Unit == "元" && priceUnitLabel {
		for _, q := range []*Quantity{post.Quantity, post.MOQ, post.Capacity} {
			if q != nil && q.Unit != "" {
				post.Price.Unit = "元/" + q.Unit
				break
			}
		}
	}

	// region
	cur = m.String()
	if r, spans, ok := p.findRegion(cur); ok {
		post.Region = &r
		for _, sp := range spans {
			end := sp[1]
			if t := placeTailRe.FindString(cur[end:]); t != "" {
				end += len(t)
			}
			m.mask(sp[0], end)
		}
	}

	// kind fallback from the fields found
	if post.Kind == KindUnknown {
		switch {
		case post.Capacity != nil || post.InStock || post.MOQ != nil:
			post.Kind = KindOffer
		case post.Deadline != nil:
			post.Kind = KindDemand
		}
	}

	// application: 用于ECU, 适用于新能源汽车 (X用Y is split in cleanToken)
	cur = m.String()
	if !strings.ContainsAny(cur, "用配装") {
		cur = ""
	}
	for _, mm := range applicationRe.FindAllStringSubmatchIndex(cur, -1) {
		if app := cleanApplication(sub(cur, mm, 1)); app != "" {
			if post.Application == "" {
				post.Application = app
			}
			m.mask(mm[0], mm[1])
		}
	}

	rest := m.String()
	p.extractProduct(rest, intentEnd, &post)
	fillAttrs(&post, rest)
	p.bareAmount(&post)
	return post
}

func parseLead(n1, n2, unit string) (int, bool) {
	v, ok := parseNumber(n1)
	if !ok || v < 0 || v > 3650 {
		return 0, false
	}
	if n2 != "" {
		if v2, ok := parseNumber(n2); ok && v2 > v && v2 <= 3650 {
			v = v2 // a range states the longest lead time
		}
	}
	return leadDays(v, unit), true
}
