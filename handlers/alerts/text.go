package alerts

import (
	"fmt"
	"strings"

	"supplybot/handlers/record"
	"supplybot/store"
)

// The record vocabulary under the names the other files of this package
// use; new code calls record directly.

// headline names a record: "O2048 变速箱电磁阀".
func headline(p *store.Post) string { return p.No + " " + p.Product }

// alertText is the customer-service message of an alert.
func alertText(a alertSpec) string {
	var b strings.Builder
	if a.Kind == kindSubscription {
		fmt.Fprintf(&b, "您订阅的“%s”有新%s：\n", a.SubDesc, record.KindName(a.About.Kind))
	} else {
		fmt.Fprintf(&b, "为您找到匹配（您的%s %s）：\n", record.KindName(record.OtherKind(a.About.Kind)), a.MyNo)
	}
	b.WriteString(headline(a.About))
	if sm := record.Summary(*a.About); sm != "" {
		b.WriteString(" · " + sm)
	}
	if pub := record.Publisher(*a.About); pub != "" {
		b.WriteString("\n发布方：" + pub)
	}
	if len(a.Reasons) > 0 {
		b.WriteString("\n" + strings.Join(a.Reasons, " · "))
	}
	fmt.Fprintf(&b, "\n回复 详情 %s 或 联系 %s", a.About.No, a.About.No)
	return b.String()
}

// maxField is WeChat's limit on each template value (2023 rules).
const maxField = 20

// alertFields are the template values of an alert, each within 20 runes.
func alertFields(a alertSpec) map[string]string {
	first := "为您的" + record.KindName(record.OtherKind(a.About.Kind)) + " " + a.MyNo + " 找到匹配"
	if a.Kind == kindSubscription {
		first = "您订阅的" + record.KindName(a.About.Kind) + "有新信息"
	}
	f := map[string]string{
		"first":    first,
		"keyword1": headline(a.About),
		"keyword2": record.Summary(*a.About),
		"keyword3": strings.Join(a.Reasons, "·"),
		"remark":   "回复 联系 " + a.About.No + " 交换联系方式",
	}
	for k, v := range f {
		if v == "" {
			v = "—"
		}
		f[k] = record.Clip(v, maxField)
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
		fmt.Fprintf(&b, "\n%d. %s %s", i+1, a.RecordNo, record.Clip(a.Product, 12))
	}
	b.WriteString("\n回复 我的匹配 查看理由，或 详情 编号 查看")
	return b.String()
}
