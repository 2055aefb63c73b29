package store

import (
	"strconv"
	"strings"
	"sync"
)

// searchMemo keeps the ranked windows of recent searches of the index, so
// that the same search asked again (the same words and filters; any page)
// skips the merge and the ranking, the cost of a search that grows with
// the records held. An entry is exact, never stale: a change to the index
// drops every entry whose window the changed record could be in (changed),
// and an entry is used only before the first of its records expires, by a
// search at or after the time it was made for. Records outside the window
// cannot join it without such a change: one that was expired or filtered
// out stays so.
//
// A record could be in a window when it is of the search's kind, carries
// one of its words (or the search has none), passes its filters, and is
// not older than the window's oldest record (or the window is not full):
// the window is the newest searchWindow records that do. Both versions of
// an edited record are tested, so a record that leaves a window drops it
// too. A save of a record that no kept search asks for leaves the memo as it
// is: searches keep their memo under a stream of unrelated posts.
type searchMemo struct {
	mu      sync.Mutex
	entries map[string]*memoEntry
	// byWord lists the entries by each word they search for; anyWord
	// holds those that search for none (every record of the filters).
	byWord  map[string]map[*memoEntry]struct{}
	anyWord map[*memoEntry]struct{}
}

type memoEntry struct {
	key   string
	kind  string
	words []string         // distinct
	keep  func(*Post) bool // the filters, nil for none (searchFilter)
	last  *indexed         // the window's oldest record; nil when not full
	now   int64            // the search's time, unix nanoseconds
	until int64            // the first expiry among found
	found []*indexed       // ranked
}

// memoMax bounds the entries (each up to searchWindow pointers); a memo
// that fills is emptied and starts again.
const memoMax = 256

// memoKey is what, besides the index and the time, a search's ranked
// window depends on: everything in q but the page and the time.
func memoKey(kind string, q SearchQuery) string {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	field(kind)
	field(q.CategoryPrefix)
	field(q.Province)
	field(q.City)
	field(q.District)
	b.WriteString(strconv.FormatBool(q.VerifiedOnly))
	b.WriteString(strconv.Itoa(len(q.Keywords)))
	for _, w := range q.Keywords {
		field(w)
	}
	b.WriteString(strconv.Itoa(len(q.EnterpriseIDs)))
	for _, id := range q.EnterpriseIDs {
		field(id)
	}
	return b.String()
}

// get returns the ranked window of key, if it holds for a search at now.
func (m *searchMemo) get(key string, now int64) ([]*indexed, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || now < e.now || now >= e.until {
		return nil, false
	}
	return e.found, true
}

// put keeps found, ranked, the window for key of a search of kind for
// words (each once) and the filters keep at now; last is the window's
// oldest record when it is full (nil otherwise). found must not change
// afterwards. The index must not change meanwhile (x.mu held for reading).
func (m *searchMemo) put(key, kind string, words []string, keep func(*Post) bool, now int64, last *indexed, found []*indexed) {
	until := int64(1<<63 - 1)
	for _, e := range found {
		until = min(until, e.exp)
	}
	e := &memoEntry{key: key, kind: kind, words: words, keep: keep, last: last, now: now, until: until, found: found}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= memoMax {
		m.entries, m.byWord, m.anyWord = nil, nil, nil
	}
	if m.entries == nil {
		m.entries, m.byWord, m.anyWord = map[string]*memoEntry{}, map[string]map[*memoEntry]struct{}{}, map[*memoEntry]struct{}{}
	}
	if old, ok := m.entries[key]; ok {
		m.dropLocked(old)
	}
	m.entries[key] = e
	if len(e.words) == 0 {
		m.anyWord[e] = struct{}{}
	}
	for _, w := range e.words {
		if m.byWord[w] == nil {
			m.byWord[w] = map[*memoEntry]struct{}{}
		}
		m.byWord[w][e] = struct{}{}
	}
}

// changed drops the entries whose window r could be in: call it for a
// record's version before and after every change to the index (x.mu held
// for writing).
func (m *searchMemo) changed(r *indexed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) == 0 {
		return
	}
	for e := range m.anyWord {
		if e.holds(r) {
			m.dropLocked(e)
		}
	}
	for _, w := range r.p.Keywords {
		for e := range m.byWord[w] {
			if e.holds(r) {
				m.dropLocked(e)
			}
		}
	}
}

// holds reports whether r could be in e's window, given that it carries
// one of e's words (or e has none).
func (e *memoEntry) holds(r *indexed) bool {
	return r.kind == e.kind && (e.keep == nil || e.keep(&r.p)) && (e.last == nil || !newer(e.last, r))
}

func (m *searchMemo) dropLocked(e *memoEntry) {
	delete(m.entries, e.key)
	delete(m.anyWord, e)
	for _, w := range e.words {
		if s := m.byWord[w]; s != nil {
			delete(s, e)
			if len(s) == 0 {
				delete(m.byWord, w)
			}
		}
	}
}
