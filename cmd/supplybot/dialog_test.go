package main

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/handlers/record"
	"supplybot/store"
)

// msgSeq gives every test message its own MsgId (the gateway dedupes on it).
var msgSeq atomic.Int64

func init() { msgSeq.Store(time.Now().UnixNano() / 1000) }

// chat is one simulated user talking to the bot through the real webhook.
type chat struct {
	t      *testing.T
	m      *Main
	openid string
	// limited keeps the rate limiter on; dialog tests type faster than
	// people and reset the user's counter before each message otherwise.
	limited bool
}

func newChat(t *testing.T, m *Main, openid string) *chat { return &chat{t: t, m: m, openid: openid} }

// push sends a raw push and returns the reply, checking WeChat's limits.
func (c *chat) push(body []byte) string {
	c.t.Helper()
	if !c.limited {
		if err := c.m.Redis.Del(context.Background(), handlers.RateLimitKey(c.openid)); err != nil {
			c.t.Fatal(err)
		}
	}
	status, reply := send(c.t, c.m, bot.ModeSafe, body)
	if status != 200 {
		c.t.Fatalf("status %d: %s", status, reply)
	}
	checkReply(c.t, reply)
	return reply
}

// checkReply holds for every reply: within WeChat's 2048 bytes, and no
// stack trace or Go error text.
func checkReply(t *testing.T, reply string) {
	t.Helper()
	if len(reply) > 2048 {
		t.Errorf("reply is %d bytes, over WeChat's 2048: %q", len(reply), reply[:200])
	}
	for _, bad := range []string{"goroutine", "panic", "store:", "mongo", "redis", "<nil>", "%!"} {
		if strings.Contains(reply, bad) {
			t.Errorf("reply leaks %q: %s", bad, reply)
		}
	}
}

func (c *chat) say(text string) string {
	c.t.Helper()
	return c.push(bot.TextXML(c.openid, text, msgSeq.Add(1)))
}

// expect sends text and checks the reply contains every want.
func (c *chat) expect(text string, wants ...string) string {
	c.t.Helper()
	reply := c.say(text)
	for _, w := range wants {
		if !strings.Contains(reply, w) {
			c.t.Fatalf("%s: reply to %q lacks %q:\n%s", c.openid, text, w, reply)
		}
	}
	return reply
}

// refuse sends text and checks the reply contains none of bads.
func (c *chat) refuse(text string, bads ...string) string {
	c.t.Helper()
	reply := c.say(text)
	for _, b := range bads {
		if strings.Contains(reply, b) {
			c.t.Fatalf("%s: reply to %q contains %q:\n%s", c.openid, text, b, reply)
		}
	}
	return reply
}

func (c *chat) click(key string) string {
	c.t.Helper()
	return c.push(bot.EventXML(c.openid, bot.EventClick, key, time.Unix(msgSeq.Add(1), 0)))
}

func (c *chat) image(mediaID string) string {
	c.t.Helper()
	return c.push(rawPush(c.openid, "image", "<PicUrl><![CDATA[http://img.example/1.jpg]]></PicUrl><MediaId><![CDATA["+mediaID+"]]></MediaId>"))
}

func (c *chat) voice(recognition string) string {
	c.t.Helper()
	return c.push(rawPush(c.openid, "voice", "<MediaId><![CDATA[voice-1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA["+recognition+"]]></Recognition>"))
}

func rawPush(openid, typ, inner string) []byte {
	return []byte("<xml><ToUserName><![CDATA[gh_supplybot]]></ToUserName><FromUserName><![CDATA[" + openid +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(time.Now().Unix(), 10) + "</CreateTime><MsgType><![CDATA[" + typ +
		"]]></MsgType>" + inner + "<MsgId>" + strconv.FormatInt(msgSeq.Add(1), 10) + "</MsgId></xml>")
}

// register takes the user through one-shot registration.
func (c *chat) register(company string) {
	c.t.Helper()
	c.expect("注册 "+company+" 零部件 重庆市璧山区 联系人张伟 13800001111", "同意", company)
	c.expect("同意", "登记成功", "邀请码")
}

func enterprise(t *testing.T, m *Main, openid string) store.Enterprise {
	t.Helper()
	e, err := m.Mongo.Enterprises().ByOpenID(context.Background(), openid)
	if err != nil {
		t.Fatalf("enterprise of %s: %v", openid, err)
	}
	return e
}

func postByNo(t *testing.T, m *Main, no string) store.Post {
	t.Helper()
	kind, _ := store.KindOfNo(no)
	p, err := m.Mongo.Posts(kind).ByNo(context.Background(), no)
	if err != nil {
		t.Fatalf("record %s: %v", no, err)
	}
	return p
}

// noIn returns the first record number (D1001, O1001) in a reply.
func noIn(t *testing.T, reply string) string {
	t.Helper()
	for _, f := range strings.FieldsFunc(reply, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == 'D' || r == 'O')
	}) {
		if len(f) >= 5 && (f[0] == 'D' || f[0] == 'O') {
			return f
		}
	}
	t.Fatalf("no record number in %q", reply)
	return ""
}

func TestDialogRegistration(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	ctx := context.Background()

	t.Run("one message, consent, saved", func(t *testing.T) {
		c := newChat(t, m, "reg-one")
		reply := c.expect("注册 重庆青山工业有限公司 零部件 重庆市璧山区 联系人张伟 13800001111",
			"重庆青山工业有限公司", "零部件", "重庆市璧山区", "张伟", "138****1111", "同意", "注销")
		if strings.Contains(reply, "13800001111") {
			t.Errorf("consent shows the full mobile: %s", reply)
		}
		if _, err := m.Mongo.Enterprises().ByOpenID(ctx, "reg-one"); err == nil {
			t.Fatal("saved before consent")
		}
		c.expect("同意", "登记成功", "邀请码")
		e := enterprise(t, m, "reg-one")
		if e.Name != "重庆青山工业有限公司" || e.Role != store.RoleParts || e.Region != (store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}) {
			t.Errorf("enterprise: got %+v", e)
		}
		if len(e.Contacts) != 1 || e.Contacts[0].Name != "张伟" || e.Contacts[0].Mobile != "13800001111" || e.ConsentAt.IsZero() || e.InviteCode == "" {
			t.Errorf("contact/consent: got %+v", e)
		}
		c.expect("注册", "无需再注册", e.InviteCode)
	})

	t.Run("a post typed during registration is kept, not read as an answer", func(t *testing.T) {
		c := newChat(t, m, "reg-post")
		c.expect("求购 轮毂 2000套 重庆", "已保留", "企业全称")
		// The same post again replaces the kept one rather than pile up.
		if r := c.refuse("求购 轮毂 2000套 重庆", "先放一边"); !strings.Contains(r, "已保留") {
			t.Errorf("the same post typed again: %s", r)
		}
		// It read 供应 as the company name and 成都 as its place.
		c.expect("供应 PCB 成都", "供应已保留", "求购（轮毂", "先放一边", "企业全称")
		c.expect("轮毂 3000套 重庆璧山 求购", "求购已保留", "供应（PCB", "企业全称")
		// A company name with 供应 and a city in it is an answer, not an offer.
		c.expect("成都银河供应链管理有限公司", "哪一类")
		c.expect("修改 企业 重庆长江轴承股份有限公司", "哪一类")
		c.expect("零部件", "在哪里")
		c.expect("重庆江北区", "怎么称呼")
		c.expect("张三 13800005555", "信用代码")
		r := c.expect("跳过", "重庆长江轴承股份有限公司", "重庆市江北区")
		if strings.Contains(r, "企业：供应") {
			t.Errorf("a post became the company: %s", r)
		}
		c.expect("同意", "登记成功", "接着发布您的求购", "3000套", "璧山区")
		no := noIn(t, c.expect("确认", "已发布"))
		if p := postByNo(t, m, no); p.Product != "轮毂" || p.Quantity.Value != 3000 || p.RawText != "轮毂 3000套 重庆璧山 求购" {
			t.Errorf("published %+v", p)
		}
		// The posts set aside come back, newest first.
		c.expect("继续", "PCB")
	})

	t.Run("step by step with invalid phone and USCC re-asked", func(t *testing.T) {
		c := newChat(t, m, "reg-steps")
		c.expect("注册", "企业全称")
		c.expect("成都蓉电科技有限公司", "哪一类")
		c.expect("汽车", "没看懂企业类型", "1 整车")
		c.expect("3", "在哪里")
		if r := c.expect("火星", "没认出", "例如"); strings.Count(r, "例如") != 1 {
			t.Errorf("the example is given twice: %s", r)
		}
		c.expect("四川成都高新区", "怎么称呼")
		c.expect("李娜", "手机号")
		// Said once, with the example of the question that follows.
		if r := c.expect("1380000111", "不是有效的手机号", "13800001111"); strings.Count(r, "13800001111") != 1 {
			t.Errorf("the example is given twice: %s", r)
		}
		c.expect("138001", "不是有效的手机号")
		c.expect("23800001111", "不是有效的手机号")
		c.expect("13912345678", "信用代码", "跳过")
		c.expect("91500227MA5U7G2X4A", "校验不通过", "91500227MA5U7G2X4T")
		c.expect("上一步", "手机号")
		c.expect("13912345679", "信用代码")
		c.expect("帮助", "正在登记企业", "信用代码")
		c.expect("91500227ma5u7g2x4t", "同意", "91500227MA5U7G2X4T", "电子信息", "四川省成都市")
		c.expect("修改 手机 139", "手机号不对")
		c.expect("修改 手机 13600001111", "已修改", "136****1111")
		c.expect("同意", "登记成功")
		e := enterprise(t, m, "reg-steps")
		if e.USCC != "91500227MA5U7G2X4T" || e.Role != store.RoleElectronics || e.Contacts[0].Mobile != "13600001111" || e.Region.City != "成都市" {
			t.Errorf("enterprise: got %+v", e)
		}
	})

	t.Run("refusing consent saves nothing", func(t *testing.T) {
		c := newChat(t, m, "reg-no")
		c.expect("注册 绵阳华丰电子有限公司 电子信息 四川绵阳 联系人王强 13700001111 跳过", "同意")
		c.expect("取消", "没有保存")
		if _, err := m.Mongo.Enterprises().ByOpenID(ctx, "reg-no"); err == nil {
			t.Fatal("saved after 取消")
		}
	})

	t.Run("invite code join", func(t *testing.T) {
		code := enterprise(t, m, "reg-one").InviteCode
		c := newChat(t, m, "reg-join")
		c.expect("加入 ZZZZZZ", "邀请码", "不对")
		c.expect("加入 "+strings.ToLower(code), "重庆青山工业有限公司", "怎么称呼")
		c.expect("赵敏", "手机号")
		c.expect("13500001111", "同意", "赵敏")
		c.expect("同意", "已加入")
		e := enterprise(t, m, "reg-join")
		if len(e.Contacts) != 2 {
			t.Fatalf("contacts: got %d, want 2", len(e.Contacts))
		}
	})

	t.Run("deregister with confirmation", func(t *testing.T) {
		c := newChat(t, m, "reg-join")
		c.expect("求购 铝合金轮毂 2000套 重庆两江新区", "请核对")
		no := noIn(t, c.expect("确认", "已发布"))
		c.expect("注销", "删除", "1条信息会下架", "确认注销")
		c.expect("不了", "没有注销")
		c.expect("取消", "已取消")
		enterprise(t, m, "reg-join")
		c.expect("注销", "确认注销")
		// Asked again, it asks again without saying it was called off.
		c.refuse("注销", "未注销")
		c.expect("确认注销", "已注销")
		if _, err := m.Mongo.Enterprises().ByOpenID(ctx, "reg-join"); err == nil {
			t.Fatal("still a member after 注销")
		}
		e := enterprise(t, m, "reg-one")
		if len(e.Contacts) != 1 || e.Contacts[0].OpenID != "reg-one" {
			t.Errorf("other contacts: got %+v", e.Contacts)
		}
		p := postByNo(t, m, no)
		if p.Status != store.StatusRemoved || p.OpenID != "" {
			t.Errorf("post after 注销: status %s openid %q", p.Status, p.OpenID)
		}
		c.expect("注销", "无需注销", "帮助")
	})
}

func TestDialogPosting(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)

	t.Run("one-shot demand", func(t *testing.T) {
		c := newChat(t, m, "post-one")
		c.register("重庆青山工业有限公司")
		raw := "求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货 需IATF16949"
		c.expect(raw, "请核对", "变速箱电磁阀", "5000件", "重庆市璧山区", "IATF 16949", "确认")
		reply := c.expect("好", "已发布", "D")
		no := noIn(t, reply)
		p := postByNo(t, m, no)
		if p.Kind != store.KindDemand || p.Product != "变速箱电磁阀" || p.Quantity == nil || p.Quantity.Value != 5000 || p.Quantity.Unit != "件" {
			t.Errorf("post: got %+v", p)
		}
		if p.Region != (store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}) {
			t.Errorf("region: got %+v", p.Region)
		}
		if p.RawText != raw {
			t.Errorf("raw_text: got %q, want %q", p.RawText, raw)
		}
		if p.Deadline == nil || p.Deadline.Month() != 12 || len(p.Certifications) != 1 || p.CategoryCode == "" {
			t.Errorf("deadline/certs/category: got %v %v %q", p.Deadline, p.Certifications, p.CategoryCode)
		}
		if p.EnterpriseID != enterprise(t, m, "post-one").ID || p.OpenID != "post-one" || p.Status != store.StatusOpen {
			t.Errorf("owner/status: got %+v", p)
		}
		// A demand with a deadline shows until the end of that day in China
		// (at most 60 days ahead); it asked 30 days, which held only while
		// 12月底 was 29 or more days away (it failed from 2 December, 16:00 UTC).
		dl := p.Deadline.In(record.China)
		want := time.Date(dl.Year(), dl.Month(), dl.Day()+1, 0, 0, 0, 0, record.China).Add(-time.Second)
		if limit := p.CreatedAt.Add(60 * 24 * time.Hour); want.After(limit) {
			want = limit
		}
		if d := p.ExpiresAt.Sub(want); d < -2*time.Second || d > 2*time.Second {
			t.Errorf("expires at %s, want %s: the end of its deadline's day, or 60 days ahead", p.ExpiresAt, want)
		}
		if !contains(p.Keywords, "变速箱电磁阀") || !contains(p.Keywords, p.Category) {
			t.Errorf("keywords: got %v", p.Keywords)
		}
	})

	t.Run("guided offer with image, back, edit, help", func(t *testing.T) {
		c := newChat(t, m, "post-guided")
		c.register("成都蓉电科技有限公司")
		c.click(handlers.MenuPostOffer)
		c.expect("上一步", "已经是第一步", "供应什么产品")
		c.expect("帮助", "产品名称", "供应什么产品")
		c.expect("6层PCB 月产能2万平米", "工厂在哪里")
		c.image("media-123")
		c.expect("上一步", "供应什么产品")
		c.expect("6层PCB", "工厂在哪里")
		c.expect("火星基地", "没认出", "工厂在哪里")
		c.expect("成都龙泉驿", "请核对", "PCB", "2万平米", "四川省成都市龙泉驿区", "图片：1张")
		c.expect("修改 价格 abc", "没看懂价格")
		c.expect("修改 起订量 500平米", "已修改", "起订量", "500平米", "请核对")
		c.expect("修改 交期 15天", "15天")
		c.expect("帮助", "确认", "请核对")
		no := noIn(t, c.expect("ok", "已发布", "O"))
		p := postByNo(t, m, no)
		if p.Kind != store.KindOffer || p.Capacity == nil || p.Capacity.Value != 20000 || p.MOQ == nil || p.MOQ.Value != 500 ||
			p.LeadTimeDays == nil || *p.LeadTimeDays != 15 || len(p.MediaIDs) != 1 || p.MediaIDs[0] != "media-123" {
			t.Errorf("offer: got %+v", p)
		}
		if p.Region.District != "龙泉驿区" || p.Spec != "6层" || p.RawText == "" {
			t.Errorf("offer region/spec/raw: %+v %q %q", p.Region, p.Spec, p.RawText)
		}
	})

	t.Run("guided demand: edit quantity, cancel", func(t *testing.T) {
		c := newChat(t, m, "post-one")
		c.expect("求购", "求购什么产品")
		c.expect("铝合金轮毂", "需要多少")
		c.expect("很多", "没看懂数量", "5000件")
		c.expect("3000套", "在哪里交货")
		c.expect("重庆两江新区", "请核对", "3000套")
		c.expect("修改 数量 4000", "已修改", "4000套", "请核对")
		c.expect("修改 颜色 红色", "可改")
		c.expect("取消", "已取消")
		c.expect("确认", "没看懂")
	})

	t.Run("unregistered user posts, registers, post kept", func(t *testing.T) {
		c := newChat(t, m, "post-new")
		c.expect("求购 汽车线束 1万套 重庆长寿", "先登记企业", "已保留", "企业全称")
		c.expect("重庆长安配套有限公司", "哪一类")
		c.expect("整车", "在哪里")
		c.expect("重庆长寿区", "称呼")
		c.expect("刘洋", "手机")
		c.expect("15800001111", "信用代码")
		c.expect("跳过", "同意")
		c.expect("同意", "登记成功", "接着发布", "请核对", "线束", "1万套")
		no := noIn(t, c.expect("确认", "已发布"))
		p := postByNo(t, m, no)
		if p.RawText != "求购 汽车线束 1万套 重庆长寿" || p.Quantity.Value != 10000 || p.EnterpriseID != enterprise(t, m, "post-new").ID {
			t.Errorf("kept post: got %+v", p)
		}
	})

	t.Run("voice and other kinds", func(t *testing.T) {
		c := newChat(t, m, "post-one")
		c.voice("")
		if r := c.voice(""); !strings.Contains(r, "没有听清") {
			t.Errorf("empty recognition: %q", r)
		}
		c.expect("求购 刹车片 800套 四川绵阳", "请核对")
		if r := c.voice("确认。"); !strings.Contains(r, "已发布") {
			t.Errorf("voice 确认: %q", r)
		}
		if r := c.push(rawPush("post-one", "location", "<Location_X>29.5</Location_X><Location_Y>106.5</Location_Y><Scale>15</Scale><Label><![CDATA[x]]></Label>")); !strings.Contains(r, "地区") {
			t.Errorf("location: %q", r)
		}
		if r := c.image("m-2"); !strings.Contains(r, "图片") {
			t.Errorf("image outside a form: %q", r)
		}
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestDialogTimeoutResume(t *testing.T) {
	cfg := testConfig(t)
	cfg.Session.TTL = time.Second // Validate's minute minimum does not apply after LoadConfig
	m := mustRun(t, cfg, nil)
	c := newChat(t, m, "resume-u")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀", "需要多少")
	time.Sleep(1600 * time.Millisecond)
	c.expect("5000件", "继续上次的求购", "继续", "放弃")
	c.expect("继续", "继续上次的求购", "需要多少")
	c.expect("5000件", "在哪里交货")
	time.Sleep(1600 * time.Millisecond)
	c.expect("你好", "继续上次的求购")
	c.expect("我的发布", "还没有发布过")
	c.expect("继续", "在哪里交货")
	c.expect("重庆璧山", "请核对", "5000件")
	c.expect("确认", "已发布")
	time.Sleep(1600 * time.Millisecond)
	c.refuse("帮助", "继续上次")
	c.expect("放弃", "没有草稿")
}

func TestDialogFindAndManage(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	seller := newChat(t, m, "find-seller")
	seller.register("成都蓉电科技有限公司")
	var nos []string
	for i, city := range []string{"成都", "绵阳", "重庆璧山", "成都", "德阳", "重庆江津", "成都", "宜宾"} {
		reply := seller.expect("供应 6层PCB 月产能"+strconv.Itoa(i+1)+"万平米 "+city+" 联系电话13800001111", "请核对")
		if strings.Contains(reply, "13800001111") {
			t.Fatalf("summary shows a phone: %s", reply)
		}
		nos = append(nos, noIn(t, seller.expect("确认", "已发布")))
	}
	if err := m.Mongo.Enterprises().SetVerified(context.Background(), enterprise(t, m, "find-seller").ID, true); err != nil {
		t.Fatal(err)
	}
	seller.expect("供应 汽车线束 月产能10万套 重庆长寿", "请核对")
	seller.expect("确认", "已发布")
	seller.expect("修改 "+nos[0]+" 地区 成都双流", "已修改", "四川省成都市双流区")

	buyer := newChat(t, m, "find-buyer")
	// The company's name is business information and shows (issue 13);
	// its people and phones do not.
	p1 := buyer.expect("查供应 PCB", "第1页", "下一页", "详情", "成都蓉电科技有限公司")
	for _, bad := range []string{"13800001111", "张伟"} {
		if strings.Contains(p1, bad) {
			t.Fatalf("listing shows %q: %s", bad, p1)
		}
	}
	if strings.Contains(p1, "线束") {
		t.Errorf("PCB search lists the harness: %s", p1)
	}
	if !strings.Contains(p1, nos[len(nos)-1]) || strings.Contains(p1, nos[0]) {
		t.Errorf("page 1 is not newest first (%s first, %s last): %s", nos[len(nos)-1], nos[0], p1)
	}
	p2 := buyer.expect("下一页", "第2页", nos[0], "四川省成都市双流区", "已认证")
	if strings.Contains(p2, "下一页") {
		t.Errorf("page 2 of 8 offers a third: %s", p2)
	}
	buyer.expect("下一页", "没有更多")
	buyer.expect("下一页", "没有进行中的搜索")
	cq := buyer.expect("查供应 PCB 只看重庆", "重庆")
	if strings.Contains(cq, "四川") {
		t.Errorf("只看重庆 lists Sichuan: %s", cq)
	}
	buyer.expect("查供应 只看已认证 品类 线束", "线束", "已认证")
	buyer.expect("查供应 PCB 只看火星", "没认出地区")
	buyer.expect("查需求 轮毂", "没有找到符合条件的需求（轮毂）")
	if r := buyer.expect("查需求", "还没有进行中的需求", "发布供应"); strings.Contains(r, "（需求）") || strings.Contains(r, "关键词") {
		t.Errorf("an empty search without filters names filters: %s", r)
	}
	buyer.click(handlers.MenuSearchOffer)

	d := buyer.expect("详情 "+strings.ToLower(nos[1]), nos[1], "PCB", "四川省绵阳市", "联系 "+nos[1])
	if strings.Contains(d, "13800001111") || strings.Contains(d, "张伟") {
		t.Errorf("detail shows a contact: %s", d)
	}
	buyer.expect("关闭 "+nos[1], "只能关闭您自己")
	buyer.expect("续期 "+nos[1], "只能续期您自己")
	buyer.expect("详情 D9999", "没有找到")

	seller.expect("关闭 "+nos[1], "已成交", "撤回")
	seller.refuse("关闭 "+nos[1], "未关闭")
	seller.expect("也许", "没看懂")
	seller.expect("已成交", "本平台")
	seller.expect("是", "已关闭", "已成交")
	p := postByNo(t, m, nos[1])
	if p.Status != store.StatusClosed || p.ClosedReason != "已成交" || p.ViaPlatform == nil || !*p.ViaPlatform {
		t.Errorf("closed: got %s %q %v", p.Status, p.ClosedReason, p.ViaPlatform)
	}
	seller.expect("关闭 "+nos[2], "撤回")
	seller.expect("撤回", "已关闭")
	if p := postByNo(t, m, nos[2]); p.Status != store.StatusClosed || p.ClosedReason != "撤回" {
		t.Errorf("withdrawn: got %s %q", p.Status, p.ClosedReason)
	}
	buyer.expect("详情 "+nos[1], "已关闭")

	before := postByNo(t, m, nos[3]).ExpiresAt
	seller.expect("续期 "+nos[3], "已续期")
	if after := postByNo(t, m, nos[3]).ExpiresAt; after.Sub(before) < 29*24*time.Hour {
		t.Errorf("renew: expiry moved %s, want 30 days", after.Sub(before))
	}
	seller.expect("续期 "+nos[1], "不能续期")
	seller.expect("我的发布", nos[len(nos)-1], "已关闭·已成交", "已关闭·撤回", "进行中")
	seller.click(handlers.MenuMyPosts)
}

func TestDialogBadInput(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "bad-u")
	c.expect("查需", "查需求")
	c.expect("我的发部", "我的发布")
	c.expect("订阋", "订阅")
	c.expect("今天天气怎么样", "没看懂", "帮助")
	long := strings.Repeat("求购轮毂", 200)
	c.expect(long, "太长")
	if _, err := m.Mongo.Enterprises().ByOpenID(context.Background(), "bad-u"); err == nil {
		t.Fatal("bad input registered someone")
	}
	c.expect("注册 重庆<b>青山</b>工业有限公司 零部件 重庆市璧山区 联系人张伟 13800001111", "重庆青山工业有限公司", "同意")
	c.expect("同意", "登记成功")
	if e := enterprise(t, m, "bad-u"); strings.ContainsAny(e.Name, "<>") {
		t.Errorf("markup stored: %q", e.Name)
	}
	c.expect("求购 <script>alert(1)</script>轮毂 2000套 重庆", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	if p := postByNo(t, m, no); strings.ContainsAny(p.Product, "<>") {
		t.Errorf("markup in product: %q", p.Product)
	}
	c.expect("关闭", "请写编号")
	c.expect("修改 数量 5", "没有正在填写")
	c.expect("继续", "没有需要继续")
	c.expect("取消", "没有进行中")
}

func TestDialogRateLimit(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "fast-u")
	c.limited = true
	limited := 0
	for i := 0; i < 12; i++ {
		if r := c.say("帮助"); strings.Contains(r, "您发得太快了") {
			limited++
		}
	}
	if limited != 4 {
		t.Fatalf("limited replies: got %d of 12, want 4 (8 per window pass)", limited)
	}
	other := newChat(t, m, "calm-u")
	other.limited = true
	other.expect("帮助", "发布求购")
}
