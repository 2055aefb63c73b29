package broadcast

import (
	"testing"

	"supplybot/handlers/parse"
)

func TestParseSegment(t *testing.T) {
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{}, Deps{Parser: p})
	yes, no := true, false
	for _, c := range []struct {
		in       string
		want     Segment
		rest     string
		describe string
		problem  bool
	}{
		{"周六开会", Segment{All: true}, "周六开会", "全部用户", false},
		{"全部 周六开会", Segment{All: true}, "周六开会", "全部用户", false},
		{"零部件 重庆 已认证 近30天 周六开会", Segment{Role: "零部件", Province: "重庆市", City: "重庆市", Verified: &yes, ActiveDays: 30}, "周六开会", "重庆市零部件、已认证、近30天活跃的用户", false},
		{"璧山区 未认证 品类:PCB 通知", Segment{Province: "重庆市", City: "重庆市", District: "璧山区", Verified: &no, Category: "PCB"}, "通知", "", false},
		{"电子信息　成都 明天 十点", Segment{Role: "电子信息", Province: "四川省", City: "成都市"}, "明天 十点", "四川省成都市电子信息的用户", false},
		// Content that starts with a place and more is content.
		{"重庆车展开幕了", Segment{All: true}, "重庆车展开幕了", "", false},
		{"零部件", Segment{Role: "零部件"}, "", "", true},
		{"", Segment{}, "", "", true},
	} {
		seg, rest, problem := s.ParseSegment(c.in)
		if (problem != "") != c.problem {
			t.Errorf("%q: problem %q", c.in, problem)
			continue
		}
		if c.problem {
			continue
		}
		if rest != c.rest || seg.Role != c.want.Role || seg.Province != c.want.Province || seg.City != c.want.City ||
			seg.District != c.want.District || seg.ActiveDays != c.want.ActiveDays || seg.All != c.want.All ||
			(seg.Verified == nil) != (c.want.Verified == nil) || (seg.Verified != nil && *seg.Verified != *c.want.Verified) ||
			(c.want.Category != "" && seg.Category == "") {
			t.Errorf("%q: got %+v rest %q, want %+v rest %q", c.in, seg, rest, c.want, c.rest)
		}
		if c.describe != "" && seg.Describe() != c.describe {
			t.Errorf("%q: describe %q, want %q", c.in, seg.Describe(), c.describe)
		}
	}
}

func TestSplitKeepsChunksAboveOne(t *testing.T) {
	ids := make([]string, 10001)
	for i := range ids {
		ids[i] = "x"
	}
	chunks := split(ids, 10000)
	if len(chunks) != 2 || len(chunks[0])+len(chunks[1]) != 10001 || len(chunks[1]) < 2 {
		t.Fatalf("chunks of %d and %d", len(chunks[0]), len(chunks[len(chunks)-1]))
	}
}
