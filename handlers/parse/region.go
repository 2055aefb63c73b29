package parse

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type placeInfo struct {
	region    Region
	level     int  // 1 province, 2 city (or municipality), 3 district
	short     bool // matched through a short form or alias, not the full name
	ambiguous bool // short form that also appears inside ordinary words
}

var placeSuffixes = []string{"特别行政区", "自治区", "自治州", "自治县", "省", "市", "区", "县"}

func (p *Parser) buildRegions(f *regionsFile) error {
	p.places = newDict()
	for _, prov := range f.Provinces {
		if prov == nil || strings.TrimSpace(prov.Name) == "" {
			return fmt.Errorf("parse: regions: province without name")
		}
		r := Region{Province: prov.Name}
		level := 1
		if prov.Municipality {
			r.City, level = prov.Name, 2
		}
		p.addPlace(prov, r, level)
		for _, d := range prov.Districts {
			if d == nil || d.Name == "" {
				return fmt.Errorf("parse: regions: district without name in %s", prov.Name)
			}
			city := r.City
			if city == "" {
				city = prov.Name
			}
			p.addPlace(d, Region{Province: prov.Name, City: city, District: d.Name}, 3)
		}
		for _, c := range prov.Cities {
			if c == nil || c.Name == "" {
				return fmt.Errorf("parse: regions: city without name in %s", prov.Name)
			}
			p.addPlace(c, Region{Province: prov.Name, City: c.Name}, 2)
			for _, d := range c.Districts {
				if d == nil || d.Name == "" {
					return fmt.Errorf("parse: regions: district without name in %s", c.Name)
				}
				p.addPlace(d, Region{Province: prov.Name, City: c.Name, District: d.Name}, 3)
			}
		}
	}
	for _, z := range f.Zones {
		if z.Name == "" || z.Province == "" {
			return fmt.Errorf("parse: regions: zone %q needs name and province", z.Name)
		}
		level := 1
		if z.City != "" {
			level = 2
		}
		if z.District != "" {
			level = 3
		}
		k := Normalize(z.Name)
		keys := []string{k}
		if isASCII(k) {
			// Chengdu, chengdu, CHENGDU
			keys = append(keys, strings.ToLower(k), strings.ToUpper(k))
		}
		for _, k := range keys {
			if _, ok := p.places.get(k); !ok {
				p.places.put(k, &placeInfo{region: Region{z.Province, z.City, z.District}, level: level})
			}
		}
	}
	return nil
}

func (p *Parser) addPlace(n *placeNode, r Region, level int) {
	add := func(k string, short bool) {
		k = Normalize(k)
		if utf8.RuneCountInString(k) < 2 {
			return
		}
		if _, ok := p.places.get(k); ok {
			return
		}
		p.places.put(k, &placeInfo{region: r, level: level, short: short, ambiguous: short && n.Ambiguous})
	}
	add(n.Name, false)
	for _, suf := range placeSuffixes {
		if strings.HasSuffix(n.Name, suf) {
			add(strings.TrimSuffix(n.Name, suf), true)
			break
		}
	}
	for _, a := range n.Alias {
		// an alias ending in a suffix (石柱县) is as safe as a full name
		short := true
		for _, suf := range placeSuffixes {
			if strings.HasSuffix(a, suf) {
				short = false
			}
		}
		add(a, short)
	}
}

// ParseRegion finds the location named in s: "重庆璧山", "璧山", "四川绵阳",
// "绵阳市", "成都龙泉驿", "广东". The first place named wins; following names
// that refine it (重庆 → 璧山) make it more specific.
func (p *Parser) ParseRegion(s string) (Region, bool) {
	r, _, ok := p.findRegion(Normalize(s))
	return r, ok
}

var placeBefore = "在到送往于至发距近驻自从位"
var placeAfterWords = []string{"地区", "周边", "附近", "一带", "本地", "范围", "的", "工厂", "厂", "交", "发", "送", "到", "仓", "园区", "片区", "及", "或", "和", "、"}

// findRegion returns the region and the byte spans of the place names used.
func (p *Parser) findRegion(s string) (Region, [][2]int, bool) {
	type hit struct {
		start, end int
		info       *placeInfo
	}
	var hits []hit
	lastEnd := -1
	var lastInfo *placeInfo
	p.places.scan(s, func(start, end int, v any) bool {
		pi := v.(*placeInfo)
		if isASCII(s[start:end]) && !asciiBoundary(s, start, end) {
			return false // Chengdu inside a longer word
		}
		if pi.ambiguous {
			adjacent := lastInfo != nil && lastEnd == start && contains(lastInfo.region, pi.region)
			if !adjacent && !(placeBoundaryBefore(s, start) && placeBoundaryAfter(s, end)) {
				return false
			}
		}
		hits = append(hits, hit{start, end, pi})
		lastEnd, lastInfo = end, pi
		return true
	})
	if len(hits) == 0 {
		return Region{}, nil, false
	}
	// The first place wins; later names refine it when they lie inside it.
	// Spans of every place name are returned so that callers can remove them.
	cur := hits[0].info.region
	spans := make([][2]int, 0, len(hits))
	for i, h := range hits {
		spans = append(spans, [2]int{h.start, h.end})
		if i > 0 && contains(cur, h.info.region) {
			cur = h.info.region
		}
	}
	return cur, spans, true
}

// contains reports whether region a is the same as or an ancestor of b.
func contains(a, b Region) bool {
	if a.Province != b.Province {
		return false
	}
	if a.City != "" && a.City != b.City {
		return false
	}
	if a.District != "" && a.District != b.District {
		return false
	}
	return true
}

func placeBoundaryBefore(s string, start int) bool {
	if start == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:start])
	return !isHan(r) || strings.ContainsRune(placeBefore, r)
}

func placeBoundaryAfter(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	if !isHan(r) {
		return true
	}
	rest := s[end:]
	for _, w := range placeAfterWords {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}
