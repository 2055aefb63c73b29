package parse

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// Traditional characters are converted with OpenCC's t2s tables (phrases
// first, then characters: 乾燥 → 干燥 but 乾坤 stays). Converting costs a few
// microseconds, so it runs only when the text holds a character that t2s
// changes; the set of such characters is computed once from the same tables.
var t2s struct {
	once sync.Once
	cc   *opencc.OpenCC
	trad []uint64 // bit r is set when t2s changes rune r (BMP only)
}

func loadT2S() {
	cc, err := opencc.New("t2s")
	if err != nil {
		return // the tables are embedded; without them text stays as typed
	}
	t2s.cc = cc
	t2s.trad = make([]uint64, 0x10000/64)
	// One conversion of every CJK character, each on its own line so that
	// no phrase spans two of them.
	var b strings.Builder
	var runes []rune
	for _, block := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}} {
		for r := block[0]; r <= block[1]; r++ {
			b.WriteRune(r)
			b.WriteByte('\n')
			runes = append(runes, r)
		}
	}
	out, err := cc.Convert(b.String())
	if err != nil {
		return
	}
	lines := strings.Split(out, "\n")
	for i, r := range runes {
		if i < len(lines) && lines[i] != string(r) && !strings.ContainsRune(alsoSimplified, r) {
			t2s.trad[r>>6] |= 1 << (r & 63)
		}
	}
}

// alsoSimplified are characters t2s changes that are standard simplified
// characters too (names: 陈乾, 於德华); alone they do not make a text
// traditional.
const alsoSimplified = "乾於夥徵餘"

// hasTraditional reports whether s holds a character that t2s changes.
func hasTraditional(s string) bool {
	for _, r := range s {
		if r >= 0x3400 && r < 0x10000 && t2s.trad[r>>6]&(1<<(r&63)) != 0 {
			return true
		}
	}
	return false
}

// toSimplified converts traditional characters to simplified ones; text
// without any is returned as it is.
func toSimplified(s string) string {
	t2s.once.Do(loadT2S)
	if t2s.cc == nil || !hasTraditional(s) {
		return s
	}
	out, err := t2s.cc.Convert(s)
	if err != nil || !utf8.ValidString(out) {
		return s
	}
	return out
}

// typoFixes are slips of pinyin and handwriting input for the command
// words, which the bot's commands and the parser read after Normalize. A
// wrong form is replaced only where a clause starts (求购, 供应 and 注册 lead
// a message or a list item), so 一共应该 keeps its 共应.
var typoFixes = map[string]string{
	"球购": "求购", "求够": "求购", "求构": "求购", "秋购": "求购", "求沟": "求购", "救购": "求购",
	"采够": "采购", "菜购": "采购", "彩购": "采购", "踩购": "采购", "采构": "采购",
	"共应": "供应", "功应": "供应", "攻应": "供应", "宫应": "供应", "供映": "供应",
	"共货": "供货", "攻货": "供货",
	"注测": "注册", "住册": "注册", "祝册": "注册", "驻册": "注册", "助册": "注册", "注侧": "注册",
	"插供应": "查供应", "茶供应": "查供应", "差供应": "查供应",
	"插需求": "查需求", "茶需求": "查需求", "差需求": "查需求",
}

// typoRunes are the first runes of typoFixes' wrong forms; text without
// any of them is returned at once.
const typoRunes = "球求秋救采菜彩踩共功攻宫供注住祝驻助插茶差"

func fixTypos(s string) string {
	if !strings.ContainsAny(s, typoRunes) {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if strings.ContainsRune(typoRunes, r) && clauseStart(s, i) {
			for _, n := range []int{9, 6} { // three or two runes
				if i+n <= len(s) {
					if good, ok := typoFixes[s[i:i+n]]; ok {
						b.WriteString(s[last:i])
						b.WriteString(good)
						i += n
						last = i
						size = 0
						break
					}
				}
			}
		}
		i += size
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
