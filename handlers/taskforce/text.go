package taskforce

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// clip keeps s within n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// tail is the last four digits of a mobile, how colleagues tell each
// other apart without the whole number.
func tail(mobile string) string {
	if len(mobile) < 4 {
		return mobile
	}
	return mobile[len(mobile)-4:]
}

// rawAfter is what the user typed after the command word (and, with
// number, after the number that follows it), as typed: the registry's
// rest is normalised (full-width punctuation folded, the last full stop
// cut), which is right for matching but not for a message one person
// writes to another. fallback when the text does not start with the word.
func rawAfter(text, word string, number bool, fallback string) string {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, word) {
		return fallback
	}
	t = strings.TrimLeft(strings.TrimPrefix(t, word), " \t\u3000:：")
	if number {
		t = strings.TrimLeft(t, "#")
		i := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == 0 {
			return fallback
		}
		t = strings.TrimLeft(t[i:], " \t\u3000:：,，")
	}
	return strings.TrimSpace(t)
}
