package parse

import (
	"strings"
	"unicode/utf8"
)

// fillers are words stripped from the start or end of a product phrase.
var fillerWords = []string{
	// politeness, urgency, frequency
	"急急急", "急", "加急", "紧急", "速来", "速", "长期", "稳定", "大量", "批量", "一批", "一些", "若干", "少量", "小批量",
	"大批量", "谢谢", "感谢", "麻烦", "请", "您好", "你好", "各位", "老板", "朋友们", "朋友", "群友", "大家好",
	"我想", "想", "请问", "有没有", "谁有", "哪里有", "卖", "买", "现在", "目前", "近期", "现",
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

// cleanToken strips filler words from both ends of a token and pulls out
// spec words (ASCII runs with digits such as M8, QFN-32, 0603, 6层).
func (p *Parser) cleanToken(raw string, spaceOnly bool) prodToken {
	t := prodToken{spaceOnly: spaceOnly}
	tok := p.stripFillers(raw)
	if tok == "" {
		return t
	}
	if app, prod, ok := splitApplication(tok); ok && !p.inTerm(tok, len(app)) {
		t.app = app
		tok = p.stripFillers(prod)
		raw = tok
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

// inTerm reports whether byte i of tok lies inside a taxonomy term.
func (p *Parser) inTerm(tok string, i int) bool {
	for _, h := range p.findTerms(tok) {
		if h.start <= i && i < h.end {
			return true
		}
	}
	return false
}
