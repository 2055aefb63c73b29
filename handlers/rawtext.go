package handlers

import (
	"slices"
	"strings"

	"supplybot/handlers/parse"
	"supplybot/store"
)

// rawPart is one message the user typed for the form and the fields it
// gave. raw_text keeps a message while one of its fields still holds what
// it gave: an answer undone with 上一步 and answered again, or changed with
// 修改, drops out. The message that started the post gives its kind and
// always stays.
type rawPart struct {
	Text   string   `json:"text"`
	Fields []string `json:"fields"`
}

// Raw-text field names: the names of set, with deadline and lead time one.
const (
	rawKind = "kind"
	rawWhen = "when"
)

// addRaw records text as the latest message for fields; earlier messages
// lose the fields it replaces and go when they have none left.
func (f *postForm) addRaw(text string, fields, replaces []string) {
	if len(f.Raw) == 0 && f.RawText != "" {
		// a form saved before parts were kept
		f.Raw = []rawPart{{Text: f.RawText, Fields: []string{rawKind}}}
	}
	kept := f.Raw[:0]
	for _, part := range f.Raw {
		var left []string
		for _, have := range part.Fields {
			if !slices.Contains(replaces, have) {
				left = append(left, have)
			}
		}
		if len(left) > 0 {
			part.Fields = left
			kept = append(kept, part)
		}
	}
	f.Raw = kept
	if len(fields) > 0 {
		f.Raw = append(f.Raw, rawPart{Text: text, Fields: fields})
	}
	texts := make([]string, len(f.Raw))
	for i, part := range f.Raw {
		texts[i] = part.Text
	}
	f.RawText = cutRunes(strings.Join(texts, "\n"), maxRaw)
}

// rawFields are the fields a parsed message gives the form (as merge takes
// them); certifications add to those there, so they replace nothing.
func rawFields(p parse.Post, kind string) (fields, replaces []string) {
	add := func(ok bool, name string) {
		if ok {
			fields = append(fields, name)
			if name != "certs" {
				replaces = append(replaces, name)
			}
		}
	}
	demand := kind == store.KindDemand
	add(p.Product != "", "product")
	add(p.Spec != "", "spec")
	add(demand && (p.Quantity != nil || p.Capacity != nil), "quantity")
	add(!demand && p.Capacity != nil, "capacity")
	add(!demand && p.MOQ != nil, "moq")
	add(p.Price != nil, "price")
	add(p.Region != nil, "region")
	add(p.Deadline != nil || !demand && (p.LeadTimeDays > 0 || p.InStock), rawWhen)
	add(len(p.Certifications) > 0, "certs")
	return fields, replaces
}

// rawField is the raw-text name of a field of set.
func rawField(field string) string {
	if field == "lead" || field == "deadline" {
		return rawWhen
	}
	return field
}
