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
	ptrs := make([]*Post, len(found))
	for i := range found {
		ptrs[i] = &found[i]
	}
	return page(ptrs, func(p *Post) *Post { return p }, upper, q), nil
}

// page ranks the window found (newest first) and cuts q's page from it;
// post reads the record of an element of found.
func page[T any](found []T, post func(T) *Post, upperOf func(T) upperPost, q SearchQuery) SearchResult {
	rank(found, upperOf, q.Keywords)
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

// upperPost is what relevance and rank read of a record, upper case (the
// search index keeps it per record, computed once).
type upperPost struct {
	product, category string
	path, keywords    []string
}

func upper(p *Post) upperPost {
	u := upperPost{product: strings.ToUpper(strings.TrimSpace(p.Product)), category: strings.ToUpper(p.Category),
		path: make([]string, len(p.CategoryPath)), keywords: make([]string, len(p.Keywords))}
	for i, c := range p.CategoryPath {
		u.path[i] = strings.ToUpper(c)
	}
	for i, k := range p.Keywords {
		u.keywords[i] = strings.ToUpper(k)
	}
	return u
}

// relevance places a record (its upper-case fields u) in a tier for the
// query words (upper case, as a set and as a list, which rank builds once
// for all the records it ranks). Chinese compounds are head-final, so a
// product ending with the word is that thing (铝合金轮毂 is a 轮毂) while
// one merely containing it is something else (轮毂螺栓 is a bolt, though
// its keywords carry every wheel synonym).
func relevance(u upperPost, words map[string]bool, list []string) int {
	if words[u.product] || words[u.category] {
		return tierProduct
	}
	tier := tierKeyword
	for _, w := range list {
		if w == "" || !strings.Contains(u.product, w) {
			continue
		}
		if strings.HasSuffix(u.product, w) {
			return tierProduct
		}
		tier = tierContains
	}
	for _, c := range u.path {
		if words[c] {
			return max(tier, tierBranch)
		}
	}
	return tier
}

// rank orders records (newest first already) by relevance tier, then by the
// number of keywords shared; the sort is stable, so freshness breaks ties.
// upperOf gives a record's upper-case fields.
func rank[T any](found []T, upperOf func(T) upperPost, keywords []string) {
	if len(keywords) == 0 || len(found) < 2 {
		return
	}
	words := make(map[string]bool, len(keywords))
	list := make([]string, 0, len(keywords))
	for _, k := range keywords {
		if k = strings.ToUpper(strings.TrimSpace(k)); k != "" && !words[k] {
			words[k] = true
			list = append(list, k)
		}
	}
	type scored struct {
		e          T
		tier, hits int
	}
	all := make([]scored, len(found))
	for i, e := range found {
		u := upperOf(e)
		s := scored{e: e, tier: relevance(u, words, list)}
		for _, k := range u.keywords {
			if words[k] {
				s.hits++
			}
		}
		all[i] = s
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if a.tier != b.tier {
			return b.tier - a.tier
		}
		return b.hits - a.hits
	})
	for i := range all {
		found[i] = all[i].e
	}
}
