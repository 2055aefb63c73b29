package taskforce

import (
	"strings"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// maxReply keeps a reply within WeChat's 2048-byte passive-reply limit.
const maxReply = 2000

// itemText is one queue item in a line or two.
func itemText(it QueueItem, now time.Time) string {
	e := it.Enterprise
	var b strings.Builder
	b.WriteString(clip(e.Name, 30))
	var about []string
	if e.Role != "" {
		about = append(about, e.Role)
	}
	if r := record.RegionShort(e.Region); r != "" {
		about = append(about, r)
	}
	if len(about) > 0 {
		b.WriteString("（" + strings.Join(about, " · ") + "）")
	}
	if it.Kind == KindDispute {
		b.WriteString("\n  申诉人")
		if it.ClaimantMobile != "" {
			b.WriteString("手机尾号" + tail(it.ClaimantMobile))
		}
		b.WriteString("：" + clip(it.Reason, 40))
		if e.Verified {
			b.WriteString("；现持有方已认证")
		}
	} else {
		b.WriteString("\n  信用代码" + it.USCC)
		if it.USCCValid {
			b.WriteString(" 校验通过")
		} else {
			b.WriteString(" 校验不通过")
		}
	}
	b.WriteString(" · " + record.Date(it.RequestedAt, now))
	return b.String()
}

func queueText(items []QueueItem, now time.Time) string {
	if len(items) == 0 {
		return "没有待审核的事项。\n回复“专班帮助”查看专班命令。"
	}
	var b strings.Builder
	b.WriteString("待审核" + itoa64(int64(len(items))) + "项（先到先审）：\n")
	const foot = "回复“通过 编号”或“驳回 编号 原因”。"
	for i, it := range items {
		kind := "认证"
		if it.Kind == KindDispute {
			kind = "申诉"
		}
		line := itoa64(it.N) + ". 【" + kind + "】" + itemText(it, now) + "\n"
		// Room for this line, the "……还有" line and the foot.
		const more = len("……还有999项，处理完上面的再看。\n")
		if b.Len()+len(line)+more+len(foot) > maxReply {
			b.WriteString("……还有" + itoa64(int64(len(items)-i)) + "项，处理完上面的再看。\n")
			break
		}
		b.WriteString(line)
	}
	b.WriteString(foot)
	return b.String()
}

func ticketsText(ts []store.Ticket, now time.Time) string {
	if len(ts) == 0 {
		return "没有待答复的留言。"
	}
	var b strings.Builder
	b.WriteString("待答复的留言（先到先答）：\n")
	const foot = "回复“回复 编号 内容”答复用户。"
	for _, t := range ts {
		from := "未注册用户"
		if t.EnterpriseName != "" {
			from = t.EnterpriseName
		}
		last := t.Messages[len(t.Messages)-1]
		line := itoa64(t.N) + ". " + clip(from, 16) + "（" + record.Date(last.At, now) + "，" + itoa64(int64(len(t.Messages))) + "条）：" + clip(last.Text, 60) + "\n"
		if b.Len()+len(line)+len(foot) > maxReply {
			break
		}
		b.WriteString(line)
	}
	b.WriteString(foot)
	return b.String()
}

func percent(part, whole int64) string {
	if whole <= 0 {
		return "-"
	}
	return itoa64(part*100/whole) + "%"
}

func namedLine(ns []Named, limit int) string {
	var parts []string
	for i, n := range ns {
		if i == limit {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, clip(n.Name, 8)+itoa64(n.Count))
	}
	return strings.Join(parts, " ")
}

// statsText is Stats on one phone screen.
func statsText(st Stats, now time.Time) string {
	var b strings.Builder
	b.WriteString("平台统计·" + st.Period)
	if !st.From.IsZero() {
		b.WriteString("（" + record.MonthDay(st.From) + "起）")
	}
	b.WriteString("\n企业：共" + itoa64(st.Enterprises) + "家（已认证" + itoa64(st.Verified) + "）")
	if !st.From.IsZero() {
		b.WriteString("，新增" + itoa64(st.NewEnterprises))
	}
	if len(st.ByRole) > 0 {
		b.WriteString("\n· " + namedLine(st.ByRole, 4))
	}
	if len(st.ByProvince) > 0 {
		b.WriteString("\n· " + namedLine(st.ByProvince, 5))
	}
	b.WriteString("\n需求：新增" + itoa64(st.NewDemands) + "，在架" + itoa64(st.OpenDemands))
	b.WriteString("\n供应：新增" + itoa64(st.NewOffers) + "，在架" + itoa64(st.OpenOffers))
	b.WriteString("\n对接：匹配" + itoa64(st.Matches) + " → 交换联系" + itoa64(st.Contacts) + "（" + percent(st.Contacts, st.Matches) +
		"）→ 经平台成交" + itoa64(st.DealsViaPlatform) + "（" + percent(st.DealsViaPlatform, st.Contacts) + "）")
	b.WriteString("\n成交上报：" + itoa64(st.Deals) + "条")
	if len(st.TopCategories) > 0 {
		b.WriteString("\n热门品类：" + namedLine(st.TopCategories, 5))
	}
	if !st.CountedAt.IsZero() && now.Sub(st.CountedAt) >= time.Minute {
		b.WriteString("\n（在架、匹配、联系数截至" + st.CountedAt.In(record.China).Format("15:04") + "）")
	}
	b.WriteString("\n回复“统计 今天/本周/本月/全部”切换。")
	s := b.String()
	if len(s) > maxReply {
		s = s[:strings.LastIndexByte(s[:maxReply], '\n')]
	}
	return s
}
