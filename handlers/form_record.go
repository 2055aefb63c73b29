package handlers

import (
	"strings"
	"time"

	"supplybot/handlers/parse"
	"supplybot/store"
)

// toPost builds the record to store.
func (f *postForm) toPost(p *parse.Parser, into *store.Post) {
	into.Kind = f.Kind
	into.Product = f.Product
	into.CategoryCode, into.Category, into.CategoryPath = "", "", nil
	if c, ok := p.CategoryByCode(f.CategoryCode); ok {
		into.CategoryCode, into.Category, into.CategoryPath = c.Code, c.Name, c.Path
	}
	into.Spec = f.Spec
	into.Quantity, into.Capacity, into.MOQ = f.Quantity, f.Capacity, f.MOQ
	into.Price = f.Price
	into.Material, into.Application = f.Material, f.Application
	into.Size, into.Layers, into.Voltage = f.Size, f.Layers, f.Voltage
	if f.Region != nil {
		into.Region = *f.Region
	}
	into.Deadline, into.LeadTimeDays = f.Deadline, f.LeadTimeDays
	into.Certifications = append([]string{}, f.Certs...)
	into.MediaIDs = append([]string(nil), f.MediaIDs...)
	into.Anonymous = f.Anonymous
	into.Keywords = f.keywords(p)
	if f.RawText != "" {
		into.RawText = f.RawText
	}
}

// keywords are the product words, their synonyms, the category's names and
// the spec words: what search and matching look records up by.
func (f *postForm) keywords(p *parse.Parser) []string {
	var kw []string
	add := func(ws ...string) {
		for _, w := range ws {
			w = strings.TrimSpace(w)
			if w == "" {
				continue
			}
			for _, have := range kw {
				if have == w {
					w = ""
					break
				}
			}
			if w != "" && len(kw) < 40 {
				kw = append(kw, w)
			}
		}
	}
	add(f.Product)
	add(p.Synonyms(f.Product)...)
	add(p.Parse(f.Product, time.Time{}).Keywords...)
	for _, w := range fields(f.Product) {
		add(w)
		add(p.Synonyms(w)...)
	}
	if c, ok := p.CategoryByCode(f.CategoryCode); ok {
		add(c.Name)
		add(c.Path...)
	}
	for _, w := range strings.Fields(f.Spec) {
		add(strings.ToUpper(w))
	}
	return kw
}

// formOf turns a saved record back into a form, for editing it.
func formOf(p store.Post) *postForm {
	f := &postForm{Kind: p.Kind, No: p.No, Product: p.Product, CategoryCode: p.CategoryCode, Spec: p.Spec,
		Quantity: p.Quantity, Capacity: p.Capacity, MOQ: p.MOQ, Price: p.Price, Deadline: p.Deadline,
		LeadTimeDays: p.LeadTimeDays, Certs: p.Certifications, MediaIDs: p.MediaIDs, Anonymous: p.Anonymous,
		Material: p.Material, Size: p.Size, Layers: p.Layers, Voltage: p.Voltage, Application: p.Application}
	r := p.Region
	f.Region = &r
	return f
}

// mergeTerms takes the product's terms the parser read: a new product
// brings its own (and drops the old ones), a message without a product
// ("18寸", "用于ECU" at the summary) adds what it states.
func (f *postForm) mergeTerms(p parse.Post) {
	if p.Product != "" {
		f.Material, f.Application = "", ""
		f.Size, f.Layers, f.Voltage = nil, nil, nil
	}
	if p.Material != "" {
		f.Material = cutRunes(p.Material, maxProduct)
	}
	if p.Application != "" {
		f.Application = cutRunes(p.Application, maxProduct)
	}
	if p.Size != nil {
		f.Size = spanOf(p.Size)
	}
	if p.Layers != nil {
		f.Layers = spanOf(p.Layers)
	}
	if p.Voltage != nil {
		f.Voltage = spanOf(p.Voltage)
	}
}

func spanOf(m *parse.Measure) *store.Span {
	if m == nil {
		return nil
	}
	return &store.Span{Min: m.Min, Max: m.Max}
}
