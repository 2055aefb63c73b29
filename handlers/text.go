package handlers

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"supplybot/handlers/parse"
)

// maxInputRunes is the longest message the conversation reads; longer
// ones are answered with a request to shorten and change nothing.
const maxInputRunes = 500

var (
	tagRe   = regexp.MustCompile(`<[^<>]{0,200}>`)
	recNoRe = regexp.MustCompile(`(?i)^[DO]\d{3,9}$`)
)

// clean normalises a message for reading: full-width forms, emoji and extra
// spaces (parse.Normalize), markup tags removed, trailing punctuation that
// voice recognition adds ("确认。") dropped.
func clean(s string) string {
	s = parse.Normalize(tagRe.ReplaceAllString(parse.StripMarkup(s), ""))
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return strings.ContainsRune("。.!！?？~，,；;、", r) || unicode.IsSpace(r)
	})
	return strings.TrimSpace(s)
}

// safeField cleans free text the user gives for a stored field: markup and
// control characters gone, angle brackets dropped, at most n characters.
func safeField(s string, n int) string {
	s = clean(s)
	s = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return cutRunes(strings.TrimSpace(s), n)
}

// cutRunes cuts s to n characters.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// preview cuts s to n characters for echoing it back.
func preview(s string, n int) string {
	s = strings.ReplaceAll(tagRe.ReplaceAllString(s, ""), "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// scrub hides phone numbers in text shown to other users; quantities,
// prices and codes stay readable.
func scrub(s string) string { return parse.MaskPhones(s, "***") }

// Command names.
const (
	cmdHelp         = "help"
	cmdRegister     = "register"
	cmdJoin         = "join"
	cmdQuit         = "quit"
	cmdNewDemand    = "new-demand"
	cmdNewOffer     = "new-offer"
	cmdPostDemand   = "post-demand"
	cmdPostOffer    = "post-offer"
	cmdSearchDemand = "search-demand"
	cmdSearchOffer  = "search-offer"
	cmdNext         = "next"
	cmdMine         = "mine"
	cmdDetail       = "detail"
	cmdClose        = "close"
	cmdRenew        = "renew"
	cmdEdit         = "edit"
	cmdResume       = "resume"
	cmdDiscard      = "discard"
	cmdCancel       = "cancel"
	cmdBack         = "back"
	// other features' commands: they pass a running form by
	cmdForeign = "foreign"
)

type cmdWord struct {
	word, name string
	exact      bool // the whole message, not a prefix
}

var cmdWords = func() []cmdWord {
	var ws []cmdWord
	add := func(name string, exact bool, words ...string) {
		for _, w := range words {
			ws = append(ws, cmdWord{w, name, exact})
		}
	}
	add(cmdHelp, true, "帮助", "help", "菜单", "?", "？", "使用说明", "怎么用")
	add(cmdRegister, false, "注册", "企业注册", "登记企业")
	add(cmdJoin, false, "加入", "邀请码")
	add(cmdQuit, true, "注销", "注销账号", "删除我的信息")
	add(cmdNewDemand, false, "发布需求", "发布求购", "我要求购", "我要采购")
	add(cmdNewOffer, false, "发布供应", "我要供应", "我要供货")
	add(cmdPostDemand, false, "求购", "采购", "急购", "急需", "需要", "求", "找", "寻找", "收购", "想买", "要买")
	add(cmdPostOffer, false, "供应", "提供", "生产", "出售", "销售", "批发", "供货", "承接", "加工", "代工")
	add(cmdSearchDemand, false, "查需求", "找需求", "搜需求", "看需求", "查求购", "搜求购")
	add(cmdSearchOffer, false, "查供应", "找供应", "搜供应", "看供应", "查供应商", "找供应商", "找厂家", "查厂家", "找货找厂", "找货")
	add(cmdNext, true, "下一页", "下页", "更多", "翻页")
	add(cmdMine, true, "我的发布", "我发布的", "我的信息")
	add(cmdDetail, false, "详情", "查看")
	add(cmdClose, false, "关闭", "下架")
	add(cmdRenew, false, "续期", "延期")
	add(cmdEdit, false, "修改")
	add(cmdResume, true, "继续")
	add(cmdDiscard, true, "放弃")
	add(cmdCancel, true, "取消", "退出", "算了")
	add(cmdBack, true, "上一步", "返回", "返回上一步")
	add(cmdForeign, false, "订阅", "我的订阅", "退订", "联系", "我的匹配")
	add(cmdForeign, true, "同意", "拒绝")
	// longest first, so 查需求 wins over 查 and 供应商 over 供应
	sort.SliceStable(ws, func(i, j int) bool { return len(ws[i].word) > len(ws[j].word) })
	return ws
}()

// matchCommand returns the command a cleaned message starts with and the
// rest of the message, or "" when it starts with none. A bare record number
// (D1024) asks for its details.
func matchCommand(t string) (name, rest string) {
	if t == "" {
		return "", ""
	}
	if recNoRe.MatchString(t) {
		return cmdDetail, t
	}
	for _, w := range cmdWords {
		if w.exact {
			if strings.EqualFold(t, w.word) {
				return w.name, ""
			}
			continue
		}
		if len(t) >= len(w.word) && strings.EqualFold(t[:len(w.word)], w.word) {
			rest := strings.TrimSpace(strings.TrimLeft(t[len(w.word):], ":："))
			return w.name, rest
		}
	}
	return "", ""
}

// fields splits an answer on spaces and Chinese separators.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，;；、|/", r)
	})
}

var yesWords = []string{"确认", "确定", "是", "是的", "好", "好的", "ok", "okay", "对", "对的", "可以", "行", "没问题", "yes", "y", "嗯", "发布", "确认发布"}
var noWords = []string{"否", "不是", "不", "没有", "no", "n", "不对", "非平台"}

func isYes(t string) bool { return inWords(t, yesWords) }
func isNo(t string) bool  { return inWords(t, noWords) }

func inWords(t string, words []string) bool {
	for _, w := range words {
		if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mobileOf returns the 11 digits of a valid mainland mobile number in s.
func mobileOf(s string) (string, bool) {
	if !parse.ValidMobile(s) {
		return "", false
	}
	d := digitsOnly(s)
	return d[len(d)-11:], true
}
