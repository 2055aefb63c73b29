package broadcast

import (
	"regexp"
	"strconv"
	"strings"

	"supplybot/store"
)

// Segment is who a broadcast reaches. Its parts narrow each other; the
// zero Segment (or All) is every registered contact.
type Segment struct {
	All                            bool
	Role, Province, City, District string
	Category                       string // a category name or code of the taxonomy
	Verified                       *bool
	ActiveDays                     int // active in the last N days
}

var (
	activeRE   = regexp.MustCompile(`^(?:近|最近)(\d{1,3})(?:天|日)(?:内)?(?:活跃)?$|^活跃(\d{1,3})(?:天|日)$`)
	categoryRE = regexp.MustCompile(`^(?:品类|类别|关注)[:：=]?(.+)$`)
)

// ParseSegment reads the segment words at the start of the text after 群发
// and returns it with the rest, the content: 群发 零部件 重庆 已认证 近30天
// 品类PCB 内容. Words: 全部; 整车, 零部件, 电子信息; a province, city or
// district; 已认证 / 未认证; 近N天 (active in the last N days); 品类X. The
// first word that is none of these starts the content. problem is a reply
// for the user when the text cannot be sent.
func (s *Service) ParseSegment(text string) (seg Segment, rest, problem string) {
	rest = strings.TrimSpace(text)
	for rest != "" {
		word, after, _ := strings.Cut(rest, " ")
		if i := strings.IndexRune(word, '\u3000'); i >= 0 {
			word, after = word[:i], word[i+len("\u3000"):]+" "+after
		}
		if !s.segmentWord(&seg, word) {
			break
		}
		rest = strings.TrimSpace(after)
	}
	switch {
	case rest == "":
		return seg, "", "请写群发的内容，例如：群发 零部件 重庆 本周六在璧山召开供需对接会，欢迎报名。\n人群可写：全部、整车/零部件/电子信息、省市区县、已认证/未认证、近30天、品类PCB。"
	case len([]rune(rest)) > maxText:
		return seg, rest, "群发内容最多" + strconv.Itoa(maxText) + "字，请精简后再发。"
	}
	if seg == (Segment{}) {
		seg.All = true
	}
	return seg, rest, ""
}

// maxText bounds a broadcast's text (WeChat's text mass message).
const maxText = 600

func (s *Service) segmentWord(seg *Segment, w string) bool {
	switch w {
	case "全部", "所有", "所有人", "全体", "所有用户":
		seg.All = true
		return true
	case store.RoleVehicle, store.RoleParts, store.RoleElectronics:
		seg.Role = w
		return true
	case "已认证", "认证企业":
		t := true
		seg.Verified = &t
		return true
	case "未认证":
		f := false
		seg.Verified = &f
		return true
	}
	if m := activeRE.FindStringSubmatch(w); m != nil {
		n, _ := strconv.Atoi(m[1] + m[2])
		if n > 0 {
			seg.ActiveDays = n
			return true
		}
	}
	if m := categoryRE.FindStringSubmatch(w); m != nil {
		seg.Category = m[1]
		if s.d.Parser != nil {
			if c, ok := s.d.Parser.ParseCategory(m[1]); ok {
				seg.Category = c.Name
			}
		}
		return true
	}
	if s.d.Parser != nil && seg.Province == "" && len([]rune(w)) <= 8 {
		if r, ok := s.d.Parser.ParseRegion(w); ok && namesOnlyPlace(w, r.Province, r.City, r.District) {
			seg.Province, seg.City, seg.District = r.Province, r.City, r.District
			return true
		}
	}
	return false
}

// namesOnlyPlace keeps content such as 重庆车展开幕 from being read as a
// place: the word must be little more than the place's names.
func namesOnlyPlace(w string, names ...string) bool {
	rest := w
	for _, n := range names {
		for _, form := range []string{n, strings.TrimRight(n, "省市区县")} {
			if form != "" && strings.Contains(rest, form) {
				rest = strings.Replace(rest, form, "", 1)
				break
			}
		}
	}
	rest = strings.Trim(rest, "省市区县")
	return rest == ""
}

// Describe says in Chinese whom the segment reaches.
func (g Segment) Describe() string {
	var parts []string
	place := g.Province
	if g.City != g.Province {
		place += g.City
	}
	if head := place + g.District + g.Role; head != "" {
		parts = append(parts, head) // 重庆市璧山区零部件
	}
	if g.Verified != nil {
		if *g.Verified {
			parts = append(parts, "已认证")
		} else {
			parts = append(parts, "未认证")
		}
	}
	if g.Category != "" {
		parts = append(parts, "关注“"+g.Category+"”")
	}
	if g.ActiveDays > 0 {
		parts = append(parts, "近"+strconv.Itoa(g.ActiveDays)+"天活跃")
	}
	if len(parts) == 0 {
		return "全部用户"
	}
	return strings.Join(parts, "、") + "的用户"
}

func (g Segment) stored() store.BroadcastSegment {
	return store.BroadcastSegment{All: g.All, Role: g.Role, Province: g.Province, City: g.City, District: g.District,
		Category: g.Category, Verified: g.Verified, ActiveDays: g.ActiveDays}
}

func segmentOf(s store.BroadcastSegment) Segment {
	return Segment{All: s.All, Role: s.Role, Province: s.Province, City: s.City, District: s.District,
		Category: s.Category, Verified: s.Verified, ActiveDays: s.ActiveDays}
}
