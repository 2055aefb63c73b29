package handlers

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"supplybot/handlers/parse"
)

// maxInputRunes is the longest message the conversation reads; longer
// ones are answered with a request to shorten and change nothing.
const maxInputRunes = 500

var (
	tagRe   = regexp.MustCompile(`<[^<>]{0,200}>`)
	recNoRe = regexp.MustCompile(`(?i)^[DO]\d{3,9}$`)
)

// clean normalises a message for reading: full-width forms, emoji and extra
// spaces (parse.Normalize), markup tags removed, trailing punctuation that
// voice recognition adds ("确认。") dropped.
func clean(s string) string {
	s = parse.StripMarkup(s)
	if strings.IndexByte(s, '<') >= 0 { // a tag starts with one; most messages have none
		s = tagRe.ReplaceAllString(s, "")
	}
	s = parse.Normalize(s)
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return strings.ContainsRune("。.!！?？~，,；;、", r) || unicode.IsSpace(r)
	})
	return strings.TrimSpace(s)
}

// safeField cleans free text the user gives for a stored field: markup and
// control characters gone, angle brackets dropped, at most n characters.
func safeField(s string, n int) string {
	s = clean(s)
	s = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return cutRunes(strings.TrimSpace(s), n)
}

// cutRunes cuts s to n characters.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// preview cuts s to n characters for echoing it back.
func preview(s string, n int) string {
	s = strings.ReplaceAll(tagRe.ReplaceAllString(s, ""), "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// scrub hides phone numbers in text shown to other users; quantities,
// prices and codes stay readable.
func scrub(s string) string { return parse.MaskPhones(s, "***") }

// fields splits an answer on spaces and Chinese separators.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，;；、|/", r)
	})
}

var yesWords = []string{"确认", "确定", "是", "是的", "好", "好的", "ok", "okay", "对", "对的", "可以", "行", "没问题", "yes", "y", "嗯", "发布", "确认发布"}
var noWords = []string{"否", "不是", "不", "没有", "no", "n", "不对", "非平台"}

func isYes(t string) bool { return inWords(t, yesWords) }
func isNo(t string) bool  { return inWords(t, noWords) }

func inWords(t string, words []string) bool {
	for _, w := range words {
		if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mobileOf returns the 11 digits of a valid mainland mobile number in s.
func mobileOf(s string) (string, bool) {
	if !parse.ValidMobile(s) {
		return "", false
	}
	d := digitsOnly(s)
	return d[len(d)-11:], true
}
