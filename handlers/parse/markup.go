package parse

import (
	"regexp"
	"strings"
)

var (
	// Script and style elements carry code, not words: they go with their
	// content. RE2 has no back-references, hence one expression each.
	scriptRe = regexp.MustCompile(`(?is)<script(?:\s[^<>]{0,200})?>.*?</script\s*>`)
	styleRe  = regexp.MustCompile(`(?is)<style(?:\s[^<>]{0,200})?>.*?</style\s*>`)
	markupRe = regexp.MustCompile(`</?([A-Za-z][A-Za-z0-9]{0,20})(?:\s[^<>]{0,200})?/?>|&(?:[A-Za-z]{2,8}|#\d{1,7});`)
)

// inlineTags mark up text inside a word (重庆<b>青山</b>工业): they go
// without a trace, while block tags and entities separate words.
var inlineTags = map[string]bool{
	"a": true, "b": true, "i": true, "u": true, "s": true, "em": true, "strong": true, "span": true, "font": true,
	"small": true, "big": true, "sub": true, "sup": true, "strike": true, "mark": true, "code": true,
}

// StripMarkup removes HTML-like markup pasted into a chat message: script
// and style elements with their content, tags and character entities
// (&nbsp;). Inline tags vanish; the others leave a space. Text that merely
// contains < or > is kept.
func StripMarkup(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	s = scriptRe.ReplaceAllString(s, " ")
	s = styleRe.ReplaceAllString(s, " ")
	return markupRe.ReplaceAllStringFunc(s, func(m string) string {
		if name := markupRe.FindStringSubmatch(m)[1]; inlineTags[strings.ToLower(name)] {
			return ""
		}
		return " "
	})
}
