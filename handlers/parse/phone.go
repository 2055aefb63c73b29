package parse

import (
	"regexp"
	"strings"
)

var (
	// A mainland mobile, spaced or dashed as people type it, with an
	// optional country code.
	maskMobileRe = regexp.MustCompile(`(?:(?:\+|00)?86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}`)
	// A landline with its area code (023-68881234, (028)8888 1234, with
	// an extension), or a 400/800 service number.
	maskLandlineRe = regexp.MustCompile(`(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?\d{3,4}[ \-]?\d{4}(?:-\d{1,5})?|[48]00[ \-]?\d{3}[ \-]?\d{4}`)
	// Any number written after a phone label (电话 6888 1234).
	maskLabelledRe = regexp.MustCompile(`(?i)(?:电话|座机|手机|联系方式|tel)[:： ]*(\d[\d \-]{5,}\d)`)
)

// MaskPhones replaces phone numbers in s by mask: mainland mobiles
// (1[3-9] and nine digits), landlines with an area code, 400/800 numbers
// and any number after a phone label. Other numbers — quantities, prices,
// codes such as 0603 or a long order number — are left alone. A match glued
// to more digits is part of a longer number and is not a phone.
func MaskPhones(s, mask string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	for _, re := range []*regexp.Regexp{maskMobileRe, maskLandlineRe} {
		s = replaceIsolated(s, re.FindAllStringIndex(s, -1), mask)
	}
	var spans [][]int
	for _, m := range maskLabelledRe.FindAllStringSubmatchIndex(s, -1) {
		spans = append(spans, m[2:4])
	}
	return replaceIsolated(s, spans, mask)
}

// replaceIsolated replaces the spans of s that no digit touches.
func replaceIsolated(s string, spans [][]int, mask string) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		a, z := sp[0], sp[1]
		if a > 0 && isASCIIDigit(s[a-1]) || z < len(s) && isASCIIDigit(s[z]) {
			continue
		}
		b.WriteString(s[last:a])
		b.WriteString(mask)
		last = z
	}
	b.WriteString(s[last:])
	return b.String()
}
