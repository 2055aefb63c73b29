package parse

import "strings"

// ValidMobile reports whether s is an 11-digit mainland China mobile number
// (1[3-9]\d{9}). Spaces, dashes, dots and parentheses are ignored, and a
// leading +86, 0086 or 86 country code is accepted.
func ValidMobile(s string) bool {
	d := mobileDigits(s)
	return d != ""
}

// mobileDigits returns the 11 digits of a valid mobile number, or "".
func mobileDigits(s string) string {
	s = Normalize(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIIDigit(c):
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+' && b.Len() == 0:
		default:
			return ""
		}
	}
	d := b.String()
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	case len(d) == 15 && strings.HasPrefix(d, "0086"):
		d = d[4:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return ""
	}
	return d
}

// usccAlphabet is the GB 32100-2015 code alphabet (no I, O, S, V, Z).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the GB 32100-2015 check character for the first 17
// characters of a unified social credit code. It returns 0 if they are not
// 17 characters of the code alphabet.
func USCCCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c]
}

// ValidUSCC reports whether s is a valid 18-character unified social credit
// code (统一社会信用代码, GB 32100-2015): code alphabet, a 6-digit
// administrative division code in positions 3–8 and a correct check
// character. Surrounding spaces and lower case are tolerated.
func ValidUSCC(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(Normalize(s)))
	if len(s) != 18 {
		return false
	}
	for i := 2; i < 8; i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	c := USCCCheckChar(s[:17])
	return c != 0 && c == s[17]
}
