package handlers

import (
	"regexp"
	"strings"

	"supplybot/handlers/parse"
)

// privateNote tells a user that contacts typed into a post were left out.
const privateNote = "您写的手机号、微信号没有保存，也不会公开：对方同意后平台再交换双方联系方式。"

// wechatIDRe finds a WeChat id with its label: 微信wang_cg88, VX: abc123.
var wechatIDRe = regexp.MustCompile(`(?i)(微信号?|weixin|wechat|vx|wx|v信)\s*[:：]?\s*[a-z][-_a-z0-9]{5,19}`)

// withoutContacts removes mobiles, landlines and WeChat ids from s.
func withoutContacts(s string) string {
	t := wechatIDRe.ReplaceAllString(s, "")
	if m := parse.MaskPhones(t, "\x00"); m != t {
		t = strings.ReplaceAll(m, "\x00", "")
	}
	if t == s {
		return s
	}
	return strings.Join(strings.Fields(t), " ")
}

// withoutAnonymous removes 匿名 from a post and reports whether it was there.
func withoutAnonymous(s string) (string, bool) {
	for _, w := range []string{"匿名发布", "匿名"} {
		if strings.Contains(s, w) {
			return strings.Join(strings.Fields(strings.ReplaceAll(s, w, " ")), " "), true
		}
	}
	return s, false
}
