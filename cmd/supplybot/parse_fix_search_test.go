package main

import (
	"strings"
	"testing"
)

// Item 10: a record whose product or category matches ranks above one that
// merely carries the word among its synonyms.
func TestParseFixSearchRanking(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "rank-u")
	c.register("重庆青山工业有限公司")
	c.expect("求购 轮圈 2000个 重庆璧山", "请核对")
	rim := noIn(t, c.expect("确认", "已发布"))
	c.expect("求购 轮毂螺栓 5000个 重庆江津", "请核对")
	bolt := noIn(t, c.expect("确认", "已发布"))

	buyer := newChat(t, m, "rank-buyer")
	for _, q := range []string{"查需求 轮圈 只看重庆", "查需求 轮毂", "查需求 钢圈"} {
		reply := buyer.expect(q, rim)
		if i, j := strings.Index(reply, rim), strings.Index(reply, bolt); j >= 0 && j < i {
			t.Errorf("%s lists the bolt %s above the rim %s:\n%s", q, bolt, rim, reply)
		}
	}
	reply := buyer.expect("查需求 螺栓", bolt)
	if strings.Contains(reply, rim) {
		t.Errorf("查需求 螺栓 lists the rim: %s", reply)
	}
}
