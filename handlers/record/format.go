package record

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supplybot/store"
)

// Number writes a number the way buyers say it: whole hundreds from ten
// thousand up in 万 (12300 → 1.23万, 20000 → 2万), anything else as is
// (12345, 1.5).
func Number(v float64) string {
	if v >= 10000 && int64(v)%100 == 0 && float64(int64(v)) == v {
		return strconv.FormatFloat(v/10000, 'f', -1, 64) + "万"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Quantity writes 5000件, 1.23万件, 1.5吨; "" when there is no quantity.
func Quantity(q *store.Quantity) string {
	if q == nil || q.Value <= 0 {
		return ""
	}
	return Number(q.Value) + q.Unit
}

// Price writes 35元, 30-35元, 不超过35元, 30元以上; the unit defaults to 元.
func Price(p *store.Price) string {
	if p == nil {
		return ""
	}
	unit := p.Unit
	if unit == "" {
		unit = "元"
	}
	switch {
	case p.Min == 0 && p.Max > 0:
		return "不超过" + Number(p.Max) + unit
	case p.Max == 0 && p.Min > 0:
		return Number(p.Min) + unit + "以上"
	case p.Min == p.Max:
		return Number(p.Min) + unit
	}
	return Number(p.Min) + "-" + Number(p.Max) + unit
}

// Region writes the full place: 四川省成都市龙泉驿区, 重庆市璧山区.
func Region(r store.Region) string {
	s := r.Province
	if r.City != "" && r.City != r.Province {
		s += r.City
	}
	return s + r.District
}

// RegionShort writes the place in few characters, for alerts and
// template fields: 成都龙泉驿区, 重庆璧山区, 四川绵阳.
func RegionShort(r store.Region) string {
	trim := func(s string) string {
		if utf8.RuneCountInString(s) > 2 {
			s = strings.TrimSuffix(strings.TrimSuffix(s, "省"), "市")
		}
		return s
	}
	switch {
	case r.City != "" && r.District != "":
		return trim(r.City) + r.District
	case r.City != "" && r.City != r.Province:
		if r.Province != "" {
			return trim(r.Province) + trim(r.City)
		}
		return trim(r.City)
	}
	return trim(r.Province)
}

// Date writes a day in China: 12月31日 in the year of now, 2027年1月15日
// in another.
func Date(t, now time.Time) string {
	t, now = t.In(China), now.In(China)
	if t.Year() == now.Year() {
		return MonthDay(t)
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// MonthDay writes a day in China without its year: 12月31日. Pushes use
// it, where no "now" of the reader is at hand and the date is near.
func MonthDay(t time.Time) string {
	t = t.In(China)
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// Lead writes a lead time: 现货 for none, else 15天.
func Lead(days int) string {
	if days == 0 {
		return "现货"
	}
	return strconv.Itoa(days) + "天"
}

// Summary is the amount, timing and place of a record in one line,
// without any contact: "5000件 · 12月31日前 · 重庆璧山区",
// "月产能3万件 · 成都龙泉驿区".
func Summary(p store.Post) string {
	var parts []string
	if p.Kind == store.KindOffer {
		if q := Quantity(p.Capacity); q != "" {
			parts = append(parts, "月产能"+q)
		} else if q := Quantity(p.MOQ); q != "" {
			parts = append(parts, "起订"+q)
		}
	} else {
		if q := Quantity(p.Quantity); q != "" {
			parts = append(parts, q)
		}
		if p.Deadline != nil {
			parts = append(parts, MonthDay(*p.Deadline)+"前")
		}
	}
	if r := RegionShort(p.Region); r != "" {
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

// Clip keeps s within n characters, marking a cut with "…" (template
// fields and list lines have fixed widths).
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
