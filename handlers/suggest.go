package handlers

import "unicode/utf8"

// suggestable are the commands unknown text is compared with, other
// features' included, each with how to use it.
var suggestable = []struct{ word, usage string }{
	{"帮助", "帮助"},
	{"注册", "注册"},
	{"加入", "加入 邀请码"},
	{"注销", "注销"},
	{"求购", "求购 产品 数量 地区"},
	{"供应", "供应 产品 地区"},
	{"发布需求", "发布需求"},
	{"发布供应", "发布供应"},
	{"查需求", "查需求 关键词"},
	{"查供应", "查供应 关键词"},
	{"下一页", "下一页"},
	{"我的发布", "我的发布"},
	{"详情", "详情 D1024"},
	{"关闭", "关闭 D1024"},
	{"续期", "续期 D1024"},
	{"修改", "修改 D1024 数量 4000"},
	{"继续", "继续"},
	{"放弃", "放弃"},
	{"订阅", "订阅 关键词 地区"},
	{"我的订阅", "我的订阅"},
	{"退订", "退订 编号"},
	{"联系", "联系 D1024"},
	{"同意", "同意"},
	{"拒绝", "拒绝"},
	{"我的匹配", "我的匹配"},
}

// suggest returns the usage of the command closest to what the user typed,
// or "" when nothing is close. Closeness is the edit distance between the
// command and the start of the text, in characters, with at least one
// character shared: 查需 → 查需求, 我的发部 → 我的发布, 蛀册 → 注册.
func suggest(text string) string {
	in := []rune(text)
	if len(in) == 0 {
		return ""
	}
	best, bestScore := "", 0.0
	for _, c := range suggestable {
		w := []rune(c.word)
		// compare with the start of the text that has the command's length,
		// give or take one character
		bestD := -1
		for n := len(w) - 1; n <= len(w)+1; n++ {
			if n <= 0 || n > len(in) {
				continue
			}
			if d := distance(in[:n], w); bestD < 0 || d < bestD {
				bestD = d
			}
		}
		if bestD < 0 || shared(in[:min(len(in), len(w)+1)], w) == 0 {
			continue
		}
		// a single-character command needs an exact match
		limit := (len(w) + 1) / 2
		if len(w) <= 2 {
			limit = 1
		}
		if bestD > limit {
			continue
		}
		score := 1 - float64(bestD)/float64(len(w)) + float64(utf8.RuneCountInString(c.word))/100
		if score > bestScore {
			best, bestScore = c.usage, score
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// shared counts the characters of b that occur in a.
func shared(a, b []rune) int {
	n := 0
	for _, r := range b {
		for _, q := range a {
			if q == r {
				n++
				break
			}
		}
	}
	return n
}
