package parse

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

var cnDigits = map[rune]float64{
	'零': 0, '〇': 0, '一': 1, '壹': 1, '幺': 1, '二': 2, '贰': 2, '两': 2, '俩': 2,
	'三': 3, '叁': 3, '四': 4, '肆': 4, '五': 5, '伍': 5, '六': 6, '陆': 6,
	'七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
}

var cnSmallUnits = map[rune]float64{
	'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000, 'k': 1000, 'K': 1000,
}

// parseNumber parses Arabic, Chinese and mixed numerals: "5000", "12.5",
// "5千", "5k", "1.2万", "2w", "三万五千", "两千", "一万二" (=12000), "二〇二七",
// "一点五万", "3万5千". It returns false when s contains no digit at all
// (a bare "万" is not a number) or anything it does not understand.
func parseNumber(s string) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	var total, section, number float64
	lastUnit := 0.0    // most recent unit applied (for 一万二 → 12000)
	prevDigit := false // previous token was a Chinese digit (for 二〇二七)
	sawDigit := false
	zeroAfterUnit := false
	numberSet := false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == ',') {
				j++
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(s[i:j], ",", ""), 64)
			if err != nil {
				return 0, false
			}
			number, numberSet, sawDigit, prevDigit = v, true, true, false
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if d, ok := cnDigits[r]; ok {
			sawDigit = true
			if prevDigit {
				number = number*10 + d
			} else {
				number = d
			}
			if d == 0 && lastUnit > 0 {
				zeroAfterUnit = true
			}
			numberSet, prevDigit = true, true
			continue
		}
		prevDigit = false
		if u, ok := cnSmallUnits[r]; ok {
			if !numberSet {
				if u != 10 {
					return 0, false
				}
				number = 1 // 十五 = 15
				sawDigit = true
			}
			section += number * u
			number, numberSet, lastUnit, zeroAfterUnit = 0, false, u, false
			continue
		}
		switch r {
		case '万', 'w', 'W':
			section += number
			if section == 0 {
				return 0, false
			}
			total += section * 1e4
			section, number, numberSet, lastUnit, zeroAfterUnit = 0, 0, false, 1e4, false
		case '亿':
			section += number
			if section == 0 && total == 0 {
				return 0, false
			}
			total = (total + section) * 1e8
			section, number, numberSet, lastUnit, zeroAfterUnit = 0, 0, false, 1e8, false
		case '点':
			// decimal fraction in Chinese: 一点五 = 1.5
			frac, scale := 0.0, 0.1
			for i < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[i:])
				d, ok := cnDigits[r2]
				if !ok || r2 == '两' {
					break
				}
				frac += d * scale
				scale /= 10
				i += sz
			}
			if scale == 0.1 {
				return 0, false
			}
			number += frac
			numberSet = true
		case ' ':
		default:
			return 0, false
		}
	}
	if !sawDigit {
		return 0, false
	}
	if numberSet && lastUnit >= 10 && !zeroAfterUnit && number < 10 && number == math.Trunc(number) {
		number *= lastUnit / 10 // colloquial: 一万二, 三千五, 两百五
	}
	v := total + section + number
	if math.IsInf(v, 0) || math.IsNaN(v) || v > 1e15 {
		return 0, false
	}
	return math.Round(v*1e6) / 1e6, true
}
