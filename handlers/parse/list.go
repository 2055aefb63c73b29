package parse

import (
	"regexp"
	"strings"
	"time"
)

// listSepRe splits a procurement list into items: semicolons, line breaks
// and numbered items (1. 2、 ① (3)).
var listSepRe = regexp.MustCompile(`[;；\n]+|\s*(?:^|\s)(?:\d{1,2}\s*[.、)）]|[(（]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩])\s*`)

// itemCommaRe splits on commas, tried only when every part names a product
// and an amount ("求购轮毂2000套，轮胎8000条，刹车片5000套，重庆").
var itemCommaRe = regexp.MustCompile(`[,，、]+`)

// ParseList reads a message that lists several products under one intent:
// "求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆". It returns one Post per
// item; what the message states once (kind, region, deadline, lead time,
// certifications, mobile) is given to every item that does not state its
// own. A message with a single product returns the one Post of Parse.
func (p *Parser) ParseList(text string, now time.Time) []Post {
	whole := p.Parse(text, now)
	s := Normalize(StripMarkup(truncateUTF8(text, MaxInputBytes)))
	items := p.listItems(listSepRe.Split(s, -1), now, false)
	if len(items) < 2 {
		items = p.listItems(itemCommaRe.Split(s, -1), now, true)
	}
	if len(items) < 2 {
		return []Post{whole}
	}
	for i := range items {
		it := &items[i]
		if it.Kind == KindUnknown {
			it.Kind = whole.Kind
		}
		if it.Region == nil {
			it.Region = whole.Region
		}
		if it.Deadline == nil {
			it.Deadline, it.LeadTimeDays = whole.Deadline, whole.LeadTimeDays
		}
		if len(it.Certifications) == 0 {
			it.Certifications = whole.Certifications
		}
		if it.Mobile == "" {
			it.Mobile = whole.Mobile
		}
		if it.Price == nil && whole.Price != nil && len(items) == 1 {
			it.Price = whole.Price
		}
	}
	return items
}

// listItems parses each part and keeps those naming a product. With strict
// (comma lists) every part that names a product must also give an amount.
func (p *Parser) listItems(parts []string, now time.Time, strict bool) []Post {
	var items []Post
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		it := p.Parse(part, now)
		if it.Product == "" || it.Category == nil && it.Quantity == nil {
			continue
		}
		if strict && it.Quantity == nil && it.Capacity == nil {
			return nil
		}
		items = append(items, it)
	}
	return items
}
