package store

import (
	"strconv"
	"strings"
	"sync"
)

// searchMemo keeps the ranked windows of recent searches of the index, so
// that the same search asked again (the same words and filters; any page)
// skips the merge and the ranking, the cost of a search that grows with
// the records held. An entry is exact, never stale: it is used only while
// the index is unchanged since it was made (SearchIndex.version, bumped by
// every Put, Remove and Prune) and before the first of its records
// expires, by a search at or after the time it was made for. Records
// outside the window cannot join it without a change to the index: one
// that was expired or filtered out stays so.
type searchMemo struct {
	mu      sync.Mutex
	entries map[string]memoEntry
}

type memoEntry struct {
	version uint64
	now     int64 // the search's time, unix nanoseconds
	until   int64 // the first expiry among found
	found   []*indexed
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

// get returns the ranked window of key made at version, if it holds for a
// search at now.
func (m *searchMemo) get(key string, version uint64, now int64) ([]*indexed, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.version != version || now < e.now || now >= e.until {
		return nil, false
	}
	return e.found, true
}

// put keeps found, ranked, for key; found must not change afterwards.
func (m *searchMemo) put(key string, version uint64, now int64, found []*indexed) {
	until := int64(1<<63 - 1)
	for _, e := range found {
		until = min(until, e.exp)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.entries == nil:
		m.entries = map[string]memoEntry{}
	case len(m.entries) >= memoMax:
		clear(m.entries)
	}
	m.entries[key] = memoEntry{version: version, now: now, until: until, found: found}
}
