package parse

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	yearPat = `(今年|明年|后年|\d{4}\s*年|[零〇一二三四五六七八九]{4}\s*年|\d{2}\s*年)`
	mdPat   = `(\d{1,2}|[一二三四五六七八九十]{1,3})`
	// tail consumed after a date so that it does not end up in the product
	dateTail = `\s*(?:之前|以前|前|以内|之内|内)?\s*(?:要货|交货|交付|到货|发货|送达|到厂|送到|完成|交齐|供货|交)?`
	daysPat  = `(个工作日|工作日|天|日|个星期|星期|周|个礼拜|礼拜|个月|月)`
)

type datePattern struct {
	re   *regexp.Regexp
	fn   func(s string, m []int, now time.Time) (time.Time, bool)
	need string // the text must hold one of these runes, "" for any text
}

var datePatterns []datePattern

var deliveryVerbRe = regexp.MustCompile(`^\s*(?:之前|以前|前|以内|之内|内)?\s*(?:要货|交货|交付|到货|发货|送达|到厂|送到|完成|交齐|供货|交)`)

func init() {
	add := func(pat string, fn func(s string, m []int, now time.Time) (time.Time, bool)) {
		datePatterns = append(datePatterns, datePattern{re: regexp.MustCompile(pat + dateTail), fn: fn})
	}
	// 2027-01-15, 2027/1/15, 2027.1.15
	add(`(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[日号]?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		if m[0] > 0 && isASCIIDigit(s[m[0]-1]) || m[7] < len(s) && isASCIIDigit(s[m[7]]) {
			return time.Time{}, false
		}
		y, _ := strconv.Atoi(sub(s, m, 1))
		mo, _ := strconv.Atoi(sub(s, m, 2))
		d, _ := strconv.Atoi(sub(s, m, 3))
		return mkDate(y, mo, d)
	})
	// 12/31前, 1/15交货: a month and day with slashes count only before a
	// deadline word, as 205/55R16 and 1/2 are not dates.
	add(`(\d{1,2})\s*/\s*(\d{1,2})\s*[日号]?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		if m[0] > 0 && (isASCIIDigit(s[m[0]-1]) || isASCIILetter(s[m[0]-1]) || strings.ContainsRune("/.-", rune(s[m[0]-1]))) {
			return time.Time{}, false
		}
		if end := m[5]; end < len(s) && (isASCIIDigit(s[end]) || isASCIILetter(s[end]) || strings.ContainsRune("/.-", rune(s[end]))) {
			return time.Time{}, false
		}
		if s[m[5]:m[1]] == "" || strings.TrimSpace(s[m[5]:m[1]]) == "" {
			return time.Time{}, false // no 前 or delivery word after it
		}
		y, _ := resolveYear("", now)
		mo, _ := strconv.Atoi(sub(s, m, 1))
		d, _ := strconv.Atoi(sub(s, m, 2))
		t, ok := mkDate(y, mo, d)
		if ok && t.Before(startOfDay(now)) {
			t, ok = mkDate(y+1, mo, d)
		}
		return t, ok
	})
	// [明年|2027年] 3月15日 / 3月15号
	add(yearPat+`?\s*`+mdPat+`\s*月份?\s*`+mdPat+`\s*[日号]`, func(s string, m []int, now time.Time) (time.Time, bool) {
		y, explicit := resolveYear(sub(s, m, 1), now)
		mo, ok1 := smallNum(sub(s, m, 2))
		d, ok2 := smallNum(sub(s, m, 3))
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		t, ok := mkDate(y, mo, d)
		if ok && !explicit && t.Before(startOfDay(now)) {
			t, ok = mkDate(y+1, mo, d)
		}
		return t, ok
	})
	// [2027年] 一季度 / Q1 / 第二季度末
	add(yearPat+`?\s*(?:第\s*)?([一二三四1-4])\s*季度\s*(?:末|底)?`, quarterFn)
	add(yearPat+`?\s*[Qq]([1-4])\s*(?:末|底)?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		if m[4] > 1 && isASCIILetter(s[m[4]-2]) || m[5] < len(s) && (isASCIIDigit(s[m[5]]) || isASCIILetter(s[m[5]])) {
			return time.Time{}, false
		}
		return quarterFn(s, m, now)
	})
	// [明年] 3月底 / 3月中旬 / 3月份 / 3月前
	add(yearPat+`?\s*`+mdPat+`\s*月(份)?\s*(初|上旬|中旬|下旬|中|底|末|前|之前|以前)?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		ys, fen, suf := sub(s, m, 1), sub(s, m, 3), sub(s, m, 4)
		if m[4] > 0 && (isASCIIDigit(s[m[4]-1]) || s[m[4]-1] == '.') {
			return time.Time{}, false
		}
		if ys == "" && fen == "" && suf == "" && !deliveryVerbRe.MatchString(strings.TrimPrefix(strings.TrimLeft(s[m[5]:], " "), "月")) {
			return time.Time{}, false // bare "3月" is too vague (and 3个月 is a duration)
		}
		y, explicit := resolveYear(ys, now)
		mo, ok := smallNum(sub(s, m, 2))
		if !ok || mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		t, ok := monthPart(y, mo, suf)
		if ok && !explicit && t.Before(startOfDay(now)) {
			t, ok = monthPart(y+1, mo, suf)
		}
		return t, ok
	})
	// 下个月10号前 / 本月20日 / 次月5号: a day of a named month
	add(`(本|这个|这|当|下下个|下下|下个|下|次)月份?\s*`+mdPat+`\s*[日号]`, func(s string, m []int, now time.Time) (time.Time, bool) {
		n := now.In(CST)
		add := 0
		switch sub(s, m, 1) {
		case "下个", "下", "次":
			add = 1
		case "下下个", "下下":
			add = 2
		}
		d, ok := smallNum(sub(s, m, 2))
		if !ok {
			return time.Time{}, false
		}
		first := time.Date(n.Year(), n.Month()+time.Month(add), 1, 0, 0, 0, 0, CST)
		return mkDate(first.Year(), int(first.Month()), d)
	})
	datePatterns[len(datePatterns)-1].need = "号日"
	// 2027年春节前 / 明年国庆前 / 今年中秋前: the day before the holiday
	add(`(今年|明年|后年|\d{4}\s*年)\s*(春节|过年|国庆节?|元旦|五一|劳动节|端午节?|中秋节?)\s*(?:之前|以前|前)`, holidayFn)
	datePatterns[len(datePatterns)-1].need = "节过庆旦五午秋"
	// 本月底 / 下月中旬 / 下个月 / 次月初
	add(`(本|这个|这|当|下下个|下下|下个|下|次)月份?\s*(初|上旬|中旬|下旬|中|底|末)?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		n := now.In(CST)
		add := 0
		switch sub(s, m, 1) {
		case "下个", "下", "次":
			add = 1
		case "下下个", "下下":
			add = 2
		}
		first := time.Date(n.Year(), n.Month()+time.Month(add), 1, 0, 0, 0, 0, CST)
		return monthPart(first.Year(), int(first.Month()), sub(s, m, 2))
	})
	// 月底 / 月末 (this month)
	add(`月(底|末)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		n := now.In(CST)
		return monthPart(n.Year(), int(n.Month()), "底")
	})
	// 年底 / 今年底 / 明年年底 / 2027年年中 / 下半年
	add(`(今|明|后|\d{4}\s*)年\s*年?(底|末|终|中)|年(底|末|终|中)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		y := now.In(CST).Year()
		switch p := strings.TrimSpace(sub(s, m, 1)); p {
		case "", "今":
		case "明":
			y++
		case "后":
			y += 2
		default:
			y, _ = strconv.Atoi(p)
		}
		part := sub(s, m, 2) + sub(s, m, 3)
		if part == "中" {
			return mkDate(y, 6, 30)
		}
		return mkDate(y, 12, 31)
	})
	add(`(今年|明年|\d{4}\s*年)?\s*(上半年|下半年)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		y, _ := resolveYear(sub(s, m, 1), now)
		if sub(s, m, 2) == "上半年" {
			return mkDate(y, 6, 30)
		}
		return mkDate(y, 12, 31)
	})
	// 30天内 / 两周内 / 一个月内 / 10个工作日内
	relativeDaysPattern = len(datePatterns)
	add(`(`+numPat+`)\s*`+daysPat+`\s*(?:以内|之内|内)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		if m[2] > 0 && (isASCIIDigit(s[m[2]-1]) || isASCIILetter(s[m[2]-1])) {
			return time.Time{}, false
		}
		v, ok := parseNumber(sub(s, m, 1))
		if !ok || v <= 0 || v > 3660 || v != float64(int(v)) {
			return time.Time{}, false
		}
		n := now.In(CST)
		switch u := sub(s, m, 2); u {
		case "个月", "月":
			return endOfDay(n.AddDate(0, int(v), 0)), true
		case "个星期", "星期", "周", "个礼拜", "礼拜":
			return endOfDay(n.AddDate(0, 0, 7*int(v))), true
		case "个工作日", "工作日":
			return endOfDay(addWorkdays(n, int(v))), true
		default:
			return endOfDay(n.AddDate(0, 0, int(v))), true
		}
	})
	// 今天 / 明天 / 后天 / 大后天
	add(`(今天|今日|明天|明日|大后天|后天)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		d := map[string]int{"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}[sub(s, m, 1)]
		return endOfDay(now.In(CST).AddDate(0, 0, d)), true
	})
	// 本周五 / 下周 / 下星期三
	add(`(本|这|下)个?(?:周|星期|礼拜)([一二三四五六日天1-7])?`, func(s string, m []int, now time.Time) (time.Time, bool) {
		n := now.In(CST)
		wd := int(n.Weekday())
		if wd == 0 {
			wd = 7
		}
		target := 7
		if w := sub(s, m, 2); w != "" {
			target = strings.Index("一二三四五六日", w)
			switch {
			case w == "天":
				target = 7
			case target >= 0:
				target = target/3 + 1 // UTF-8: 3 bytes per rune
			default:
				target, _ = strconv.Atoi(w)
			}
		}
		days := target - wd
		if sub(s, m, 1) == "下" {
			days += 7
		}
		if days < 0 {
			return time.Time{}, false
		}
		return endOfDay(n.AddDate(0, 0, days)), true
	})
	// 15号前 / 20日之前 (this month, or next month if already past)
	add(mdPat+`\s*[日号]\s*(?:之前|以前|前)`, func(s string, m []int, now time.Time) (time.Time, bool) {
		if m[2] > 0 && (isASCIIDigit(s[m[2]-1]) || isASCIILetter(s[m[2]-1])) {
			return time.Time{}, false
		}
		d, ok := smallNum(sub(s, m, 1))
		if !ok {
			return time.Time{}, false
		}
		n := now.In(CST)
		t, ok := mkDate(n.Year(), int(n.Month()), d)
		if ok && t.Before(startOfDay(now)) {
			nx := time.Date(n.Year(), n.Month()+1, 1, 0, 0, 0, 0, CST)
			t, ok = mkDate(nx.Year(), int(nx.Month()), d)
		}
		return t, ok
	})
}

// springFestival is the first day of the lunar year (正月初一) by
// Gregorian year; the dates come from the published calendar.
var springFestival = map[int]string{
	2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13",
	2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19", 2035: "02-08",
}

// lunarHolidays are 端午 and 中秋 by Gregorian year.
var lunarHolidays = map[string]map[int]string{
	"端午": {2025: "05-31", 2026: "06-19", 2027: "06-09", 2028: "05-28"},
	"中秋": {2025: "10-06", 2026: "09-25", 2027: "09-15", 2028: "10-03"},
}

// holidayDay returns the month and day of a holiday in year y.
func holidayDay(name string, y int) (int, int, bool) {
	var md string
	switch name {
	case "春节", "过年":
		md = springFestival[y]
	case "国庆", "国庆节":
		md = "10-01"
	case "元旦":
		md = "01-01"
	case "五一", "劳动节":
		md = "05-01"
	default:
		md = lunarHolidays[strings.TrimSuffix(name, "节")][y]
	}
	if len(md) != 5 {
		return 0, 0, false
	}
	mo, _ := strconv.Atoi(md[:2])
	d, _ := strconv.Atoi(md[3:])
	return mo, d, true
}

// holidayFn reads a holiday named with its year (2027年春节前, 明年国庆前).
// Without a year it is left alone: TestParseDate keeps a bare 春节前
// unread.
func holidayFn(s string, m []int, now time.Time) (time.Time, bool) {
	name := sub(s, m, 2)
	y, explicit := resolveYear(sub(s, m, 1), now)
	if !explicit {
		return time.Time{}, false
	}
	mo, d, ok := holidayDay(name, y)
	if !ok {
		return time.Time{}, false
	}
	return endOfDay(time.Date(y, time.Month(mo), d, 0, 0, 0, 0, CST).AddDate(0, 0, -1)), true
}

func quarterFn(s string, m []int, now time.Time) (time.Time, bool) {
	y, explicit := resolveYear(sub(s, m, 1), now)
	q := strings.Index("一二三四", sub(s, m, 2))
	if q >= 0 {
		q = q/3 + 1
	} else {
		q, _ = strconv.Atoi(sub(s, m, 2))
	}
	if q < 1 || q > 4 {
		return time.Time{}, false
	}
	t, ok := mkDate(y, q*3, daysIn(y, q*3))
	if ok && !explicit && t.Before(startOfDay(now)) {
		t, ok = mkDate(y+1, q*3, daysIn(y+1, q*3))
	}
	return t, ok
}

// monthPart resolves a part of a month: 初/上旬 → 10th, 中 → 15th,
// 中旬 → 20th, 下旬/底/末/"" → last day, 前 → last day of the previous month.
func monthPart(y, mo int, part string) (time.Time, bool) {
	switch part {
	case "初", "上旬":
		return mkDate(y, mo, 10)
	case "中":
		return mkDate(y, mo, 15)
	case "中旬":
		return mkDate(y, mo, 20)
	case "前", "之前", "以前":
		t := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, CST).AddDate(0, 0, -1)
		return endOfDay(t), true
	}
	return mkDate(y, mo, daysIn(y, mo))
}

// resolveYear reads 今年/明年/后年/2027年/二〇二七年/27年; explicit is false
// when no year was given.
func resolveYear(ys string, now time.Time) (year int, explicit bool) {
	y := now.In(CST).Year()
	ys = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(ys), "年"))
	switch ys {
	case "":
		return y, false
	case "今":
		return y, true
	case "明":
		return y + 1, true
	case "后":
		return y + 2, true
	}
	v, ok := parseNumber(ys)
	if !ok {
		return y, false
	}
	if v < 100 {
		v += 2000
	}
	return int(v), true
}

func smallNum(s string) (int, bool) {
	v, ok := parseNumber(s)
	if !ok || v != float64(int(v)) || v < 1 || v > 31 {
		return 0, false
	}
	return int(v), true
}

func daysIn(y, mo int) int {
	return time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, CST).Day()
}

// mkDate returns 23:59:59 CST of the given day, rejecting impossible dates.
func mkDate(y, mo, d int) (time.Time, bool) {
	if y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, 23, 59, 59, 0, CST), true
}

func endOfDay(t time.Time) time.Time {
	t = t.In(CST)
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, CST)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(CST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, CST)
}

func addWorkdays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

type dateMatch struct {
	t          time.Time
	start, end int
	leadDays   int // "15天内交货" also states a lead time
}

// findDates returns every date expression in s, in pattern order; callers
// pick the leftmost. Matched spans do not overlap.
func findDates(s string, now time.Time) []dateMatch {
	var out []dateMatch
	taken := func(a, b int) bool {
		for _, d := range out {
			if a < d.end && d.start < b {
				return true
			}
		}
		return false
	}
	for i, dp := range datePatterns {
		if dp.need != "" && !strings.ContainsAny(s, dp.need) {
			continue
		}
		for _, m := range dp.re.FindAllStringSubmatchIndex(s, -1) {
			if taken(m[0], m[1]) {
				continue
			}
			t, ok := dp.fn(s, m, now)
			if !ok {
				continue
			}
			dm := dateMatch{t: t, start: m[0], end: m[1]}
			if i == relativeDaysPattern && strings.ContainsAny(s[m[0]:m[1]], "交货到完") {
				if v, ok := parseNumber(sub(s, m, 1)); ok {
					dm.leadDays = leadDays(v, sub(s, m, 2))
				}
			}
			out = append(out, dm)
		}
	}
	return out
}

// index of the "30天内" pattern in datePatterns, set by init.
var relativeDaysPattern int

func leadDays(v float64, unit string) int {
	switch unit {
	case "个月", "月":
		return int(v * 30)
	case "个星期", "星期", "周", "个礼拜", "礼拜":
		return int(v * 7)
	}
	return int(v)
}

// ParseDate resolves the first date expression in s against now (China
// time) and returns 23:59:59 CST of that day: "12月底前", "明年3月15日前",
// "下月中旬" (20th), "下月底", "本月底", "2027年一季度" (Mar 31), "二季度",
// "30天内", "两周内", "3月15号", "2027-01-15", "2027/1/15", "年底前". A month
// or day already past this year (month) means the next one.
func ParseDate(s string, now time.Time) (time.Time, bool) {
	ds := findDates(Normalize(s), now)
	if len(ds) == 0 {
		return time.Time{}, false
	}
	best := ds[0]
	for _, d := range ds[1:] {
		if d.start < best.start {
			best = d
		}
	}
	return best.t, true
}
