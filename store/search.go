package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// SearchQuery selects open records. Keywords match the records' keyword
// arrays (our own tokens: FerretDB has no $text, and Chinese needs its own
// words anyway); an empty list matches every record of the filters.
type SearchQuery struct {
	Keywords       []string
	CategoryPrefix string // dot path prefix, e.g. "auto.chassis"
	Province, City string
	District       string
	// EnterpriseIDs limits the search to these enterprises' records that
	// show their name (not those posted 匿名).
	EnterpriseIDs []string
	VerifiedOnly  bool
	Now           time.Time
	Offset, Limit int
}

// SearchResult is one page and whether more follow.
type SearchResult struct {
	Posts []Post
	More  bool
}

// searchWindow bounds how many candidates are ranked in memory.
const searchWindow = 500

// Search returns open records ranked by relevance (see relevance), then
// by how many keywords they share, then by freshness (newest first). The
// database does only what FerretDB serves well — equality and $in filters,
// one sort on created_at and a limit — and the ranking of that window is
// done here: FerretDB has no $text and no aggregation scoring to lean on.
func (r *Posts) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	filter := bson.M{"status": StatusOpen, "expires_at": bson.M{"$gt": q.Now}}
	if len(q.Keywords) > 0 {
		filter["keywords"] = bson.M{"$in": q.Keywords}
	}
	if q.CategoryPrefix != "" {
		// The code itself or any code below it in the taxonomy.
		filter["category_code"] = bson.M{"$regex": categoryFilter(q.CategoryPrefix)}
	}
	if q.Province != "" {
		filter["region.province"] = q.Province
	}
	if q.City != "" {
		filter["region.city"] = q.City
	}
	if q.District != "" {
		filter["region.district"] = q.District
	}
	if len(q.EnterpriseIDs) > 0 {
		filter["enterprise_id"] = bson.M{"$in": q.EnterpriseIDs}
		filter["anonymous"] = bson.M{"$ne": true}
	}
	if q.VerifiedOnly {
		filter["verified"] = true
	}
	found, err := r.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(searchWindow))
	if err != nil {
		return SearchResult{}, err
	}
	type ranked struct {
		p *Post
		f rankFields
	}
	words := newWordIDs()
	window := make([]*ranked, len(found))
	for i := range found {
		window[i] = &ranked{p: &found[i], f: words.fields(&found[i])}
	}
	return page(window, func(r *ranked) *Post { return r.p }, func(r *ranked) *rankFields { return &r.f }, words, q), nil
}

// page ranks the window found (newest first) and cuts q's page from it;
// post reads the record of an element of found and fields its ranking
// fields, whose words are numbered in words (q.Keywords are looked up there).
func page[T any](found []T, post func(T) *Post, fields func(T) *rankFields, words *wordIDs, q SearchQuery) SearchResult {
	rank(found, fields, words.query(q.Keywords))
	return pageOf(found, post, q)
}

// pageOf is q's page of found, ranked.
func pageOf[T any](found []T, post func(T) *Post, q SearchQuery) SearchResult {
	if q.Limit <= 0 {
		q.Limit = 5
	}
	if q.Offset >= len(found) {
		return SearchResult{}
	}
	end := min(q.Offset+q.Limit, len(found))
	res := SearchResult{Posts: make([]Post, 0, end-q.Offset), More: end < len(found)}
	for _, e := range found[q.Offset:end] {
		res.Posts = append(res.Posts, *post(e))
	}
	return res
}

// Relevance tiers of a record for the query words.
const (
	tierKeyword  = iota // shares a keyword only (a synonym of a term inside a longer name)
	tierContains        // its product contains a query word (轮毂螺栓 for 轮毂)
	tierBranch          // its category path names a query word (底盘 for a wheel)
	tierProduct         // its product is, or ends with, a query word, or its category is one
)

// wordIDs numbers upper-case words, so that ranking compares small
// integers instead of hashing or comparing strings: the search index
// keeps one per kind for the records it holds (numbered once, at Put), a
// search of the store numbers the records of its window. Id 0 is no word.
type wordIDs struct {
	ids map[string]uint32
}

func newWordIDs() *wordIDs { return &wordIDs{ids: map[string]uint32{}} }

// id numbers w (upper case already), giving a new word the next number.
func (d *wordIDs) id(w string) uint32 {
	if w == "" {
		return 0
	}
	n, ok := d.ids[w]
	if !ok {
		n = uint32(len(d.ids) + 1)
		d.ids[w] = n
	}
	return n
}

// rankFields is what relevance and rank read of a record: its product
// upper case, and its product, category, category path and keywords
// upper case as word ids.
type rankFields struct {
	product               string
	productID, categoryID uint32
	path, keywords        []uint32
}

// fields numbers p's words in d and returns its ranking fields.
func (d *wordIDs) fields(p *Post) rankFields {
	ids := make([]uint32, len(p.CategoryPath)+len(p.Keywords)) // one block, read together
	f := rankFields{product: strings.ToUpper(strings.TrimSpace(p.Product)),
		path: ids[:len(p.CategoryPath):len(p.CategoryPath)], keywords: ids[len(p.CategoryPath):]}
	f.productID, f.categoryID = d.id(f.product), d.id(strings.ToUpper(p.Category))
	for i, c := range p.CategoryPath {
		f.path[i] = d.id(strings.ToUpper(c))
	}
	for i, k := range p.Keywords {
		f.keywords[i] = d.id(strings.ToUpper(k))
	}
	return f
}

// rankQuery is the query words upper case, distinct, as a list (for the
// containment test on products) and as a set of word ids (bit n of set:
// word n is one), of the words any record carries: a word no record
// carries equals no field.
type rankQuery struct {
	list []string
	set  []uint64
	// words is how many words the record side has numbered (ids 1 to
	// words), for rank's note of each product's containment tier.
	words int
}

// query looks keywords up in d without numbering new ones.
func (d *wordIDs) query(keywords []string) rankQuery {
	q := rankQuery{words: len(d.ids)}
	var ids []uint32
	for _, k := range keywords {
		if k = strings.ToUpper(strings.TrimSpace(k)); k != "" && !slices.Contains(q.list, k) {
			q.list = append(q.list, k)
			if n, ok := d.ids[k]; ok {
				ids = append(ids, n)
			}
		}
	}
	if len(ids) > 0 {
		q.set = make([]uint64, slices.Max(ids)/64+1)
		for _, n := range ids {
			q.set[n/64] |= 1 << (n % 64)
		}
	}
	return q
}

// has reports whether word id is a query word's (never for id 0).
func (q *rankQuery) has(id uint32) bool {
	i := id / 64
	return i < uint32(len(q.set)) && q.set[i]&(1<<(id%64)) != 0
}

// relevance places a record (its ranking fields f) in a tier for the query
// words q. Chinese compounds are head-final, so a product ending with the
// word is that thing (铝合金轮毂 is a 轮毂) while one merely containing it is
// something else (轮毂螺栓 is a bolt, though its keywords carry every wheel
// synonym).
//
// contains notes, per product word id, the tier the product's text gives
// (tier+1; 0: not worked out yet): records share products, and testing
// each query word against each record's product was most of a ranking.
func relevance(f *rankFields, q *rankQuery, contains []uint8) int {
	if q.has(f.productID) || q.has(f.categoryID) {
		return tierProduct
	}
	var tier int
	if n := int(f.productID); n < len(contains) && contains[n] != 0 {
		tier = int(contains[n]) - 1
	} else {
		tier = productTier(f.product, q.list)
		if n < len(contains) {
			contains[n] = uint8(tier + 1)
		}
	}
	if tier == tierProduct {
		return tier
	}
	for _, c := range f.path {
		if q.has(c) {
			return max(tier, tierBranch)
		}
	}
	return tier
}

// maxContainsNoted bounds rank's note of products' tiers (a byte per word
// id, allocated per ranking): products numbered past it are tested each
// time.
const maxContainsNoted = 1 << 16

// productTier is the tier product's text gives for the query words list:
// tierProduct when it ends with one, tierContains when it contains one.
func productTier(product string, list []string) int {
	tier := tierKeyword
	for _, w := range list {
		if !strings.Contains(product, w) {
			continue
		}
		if strings.HasSuffix(product, w) {
			return tierProduct
		}
		tier = tierContains
	}
	return tier
}

// rank orders records (newest first already) by relevance tier, then by the
// number of keywords shared; the order is stable, so freshness breaks ties.
// fields gives a record's ranking fields.
func rank[T any](found []T, fields func(T) *rankFields, q rankQuery) {
	if len(q.list) == 0 || len(found) < 2 {
		return
	}
	// Each record's tier and hits, as tier<<16 | hits (hits fit: a record
	// carries at most a few dozen keywords).
	keys := make([]uint32, len(found))
	contains := make([]uint8, min(q.words+1, maxContainsNoted))
	most := 0
	for i, e := range found {
		f := fields(e)
		hits := 0
		for _, k := range f.keywords {
			if q.has(k) {
				hits++
			}
		}
		hits = min(hits, 1<<16-1)
		keys[i] = uint32(relevance(f, &q, contains))<<16 | uint32(hits)
		most = max(most, hits)
	}
	// A counting sort on (tier, hits), highest first: stable, and linear
	// in the records ranked.
	width := most + 1
	buckets := (tierProduct + 1) * width
	bucket := func(i int) int { return buckets - 1 - (int(keys[i]>>16)*width + int(keys[i]&(1<<16-1))) }
	start := make([]int, buckets+1)
	for i := range found {
		start[bucket(i)+1]++
	}
	for b := 1; b <= buckets; b++ {
		start[b] += start[b-1]
	}
	out := make([]T, len(found))
	for i, e := range found {
		b := bucket(i)
		out[start[b]] = e
		start[b]++
	}
	copy(found, out)
}
