package store

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A search word of two or more Chinese characters may be a company's name
// (查供应 富临精工): the search asks NameContains for the enterprises whose
// name contains it. On FerretDB that filter reads and decodes every
// enterprise, for every such word of every search — 4 ms a message in a
// benchmark of varied searches with the 10,000-offer seeding. The process
// that serves a FerretDB store alone answers it from memory instead, kept
// beside the names (enterprise_byname.go): each enterprise's id, name and
// creation time, listed oldest first under every character and every pair
// of adjacent characters of its name. A fragment is looked for in the
// shortest list of its characters' pairs (of its one character when it
// has one), oldest first, so a lookup costs what that list holds before
// limit names contain the fragment, not the enterprises stored.

// nameHolder is an enterprise as the name lists know it.
type nameHolder struct {
	id, name string
	created  time.Time
}

// nameGrams lists enterprises by the characters and pairs of characters
// of their names. Its methods are called with nameIndex.mu held.
type nameGrams struct {
	byID  map[string]*nameHolder
	all   []*nameHolder            // oldest first
	lists map[string][]*nameHolder // by gram, oldest first
}

func newNameGrams() *nameGrams {
	return &nameGrams{byID: map[string]*nameHolder{}, lists: map[string][]*nameHolder{}}
}

// olderHolder orders holders as NameContains answers: by creation, then id.
func olderHolder(a, b *nameHolder) int {
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// grams are the distinct characters and pairs of adjacent characters of
// name.
func grams(name string) []string {
	var out []string
	add := func(g string) {
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	prev := -1 // where the previous character starts
	for i := 0; i < len(name); {
		_, w := utf8.DecodeRuneInString(name[i:])
		add(name[i : i+w])
		if prev >= 0 {
			add(name[prev : i+w])
		}
		prev, i = i, i+w
	}
	return out
}

// insertHolder puts h into l in order; new enterprises go at the end.
func insertHolder(l []*nameHolder, h *nameHolder) []*nameHolder {
	if n := len(l); n == 0 || olderHolder(l[n-1], h) < 0 {
		return append(l, h)
	}
	i, _ := slices.BinarySearchFunc(l, h, olderHolder)
	return slices.Insert(l, i, h)
}

// add lists enterprise id, once.
func (g *nameGrams) add(name, id string, created time.Time) {
	if _, ok := g.byID[id]; ok {
		return
	}
	h := &nameHolder{id: id, name: name, created: created}
	g.byID[id] = h
	g.all = insertHolder(g.all, h)
	for _, k := range grams(name) {
		g.lists[k] = insertHolder(g.lists[k], h)
	}
}

// remove forgets enterprise id (deleted).
func (g *nameGrams) remove(id string) {
	h, ok := g.byID[id]
	if !ok {
		return
	}
	delete(g.byID, id)
	drop := func(l []*nameHolder) []*nameHolder {
		if i := slices.Index(l, h); i >= 0 {
			return slices.Delete(l, i, i+1)
		}
		return l
	}
	g.all = drop(g.all)
	for _, k := range grams(h.name) {
		if l := drop(g.lists[k]); len(l) > 0 {
			g.lists[k] = l
		} else {
			delete(g.lists, k)
		}
	}
}

// contains returns up to limit enterprises whose name contains fragment,
// oldest first, as the filter of NameContains does (a byte-wise
// substring; a fragment that is not valid UTF-8 is in no name kept here).
func (g *nameGrams) contains(fragment string, limit int) []Enterprise {
	if !utf8.ValidString(fragment) {
		return nil
	}
	list := g.all
	if fragment != "" {
		list = nil
		gs := grams(fragment)
		for _, k := range gs {
			if len(gs) > 1 && utf8.RuneCountInString(k) == 1 {
				continue // a pair narrows more than its characters
			}
			l, ok := g.lists[k]
			if !ok {
				return nil
			}
			if list == nil || len(l) < len(list) {
				list = l
			}
		}
	}
	var out []Enterprise
	for _, h := range list {
		if limit > 0 && len(out) == limit {
			break
		}
		if strings.Contains(h.name, fragment) {
			out = append(out, Enterprise{ID: h.id, Name: h.name, CreatedAt: h.created})
		}
	}
	return out
}
