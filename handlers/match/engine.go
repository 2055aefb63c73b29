package match

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Engine is an in-memory index of the open records of both sides. It is safe
// for concurrent use.
//
// Candidate retrieval: for a query record, the opposite side's records in the
// same category branch are visited, plus the records sharing at least one term
// (normalised keyword or product) through an inverted index. Records with an
// unknown category are therefore found through their keywords only. Pairs that
// are only related through a word contained in a product string (not equal to
// a keyword) are scored by Score but not retrieved by the index, except
// when the two products end with the same two Han characters (the head
// noun by its characters, see commonHead), which are indexed as well.
type Engine struct {
	opts Options
	now  func() time.Time // for Upsert's expiry check; replaceable in tests

	mu     sync.RWMutex
	byID   map[string]*features
	idx    [2]sideIndex      // indexed by Side
	intern map[string]string // vocabulary (terms, categories, places, units, certs)
}

// internW returns the canonical copy of s, adding it; e.mu held for writing.
func (e *Engine) internW(s string) string {
	if v, ok := e.intern[s]; ok {
		return v
	}
	e.intern[s] = s
	return s
}

// internR returns the canonical copy of s if known; e.mu held for reading.
func (e *Engine) internR(s string) string {
	if v, ok := e.intern[s]; ok {
		return v
	}
	return s
}

type sideIndex struct {
	branch map[string]map[*features]struct{}
	term   map[string]map[*features]struct{}
}

// NewEngine returns an empty engine. Zero options get the defaults
// (threshold 0.5, limit 20).
func NewEngine(opts Options) *Engine {
	if opts.Threshold <= 0 {
		opts.Threshold = DefaultThreshold
	}
	if opts.Limit <= 0 {
		opts.Limit = DefaultLimit
	}
	e := &Engine{opts: opts, now: time.Now, byID: make(map[string]*features), intern: make(map[string]string)}
	for i := range e.idx {
		e.idx[i] = sideIndex{
			branch: make(map[string]map[*features]struct{}),
			term:   make(map[string]map[*features]struct{}),
		}
	}
	return e
}

// Options returns the effective options.
func (e *Engine) Options() Options { return e.opts }

func validSide(s Side) bool { return s == Demand || s == Offer }

// Upsert adds or replaces a record by ID. Records that are not open, already
// expired (by wall clock) or have an invalid side are removed instead.
func (e *Engine) Upsert(r Record) {
	if r.ID == "" {
		return
	}
	if !validSide(r.Side) || !isOpen(&r, e.now()) {
		e.Remove(r.ID)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ent := newFeatures(&r, e.internW)
	// The engine keeps what it shows of r (reason texts) apart from the
	// caller's slices; the rest of r it does not keep.
	ent.keywords = slices.Clone(ent.keywords)
	if old, ok := e.byID[r.ID]; ok {
		e.unindex(old)
	}
	e.byID[r.ID] = ent
	ix := &e.idx[r.Side]
	if b := ent.branch; b != "" {
		addTo(ix.branch, b, ent)
	}
	for _, t := range ent.terms {
		addTo(ix.term, t, ent)
	}
	if k := ent.headKey; k != "" {
		addTo(ix.term, k, ent)
	}
}

func addTo(m map[string]map[*features]struct{}, k string, ent *features) {
	s := m[k]
	if s == nil {
		s = make(map[*features]struct{})
		m[k] = s
	}
	s[ent] = struct{}{}
}

func delFrom(m map[string]map[*features]struct{}, k string, ent *features) {
	if s := m[k]; s != nil {
		delete(s, ent)
		if len(s) == 0 {
			delete(m, k)
		}
	}
}

// unindex removes ent from all indexes; e.mu must be held for writing.
func (e *Engine) unindex(ent *features) {
	delete(e.byID, ent.id)
	ix := &e.idx[ent.side]
	if b := ent.branch; b != "" {
		delFrom(ix.branch, b, ent)
	}
	for _, t := range ent.terms {
		delFrom(ix.term, t, ent)
	}
	if k := ent.headKey; k != "" {
		delFrom(ix.term, k, ent)
	}
}

// Remove deletes a record by ID; unknown IDs are ignored.
func (e *Engine) Remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.byID[id]; ok {
		e.unindex(old)
	}
}

// Prune removes records that have expired at now and returns how many.
func (e *Engine) Prune(now time.Time) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	at := now.UnixNano()
	for _, ent := range e.byID {
		if !ent.openAt(at) {
			e.unindex(ent)
			n++
		}
	}
	return n
}

// Len is the number of indexed records (both sides).
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.byID)
}

// Has reports whether the record with the given ID is indexed.
func (e *Engine) Has(id string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, ok := e.byID[id]
	return ok
}

type hit struct {
	ent   *features
	score float64
}

// Match returns the counterparts of r (offers for a demand, demands for an
// offer) scoring at least the threshold, best first, ties broken by ID, at
// most Limit. r itself need not be indexed; a record with r's ID is skipped.
func (e *Engine) Match(r Record, now time.Time) []Result {
	if !validSide(r.Side) || !isOpen(&r, now) {
		return nil
	}
	other := Offer
	if r.Side == Offer {
		other = Demand
	}

	var q *features
	var hits []hit
	consider := func(c *features) {
		if c.id == r.ID {
			return
		}
		var s float64
		var ok bool
		if r.Side == Demand {
			s, _, ok = scorePair(q, c, now, Offer, false, e.opts.Threshold)
		} else {
			s, _, ok = scorePair(c, q, now, Demand, false, e.opts.Threshold)
		}
		if ok && s >= e.opts.Threshold {
			hits = append(hits, hit{c, s})
		}
	}

	e.mu.RLock()
	q = newFeatures(&r, e.internR)
	ix := &e.idx[other]
	if q.branch != "" {
		for c := range ix.branch[q.branch] {
			consider(c)
		}
	}
	for i, t := range q.terms {
	next:
		for c := range ix.term[t] {
			if q.branch != "" && c.branch == q.branch {
				continue // already seen through the branch
			}
			for _, prev := range q.terms[:i] {
				if c.hasTerm(prev) {
					continue next // already seen through an earlier term
				}
			}
			consider(c)
		}
	}
	// records ending with the same two characters (commonHead), not seen
	// through the branch or a shared term
	if k := q.headKey; k != "" {
	nextHead:
		for c := range ix.term[k] {
			if q.branch != "" && c.branch == q.branch {
				continue
			}
			for _, t := range q.terms {
				if c.hasTerm(t) {
					continue nextHead
				}
			}
			consider(c)
		}
	}

	// Verified enterprises first, then by score: when more counterparts fit
	// than Limit, the verified ones get the places.
	slices.SortFunc(hits, func(a, b hit) int {
		if a.ent.verified != b.ent.verified {
			if a.ent.verified {
				return -1
			}
			return 1
		}
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ent.id, b.ent.id)
	})
	if len(hits) > e.opts.Limit {
		hits = hits[:e.opts.Limit]
	}
	out := make([]Result, 0, len(hits))
	for _, h := range hits {
		var s float64
		var reasons []string
		if r.Side == Demand {
			s, reasons, _ = scorePair(q, h.ent, now, Offer, true, -1)
		} else {
			s, reasons, _ = scorePair(h.ent, q, now, Demand, true, -1)
		}
		out = append(out, Result{Counterpart: h.ent.ref(), Score: s, Reasons: reasons})
	}
	e.mu.RUnlock()
	return out
}
