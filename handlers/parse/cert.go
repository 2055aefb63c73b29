package parse

import (
	"regexp"
	"strings"
)

type certPattern struct {
	re      *regexp.Regexp
	name    string
	bareNum bool // pattern may be a bare number: needs digit boundaries
	letters bool // pattern is a short letter code: needs letter boundaries
}

// Patterns run on upper-cased text; the order matters (16949 before 9001 is
// irrelevant since digit boundaries are checked, but IATF must win over TS).
var certPatterns = []certPattern{
	{re: regexp.MustCompile(`(?:IATF|ISO\s*/\s*TS|TS)?\s*-?\s*16949(?:\s*[:：]\s*20(?:09|16))?`), name: "IATF 16949", bareNum: true},
	{re: regexp.MustCompile(`IATF`), name: "IATF 16949", letters: true}, // IATF认证: the standard has one number
	{re: regexp.MustCompile(`(?:ISO|GB\s*/\s*T)?\s*-?\s*9001(?:\s*[:：]\s*20(?:08|15))?`), name: "ISO 9001", bareNum: true},
	{re: regexp.MustCompile(`(?:ISO)?\s*-?\s*14001`), name: "ISO 14001", bareNum: true},
	{re: regexp.MustCompile(`(?:ISO)?\s*-?\s*45001`), name: "ISO 45001", bareNum: true},
	{re: regexp.MustCompile(`OHSAS\s*-?\s*18001`), name: "OHSAS 18001"},
	{re: regexp.MustCompile(`ISO\s*-?\s*26262|26262`), name: "ISO 26262", bareNum: true},
	{re: regexp.MustCompile(`ISO\s*-?\s*13485`), name: "ISO 13485"},
	{re: regexp.MustCompile(`VDA\s*-?\s*6\s*\.\s*3`), name: "VDA 6.3"},
	{re: regexp.MustCompile(`AEC\s*-?\s*Q\s*-?\s*100|AEC-?Q100|Q100`), name: "AEC-Q100", letters: true},
	{re: regexp.MustCompile(`AEC\s*-?\s*Q\s*-?\s*101|Q101`), name: "AEC-Q101", letters: true},
	{re: regexp.MustCompile(`AEC\s*-?\s*Q\s*-?\s*104|Q104`), name: "AEC-Q104", letters: true},
	{re: regexp.MustCompile(`AEC\s*-?\s*Q\s*-?\s*200|Q200`), name: "AEC-Q200", letters: true},
	{re: regexp.MustCompile(`IPC\s*-?\s*A\s*-?\s*610`), name: "IPC-A-610"},
	{re: regexp.MustCompile(`CCC认证|CCC|3C认证|3C`), name: "CCC", letters: true},
	{re: regexp.MustCompile(`ROHS`), name: "RoHS", letters: true},
	{re: regexp.MustCompile(`REACH`), name: "REACH", letters: true},
	{re: regexp.MustCompile(`UL认证|UL`), name: "UL", letters: true},
	{re: regexp.MustCompile(`CE认证`), name: "CE"},
	{re: regexp.MustCompile(`SRRC`), name: "SRRC", letters: true},
	{re: regexp.MustCompile(`CQC`), name: "CQC", letters: true},
	{re: regexp.MustCompile(`E\s*-?\s*MARK`), name: "E-Mark", letters: true},
	{re: regexp.MustCompile(`FCC`), name: "FCC", letters: true},
	{re: regexp.MustCompile(`UN\s*38\.3`), name: "UN38.3", letters: true},
}

var certTailRe = regexp.MustCompile(`^\s*(?:体系认证|认证证书|体系证书|质量体系|体系|认证|证书|资质)`)

type certMatch struct {
	name       string
	start, end int
}

func findCerts(s string) []certMatch {
	up := asciiUpper(s)
	var out []certMatch
	for _, cp := range certPatterns {
		for _, m := range cp.re.FindAllStringIndex(up, -1) {
			a, b := m[0], m[1]
			for a < b && up[a] == ' ' {
				a++
			}
			if a > 0 && (isASCIIDigit(up[a-1]) || up[a-1] == '.') || b < len(up) && isASCIIDigit(up[b]) {
				continue
			}
			if cp.letters && (a > 0 && isASCIILetter(up[a-1]) || b < len(up) && isASCIILetter(up[b])) {
				continue
			}
			if cp.bareNum && a > 0 && isASCIILetter(up[a-1]) {
				continue // part of a model number such as X9001
			}
			if cp.name == "CCC" && strings.HasPrefix(up[a:b], "3C") && !strings.HasPrefix(up[a:], "3C认证") {
				continue // bare 3C is 3C electronics, not the certificate
			}
			clash := false
			for _, o := range out {
				if a < o.end && o.start < b {
					clash = true
				}
			}
			if clash {
				continue
			}
			if t := certTailRe.FindString(up[b:]); t != "" {
				b += len(t)
			}
			out = append(out, certMatch{cp.name, a, b})
		}
	}
	return out
}

// NormalizeCertification maps a certification as users type it to its
// canonical name: "IATF16949", "iatf 16949", "16949", "TS16949",
// "ISO/TS 16949" → "IATF 16949"; "ISO9001", "9001认证" → "ISO 9001";
// "14001" → "ISO 14001"; "AECQ100" → "AEC-Q100"; "3C认证" → "CCC"; "rohs" →
// "RoHS". It returns false unless the whole of s is one certification.
func NormalizeCertification(s string) (string, bool) {
	n := strings.TrimSpace(Normalize(s))
	if n == "" {
		return "", false
	}
	for _, p := range []string{"通过", "具备", "具有", "需要", "需", "要求", "有"} {
		n = strings.TrimPrefix(n, p)
	}
	cs := findCerts(n)
	if len(cs) != 1 {
		return "", false
	}
	rest := strings.TrimSpace(n[:cs[0].start] + n[cs[0].end:])
	rest = strings.Trim(rest, " :：-")
	if rest != "" {
		return "", false
	}
	return cs[0].name, true
}
