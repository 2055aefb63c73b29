package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize cleans a chat message for parsing: full-width ASCII forms
// (ＡＢＣ１２３，：) become half-width, the ideographic space becomes a space,
// emoji and pictographs become a space, invisible characters (zero-width
// joiners, variation selectors, BOM) and invalid UTF-8 are dropped, control
// characters count as whitespace, and every run of whitespace collapses to a
// single ASCII space. Leading and trailing spaces are trimmed. Traditional
// characters become simplified ones (求購 → 求购) and slips of the command
// words are fixed where a clause starts (球购 → 求购, 共应 → 供应); other
// Chinese text and CJK punctuation (。、【】) are kept as they are.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError {
			continue
		}
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r == '〜' || r == '～':
			r = '~'
		case r == '－' || r == '‐' || r == '‑' || r == '–':
			r = '-'
		}
		if isInvisible(r) {
			continue
		}
		if isPictograph(r) || unicode.IsSpace(r) || unicode.IsControl(r) {
			pendingSpace = true
			continue
		}
		if pendingSpace && b.Len() > 0 {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
	}
	return fixTypos(toSimplified(b.String()))
}

// isInvisible reports format characters that carry no visible content.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, // zero width space/joiners, LRM/RLM
		r >= 0x202A && r <= 0x202E,   // bidi embeddings
		r >= 0x2060 && r <= 0x206F,   // word joiner, invisible operators
		r >= 0xFE00 && r <= 0xFE0F,   // variation selectors
		r == 0xFEFF,                  // BOM
		r >= 0xE0000 && r <= 0xE007F, // tags
		r >= 0xE0100 && r <= 0xE01EF: // variation selectors supplement
		return true
	}
	return false
}

// isPictograph reports emoji, dingbats and similar symbols that users sprinkle
// into messages. They are replaced by a space because they often separate
// words ("求购🔥变速箱").
func isPictograph(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // emoji, mahjong, cards, flags, symbols
		r >= 0x2600 && r <= 0x27BF, // misc symbols, dingbats (★ ☎ ✅)
		r >= 0x2B00 && r <= 0x2BFF, // arrows and stars (⭐)
		r >= 0x2300 && r <= 0x23FF, // misc technical (⌚ ⏰)
		r >= 0x25A0 && r <= 0x25FF, // geometric shapes (● ■ ▶)
		r >= 0xE000 && r <= 0xF8FF, // private use
		r >= 0xF0000,               // supplementary private use
		r == 0x3030, r == 0x303D, r == 0x2122, r == 0x00A9, r == 0x00AE:
		return true
	}
	return false
}
