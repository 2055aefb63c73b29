package main

import (
	"context"
	"testing"
)

// The same post typed again while the first is open asks first (issue:
// one text posted twice made two records).
func TestRepeatedPostAsksFirst(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-repeat")
	c.register("重庆青山工业有限公司")
	const post = "求购 变速箱电磁阀 5000件 重庆璧山"
	c.expect(post, "请核对")
	first := noIn(t, c.expect("确认", "已发布"))

	c.expect(post, "请核对")
	c.expect("确认", "与 "+first+" 相同，仍要发布吗")
	c.expect("取消", "已取消")
	if n := countDemands(t, m, "u-repeat"); n != 1 {
		t.Fatalf("after 取消: got %d demands, want 1", n)
	}

	c.expect(post, "请核对")
	c.expect("确认", "与 "+first+" 相同")
	second := noIn(t, c.expect("确认", "已发布"))
	if second == first {
		t.Fatalf("second post got the number of the first: %s", second)
	}
	// A different amount is a different post.
	c.expect("求购 变速箱电磁阀 8000件 重庆璧山", "请核对")
	c.expect("确认", "已发布")
	if n := countDemands(t, m, "u-repeat"); n != 3 {
		t.Fatalf("got %d demands, want 3", n)
	}
}

// An enterprise publishes at most posts.daily_cap records a China day; the
// one over the cap is kept, not lost.
func TestDailyPostCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.Posts.DailyCap = 2
	m := mustRun(t, cfg, nil)
	c := newChat(t, m, "u-cap")
	c.register("重庆青山工业有限公司")
	for _, post := range []string{"求购 变速箱电磁阀 5000件 重庆璧山", "求购 铝合金轮毂 2000套 重庆璧山"} {
		c.expect(post, "请核对")
		c.expect("确认", "已发布")
	}
	c.expect("求购 汽车线束 2万套 重庆璧山", "请核对")
	c.expect("确认", "今天已发布2条", "达到每日上限", "草稿")
	if n := countDemands(t, m, "u-cap"); n != 2 {
		t.Fatalf("got %d demands, want 2", n)
	}
	// The form is still there: 帮助 inside it shows the summary again.
	c.expect("帮助", "汽车线束")
}

func countDemands(t *testing.T, m *Main, openid string) int {
	t.Helper()
	ps, err := m.Mongo.Demands().ByOpenID(context.Background(), openid, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}
