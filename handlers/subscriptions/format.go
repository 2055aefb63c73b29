package subscriptions

import (
	"strings"
	"unicode/utf8"

	"supplybot/store"
)

// Copies of handlers/alerts/text.go's formatters, until the record
// vocabulary package (issue 7, part 4) serves every feature.

// kindWord is how users call a record kind.
func kindWord(kind string) string {
	if kind == store.KindOffer {
		return "供应"
	}
	return "求购"
}

// regionShort writes 重庆璧山区, 成都龙泉驿区, 四川绵阳 from the full names.
func regionShort(r store.Region) string {
	trim := func(s string) string {
		if utf8.RuneCountInString(s) > 2 {
			s = strings.TrimSuffix(strings.TrimSuffix(s, "省"), "市")
		}
		return s
	}
	switch {
	case r.City != "" && r.District != "":
		return trim(r.City) + r.District
	case r.City != "" && r.City != r.Province:
		if r.Province != "" {
			return trim(r.Province) + trim(r.City)
		}
		return trim(r.City)
	}
	return trim(r.Province)
}

// clip keeps s within n runes, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
