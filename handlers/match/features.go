package match

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// features are the normalised, precomputed parts of a Record used for
// scoring. Everything the hot path reads is copied in (no pointer chasing into
// the Record) so that scoring thousands of candidates stays cache-friendly.
type features struct {
	id, no     string
	side       Side
	expires    int64 // unix nanos; 0 = never
	enterprise string
	open       bool // Status == "open"
	verified   bool
	// What reason texts show as posted: the keywords, and the
	// certifications trimmed, empty ones left out. The engine keeps
	// nothing else of the Record.
	keywords, certNames []string

	branch   string   // category code minus last segment; "" unknown
	leaf     string   // full category code; "" unknown
	terms    []string // normalised keywords (or the product), deduplicated
	long     uint64   // bit i: terms[i] has >= 2 runes (may match by containment); see isLong
	product  string   // normalised product
	heads    []string // terms that are a suffix of product, longest first
	spec     []string // spec tokens, deduplicated
	certs    []string // normalised cert keys
	province string
	city     string
	district string

	qty, capacity, moq amount
	qtyMonthly         float64 // demand stated as a rate: the need per month; 0 = one-off
	deadline           int64   // unix nanos; 0 = none
	lead               int     // days; <0 unknown

	productTrim, productForm string   // product without generic tails (总成) and form (屏)
	termsTrim                []string // terms without generic tails
	headKey                  string   // index key of the last two Han runes of productTrim; "" none
	headsTrim                []string // product and heads without generic tails, >= 2 runes

	price                 unitPrice
	material              string
	size, layers, voltage span
}

type amount struct {
	v    float64 // 0 = unknown
	unit string
}

func toAmount(q *Quantity, in func(string) string) amount {
	if q == nil || q.Value <= 0 {
		return amount{}
	}
	return amount{q.Value, in(strings.TrimSpace(q.Unit))}
}

func (a amount) comparable(b amount) bool { return a.v > 0 && b.v > 0 && a.unit == b.unit }

func identity(s string) string { return s }

// newFeatures precomputes r's features. in interns strings (nil: none); the
// engine interns vocabulary so equal words share memory.
func newFeatures(r *Record, in func(string) string) *features {
	if in == nil {
		in = identity
	}
	f := &features{
		id:         r.ID,
		no:         r.No,
		keywords:   r.Keywords,
		side:       r.Side,
		open:       r.Status == StatusOpen,
		enterprise: r.EnterpriseID,
		verified:   r.Verified,
		qty:        toAmount(r.Quantity, in),
		capacity:   toAmount(r.Capacity, in),
		moq:        toAmount(r.MOQ, in),
		lead:       r.LeadTimeDays,
		price:      toUnitPrice(r.Price),
		material:   strings.TrimSpace(r.Material),
		size:       toSpan(r.Size),
		layers:     toSpan(r.Layers),
		voltage:    toSpan(r.Voltage),
	}
	if f.material == "" {
		f.material = productMaterial(r.Product)
	}
	if v, ok := monthlyNeed(r.Quantity); ok && v > 0 {
		f.qtyMonthly = v
	}
	if !r.ExpiresAt.IsZero() {
		f.expires = r.ExpiresAt.UnixNano()
	}
	if r.Deadline != nil {
		f.deadline = r.Deadline.UnixNano()
	}
	code := strings.TrimSpace(r.CategoryCode)
	if code != "" {
		f.leaf = in(code)
		if i := strings.LastIndexByte(code, '.'); i > 0 {
			f.branch = in(code[:i])
		} else {
			f.branch = f.leaf
		}
	}
	f.product = normWord(r.Product)
	f.terms = make([]string, 0, len(r.Keywords)+1)
	add := func(w string) {
		if w == "" {
			return
		}
		for _, t := range f.terms {
			if t == w {
				return
			}
		}
		f.terms = append(f.terms, in(w))
	}
	for _, k := range r.Keywords {
		add(normWord(k))
	}
	if len(f.terms) == 0 {
		add(f.product)
	}
	for i, t := range f.terms[:min(len(f.terms), 64)] {
		if utf8.RuneCountInString(t) >= 2 {
			f.long |= 1 << i
		}
	}
	if f.product != "" {
		for i, t := range f.terms {
			if f.isLong(i) && strings.HasSuffix(f.product, t) {
				f.heads = append(f.heads, t)
			}
		}
		sort.SliceStable(f.heads, func(i, j int) bool { return len(f.heads[i]) > len(f.heads[j]) })
	}
	f.nearMissWords(in)
	f.spec = specTokens(r.Spec)
	for _, c := range r.Certifications {
		if k := certKey(c); k != "" {
			f.certs = append(f.certs, in(k))
		}
		if c = strings.TrimSpace(c); c != "" {
			f.certNames = append(f.certNames, c)
		}
	}
	f.province = in(normPlace(r.Region.Province))
	f.city = in(normPlace(r.Region.City))
	f.district = in(strings.TrimSpace(r.Region.District))
	return f
}

func normWord(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// certKey makes "IATF16949", "iatf 16949" and "IATF-16949" compare equal.
func certKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func normPlace(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"省", "市"} {
		if strings.HasSuffix(s, suf) && utf8.RuneCountInString(s) > 2 {
			s = strings.TrimSuffix(s, suf)
		}
	}
	return s
}

// specTokens splits a spec into lower-case runs of letters/digits; hyphens are
// dropped first so "FR-4" equals "FR4".
func specTokens(s string) []string {
	s = strings.ToLower(strings.ReplaceAll(s, "-", ""))
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.')
	})
	out := fields[:0]
	for _, t := range fields {
		t = strings.Trim(t, ".")
		if t == "" {
			continue
		}
		dup := false
		for _, o := range out {
			if o == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

// found reports whether term w of one side is present on the other side:
// as a term, or (long: ≥2 runes) contained in its product.
func (f *features) found(w string, long bool) bool {
	for _, t := range f.terms {
		if t == w {
			return true
		}
	}
	return long && f.product != "" && strings.Contains(f.product, w)
}

// isLong reports whether terms[i] has at least 2 runes: from the bits of
// long for the first 64 terms, counted for the rest.
func (f *features) isLong(i int) bool {
	if i < 64 {
		return f.long&(1<<i) != 0
	}
	return utf8.RuneCountInString(f.terms[i]) >= 2
}

func (f *features) hasTerm(w string) bool {
	for _, t := range f.terms {
		if t == w {
			return true
		}
	}
	return false
}

func isOpen(r *Record, now time.Time) bool {
	if r.Status != StatusOpen {
		return false
	}
	return r.ExpiresAt.IsZero() || r.ExpiresAt.After(now)
}

// ref names the record f was made of.
func (f *features) ref() Ref {
	return Ref{ID: f.id, No: f.no, Side: f.side, EnterpriseID: f.enterprise}
}

func (f *features) openAt(now int64) bool {
	return f.open && (f.expires == 0 || f.expires > now)
}

// Score scores a demand against an offer. ok=false means the pair is
// hard-filtered out. Reasons are phrased for the demand poster (the
