package parse

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// keptWords holds ParseWord's readings of the taxonomy's terms.
type keptWords struct {
	m sync.Map // word as typed → Post
	n atomic.Int64
}

// maxKeptWords bounds keptWords: the terms several times over, for the
// spellings users type of them (pcb, PCB, Ｐｃｂ).
const maxKeptWords = 16384

// ParseWord is Parse(word, time.Time{}) for one word of a search. The
// reading of a word the taxonomy knows as a term, as most searched words
// are, is kept once made: reading it runs every pattern of Parse, about
// 25 µs for 查供应 PCB's one word, against a search of the index's 45. What
// is kept is bounded by the terms and maxKeptWords; any other word is
// parsed each time. The Post returned is the caller's own.
func (p *Parser) ParseWord(word string) Post {
	if v, ok := p.kept.m.Load(word); ok {
		return v.(Post).clone()
	}
	post := p.Parse(word, time.Time{})
	if _, term := p.terms.get(termKey(strings.TrimSpace(word))); term && p.kept.n.Add(1) <= maxKeptWords {
		p.kept.m.Store(word, post.clone())
	}
	return post
}

// clone is a copy of post that shares nothing mutable with it.
func (post Post) clone() Post {
	c := post
	if post.Category != nil {
		cat := *post.Category
		cat.Path = slices.Clone(cat.Path)
		c.Category = &cat
	}
	c.Quantity, c.Capacity, c.MOQ = clonePtr(post.Quantity), clonePtr(post.Capacity), clonePtr(post.MOQ)
	c.Price, c.Region, c.Deadline = clonePtr(post.Price), clonePtr(post.Region), clonePtr(post.Deadline)
	c.Size, c.Layers, c.Voltage = clonePtr(post.Size), clonePtr(post.Layers), clonePtr(post.Voltage)
	c.Certifications, c.Keywords = slices.Clone(post.Certifications), slices.Clone(post.Keywords)
	return c
}

func clonePtr[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}
