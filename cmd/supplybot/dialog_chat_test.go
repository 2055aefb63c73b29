package main

import (
	"strings"
	"testing"
	"time"

	"supplybot/bot"
)

// Natural phrasing gets a suggestion, unknown menu keys are answered, a
// returning user is welcomed back.
func TestDialogChatReplies(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)

	t.Run("natural phrasing gets a suggestion", func(t *testing.T) {
		c := newChat(t, m, "small-chat")
		c.expect("你好", "您好", "帮助")
		c.expect("我想查一下需求", "查需求")
		c.expect("有没有做线束的厂家？", "查供应 线束")
		c.expect("我想找做线束的厂家", "查供应 线束\n")
		// A company name with 供应 and a city is not an offer.
		c.refuse("成都银河供应链管理有限公司", "已保留", "已记下")
	})

	t.Run("an unknown menu key is answered", func(t *testing.T) {
		c := newChat(t, m, "small-menu")
		if r := c.click("NO_SUCH_KEY"); !strings.Contains(r, "帮助") {
			t.Errorf("unknown menu key: %q", r)
		}
	})

	t.Run("a registered user who follows again is welcomed back", func(t *testing.T) {
		c := newChat(t, m, "small-back")
		c.register("重庆两江汽配有限公司")
		r := c.push(bot.EventXML("small-back", bot.EventSubscribe, "", time.Unix(msgSeq.Add(1), 0)))
		if strings.Contains(r, "第一步") || !strings.Contains(r, "重庆两江汽配有限公司") {
			t.Errorf("welcome back: %s", r)
		}
		n := newChat(t, m, "small-new")
		if r := n.push(bot.EventXML("small-new", bot.EventSubscribe, "", time.Unix(msgSeq.Add(1), 0))); !strings.Contains(r, "注册") {
			t.Errorf("welcome: %s", r)
		}
	})

}
