package store

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// SearchIndex answers SearchQuery from memory, with the filters and the
// ranking of Posts.Search, for the open records put into it. The matching
// service keeps one in step with the engine (every save and close on this
// instance at once, the records other instances saved at each catch-up),
// because FerretDB, the embedded default, serves no query from an index:
// a search there costs time in proportion to every stored record.
//
// Per kind it keeps the records, and per keyword the records carrying it,
// in lists ordered by created_at, so that a search walks newest first from
// the end of the lists of its keywords and stops at the window it ranks:
// its cost follows the window, not the records stored. The same lists are
// kept per province, city, district, enterprise and category (partsOf),
// so that a search limited to one of them walks its records, not all of
// its keywords' to filter them. New records are
// appended in order; records put out of order (a bulk load) are sorted by
// the next search. A record replaced or removed is marked dead in place
// and the lists are compacted once the dead outnumber the live.
type SearchIndex struct {
	mu    sync.RWMutex
	byID  map[string]*indexed
	kinds map[string]*kindIndex
	memo  searchMemo // changed under mu held for writing
	// windowSize is how many records a search ranks: searchWindow, as
	// the store's search; tests make it small.
	windowSize int
}

type indexed struct {
	// What the merge, the filter and the ranking read of every record of
	// a search's window comes first, so that it shares the cache lines
	// the merge loads: a search touches 500 records scattered in memory.
	dead bool
	at   int64      // p.CreatedAt in unix nanoseconds, for ordering
	exp  int64      // p.ExpiresAt in unix nanoseconds
	id   hexID      // p.ID as numbers, for ordering records of one time
	f    rankFields // for ranking, computed once
	kind string
	p    Post
}

type kindIndex struct {
	all      []*indexed            // ascending by created_at, then id
	keywords map[string][]*indexed // the same order
	dead     int
	unsorted bool
	// The ids of the words of the kind's records, for ranking (the
	// kind's index only; its parts share it).
	words *wordIDs
	// The same lists per province, city, district, enterprise and
	// category code (a kind's only; keyed by partKeys; by keyword for
	// provinces and cities only), so that a search limited to one place,
	// category or some enterprises walks their records only, not every
	// record of its words to filter them.
	parts map[string]*kindIndex
}

// newKindIndex returns empty lists, with lists by keyword when byWord.
func newKindIndex(byWord bool) *kindIndex {
	k := &kindIndex{}
	if byWord {
		k.keywords = map[string][]*indexed{}
	}
	return k
}

// add appends e to the lists.
func (k *kindIndex) add(e *indexed) {
	k.all = k.append(k.all, e)
	if k.keywords == nil {
		return
	}
	for _, w := range distinct(e.p.Keywords) {
		k.keywords[w] = k.append(k.keywords[w], e)
	}
}

// part returns the lists of the records within k of the part key (partKeys).
func (k *kindIndex) part(key string) *kindIndex {
	if k.parts == nil {
		k.parts = map[string]*kindIndex{}
	}
	sub := k.parts[key]
	if sub == nil {
		// Lists by keyword for provinces and cities, which hold many
		// records; the narrower parts list their records only, which a
		// search with words walks to test each (partsOf).
		sub = newKindIndex(strings.HasPrefix(key, "p:") || strings.HasPrefix(key, "c:"))
		k.parts[key] = sub
	}
	return sub
}

// Keys of the parts of a kind's lists: a record is in the part of its
// province, its city, its district, its enterprise, and of its category
// code and each code above it (auto.chassis.wheel is in auto.chassis and
// auto). A name alone keys a place (a district of one name in two cities
// shares a part); the search's filter tells them apart.
func provinceKey(name string) string { return "p:" + name }
func cityKey(name string) string     { return "c:" + name }
func districtKey(name string) string { return "d:" + name }
func enterpriseKey(id string) string { return "e:" + id }
func categoryKey(code string) string { return "k:" + code }

// partKeys are the parts p is in.
func partKeys(p *Post) []string {
	var keys []string
	for _, k := range []struct{ v, key string }{
		{p.Region.Province, provinceKey(p.Region.Province)}, {p.Region.City, cityKey(p.Region.City)},
		{p.Region.District, districtKey(p.Region.District)}, {p.EnterpriseID, enterpriseKey(p.EnterpriseID)},
	} {
		if k.v != "" {
			keys = append(keys, k.key)
		}
	}
	for code := p.CategoryCode; code != ""; {
		keys = append(keys, categoryKey(code))
		i := strings.LastIndexByte(code, '.')
		if i < 0 {
			break
		}
		code = code[:i]
	}
	return keys
}

// partsOf are the lists a search of q walks within k, and whether their
// records must be tested for q's words (lists not by keyword). Of k itself
// and the parts its filters name (its enterprises together, its narrowest
// place, its category), it takes those that hold the fewest candidates:
// the records of q's words, or every record of a part without lists by
// keyword. None when a part named holds no record. words are q's
// keywords, each once.
func (k *kindIndex) partsOf(q SearchQuery, words []string) (parts []*kindIndex, testWords bool) {
	size := func(ks []*kindIndex) (n int, test bool) {
		for _, sub := range ks {
			if len(words) == 0 || sub.keywords == nil {
				n += len(sub.all)
				test = len(words) > 0
				continue
			}
			for _, w := range words {
				n += len(sub.keywords[w])
			}
		}
		return n, test
	}
	var groups [][]string
	if len(q.EnterpriseIDs) > 0 {
		var keys []string
		for _, id := range distinct(q.EnterpriseIDs) {
			keys = append(keys, enterpriseKey(id))
		}
		groups = append(groups, keys)
	}
	switch {
	case q.District != "":
		groups = append(groups, []string{districtKey(q.District)})
	case q.City != "":
		groups = append(groups, []string{cityKey(q.City)})
	case q.Province != "":
		groups = append(groups, []string{provinceKey(q.Province)})
	}
	if q.CategoryPrefix != "" {
		groups = append(groups, []string{categoryKey(q.CategoryPrefix)})
	}
	parts = []*kindIndex{k}
	best, testWords := size(parts)
	for _, keys := range groups {
		var ks []*kindIndex
		for _, key := range keys {
			if sub := k.parts[key]; sub != nil {
				ks = append(ks, sub)
			}
		}
		if n, test := size(ks); n < best {
			parts, best, testWords = ks, n, test
		}
	}
	return parts, testWords
}

// died counts one more dead entry in k's lists and compacts them once the
// dead outnumber the live (a cost of the live records, once per as many
// deaths): the dead entries of a part of few records must not wait for a
// count that part never reaches, keeping the records alive.
func (k *kindIndex) died() {
	k.dead++
	if 2*k.dead > len(k.all) {
		k.compact()
	}
}

// NewSearchIndex returns an empty index.
func NewSearchIndex() *SearchIndex {
	return &SearchIndex{byID: map[string]*indexed{}, kinds: map[string]*kindIndex{}, windowSize: searchWindow}
}

// Len is the number of records held.
func (x *SearchIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Put holds the open record p (replacing the version held); a record not
// open is removed. The index keeps its own copy, without the raw text and
// the change log, which no listing shows.
func (x *SearchIndex) Put(p Post) {
	if p.Status != StatusOpen || p.ID == "" {
		x.Remove(p.ID)
		return
	}
	p.RawText, p.Changes, p.MsgKey = "", nil, ""
	p.Keywords = slices.Clone(p.Keywords)
	p.CategoryPath = slices.Clone(p.CategoryPath)
	p.Certifications = slices.Clone(p.Certifications)
	p.MediaIDs = slices.Clone(p.MediaIDs)
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.byID[p.ID]; ok {
		if old.kind == p.Kind && old.p.CreatedAt.Equal(p.CreatedAt) && slices.Equal(old.p.Keywords, p.Keywords) &&
			slices.Equal(partKeys(&old.p), partKeys(&p)) {
			// same place in every list
			x.memo.changed(old)
			old.p, old.f, old.exp = p, x.kinds[p.Kind].words.fields(&p), nanos(p.ExpiresAt)
			x.memo.changed(old)
			return
		}
		x.kill(old)
	}
	k := x.kinds[p.Kind]
	if k == nil {
		k = newKindIndex(true)
		k.words = newWordIDs()
		x.kinds[p.Kind] = k
	}
	e := &indexed{p: p, f: k.words.fields(&p), at: nanos(p.CreatedAt), exp: nanos(p.ExpiresAt), id: hexIDOf(p.ID), kind: p.Kind}
	x.byID[p.ID] = e
	x.memo.changed(e)
	k.add(e)
	for _, key := range partKeys(&p) {
		k.part(key).add(e)
	}
}

// Remove drops the record with id, if held.
func (x *SearchIndex) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.byID[id]; ok {
		x.kill(e)
	}
}

// Prune drops the records that expired by now.
func (x *SearchIndex) Prune(now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range x.byID {
		if !e.p.ExpiresAt.After(now) {
			x.kill(e)
		}
	}
}

// Get returns the open record with id, if held.
func (x *SearchIndex) Get(id string) (Post, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if e, ok := x.byID[id]; ok {
		return e.p, true
	}
	return Post{}, false
}

// kill marks e dead. x.mu must be held for writing.
func (x *SearchIndex) kill(e *indexed) {
	x.memo.changed(e)
	e.dead = true
	delete(x.byID, e.p.ID)
	k := x.kinds[e.kind]
	k.died()
	for _, key := range partKeys(&e.p) {
		sub := k.part(key)
		if sub.died(); len(sub.all) == 0 {
			delete(k.parts, key) // an enterprise or a place left with no record
		}
	}
}

// nanos is t in unix nanoseconds, the times an int64 cannot hold (the
// zero time among them) clamped to its ends, so that they compare as t.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// newer orders records by creation time, then by id.
func newer(a, b *indexed) bool {
	switch {
	case a.at != b.at:
		return a.at > b.at
	case a.id.ok && b.id.ok:
		return a.id.hi > b.id.hi || a.id.hi == b.id.hi && a.id.lo > b.id.lo
	}
	return a.p.ID > b.p.ID
}

// hexID is an id of 24 lower-case hex digits (an ObjectID's) as two
// numbers, which compare as the strings do: records saved in one batch
// share their creation time, and comparing their ids as strings was most
// of a search's merge.
type hexID struct {
	hi, lo uint64
	ok     bool
}

func hexIDOf(id string) hexID {
	if len(id) != 24 {
		return hexID{}
	}
	var h hexID
	for i := range len(id) {
		var d uint64
		switch c := id[i]; {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		default:
			return hexID{}
		}
		if i < 12 {
			h.hi = h.hi<<4 | d
		} else {
			h.lo = h.lo<<4 | d
		}
	}
	h.ok = true
	return h
}

// append adds e to l in order: a new record goes at the end; one a little
// older than the newest is inserted in its place; one far back (a bulk
// load, an edit of an old record) is appended and the lists are sorted by
// the next search, rather than moving most of a long list for each.
func (k *kindIndex) append(l []*indexed, e *indexed) []*indexed {
	n := len(l)
	if n == 0 || k.unsorted || !newer(l[n-1], e) {
		return append(l, e)
	}
	i, _ := slices.BinarySearchFunc(l, e, func(a, b *indexed) int {
		if newer(a, b) {
			return 1
		}
		return -1
	})
	if n-i > 4096 {
		k.unsorted = true
		return append(l, e)
	}
	return slices.Insert(l, i, e)
}

func (k *kindIndex) compact() {
	live := func(l []*indexed) []*indexed {
		return slices.DeleteFunc(l, func(e *indexed) bool { return e.dead })
	}
	k.all = live(k.all)
	for w, l := range k.keywords {
		if l = live(l); len(l) == 0 {
			delete(k.keywords, w)
		} else {
			k.keywords[w] = l
		}
	}
	k.dead = 0
}

func (k *kindIndex) sort() {
	cmp := func(a, b *indexed) int {
		switch {
		case newer(b, a):
			return -1
		case newer(a, b):
			return 1
		}
		return 0
	}
	slices.SortFunc(k.all, cmp)
	for _, l := range k.keywords {
		slices.SortFunc(l, cmp)
	}
	k.unsorted = false
}

// Search answers q over the records of kind as Posts.Search does over
// the store: open and unexpired at q.Now, the newest searchWindow records
// that pass the filters, ranked by relevance, one page.
func (x *SearchIndex) Search(kind string, q SearchQuery) SearchResult {
	x.mu.RLock()
	top := x.kinds[kind]
	var ks []*kindIndex
	var testWords bool
	words := distinct(q.Keywords)
	if top != nil {
		ks, testWords = top.partsOf(q, words)
	}
	if slices.ContainsFunc(ks, func(k *kindIndex) bool { return k.unsorted }) {
		x.mu.RUnlock()
		x.mu.Lock()
		for _, k := range ks {
			if k.unsorted {
				k.sort()
			}
		}
		x.mu.Unlock()
		x.mu.RLock()
		ks, testWords = top.partsOf(q, words)
	}
	defer x.mu.RUnlock() // the page is copied out under it: Put replaces records in place
	if len(ks) == 0 {
		return SearchResult{}
	}
	post := func(e *indexed) *Post { return &e.p }
	key := memoKey(kind, q)
	if found, ok := x.memo.get(key, nanos(q.Now)); ok {
		return pageOf(found, post, q)
	}
	rq := top.words.query(words)
	var carries func(*indexed) bool
	if testWords {
		carries = func(e *indexed) bool { return carriesAny(e, &rq, words) }
	}
	keep, now := searchFilter(q), nanos(q.Now)
	found := x.window(ks, words, keep, now, carries)
	var last *indexed // the window's oldest, when it is full
	if len(found) == x.windowSize {
		last = found[len(found)-1]
	}
	rank(found, func(e *indexed) *rankFields { return &e.f }, rq)
	x.memo.put(key, kind, words, keep, now, last, found)
	return pageOf(found, post, q)
}

// carriesAny reports whether e carries one of words as a keyword (as they
// are written); q is words as ids, which e's keyword ids must meet first.
func carriesAny(e *indexed, q *rankQuery, words []string) bool {
	for _, id := range e.f.keywords {
		if q.has(id) {
			// The same upper case: the same as written?
			for _, w := range e.p.Keywords {
				if slices.Contains(words, w) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// window collects the newest records of ks unexpired at now and passing
// keep (a search's filters, searchFilter; nil for none), at most
// x.windowSize, newest first; ks's lists are by words (a search's
// keywords, each once), or every record of ks when carries (which tests a
// record for the words) is set. x.mu must be held.
func (x *SearchIndex) window(ks []*kindIndex, words []string, keep func(*Post) bool, now int64, carries func(*indexed) bool) []*indexed {
	var lists [][]*indexed
	for _, k := range ks {
		if len(words) == 0 || carries != nil {
			if len(k.all) > 0 {
				lists = append(lists, k.all)
			}
			continue
		}
		for _, w := range words {
			if l := k.keywords[w]; len(l) > 0 {
				lists = append(lists, l)
			}
		}
	}
	// Every list is sorted by newer, a strict order, so the newest head
	// is at the head of every list that holds it: taking it advances
	// them all, and each record comes out of the merge once.
	pos := make([]int, len(lists))
	heads := make([]*indexed, len(lists)) // nil: the list is done
	longest := 0
	for i, l := range lists {
		pos[i] = len(l) - 1
		heads[i] = l[pos[i]]
		longest = max(longest, len(l))
	}
	found := make([]*indexed, 0, min(x.windowSize, longest))
	for len(found) < x.windowSize {
		var e *indexed // the newest head (a k-way merge)
		for _, h := range heads {
			if h != nil && (e == nil || newer(h, e)) {
				e = h
			}
		}
		if e == nil {
			break
		}
		for i, h := range heads {
			if h == e {
				if pos[i]--; pos[i] >= 0 {
					heads[i] = lists[i][pos[i]]
				} else {
					heads[i] = nil
				}
			}
		}
		if !e.dead && e.exp > now && (carries == nil || carries(e)) && (keep == nil || keep(&e.p)) {
			found = append(found, e)
		}
	}
	return found
}

// searchFilter is the filter of Posts.Search beyond open and unexpired (which
// the index holds and checks itself) as a function; nil when there is none.
func searchFilter(q SearchQuery) func(*Post) bool {
	if q.CategoryPrefix == "" && q.Province == "" && q.City == "" && q.District == "" && len(q.EnterpriseIDs) == 0 && !q.VerifiedOnly {
		return nil
	}
	var ents map[string]bool
	if len(q.EnterpriseIDs) > 0 {
		ents = make(map[string]bool, len(q.EnterpriseIDs))
		for _, id := range q.EnterpriseIDs {
			ents[id] = true
		}
	}
	return func(p *Post) bool {
		switch {
		case q.CategoryPrefix != "" && p.CategoryCode != q.CategoryPrefix && !strings.HasPrefix(p.CategoryCode, q.CategoryPrefix+"."):
			return false
		case q.Province != "" && p.Region.Province != q.Province,
			q.City != "" && p.Region.City != q.City,
			q.District != "" && p.Region.District != q.District:
			return false
		case ents != nil && (!ents[p.EnterpriseID] || p.Anonymous):
			return false
		case q.VerifiedOnly && !p.Verified:
			return false
		}
		return true
	}
}

// categoryFilter is the store's filter on category_code for a prefix: the
// code itself or any code below it in the taxonomy.
func categoryFilter(prefix string) string {
	return "^" + regexp.QuoteMeta(prefix) + `(\.|$)`
}

func distinct(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
