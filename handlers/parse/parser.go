// Package parse turns free-form Chinese chat messages from purchasing and
// sales staff of the Chengdu–Chongqing automotive and electronics supply chain
// into structured demand/offer fields (Post).
//
// The parser is dictionary- and pattern-based: product categories, synonyms
// and administrative regions live in YAML files (data/*.yaml) that are
// embedded by default and can be replaced or extended by operators through
// NewFromDir. All regular expressions are RE2 (linear time) and input is
// capped at MaxInputBytes, so Parse is safe on hostile input.
package parse

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"supplybot/handlers/record"
)

// CST is China Standard Time, the zone of every date the parser reads: the
// record vocabulary's zone, so that a parsed date and a shown one agree.
var CST = record.China

// MaxInputBytes is the longest prefix of a message that Parse looks at.
// WeChat text messages are far shorter; the cap bounds the work on abuse.
const MaxInputBytes = 8 << 10

// Kind tells whether a post asks for goods (demand) or offers them.
type Kind int

// Kinds of posts.
const (
	KindUnknown Kind = iota
	KindDemand
	KindOffer
)

// String returns "unknown", "demand" or "offer".
func (k Kind) String() string {
	switch k {
	case KindDemand:
		return "demand"
	case KindOffer:
		return "offer"
	}
	return "unknown"
}

// Quantity is an amount with a normalised unit ("件", "套", "只", "个", "吨",
// "kg", "米", "平米", …; "pcs" and "ea" become "件"). Unit is "" when the user
// gave none ("MOQ 1000").
//
// Per is "月" or "年" when the amount is a rate, the volume wanted per month
// or per year (年需求10万套 → 100000 套 per 年), and "" for a one-off amount.
// Value is as stated, never scaled for display: 1亿只 is 1e8 只.
type Quantity struct {
	Value float64
	Unit  string
	Per   string
}

// Price is a unit or total price in yuan. Min == Max for a single price;
// Min == 0 for an upper bound only ("不超过50元"); Max == 0 with Min > 0 for a
// lower bound only ("50元以上"). Unit is "元" or "元/<unit>" ("元/件").
type Price struct {
	Min, Max float64
	Unit     string
}

// Region is an administrative location with full official names, e.g.
// 重庆市/重庆市/璧山区, 四川省/绵阳市/"", 广东省/""/"".
type Region struct {
	Province, City, District string
}

// Category is a node of the product taxonomy.
type Category struct {
	Code string   // stable ASCII id, e.g. "auto.powertrain.transmission"
	Name string   // display name, e.g. "变速器"
	Path []string // names from the root to this node, e.g. ["汽车","动力总成","变速器"]
	Leaf bool     // true when the node has no children
}

// Post is the structured reading of one chat message.
type Post struct {
	Kind           Kind
	Product        string     // product phrase as named by the user, cleaned ("变速箱电磁阀")
	Category       *Category  // best taxonomy node, nil if unknown
	Spec           string     // leftover spec words ("M8", "6层", "QFN-32"), space separated
	Quantity       *Quantity  // demand amount
	Capacity       *Quantity  // monthly capacity (offers); yearly/daily figures are converted
	MOQ            *Quantity  // minimum order quantity
	Price          *Price     // unit or total price
	Region         *Region    // location of the buyer/supplier
	Deadline       *time.Time // 23:59:59 CST of the named day
	LeadTimeDays   int        // "交期15天" → 15; "现货" → 0 with InStock
	InStock        bool       // "现货", "有库存", "当天发货"
	Certifications []string   // normalised names, e.g. "IATF 16949"
	Mobile         string     // first valid mainland mobile number, digits only
	Keywords       []string   // product words, synonyms and category names; deduplicated

	// What the product is for, kept apart from the product: "ECU" of
	// "PCB 用于ECU" and of "ECU用6层PCB". Not in Keywords.
	Application string
	Material    string   // material family of the product: 铝合金, 钢, 铸铁, 铜, 塑料, 橡胶, 陶瓷, …
	Size        *Measure // inches: 18寸, 15-18寸
	Layers      *Measure // PCB layer count: 6层, 4-12层
	Voltage     *Measure // volts: 12V, 800V
}

// Parser holds the taxonomy, synonyms and regions. It is safe for concurrent
// use once built.
type Parser struct {
	nodes  []*catNode          // all taxonomy nodes
	byCode map[string]*catNode // full code → node
	terms  *dict               // upper-cased term → *termInfo
	groups [][]string          // synonym groups, canonical first
	group  map[string]int      // upper-cased word → index in groups

	places *dict // place name or short form → *placeInfo

	suffix1, suffix2 map[string][]*catNode // last 1 or 2 Han runes of a term → its nodes

	kept *keptWords // ParseWord's
}

type catNode struct {
	cat    Category
	parent *catNode
	depth  int
}

type termInfo struct {
	node  *catNode // may be nil for a synonym with no category
	group int      // synonym group index or -1
	ascii bool     // term is pure ASCII: needs letter boundaries
}

// New returns a Parser built from the embedded default data files.
func New() (*Parser, error) { return NewFromDir("") }

// NewFromDir returns a Parser built from taxonomy.yaml, synonyms.yaml and
// regions.yaml in dir. A missing file falls back to the embedded default; a
// file with `extends_default: true` is merged into the default instead of
// replacing it. dir == "" uses only the defaults.
func NewFromDir(dir string) (*Parser, error) {
	taxo, err := loadTaxonomy(dir)
	if err != nil {
		return nil, err
	}
	syn, err := loadSynonyms(dir)
	if err != nil {
		return nil, err
	}
	reg, err := loadRegions(dir)
	if err != nil {
		return nil, err
	}
	p := &Parser{byCode: map[string]*catNode{}, terms: newDict(), group: map[string]int{}, kept: &keptWords{}}
	if err := p.buildTaxonomy(taxo, nil); err != nil {
		return nil, err
	}
	p.buildSynonyms(syn)
	p.buildSuffixes()
	if err := p.buildRegions(reg); err != nil {
		return nil, err
	}
	return p, nil
}

var codeSegRe = regexp.MustCompile(`^[a-z0-9_]+$`)

func (p *Parser) buildTaxonomy(nodes []*taxoNode, parent *catNode) error {
	for _, n := range nodes {
		if n == nil {
			continue
		}
		if !codeSegRe.MatchString(n.Code) {
			return fmt.Errorf("parse: taxonomy: bad code segment %q (want [a-z0-9_]+)", n.Code)
		}
		name := strings.TrimSpace(n.Name)
		if name == "" {
			return fmt.Errorf("parse: taxonomy: node %q has no name", n.Code)
		}
		c := &catNode{parent: parent}
		c.cat.Code, c.cat.Name, c.cat.Leaf = n.Code, name, len(n.Children) == 0
		if parent != nil {
			c.cat.Code = parent.cat.Code + "." + n.Code
			c.cat.Path = append(append([]string(nil), parent.cat.Path...), name)
			c.depth = parent.depth + 1
		} else {
			c.cat.Path = []string{name}
		}
		if _, dup := p.byCode[c.cat.Code]; dup {
			return fmt.Errorf("parse: taxonomy: duplicate code %q", c.cat.Code)
		}
		p.byCode[c.cat.Code] = c
		p.nodes = append(p.nodes, c)
		p.addTerm(name, c)
		for _, a := range n.Aliases {
			p.addTerm(a, c)
		}
		if err := p.buildTaxonomy(n.Children, c); err != nil {
			return err
		}
	}
	return nil
}

func termKey(s string) string { return asciiUpper(Normalize(s)) }

func (p *Parser) addTerm(word string, c *catNode) {
	k := termKey(word)
	if utf8.RuneCountInString(k) < 2 && !isASCII(k) || k == "" {
		return
	}
	if old, ok := p.terms.get(k); ok {
		ti := old.(*termInfo)
		if ti.node == nil {
			ti.node = c
		}
		return
	}
	p.terms.put(k, &termInfo{node: c, group: -1, ascii: isASCII(k)})
}

func (p *Parser) buildSynonyms(groups [][]string) {
	for _, g := range groups {
		var clean []string
		seen := map[string]bool{}
		for _, w := range g {
			w = strings.TrimSpace(Normalize(w))
			if w == "" || seen[termKey(w)] {
				continue
			}
			seen[termKey(w)] = true
			clean = append(clean, w)
		}
		if len(clean) == 0 {
			continue
		}
		idx := len(p.groups)
		p.groups = append(p.groups, clean)
		// the category of the group: first member that is a taxonomy term
		var node *catNode
		for _, w := range clean {
			if v, ok := p.terms.get(termKey(w)); ok && v.(*termInfo).node != nil {
				node = v.(*termInfo).node
				break
			}
		}
		if node == nil {
			// no member is a taxonomy word: use the head noun of a member
			// (贴片电容 → 电容)
			for _, w := range clean {
				if n, _ := p.bestCategory(Normalize(w)); n != nil {
					node = n
					break
				}
			}
		}
		for _, w := range clean {
			k := termKey(w)
			if _, ok := p.group[k]; !ok {
				p.group[k] = idx
			}
			if v, ok := p.terms.get(k); ok {
				ti := v.(*termInfo)
				if ti.group < 0 {
					ti.group = idx
				}
				if ti.node == nil {
					ti.node = node
				}
				continue
			}
			if utf8.RuneCountInString(k) < 2 && !isASCII(k) {
				continue
			}
			p.terms.put(k, &termInfo{node: node, group: idx, ascii: isASCII(k)})
		}
	}
}

// CategoryByCode returns the taxonomy node with the given full code.
func (p *Parser) CategoryByCode(code string) (*Category, bool) {
	n, ok := p.byCode[strings.TrimSpace(code)]
	if !ok {
		return nil, false
	}
	return n.category(), true
}

// Categories returns every taxonomy node in file order.
func (p *Parser) Categories() []Category {
	out := make([]Category, 0, len(p.nodes))
	for _, n := range p.nodes {
		out = append(out, *n.category())
	}
	return out
}

func (n *catNode) category() *Category {
	c := n.cat
	c.Path = append([]string(nil), n.cat.Path...)
	return &c
}

// Synonyms returns the synonym group of word, canonical form first. A word
// that is only a taxonomy name or alias yields its category's name and the
// word; an unknown word yields just the (normalised) word; "" yields nil.
func (p *Parser) Synonyms(word string) []string {
	w := strings.TrimSpace(Normalize(word))
	if w == "" {
		return nil
	}
	k := termKey(w)
	if gi, ok := p.group[k]; ok {
		return append([]string(nil), p.groups[gi]...)
	}
	if v, ok := p.terms.get(k); ok && v.(*termInfo).node != nil {
		name := v.(*termInfo).node.cat.Name
		if termKey(name) != k {
			return []string{name, w}
		}
	}
	return []string{w}
}

// ParseCategory finds the best taxonomy node named in s. Terms are found by
// longest match; leaves beat inner nodes, and among leaves the last term wins
// (Chinese compounds are head-final: 动力电池电芯 is a 电芯).
func (p *Parser) ParseCategory(s string) (*Category, bool) {
	n, _ := p.bestCategory(Normalize(s))
	if n == nil {
		return nil, false
	}
	return n.category(), true
}

type termHit struct {
	start, end int
	info       *termInfo
}

func (p *Parser) findTerms(s string) []termHit {
	up := asciiUpper(s)
	var hits []termHit
	p.terms.scan(up, func(start, end int, v any) bool {
		ti := v.(*termInfo)
		if ti.ascii && !asciiBoundary(up, start, end) {
			return false
		}
		hits = append(hits, termHit{start, end, ti})
		return true
	})
	return hits
}

// containedTerms returns every dictionary term inside s, including the
// shorter terms within a longer one (变速箱 in the alias 变速箱电磁阀), so a
// search or a match on the shorter word finds the record.
func (p *Parser) containedTerms(s string) []termHit {
	up := asciiUpper(s)
	var starts []int
	for i := range up {
		starts = append(starts, i)
	}
	starts = append(starts, len(up))
	var hits []termHit
	for a := 0; a < len(starts)-1; a++ {
		for b := a + 1; b < len(starts) && b-a <= p.terms.maxLen; b++ {
			v, ok := p.terms.get(up[starts[a]:starts[b]])
			if !ok {
				continue
			}
			ti := v.(*termInfo)
			if ti.ascii && !asciiBoundary(up, starts[a], starts[b]) {
				continue
			}
			hits = append(hits, termHit{starts[a], starts[b], ti})
		}
	}
	return hits
}

func (p *Parser) bestCategory(s string) (*catNode, []termHit) {
	n, _, hits := p.bestTerm(s)
	return n, hits
}

// bestHit is bestCategory's node and the byte offset where its term ends.
func (p *Parser) bestHit(s string) (*catNode, int) {
	n, end, _ := p.bestTerm(s)
	return n, end
}

func (p *Parser) bestTerm(s string) (*catNode, int, []termHit) {
	hits := p.findTerms(s)
	var best *catNode
	bestEnd := 0
	bestScore := -1
	for _, h := range hits {
		if h.info.node == nil {
			continue
		}
		// leaf beats inner node; then the later (head) term; then length
		score := h.end*8 + (h.end-h.start)*2 + h.info.node.depth
		if h.info.node.cat.Leaf {
			score += 1 << 30
		}
		if score >= bestScore {
			best, bestScore, bestEnd = h.info.node, score, h.end
		}
	}
	return best, bestEnd, hits
}

// ---- dictionary with longest-match scanning ----

type dict struct {
	m      map[string]any
	maxLen int // in runes
}

func newDict() *dict { return &dict{m: map[string]any{}} }

func (d *dict) put(k string, v any) {
	d.m[k] = v
	if n := utf8.RuneCountInString(k); n > d.maxLen {
		d.maxLen = n
	}
}

func (d *dict) get(k string) (any, bool) { v, ok := d.m[k]; return v, ok }

// scan walks s left to right and, at every position, looks up the longest key
// starting there. fn returns whether it accepted the hit; accepted hits are
// skipped over, rejected ones let shorter keys and later positions be tried.
func (d *dict) scan(s string, fn func(start, end int, v any) bool) {
	if d.maxLen == 0 {
		return
	}
	// byte offsets of the next maxLen rune boundaries, reused as a ring
	bounds := make([]int, 0, d.maxLen+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0 || r == ' ' {
			i += size
			continue
		}
		bounds = bounds[:0]
		j := i
		for n := 0; n < d.maxLen && j < len(s); n++ {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			if r2 == 0 {
				break
			}
			j += sz
			bounds = append(bounds, j)
		}
		advanced := false
		for n := len(bounds) - 1; n >= 0; n-- {
			end := bounds[n]
			if v, ok := d.m[s[i:end]]; ok && fn(i, end, v) {
				i = end
				advanced = true
				break
			}
		}
		if !advanced {
			i += size
		}
	}
}

// ---- small helpers ----

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiUpper upper-cases ASCII letters only, keeping byte offsets intact.
func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }

// asciiBoundary reports whether s[start:end] is not glued to other ASCII
// letters (so "IC" does not match inside "PIC16").
func asciiBoundary(s string, start, end int) bool {
	if start > 0 && isASCIILetter(s[start-1]) {
		return false
	}
	if end < len(s) && isASCIILetter(s[end]) {
		return false
	}
	return true
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func dedup(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
