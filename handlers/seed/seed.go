// Package seed fills a store with realistic enterprises and open records of
// the Chengdu–Chongqing automotive and electronics chains, for benchmarks
// and demos. It writes through the store's repositories and reads records
// the way users write them, through the parser, so seeded records look like
// posted ones. It imports store and parse only.
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/parse"
	"supplybot/store"
)

// OpenIDPrefix marks the seeded users; their records are the seeded ones.
const OpenIDPrefix = "seed-"

// Report says what a seed found and added.
type Report struct {
	Enterprises               int // seeded enterprises in the store
	AddedEnterprises          int
	HadDemands, HadOffers     int // open seeded records before
	AddedDemands, AddedOffers int
}

// Records makes the store hold at least demands and offers open seeded
// records, adding only what is missing: running it twice adds nothing, and
// a larger count adds the difference. Seeded enterprises (one contact each,
// openids seed-e0, seed-e1, …) are created as needed. The records are
// stored with their matching done, as records from the past would be.
func Records(ctx context.Context, m *store.Mongo, p *parse.Parser, demands, offers int, now time.Time, log *slog.Logger) (Report, error) {
	var rep Report
	if demands < 0 || offers < 0 || demands+offers > 1_000_000 {
		return rep, errors.New("seed: counts must be 0..1,000,000")
	}
	if log == nil {
		log = slog.Default()
	}
	n := max(20, min((demands+offers)/20, 5000))
	ents, added, err := enterprises(ctx, m.Enterprises(), p, n, now)
	if err != nil {
		return rep, err
	}
	rep.Enterprises, rep.AddedEnterprises = len(ents), added
	log.Info("seed: enterprises ready", "enterprises", len(ents), "added", added)
	var buyers, sellers []*seeded
	for _, e := range ents {
		if e.role != roleElectronics {
			buyers = append(buyers, e)
		}
		if e.role != roleVehicle {
			sellers = append(sellers, e)
		}
	}
	for _, k := range []struct {
		kind   string
		want   int
		had    *int
		added  *int
		people []*seeded
	}{{store.KindDemand, demands, &rep.HadDemands, &rep.AddedDemands, buyers}, {store.KindOffer, offers, &rep.HadOffers, &rep.AddedOffers, sellers}} {
		posts := m.Posts(k.kind)
		have, err := posts.CountOpenByOpenIDPrefix(ctx, OpenIDPrefix)
		if err != nil {
			return rep, fmt.Errorf("seed: count %ss: %w", k.kind, err)
		}
		*k.had = int(have)
		// Large batches: each batch updates the owner documents of its
		// posters once (Posts.CreateSettled).
		const batch = 5000
		for j := int(have); j < k.want; j += batch {
			var rows []store.Post
			for i := j; i < min(j+batch, k.want); i++ {
				rows = append(rows, record(p, k.kind, i, k.people[i%len(k.people)], now))
			}
			if err := posts.CreateSettled(ctx, rows); err != nil {
				return rep, fmt.Errorf("seed: %ss: %w", k.kind, err)
			}
			*k.added += len(rows)
			log.Info("seed: records", "kind", k.kind, "open", j+len(rows), "of", k.want)
		}
	}
	return rep, nil
}

// Sample returns n open records of kind as Records stores them, without a
// store: for benchmarks of what holds records in memory. Their posters are
// those of 500 enterprises (not stored) whose role posts kind, as Records
// picks them; ids and numbers are made up in order.
func Sample(p *parse.Parser, kind string, n int, now time.Time) []store.Post {
	var people []*seeded
	for i := range 500 {
		if r := roleOf(i); kind == store.KindDemand && r != roleElectronics || kind == store.KindOffer && r != roleVehicle {
			people = append(people, &seeded{id: strconv.Itoa(i), openid: OpenIDPrefix + "e" + strconv.Itoa(i), role: r, place: placeOf(i), verified: i%3 != 0})
		}
	}
	prefix := "D"
	if kind == store.KindOffer {
		prefix = "O"
	}
	out := make([]store.Post, n)
	for i := range out {
		r := record(p, kind, i, people[i%len(people)], now)
		r.ID, r.No, r.Kind, r.Status, r.ExpiresAt = fmt.Sprintf("%024x", i), prefix+strconv.Itoa(1001+i), kind, store.StatusOpen, now.Add(30*24*time.Hour)
		r.UpdatedAt = r.CreatedAt
		out[i] = r
	}
	return out
}

// seeded is a seeded enterprise and its one contact.
type seeded struct {
	id, openid, role, place string
	verified                bool
}

// enterprises returns the first n seeded enterprises, creating the missing.
func enterprises(ctx context.Context, r *store.Enterprises, p *parse.Parser, n int, now time.Time) ([]*seeded, int, error) {
	var out []*seeded
	added := 0
	names := map[string]bool{}
	for i := range n {
		e := enterpriseN(p, i, names)
		s := &seeded{openid: e.Contacts[0].OpenID, role: e.Role, place: placeOf(i), verified: e.Verified}
		got, err := r.ByOpenID(ctx, s.openid)
		switch {
		case err == nil:
			s.id, s.role, s.verified = got.ID, got.Role, got.Verified
		case errors.Is(err, store.ErrNotFound):
			e.ConsentAt = now
			e.Contacts[0].JoinedAt = now
			if err := r.Create(ctx, &e); err != nil {
				return nil, added, fmt.Errorf("seed: enterprise %s: %w", e.Name, err)
			}
			s.id = e.ID
			added++
		default:
			return nil, added, fmt.Errorf("seed: enterprise of %s: %w", s.openid, err)
		}
		out = append(out, s)
	}
	return out, added, nil
}

// roleOf spreads the roles: a tenth vehicle makers, the rest parts and
// electronics makers.
func roleOf(i int) string {
	switch r := i % 20; {
	case r < 2:
		return roleVehicle
	case r < 13:
		return roleParts
	}
	return roleElectronics
}

// placeOf alternates the provinces.
func placeOf(i int) string {
	if i%2 == 0 {
		return sichuanPlaces[(i/2)%len(sichuanPlaces)]
	}
	return chongqingPlaces[(i/2)%len(chongqingPlaces)]
}

// enterpriseN is seeded enterprise number i, named uniquely among names.
func enterpriseN(p *parse.Parser, i int, names map[string]bool) store.Enterprise {
	role, place := roleOf(i), placeOf(i)
	city := []rune(strings.TrimPrefix(place, "重庆"))
	if strings.HasPrefix(place, "重庆") || len(city) < 2 {
		city = []rune("重庆")
	}
	prefix := string(city[:2])
	ls := lines[role]
	base := prefix + tradeNames[(i*7)%len(tradeNames)] + ls[(i/len(tradeNames))%len(ls)]
	name := ""
	for _, suffix := range []string{"有限公司", "股份有限公司", "集团有限公司", "有限责任公司"} {
		if !names[base+suffix] {
			name = base + suffix
			break
		}
	}
	if name == "" {
		name = base + strconv.Itoa(i) + "有限公司"
	}
	names[name] = true
	e := store.Enterprise{Name: name, Role: role, Verified: i%3 != 0,
		Contacts: []store.Contact{{OpenID: OpenIDPrefix + "e" + strconv.Itoa(i),
			Name:   surnames[i%len(surnames)] + givenNames[(i/len(surnames))%len(givenNames)],
			Mobile: fmt.Sprintf("139%08d", 20000000+i)}}}
	if r, ok := p.ParseRegion(place); ok {
		e.Region = store.Region{Province: r.Province, City: r.City, District: r.District}
	}
	if e.Verified {
		first := fmt.Sprintf("91%s%010d", map[bool]string{true: "510100", false: "500000"}[i%2 == 0], 3000000000+i)[:17]
		e.USCC = first + string(parse.USCCCheckChar(first))
	}
	return e
}

// record is seeded record number i of the kind, posted by e.
func record(p *parse.Parser, kind string, i int, e *seeded, now time.Time) store.Post {
	var goods []product
	switch {
	case kind == store.KindOffer && e.role == roleParts:
		goods = autoParts
	case kind == store.KindOffer:
		goods = electronics
	case e.role == roleVehicle && i%3 != 0:
		goods = autoParts
	default:
		goods = electronics
	}
	g := goods[(i+i/len(goods))%len(goods)]
	amount := amountText(g.min * (1 + (i*7)%9))
	var text string
	created := now.Add(-time.Duration(i%20)*24*time.Hour - time.Duration(i%24)*time.Hour)
	if kind == store.KindOffer {
		text = "供应 " + g.text + " 月产能" + amount + g.unit + " " + e.place
		if i%4 == 0 {
			text += " 交期" + strconv.Itoa(7+i%4*7) + "天"
		}
	} else {
		month := int(now.Month())%12 + 1 + i%2
		if month > 12 {
			month -= 12
		}
		text = "求购 " + g.text + " " + amount + g.unit + " " + e.place + " " + strconv.Itoa(month) + "月底前交货"
	}
	pp := p.Parse(text, now)
	post := store.Post{Product: pp.Product, Spec: pp.Spec, RawText: text, EnterpriseID: e.id, Verified: e.verified,
		OpenID: e.openid, CreatedAt: created.UTC().Truncate(time.Millisecond), Certifications: pp.Certifications}
	if pp.Category != nil {
		post.CategoryCode, post.Category, post.CategoryPath = pp.Category.Code, pp.Category.Name, pp.Category.Path
	}
	if q := pp.Capacity; q != nil {
		if kind == store.KindOffer {
			post.Capacity = &store.Quantity{Value: q.Value, Unit: q.Unit}
		} else {
			post.Quantity = &store.Quantity{Value: q.Value, Unit: q.Unit}
		}
	}
	if q := pp.Quantity; q != nil && post.Quantity == nil && kind == store.KindDemand {
		post.Quantity = &store.Quantity{Value: q.Value, Unit: q.Unit}
	}
	if pp.Region != nil {
		post.Region = store.Region{Province: pp.Region.Province, City: pp.Region.City, District: pp.Region.District}
	}
	if kind == store.KindDemand && pp.Deadline != nil {
		d := *pp.Deadline
		post.Deadline = &d
	}
	if kind == store.KindOffer && pp.LeadTimeDays > 0 {
		d := pp.LeadTimeDays
		post.LeadTimeDays = &d
	}
	post.Keywords = keywords(pp)
	return post
}

// keywords are what search and matching look records up by: the parser's
// product words, synonyms and category names, the category path and the
// spec words, as the posting dialog stores them.
func keywords(pp parse.Post) []string {
	seen := map[string]bool{}
	var kw []string
	add := func(ws ...string) {
		for _, w := range ws {
			w = strings.TrimSpace(w)
			if w != "" && !seen[w] && len(kw) < 40 {
				seen[w] = true
				kw = append(kw, w)
			}
		}
	}
	add(pp.Product)
	add(pp.Keywords...)
	if pp.Category != nil {
		add(pp.Category.Name)
		add(pp.Category.Path...)
	}
	for _, w := range strings.Fields(pp.Spec) {
		add(strings.ToUpper(w))
	}
	return kw
}

// amountText writes n as users do: 2万 rather than 20000.
func amountText(n int) string {
	if n >= 10000 && n%10000 == 0 {
		return strconv.Itoa(n/10000) + "万"
	}
	return strconv.Itoa(n)
}
