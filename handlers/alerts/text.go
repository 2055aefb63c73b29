package alerts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supplybot/store"
)

// kindWord is how users call a record kind.
func kindWord(kind string) string {
	if kind == store.KindOffer {
		return "供应"
	}
	return "求购"
}

// formatQty writes 5000件, 2万件, 1.5吨.
func formatQty(q *store.Quantity) string {
	if q == nil || q.Value <= 0 {
		return ""
	}
	v := q.Value
	if v >= 10000 && int64(v)%1000 == 0 {
		return strconv.FormatFloat(v/10000, 'f', -1, 64) + "万" + q.Unit
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + q.Unit
}

// regionShort writes 重庆璧山区, 成都龙泉驿区, 四川绵阳 from the full names.
func regionShort(r store.Region) string {
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

func dateCN(t time.Time) string {
	c := t.In(cst)
	return fmt.Sprintf("%d月%d日", int(c.Month()), c.Day())
}

// summary is the quantity, timing and place of a record, without any
// contact detail: "5000件 · 12月31日前 · 重庆璧山区".
func summary(p *store.Post) string {
	var parts []string
	if p.Kind == store.KindOffer {
		if q := formatQty(p.Capacity); q != "" {
			parts = append(parts, "月产能"+q)
		} else if q := formatQty(p.MOQ); q != "" {
			parts = append(parts, "起订"+q)
		}
	} else {
		if q := formatQty(p.Quantity); q != "" {
			parts = append(parts, q)
		}
		if p.Deadline != nil {
			parts = append(parts, dateCN(*p.Deadline)+"前")
		}
	}
	if r := regionShort(p.Region); r != "" {
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

// headline names a record: "O2048 变速箱电磁阀".
func headline(p *store.Post) string { return p.No + " " + p.Product }

// alertText is the customer-service message of an alert.
func alertText(a alertSpec) string {
	var b strings.Builder
	if a.Kind == kindSubscription {
		fmt.Fprintf(&b, "您订阅的“%s”有新%s：\n", a.SubDesc, kindWord(a.About.Kind))
	} else {
		fmt.Fprintf(&b, "为您找到匹配（您的%s %s）：\n", kindWord(otherKind(a.About.Kind)), a.MyNo)
	}
	b.WriteString(headline(a.About))
	if sm := summary(a.About); sm != "" {
		b.WriteString(" · " + sm)
	}
	if len(a.Reasons) > 0 {
		b.WriteString("\n" + strings.Join(a.Reasons, " · "))
	}
	fmt.Fprintf(&b, "\n回复 详情 %s 或 联系 %s", a.About.No, a.About.No)
	return b.String()
}

func otherKind(kind string) string {
	if kind == store.KindOffer {
		return store.KindDemand
	}
	return store.KindOffer
}

// maxField is WeChat's limit on each template value (2023 rules).
const maxField = 20

// clip keeps s within n runes, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// alertFields are the template values of an alert, each within 20 runes.
func alertFields(a alertSpec) map[string]string {
	first := "为您的" + kindWord(otherKind(a.About.Kind)) + " " + a.MyNo + " 找到匹配"
	if a.Kind == kindSubscription {
		first = "您订阅的" + kindWord(a.About.Kind) + "有新信息"
	}
	f := map[string]string{
		"first":    first,
		"keyword1": headline(a.About),
		"keyword2": summary(a.About),
		"keyword3": strings.Join(a.Reasons, "·"),
		"remark":   "回复 联系 " + a.About.No + " 交换联系方式",
	}
	for k, v := range f {
		if v == "" {
			v = "—"
		}
		f[k] = clip(v, maxField)
	}
	return f
}

// digestText lists the alerts that went over the day's cap.
func digestText(items []store.Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "今日另有 %d 条新匹配（已超过每日推送上限，汇总发送）：", len(items))
	const show = 8
	for i, a := range items {
		if i == show {
			fmt.Fprintf(&b, "\n…还有 %d 条", len(items)-show)
			break
		}
		fmt.Fprintf(&b, "\n%d. %s %s", i+1, a.RecordNo, clip(a.Product, 12))
	}
	b.WriteString("\n回复 我的匹配 查看理由，或 详情 编号 查看")
	return b.String()
}
