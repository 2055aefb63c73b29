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
	markupRe = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,200})?/?>|&(?:[A-Za-z]{2,8}|#\d{1,7});`)
)

// StripMarkup replaces HTML-like markup pasted into a chat message by a
// space: script and style elements with their content, other tags and
// character entities (&nbsp;). Text that merely contains < or > is kept.
func StripMarkup(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	s = scriptRe.ReplaceAllString(s, " ")
	s = styleRe.ReplaceAllString(s, " ")
	return markupRe.ReplaceAllString(s, " ")
}
