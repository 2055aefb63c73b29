package handlers

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/record"
	"supplybot/store"
)

const (
	pageSize  = 5
	searchTTL = time.Hour
)

// savedSearch is a user's last search, kept for 下一页.
type savedSearch struct {
	Mine           bool     `json:"mine,omitempty"` // 我的发布, not a search
	Kind           string   `json:"kind"`
	Keywords       []string `json:"keywords,omitempty"`
	Words          []string `json:"words,omitempty"` // as typed, for the header
	CategoryPrefix string   `json:"category_prefix,omitempty"`
	CategoryName   string   `json:"category_name,omitempty"`
	Province       string   `json:"province,omitempty"`
	City           string   `json:"city,omitempty"`
	District       string   `json:"district,omitempty"`
	// Widened: nothing in District, so the search covers the city.
	Widened       bool     `json:"widened,omitempty"`
	Companies     []string `json:"companies,omitempty"` // names asked for (查供应 富临精工)
	EnterpriseIDs []string `json:"enterprise_ids,omitempty"`
	VerifiedOnly  bool     `json:"verified_only,omitempty"`
	Offset        int      `json:"offset"`
}

func searchKey(openid string) string { return "search:" + openid }

// parseSearch reads keywords and filters: 品类 X, 地区 X, 只看重庆,
// 只看已认证. It returns a problem to explain when a filter is not understood.
func (a *App) parseSearch(ctx context.Context, kind, args string) (savedSearch, string, error) {
	s := savedSearch{Kind: kind}
	for _, l := range []string{"只看", "品类", "地区"} {
		args = strings.ReplaceAll(args, l, " "+l)
	}
	toks := fields(args)
	setRegion := func(v string) bool {
		r, ok := a.p.ParseRegion(v)
		if !ok {
			return false
		}
		s.Province, s.City, s.District = r.Province, r.City, r.District
		return true
	}
	for i := 0; i < len(toks) && i < 12; i++ {
		tok := toks[i]
		next := func(v string) string {
			if v == "" && i+1 < len(toks) {
				i++
				return toks[i]
			}
			return v
		}
		if inWords(tok, []string{"只看已认证", "已认证", "只看认证", "认证企业", "只看认证企业"}) {
			s.VerifiedOnly = true
			continue
		}
		if v, ok := cutLabel(tok, "品类", "类别", "分类"); ok {
			v = next(v)
			c, ok := a.p.ParseCategory(v)
			if !ok {
				return s, "没找到品类“" + preview(v, 10) + "”，例如：品类 轮毂 / 品类 PCB", nil
			}
			s.CategoryPrefix, s.CategoryName = c.Code, c.Name
			continue
		}
		if v, ok := cutLabel(tok, "只看", "地区", "地点"); ok {
			v = next(v)
			if !setRegion(v) {
				if c, ok := a.p.ParseCategory(v); ok {
					s.CategoryPrefix, s.CategoryName = c.Code, c.Name
					continue
				}
				return s, "没认出地区“" + preview(v, 10) + "”，例如：只看重庆 / 只看四川 / 地区 成都", nil
			}
			continue
		}
		// A place on its own is a filter, not a product word.
		pp := a.p.ParseWord(tok)
		if pp.Product == "" && pp.Region != nil && setRegion(tok) {
			continue
		}
		// A company's name (富临精工) rather than a product.
		if ids, err := a.companiesNamed(ctx, tok); err != nil {
			return s, "", err
		} else if len(ids) > 0 {
			s.Companies = append(s.Companies, safeField(tok, 20))
			s.EnterpriseIDs = append(s.EnterpriseIDs, ids...)
			continue
		}
		s.Words = append(s.Words, safeField(tok, 20))
		s.Keywords = append(s.Keywords, a.queryWords(tok, pp)...)
	}
	s.Keywords = dedupe(s.Keywords)
	if len(s.Keywords) > 40 {
		s.Keywords = s.Keywords[:40]
	}
	return s, "", nil
}

// companiesNamed returns the ids of enterprises whose name contains tok,
// when tok is no product the taxonomy knows and long enough to be a name.
func (a *App) companiesNamed(ctx context.Context, tok string) ([]string, error) {
	han := 0
	for _, r := range tok {
		if r >= 0x4E00 && r <= 0x9FFF {
			han++
		}
	}
	if han < 2 {
		return nil, nil
	}
	if _, ok := a.p.ParseCategory(tok); ok {
		return nil, nil
	}
	es, err := a.d.Enterprises.NameContains(ctx, tok, 20)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids, nil
}

// queryWords expands a search word like records' keywords are built: the
// word, its synonyms, the product the parser read in it (pp) and its
// category.
func (a *App) queryWords(tok string, pp parse.Post) []string {
	ws := []string{tok, strings.ToUpper(tok)}
	ws = append(ws, a.p.Synonyms(tok)...)
	if pp.Product != "" && pp.Product != tok {
		ws = append(ws, pp.Product)
		ws = append(ws, a.p.Synonyms(pp.Product)...)
	}
	if pp.Category != nil {
		ws = append(ws, pp.Category.Name)
	}
	for _, w := range strings.Fields(pp.Spec) {
		ws = append(ws, strings.ToUpper(w))
	}
	return ws
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// search runs 查需求 / 查供应 with its words and filters, first page.
func (a *App) search(ctx context.Context, m *bot.Message, kind, args string) (bot.Reply, error) {
	s, problem, err := a.parseSearch(ctx, kind, args)
	if err != nil || problem != "" {
		return bot.Text(problem), err
	}
	return a.runSearch(ctx, m.OpenID, s)
}

// nextPage shows the next page of the user's last search.
func (a *App) nextPage(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	if a.d.KV == nil {
		return bot.Text("请重新搜索，例如：查需求 轮毂"), nil
	}
	v, ok, err := a.d.KV.Lookup(ctx, searchKey(m.OpenID))
	if err != nil {
		return bot.Reply{}, err
	}
	var s savedSearch
	if !ok || json.Unmarshal([]byte(v), &s) != nil {
		return bot.Text("没有进行中的搜索。请先发送，例如：查需求 轮毂 或 查供应 PCB 只看重庆"), nil
	}
	if s.Mine {
		return a.myPostsFrom(ctx, m.OpenID, s.Offset+myPostsPage)
	}
	s.Offset += pageSize
	return a.runSearch(ctx, m.OpenID, s)
}

func (a *App) runSearch(ctx context.Context, openid string, s savedSearch) (bot.Reply, error) {
	q := store.SearchQuery{
		Keywords: s.Keywords, CategoryPrefix: s.CategoryPrefix, Province: s.Province, City: s.City, District: s.District,
		EnterpriseIDs: s.EnterpriseIDs, VerifiedOnly: s.VerifiedOnly, Now: a.now().UTC(), Offset: s.Offset, Limit: pageSize,
	}
	if s.Widened {
		q.District = ""
	}
	res, err := a.searchPosts(ctx, s.Kind, q)
	if err != nil {
		return bot.Reply{}, err
	}
	widened := ""
	if len(res.Posts) == 0 && s.Offset == 0 && s.District != "" && !s.Widened && s.City != "" {
		// Nothing in the district: say so, and look in the whole city.
		q.District = ""
		if res, err = a.searchPosts(ctx, s.Kind, q); err != nil {
			return bot.Reply{}, err
		}
		if len(res.Posts) > 0 {
			s.Widened = true
			widened = record.RegionShort(store.Region{Province: s.Province, City: s.City, District: s.District}) + "没有，已为您扩大到" + record.Region(store.Region{Province: s.Province, City: s.City}) + "。\n"
		}
	}
	what := "需求"
	if s.Kind == store.KindOffer {
		what = "供应"
	}
	filters := append(append([]string(nil), s.Companies...), s.Words...)
	if s.CategoryName != "" {
		filters = append(filters, "品类"+s.CategoryName)
	}
	if s.Province != "" {
		r := store.Region{Province: s.Province, City: s.City, District: s.District}
		if s.Widened {
			r.District = ""
		}
		filters = append(filters, record.Region(r))
	}
	if s.VerifiedOnly {
		filters = append(filters, "已认证")
	}
	head := strings.Join(append([]string{what}, filters...), " · ")
	if len(res.Posts) == 0 {
		if s.Offset > 0 {
			if a.d.KV != nil {
				_ = a.d.KV.Del(ctx, searchKey(openid))
			}
			return bot.Text("没有更多了（" + head + "）。\n换个关键词再查，例如：查" + what + " 轮毂 只看重庆"), nil
		}
		post := "\n也可以发布供应，有合适的需求时平台会通知您。"
		if s.Kind == store.KindOffer {
			post = "\n也可以发布求购，有合适的供应时平台会通知您。"
		}
		if len(filters) == 0 {
			return bot.Text("平台上还没有进行中的" + what + "。" + post), nil
		}
		return bot.Text("没有找到符合条件的" + what + "（" + strings.Join(filters, " · ") + "）。\n换个关键词或去掉筛选再试，例如：查" + what + " 轮毂" + post), nil
	}
	if a.d.KV != nil {
		b, _ := json.Marshal(s)
		if err := bot.SetWithReply(ctx, a.d.KV, searchKey(openid), string(b), searchTTL); err != nil {
			a.d.Log.WarnContext(ctx, "save search", "openid", openid, "err", err)
		}
	}
	var b strings.Builder
	b.WriteString(widened + head + "（第" + itoa(s.Offset/pageSize+1) + "页）：\n")
	for i, p := range res.Posts {
		b.WriteString(itoa(s.Offset+i+1) + ". " + a.line(p) + "\n")
	}
	b.WriteString("回复“详情 编号”看详情")
	if res.More {
		b.WriteString("，回复“下一页”看更多")
	}
	b.WriteString("。")
	if len(s.Words) == 0 && s.CategoryPrefix == "" && s.Offset == 0 {
		b.WriteString("\n可加关键词和筛选：查" + what + " 轮毂 只看重庆 只看已认证")
	}
	return bot.Text(b.String()), nil
}

// searchPosts answers q from the records held in memory when there is an
// index (no store read; FerretDB would scan every record), else from the
// store.
func (a *App) searchPosts(ctx context.Context, kind string, q store.SearchQuery) (store.SearchResult, error) {
	if a.d.Index != nil {
		if res, ok := a.d.Index.Search(kind, q); ok {
			return res, nil
		}
	}
	return a.posts(kind).Search(ctx, q)
}

// menuSearch starts a search from the menu: the newest records.
func (a *App) menuSearch(kind string) bot.Handler {
	return func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		return a.search(ctx, m, kind, "")
	}
}

// menuPost starts a guided demand or offer from the menu.
func (a *App) menuPost(kind string) bot.Handler {
	return func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
		return a.newPost(ctx, m, kind, "")
	}
}
