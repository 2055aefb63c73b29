package main

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/store"
)

// costOfMessage sends text from openid through the gateway and returns
// the reply and what handling it asked of the stores under the push's
// context: the work the user waits for, without the background loops.
func costOfMessage(t *testing.T, m *Main, openid, text string) (string, *store.Cost) {
	t.Helper()
	if err := m.Redis.Del(t.Context(), handlers.RateLimitKey(openid)); err != nil {
		t.Fatal(err)
	}
	s := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey, Mode: bot.ModeSafe}
	req, err := s.Request("/wechat", bot.TextXML(openid, text, msgSeq.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cost := store.CountCost(req.Context())
	rec := httptest.NewRecorder()
	m.Gateway.ServeHTTP(rec, req.WithContext(ctx))
	reply, err := s.ReplyText(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("%s: reply %q: %v", text, rec.Body.String(), err)
	}
	return reply, cost
}

// TestMessagesThatReadNoRecordCostTwoRedisRoundTrips pins the store cost of
// the messages most users send (issue 9): 帮助, a search, an unknown text
// and a subscription list read no MongoDB collection (the search is
// answered from the in-memory index) and make two Redis round trips: the
// dedupe mark with the session, the held-push mark and the rate counter
// read ahead; then the reply recorded with its delivery claimed.
func TestMessagesThatReadNoRecordCostTwoRedisRoundTrips(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	seller := newChat(t, m, "cost-seller")
	seller.register("成都开销电子有限公司")
	seller.expect("供应 6层PCB 月产能2万平米 成都", "确认")
	seller.expect("确认", "已发布")
	buyer := newChat(t, m, "cost-buyer")
	buyer.register("重庆开销汽车有限公司")
	eventually(t, "the offer is searchable", func() bool {
		return strings.Contains(buyer.say("查供应 PCB"), "PCB 月产")
	})
	for _, c := range []struct{ openid, text, want string }{
		{"cost-buyer", "帮助", "发布求购"},
		{"cost-buyer", "查供应 PCB", "PCB 月产"},
		{"cost-buyer", "你好呀", "帮助"},
		{"cost-visitor", "帮助", "发布求购"},
		{"cost-visitor", "查供应 PCB", "PCB 月产"},
	} {
		reply, cost := costOfMessage(t, m, c.openid, c.text)
		if !strings.Contains(reply, c.want) {
			t.Fatalf("%s %s: got %q, want %q in it", c.openid, c.text, reply, c.want)
		}
		if got := cost.Mongo(); len(got) != 0 {
			t.Errorf("%s %s: MongoDB commands %v, want none", c.openid, c.text, got)
		}
		if got := cost.RedisTrips(); len(got) != 2 {
			t.Errorf("%s %s: %d Redis round trips %q, want 2", c.openid, c.text, len(got), got)
		}
	}
}

// TestReadAheadSeesTheTurnsOwnWrites: a dialog step saves the session the
// gateway read ahead; the next message reads the saved one, not a stale
// copy, and the rate limit read ahead still stops a flood.
func TestReadAheadSeesTheTurnsOwnWrites(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "ahead-user")
	c.register("成都预读电子有限公司")
	c.expect("供应 6层PCB 月产能2万平米 成都", "确认")
	c.expect("修改 产能 3万平米", "3万平米")
	c.expect("确认", "已发布")
	flood := newChat(t, m, "ahead-flood")
	flood.limited = true
	var replies []string
	for range 10 {
		replies = append(replies, flood.say("帮助"))
	}
	n := slices.IndexFunc(replies, func(r string) bool { return strings.Contains(r, "太快") })
	if n != 8 {
		t.Fatalf("slow-down first answered to message %d, want the 9th (limit 8 in 5 s): %q", n+1, replies)
	}
}

// TestMessagePathReadsOnlyByID: on the embedded FerretDB only a lone _id
// is served from an index, so every read the user waits for goes by _id:
// saving a record (after the first save since start, which reads the
// highest record number once), 我的发布 and its next page, 详情.
func TestMessagePathReadsOnlyByID(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "byid-user")
	c.register("成都主键电子有限公司")
	c.expect("供应 6层PCB 月产能2万平米 成都", "确认")
	no := noIn(t, c.expect("确认", "已发布"))
	for _, product := range []string{"汽车线束", "铝合金轮毂", "座椅骨架", "减震器", "高压连接器", "车规MCU"} {
		c.expect("供应 "+product+" 重庆", "确认")
		c.expect("确认", "已发布")
	}
	for _, text := range []string{"供应 刹车片 500套 重庆", "确认", "我的发布", "下一页", "详情 " + no} {
		_, cost := costOfMessage(t, m, "byid-user", text)
		for _, cmd := range cost.Mongo() {
			if strings.HasPrefix(cmd, "find ") && !strings.HasSuffix(cmd, " by _id") {
				t.Errorf("%s: %q reads by another filter (a scan on FerretDB); all: %v", text, cmd, cost.Mongo())
			}
		}
	}
}
