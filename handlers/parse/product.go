package parse

import (
	"strings"
	"unicode/utf8"
)

type prodToken struct {
	text      string // product words left after stripping
	specs     []string
	spaceOnly bool   // separated from the previous token by user spaces only
	leaf      bool   // contains a taxonomy leaf term
	term      bool   // contains any taxonomy term
	lastIdx   int    // index of the last raw token merged into this one
	whole     bool   // text is the token as typed: no filler or spec taken off
	app       string // application split off the token ("ECU" of ECU用PCB)
	end       int    // byte offset of the end of the raw token
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
		if post.Application == "" {
			post.Application = cands[best].app
		}
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

	node := p.productCategory(post.Product)
	if node == nil && post.Spec != "" {
		node, _ = p.bestCategory(post.Spec)
	}
	if node == nil {
		for _, c := range cands {
			if node = p.productCategory(c.text); node != nil {
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
	if left.leaf && !right.term && !isASCII(right.text) {
		return false // 电芯 磷酸铁锂: a word after a whole product describes it
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
