package parse

import (
	"strings"
	"unicode/utf8"
)

// Chinese product names are head-final: the last noun says what the thing
// is (ECU外壳 is a housing, 显示屏驱动芯片 a chip). productCategory places a
// product by its head: the taxonomy term that ends last, unless a noun the
// taxonomy lacks follows it, in which case that noun's characters decide
// (the categories whose terms end the same way).

// genericTails are words after the head that do not change what the
// product is (座椅总成 is a 座椅).
var genericTails = []string{"总成", "组件", "系列", "产品", "配件", "零件", "零部件", "成品", "半成品", "等", "类"}

func (p *Parser) productCategory(prod string) *catNode {
	n, end := p.bestHit(prod)
	if n == nil {
		return p.headFallback(prod, true)
	}
	rem := strings.TrimSpace(prod[end:])
	for changed := true; changed; {
		changed = false
		for _, t := range genericTails {
			if strings.HasSuffix(rem, t) {
				rem, changed = strings.TrimSpace(strings.TrimSuffix(rem, t)), true
			}
		}
	}
	if hanRunes(rem) >= 2 {
		if fb := p.headFallback(rem, false); fb != nil {
			return fb
		}
		return nil
	}
	return n
}

func hanRunes(s string) int {
	n := 0
	for _, r := range s {
		if isHan(r) {
			n++
		}
	}
	return n
}

// headFallback places a word the taxonomy lacks by its last two characters
// (or, with one, its last character): the category that all terms ending
// the same way share, or the branch holding most of them.
func (p *Parser) headFallback(s string, one bool) *catNode {
	s = strings.TrimSpace(s)
	last2 := lastRunes(s, 2)
	if utf8.RuneCountInString(last2) == 2 && hanRunes(last2) == 2 {
		if n := majority(p.suffix2[last2], 2, 0.5); n != nil {
			return n
		}
	}
	if one {
		if r := lastRunes(s, 1); hanRunes(r) == 1 {
			return majority(p.suffix1[r], 3, 0.66)
		}
	}
	return nil
}

// majority returns the node of nodes when they are one, else the parent
// holding more than share of them (at least min nodes), else nil.
func majority(nodes []*catNode, min int, share float64) *catNode {
	if len(nodes) == 0 {
		return nil
	}
	same := true
	for _, n := range nodes[1:] {
		if n != nodes[0] {
			same = false
			break
		}
	}
	if same {
		return nodes[0]
	}
	if len(nodes) < min {
		return nil
	}
	count := map[*catNode]int{}
	var best *catNode
	for _, n := range nodes {
		if n.parent == nil {
			continue
		}
		count[n.parent]++
		if best == nil || count[n.parent] > count[best] {
			best = n.parent
		}
	}
	if best != nil && float64(count[best]) > share*float64(len(nodes)) {
		return best
	}
	return nil
}

func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
	}
	return s[i:]
}

// buildSuffixes indexes every Han taxonomy term by its last one and two
// characters, for headFallback.
func (p *Parser) buildSuffixes() {
	p.suffix1, p.suffix2 = map[string][]*catNode{}, map[string][]*catNode{}
	for k, v := range p.terms.m {
		ti := v.(*termInfo)
		if ti.node == nil || ti.ascii || hanRunes(k) < 2 {
			continue
		}
		l1, l2 := lastRunes(k, 1), lastRunes(k, 2)
		if hanRunes(l1) == 1 {
			p.suffix1[l1] = append(p.suffix1[l1], ti.node)
		}
		if hanRunes(l2) == 2 {
			p.suffix2[l2] = append(p.suffix2[l2], ti.node)
		}
	}
}
