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
)

// fillers are words stripped from the start or end of a product phrase.
var fillerWords = []string{
	// politeness, urgency, frequency
	"急急急", "急", "加急", "紧急", "速来", "速", "长期", "稳定", "大量", "批量", "一批", "一些", "若干", "少量", "小批量",
	"大批量", "谢谢", "感谢", "麻烦", "请", "您好", "你好", "各位", "老板", "朋友们", "朋友", "群友", "大家好",
	"我想", "想", "请问", "有没有", "谁有", "哪里有", "卖", "买",
	// company words
	"本厂", "本公司", "我司", "我厂", "我们", "我", "公司", "厂家", "工厂", "源头厂家", "源头", "原厂", "厂商", "企业", "厂",
	"供应商", "供货商", "生产厂家", "生产商", "制造商", "加工厂", "采购商",
	// delivery and time words
	"交货", "交付", "发货", "到货", "送货", "送到", "送至", "到厂", "要货", "拿货", "交", "前", "之前", "以前", "以内", "之内", "内",
	"交货期", "交货地", "交货地点", "交货时间", "时间", "截止", "截止日期", "日期", "期限",
	// quantity and price words
	"左右", "大概", "大约", "约", "以上", "以下", "多", "价格面议", "面议", "量大从优", "量大价优", "议价", "价格", "单价", "报价", "价优", "价格优惠", "优惠",
	"含税", "不含税", "含运费", "含运", "包邮", "开票", "可开票", "专票", "增值税专票", "增值税", "数量", "个", "件",
	// requirement words
	"需要", "要求", "需", "要", "必须", "务必", "最好", "优先", "具备", "具有", "通过", "有", "能", "可", "可以", "也", "都", "还", "均",
	"需提供", "提供样品", "样品", "打样", "免费打样", "质量稳定", "质量好", "品质稳定", "质量保证", "品质保证", "保质保量",
	// contact and closing words
	"欢迎咨询", "欢迎来电", "欢迎洽谈", "欢迎", "咨询", "联系", "请联系", "联系我", "私聊", "私信", "详谈", "电议", "详询",
	"有意者", "有意", "感兴趣", "合作", "长期合作", "寻求合作", "诚信", "诚招", "代理商",
	// labels
	"规格", "型号", "材质", "品名", "产品", "名称", "产品名称", "备注", "地址", "地点", "位于", "坐标", "工厂在", "需求",
	// particles and connectors
	"的", "了", "啊", "呀", "吧", "呢", "哦", "啦", "嘛", "哈", "在", "到", "于", "和", "及", "与", "或", "等", "等等", "每月", "每个月", "月", "用",
	"一家", "哪家", "哪里", "能做", "会做", "做", "专业", "专注", "一下", "下", "全新", "正品", "原装", "国产", "进口", "优质", "各种", "各类", "系列", "类", "相关",
}

var fillerDict = func() *dict {
	d := newDict()
	for _, w := range fillerWords {
		d.put(w, true)
	}
	for k, ws := range intentWords {
		if k == intentNone {
			continue
		}
		for _, w := range ws {
			d.put(w, true)
		}
	}
	return d
}()

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

	p.extractProduct(m.String(), intentEnd, &post)
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

type prodToken struct {
	text      string // product words left after stripping
	specs     []string
	spaceOnly bool // separated from the previous token by user spaces only
	leaf      bool // contains a taxonomy leaf term
	term      bool // contains any taxonomy term
	lastIdx   int  // index of the last raw token merged into this one
	whole     bool // text is the token as typed: no filler or spec taken off
	end       int  // byte offset of the end of the raw token
}

func isSeparator(r rune) bool {
	switch r {
	case 0, ' ', ',', ';', '!', '?', ':', '(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '|', '~', '`', '=', '@', '&', '^', '$', '\\',
		'，', '。', '、', '；', '！', '？', '：', '（', '）', '【', '】', '「', '」', '『', '』', '《', '》', '“', '”', '‘', '’', '…', '·', '—', '〔', '〕', '〈', '〉':
		return true
	}
	return false
}

// extractProduct splits what is left of the message into tokens, strips
// filler and intent words, separates spec words and picks the product phrase.
func (p *Parser) extractProduct(rest string, intentEnd int, post *Post) {
	var toks []prodToken
	start := -1
	spaceOnly := true
	gapSpaceOnly := true
	flush := func(end int) {
		if start < 0 {
			return
		}
		raw := strings.Trim(rest[start:end], ".-_*/#+")
		begin := start
		start = -1
		if raw == "" {
			return
		}
		t := p.cleanToken(raw, gapSpaceOnly)
		t.end = end
		if begin > 0 && rest[begin-1] == 0 || end < len(rest) && rest[end] == 0 {
			t.whole = false // glued to a masked span: what is left of 遂宁射洪
		}
		toks = append(toks, t)
		gapSpaceOnly = true
	}
	for i, r := range rest {
		if isSeparator(r) {
			flush(i)
			if r != ' ' {
				spaceOnly = false
			}
			continue
		}
		if start < 0 {
			start = i
			gapSpaceOnly = spaceOnly
			spaceOnly = true
		}
	}
	flush(len(rest))

	// merge neighbours typed with a space inside one product ("汽车 线束")
	var cands []prodToken
	var specs []string
	for i, t := range toks {
		specs = append(specs, t.specs...)
		if t.text == "" {
			if len(t.specs) == 0 && i+1 < len(toks) {
				toks[i+1].spaceOnly = toks[i+1].spaceOnly && t.spaceOnly
			}
			continue
		}
		if n := len(cands); n > 0 && t.spaceOnly && mergeable(cands[n-1], t) && cands[n-1].lastIdx == i-1 {
			prev := &cands[n-1]
			sep := ""
			if lr, _ := utf8.DecodeLastRuneInString(prev.text); lr < utf8.RuneSelf {
				if fr, _ := utf8.DecodeRuneInString(t.text); fr < utf8.RuneSelf {
					sep = " "
				}
			}
			prev.text += sep + t.text
			prev.whole = prev.whole && t.whole
			prev.leaf = prev.leaf || t.leaf
			prev.term = prev.term || t.term
			prev.lastIdx = i
			continue
		}
		t.lastIdx = i
		cands = append(cands, t)
	}

	// Prefer the first phrase after the intent word (求购 X), then any phrase
	// naming a taxonomy leaf, then any taxonomy word, then anything.
	best := -1
	for _, pass := range []func(c prodToken) bool{
		func(c prodToken) bool { return c.leaf && c.end > intentEnd },
		func(c prodToken) bool { return c.leaf },
		func(c prodToken) bool { return c.term && c.end > intentEnd },
		func(c prodToken) bool { return c.term },
	} {
		for i, c := range cands {
			if pass(c) {
				best = i
				break
			}
		}
		if best >= 0 {
			break
		}
	}
	if best < 0 {
		for i, c := range cands {
			if runeLen(c.text) >= 2 {
				best = i
				break
			}
		}
	}
	if best >= 0 {
		post.Product = cands[best].text
		// Words typed on their own after the product that nothing else
		// took describe it ("汽车线束 高压"): keep them as spec. What is
		// left of a word once fillers came off (挡 of 前挡) is not.
		for _, c := range cands[best+1:] {
			if c.whole && runeLen(c.text) >= 2 {
				specs = append(specs, c.text)
			}
		}
	}
	post.Spec = strings.Join(dedup(specs), " ")

	node, _ := p.bestCategory(post.Product)
	if node == nil && post.Spec != "" {
		node, _ = p.bestCategory(post.Spec)
	}
	if node == nil {
		for _, c := range cands {
			if node, _ = p.bestCategory(c.text); node != nil {
				break
			}
		}
	}
	node = p.refinePCB(node, post.Spec)
	if node != nil {
		post.Category = node.category()
	}

	// keywords: product, synonyms of the terms in it, category names
	var kw []string
	if post.Product != "" {
		kw = append(kw, post.Product)
	}
	for _, h := range p.containedTerms(post.Product) {
		w := post.Product[h.start:h.end]
		kw = append(kw, w)
		if h.info.group >= 0 {
			kw = append(kw, p.groups[h.info.group]...)
		}
	}
	if post.Category != nil {
		kw = append(kw, post.Category.Name)
		kw = append(kw, post.Category.Path...)
	}
	post.Keywords = dedup(kw)
}

// mergeable reports whether two space-separated phrases are one product:
// a qualifier (汽车, a brand such as TI, a short word) followed by a phrase.
func mergeable(left, right prodToken) bool {
	if len(right.specs) > 0 || left.leaf && right.leaf {
		return false
	}
	return left.term && !left.leaf || isASCII(left.text) || runeLen(left.text) <= 2
}

// refinePCB turns a generic PCB category plus a "N层" spec into the layer
// class: 1–2 layers → single/double sided, more → multilayer.
func (p *Parser) refinePCB(n *catNode, spec string) *catNode {
	if n == nil || n.cat.Code != "electronics.pcb" {
		return n
	}
	m := pcbLayerRe.FindStringSubmatch(spec)
	if m == nil {
		return n
	}
	v, ok := parseNumber(m[1])
	if !ok {
		return n
	}
	code := "electronics.pcb.multilayer"
	if v <= 2 {
		code = "electronics.pcb.single_double"
	}
	if c, ok := p.byCode[code]; ok {
		return c
	}
	return n
}

// cleanToken strips filler words from both ends of a token and pulls out
// spec words (ASCII runs with digits such as M8, QFN-32, 0603, 6层).
func (p *Parser) cleanToken(raw string, spaceOnly bool) prodToken {
	t := prodToken{spaceOnly: spaceOnly}
	tok := p.stripFillers(raw)
	if tok == "" {
		return t
	}
	// spec runs, unless they are part of a known term (4G模组, PA66)
	hits := p.findTerms(tok)
	var b strings.Builder
	last := 0
	for _, loc := range specRe.FindAllStringIndex(tok, -1) {
		w := tok[loc[0]:loc[1]]
		if !strings.ContainsAny(w, "0123456789一二两三四五六七八九十") {
			continue
		}
		inTerm := false
		for _, h := range hits {
			if loc[0] < h.end && h.start < loc[1] {
				inTerm = true
			}
		}
		if inTerm {
			continue
		}
		if w = strings.Trim(w, ".-_*/#+"); !strayDigits(w) {
			t.specs = append(t.specs, w)
		}
		b.WriteString(tok[last:loc[0]])
		last = loc[1]
	}
	b.WriteString(tok[last:])
	rest := p.stripFillers(strings.TrimSpace(b.String()))
	rest = strings.Trim(rest, " .-_*/#+%")
	if !meaningful(rest) {
		rest = ""
	}
	t.text = rest
	t.whole = rest != "" && rest == strings.TrimSuffix(strings.TrimSpace(raw), "的") // 铝合金的
	if rest != "" {
		for _, h := range p.findTerms(rest) {
			if h.info.node != nil {
				t.term = true
				if h.info.node.cat.Leaf {
					t.leaf = true
				}
			}
		}
	}
	return t
}

// strayDigits reports a number of one or two digits on its own: what is
// left of "alert(1)" or of an amount not understood, never a spec (specs
// carry a letter or a unit, or are codes such as 0603).
func strayDigits(w string) bool {
	if len(w) == 0 || len(w) > 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isASCIIDigit(w[i]) {
			return false
		}
	}
	return true
}

// meaningful reports whether s has at least one Han character or two ASCII
// letters.
func meaningful(s string) bool {
	letters := 0
	for _, r := range s {
		if isHan(r) {
			return true
		}
		if r < utf8.RuneSelf && isASCIILetter(byte(r)) {
			letters++
		}
	}
	return letters >= 2
}

// stripFillers removes filler and intent words from both ends of tok, but
// never cuts into a taxonomy term (前大灯 keeps its 前).
func (p *Parser) stripFillers(tok string) string {
	for guard := 0; guard < 64 && tok != ""; guard++ {
		changed := false
		if n := p.fillerPrefix(tok); n > 0 && !p.termAt(tok, 0, n) {
			tok = strings.TrimLeft(tok[n:], " ")
			changed = true
		}
		if n := p.fillerSuffix(tok); n > 0 && !p.termEndsAt(tok, len(tok)-n) {
			tok = strings.TrimRight(tok[:len(tok)-n], " ")
			changed = true
		}
		if !changed {
			break
		}
	}
	return tok
}

// fillerPrefix returns the byte length of the longest filler word at the
// start of tok (0 if none).
func (p *Parser) fillerPrefix(tok string) int {
	best := 0
	end := 0
	for n := 0; n < fillerDict.maxLen && end < len(tok); n++ {
		_, sz := utf8.DecodeRuneInString(tok[end:])
		end += sz
		if _, ok := fillerDict.get(tok[:end]); ok {
			best = end
		}
	}
	return best
}

func (p *Parser) fillerSuffix(tok string) int {
	best := 0
	start := len(tok)
	for n := 0; n < fillerDict.maxLen && start > 0; n++ {
		_, sz := utf8.DecodeLastRuneInString(tok[:start])
		start -= sz
		if _, ok := fillerDict.get(tok[start:]); ok {
			best = len(tok) - start
		}
	}
	return best
}

// termAt reports whether a taxonomy term starts at byte i of tok and is at
// least n bytes long.
func (p *Parser) termAt(tok string, i, n int) bool {
	up := asciiUpper(tok)
	end := i
	for k := 0; k < p.terms.maxLen && end < len(up); k++ {
		_, sz := utf8.DecodeRuneInString(up[end:])
		end += sz
		if end-i >= n {
			if v, ok := p.terms.get(up[i:end]); ok && (!v.(*termInfo).ascii || asciiBoundary(up, i, end)) {
				return true
			}
		}
	}
	return false
}

// termEndsAt reports whether a taxonomy term ends at the end of tok and
// starts at or before byte i.
func (p *Parser) termEndsAt(tok string, i int) bool {
	up := asciiUpper(tok)
	start := len(up)
	for k := 0; k < p.terms.maxLen && start > 0; k++ {
		_, sz := utf8.DecodeLastRuneInString(up[:start])
		start -= sz
		if start <= i {
			if v, ok := p.terms.get(up[start:]); ok && (!v.(*termInfo).ascii || asciiBoundary(up, start, len(up))) {
				return true
			}
		}
	}
	return false
}
