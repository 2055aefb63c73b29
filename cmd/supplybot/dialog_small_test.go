package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/store"
)

// Records management: 续期 tells the truth, 我的发布 pages, and offers are
// told how to edit offers.
func TestDialogSmallFixes(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	ctx := context.Background()

	t.Run("renewing past the limit says so", func(t *testing.T) {
		c := newChat(t, m, "small-renew")
		c.register("重庆青山工业有限公司")
		c.expect("求购 轮毂 2000套 重庆璧山", "请核对")
		no := noIn(t, c.expect("确认", "已发布"))
		c.expect("续期 "+no, "已续期")
		first := postByNo(t, m, no).ExpiresAt
		r := c.expect("续期 "+no, "最长")
		if strings.Contains(r, "已续期") {
			t.Errorf("second renewal claims to extend: %s", r)
		}
		if got := postByNo(t, m, no).ExpiresAt; !got.Equal(first) {
			t.Errorf("expiry moved: %s → %s", first, got)
		}
		c.refuse("我的发布", "延长30天")
	})

	t.Run("我的发布 pages with 下一页", func(t *testing.T) {
		c := newChat(t, m, "small-mine")
		c.register("重庆长风机器有限公司")
		e := enterprise(t, m, "small-mine")
		base := time.Now().Add(-time.Hour)
		var nos []string
		for i := 0; i < 12; i++ {
			p := store.Post{Kind: store.KindDemand, Product: "轮毂" + strconv.Itoa(i), OpenID: "small-mine", EnterpriseID: e.ID,
				Quantity: &store.Quantity{Value: 100, Unit: "件"}, Region: store.Region{Province: "重庆市", City: "重庆市"},
				CreatedAt: base.Add(time.Duration(i) * time.Minute)}
			if err := m.Mongo.Demands().Create(ctx, &p); err != nil {
				t.Fatal(err)
			}
			nos = append(nos, p.No)
		}
		p1 := c.expect("我的发布", nos[11], nos[2], "下一页")
		if strings.Contains(p1, nos[1]+" ") || strings.Contains(p1, nos[0]+" ") {
			t.Errorf("page 1 lists the oldest: %s", p1)
		}
		p2 := c.expect("下一页", nos[1], nos[0])
		if strings.Contains(p2, nos[11]) || strings.Contains(p2, "下一页") {
			t.Errorf("page 2: %s", p2)
		}
		c.expect("下一页", "没有更多")
	})

	t.Run("offers are told to edit 产能, closed records are not offered edits", func(t *testing.T) {
		c := newChat(t, m, "small-offer")
		c.register("成都蓉电科技有限公司")
		for _, r := range []string{
			c.expect("供应 6层PCB 月产能2万平米 成都", "请核对", "修改"),
			c.expect("帮助", "修改"),
		} {
			if strings.Contains(r, "修改 数量") {
				t.Errorf("offer told to edit 数量: %s", r)
			}
		}
		pub := c.expect("确认", "已发布", "修改")
		no := noIn(t, pub)
		d := c.expect("详情 "+no, "修改 "+no)
		for _, r := range []string{pub, d} {
			if strings.Contains(r, "数量 4000") {
				t.Errorf("offer told to edit 数量: %s", r)
			}
		}
		c.expect("修改 "+no+" 产能 3万平米", "已修改")
		c.expect("关闭 "+no, "撤回")
		c.expect("撤回", "已关闭")
		d = c.expect("详情 "+no, "已关闭")
		for _, bad := range []string{"修改 " + no, "续期 " + no, "关闭 " + no} {
			if strings.Contains(d, bad) {
				t.Errorf("closed record's detail suggests %q: %s", bad, d)
			}
		}
	})
}
