package handlers

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supplybot/handlers/record"
	"supplybot/store"
)

// maxReplyBytes keeps every reply under WeChat's 2048-byte passive-reply
// limit with room to spare.
const maxReplyBytes = 2000

func itoa(n int) string { return strconv.Itoa(n) }

// fieldLines lists a record's fields, one per line, as record.Fields
// names them, phone numbers masked. The category path comes from the
// taxonomy, for drafts that have only a code. Contacts are not fields of a
// record and never appear here.
func (a *App) fieldLines(kind, product, catCode, spec string, qty, capa, moq *store.Quantity, price *store.Price,
	region *store.Region, deadline *time.Time, lead *int, certs []string) string {
	p := store.Post{Kind: kind, Product: product, CategoryCode: catCode, Spec: spec, Quantity: qty, Capacity: capa, MOQ: moq,
		Price: price, Deadline: deadline, LeadTimeDays: lead, Certifications: certs}
	if c, ok := a.p.CategoryByCode(catCode); ok {
		p.CategoryPath = c.Path
	}
	if region != nil {
		p.Region = *region
	}
	var b strings.Builder
	for _, f := range record.Fields(p, a.now()) {
		b.WriteString(f.Label + "：" + scrub(f.Text) + "\n")
	}
	return b.String()
}

// line is one record in a listing: number, product, amount, place, date.
func (a *App) line(p store.Post) string {
	parts := []string{p.No, cutRunes(scrub(p.Product), 20)}
	if p.Kind == store.KindDemand && p.Quantity != nil {
		parts = append(parts, record.Quantity(p.Quantity))
	}
	if p.Kind == store.KindOffer && p.Capacity != nil {
		parts = append(parts, "月产"+record.Quantity(p.Capacity))
	}
	if r := record.Region(p.Region); r != "" {
		parts = append(parts, r)
	}
	if p.Deadline != nil {
		parts = append(parts, record.Date(*p.Deadline, a.now())+"前")
	}
	switch pub := record.Publisher(p); {
	case pub != "":
		parts = append(parts, "· "+record.Clip(pub, 18))
	case p.Verified:
		parts = append(parts, "✔已认证")
	}
	return strings.Join(parts, " ")
}

// detail is a record in full, without any contact.
func (a *App) detail(p store.Post, own bool) string {
	var b strings.Builder
	b.WriteString(p.No + " " + record.KindName(p.Kind) + "（" + record.StatusName(p, a.now()) + "）\n")
	lead := p.LeadTimeDays
	region := p.Region
	b.WriteString(a.fieldLines(p.Kind, p.Product, p.CategoryCode, p.Spec, p.Quantity, p.Capacity, p.MOQ, p.Price, &region, p.Deadline, lead, p.Certifications))
	if n := len(p.MediaIDs); n > 0 {
		b.WriteString("图片：" + itoa(n) + "张\n")
	}
	switch pub := record.Publisher(p); {
	case pub != "" && !p.Verified && !p.Anonymous:
		b.WriteString("企业：" + pub + "（未认证）\n")
	case pub != "":
		b.WriteString("企业：" + pub + "\n")
	case p.Verified:
		b.WriteString("企业：已认证\n")
	default:
		b.WriteString("企业：未认证\n")
	}
	b.WriteString("发布：" + record.Date(p.CreatedAt, a.now()) + "，有效期到" + record.Date(p.ExpiresAt, a.now()) + "\n")
	switch {
	case own && p.Status == store.StatusClosed:
		b.WriteString("这是您发布的，已关闭，不再展示和匹配。需要时请重新发布，例如：" + record.KindName(p.Kind) + " " + scrub(p.Product))
	case own && (p.Status == store.StatusExpired || !p.ExpiresAt.After(a.now())):
		b.WriteString("这是您发布的，已过期。回复“续期 " + p.No + "”重新上架，“关闭 " + p.No + "”关闭。")
	case own:
		b.WriteString("这是您发布的。回复“修改 " + p.No + " " + editExample(p.Kind) + "”更正，“续期 " + p.No + "”延长有效期，“关闭 " + p.No + "”关闭。")
	default:
		b.WriteString("想对接请回复“联系 " + p.No + "”，对方同意后交换联系方式。")
	}
	return b.String()
}

// editExample is a change the kind accepts after 修改, for the replies
// that say what to type next: offers have no 数量 (they have 产能).
func editExample(kind string) string {
	if kind == store.KindOffer {
		return "产能 3万件"
	}
	return "数量 4000"
}

// fit cuts a reply to WeChat's limit at a line break.
func fit(s string) string {
	if len(s) <= maxReplyBytes {
		return s
	}
	const more = "\n…（内容较长，已截断）"
	n := maxReplyBytes - len(more)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + more
}
