package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"supplybot/handlers/parse"
	"supplybot/store"
)

const tfAdmin = "tf-admin"

// runTaskForce starts a Main whose task force is tfAdmin.
func runTaskForce(t *testing.T) *Main {
	t.Helper()
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{tfAdmin}
	return mustRun(t, cfg, nil)
}

// usccWith is a valid unified social credit code: prefix (17 characters)
// and the check character GB 32100-2015 computes for it.
func usccWith(t *testing.T, prefix string) string {
	t.Helper()
	c := parse.USCCCheckChar(prefix)
	if c == 0 {
		t.Fatalf("no check character for %q", prefix)
	}
	return prefix + string(c)
}

// waitPush waits until openid received a push containing every want.
func waitPush(t *testing.T, m *Main, openid string, wants ...string) simPush {
	t.Helper()
	var found simPush
	eventually(t, "a push to "+openid+" saying "+strings.Join(wants, ", "), func() bool {
		for _, p := range pushes(t, m, openid) {
			ok := true
			for _, w := range wants {
				ok = ok && strings.Contains(p.Text, w)
			}
			if ok {
				found = p
				return true
			}
		}
		return false
	})
	return found
}

// itemNo returns the number N of "第N号" in a reply.
func itemNo(t *testing.T, reply string) string {
	t.Helper()
	_, after, ok := strings.Cut(reply, "第")
	if !ok {
		t.Fatalf("no 第N号 in %q", reply)
	}
	n, _, _ := strings.Cut(after, "号")
	if _, err := strconv.Atoi(n); err != nil {
		t.Fatalf("no number in 第…号 of %q", reply)
	}
	return n
}

func auditOf(t *testing.T, m *Main, action, target string) []store.AuditEntry {
	t.Helper()
	es, err := m.TaskForce.Audit(context.Background(), store.AuditFilter{Action: action, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestTaskForceCheckCharacter(t *testing.T) {
	// Published codes (their check characters were not computed here).
	for _, code := range []string{"91500227MA5U7G2X4T", "91350100M000100Y43"} {
		if !parse.ValidUSCC(code) || parse.USCCCheckChar(code[:17]) != code[17] {
			t.Errorf("%s: check character %q, want %q", code, parse.USCCCheckChar(code[:17]), code[17])
		}
	}
	if parse.ValidUSCC("91350100M000100Y44") {
		t.Error("a wrong check character passed")
	}
}

func TestTaskForceWordsAreTextForOthers(t *testing.T) {
	m := runTaskForce(t)
	c := newChat(t, m, "tf-nobody")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	for _, text := range []string{"审核", "通过 1", "驳回 1 不符", "统计", "统计 本周", "恢复 " + no, "回复 1 您好", "专班帮助"} {
		r := c.refuse(text, "待审核", "已认证", "平台统计", "已恢复", "已答复", "工作专班命令", "只有工作专班")
		if !strings.Contains(r, "没看懂") && !strings.Contains(r, "您是不是想") && !strings.Contains(r, "帮助") {
			t.Errorf("%q from a non-member: %s", text, r)
		}
	}
	c.refuse("留言列表", "待答复")
	// 下架 is 关闭 for an owner.
	c.expect("下架 "+no, "关闭原因")
	c.expect("取消", "未关闭")
	c.refuse("帮助", "审核", "专班帮助", "统计", "下架 D", "通过", "驳回", "留言列表")
	c.expect("帮助", "人工客服", "申请认证")
	if p := postByNo(t, m, no); p.Status != store.StatusOpen {
		t.Fatalf("%s: status %q, want open", no, p.Status)
	}
	if es := auditOf(t, m, "", ""); len(es) != 0 {
		t.Fatalf("audit has %d entries, want none: %+v", len(es), es)
	}
	// The member sees the member's help; the words are commands.
	a := newChat(t, m, tfAdmin)
	a.expect("专班帮助", "审核", "下架 D1024 原因", "统计")
	a.expect("审核", "没有待审核")
}

func TestTaskForceVerification(t *testing.T) {
	m := runTaskForce(t)
	ctx := context.Background()
	a := newChat(t, m, tfAdmin)
	a.expect("审核", "没有待审核")

	c := newChat(t, m, "tf-verify")
	c.expect("申请认证", "先登记企业")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	c.expect("申请认证", "信用代码", "申请认证 信用代码")
	c.expect("申请认证 91500227MA5U7G2X4A", "校验不通过")
	code := "91500227MA5U7G2X4T"
	n := itemNo(t, c.expect("申请认证 "+code, "已提交", "校验通过"))
	c.expect("申请认证 "+code, "已在审核中")

	a.expect("审核", n+". 【认证】重庆青山工业有限公司", code+" 校验通过", "通过 编号")
	a.expect("通过 "+n, "第"+n+"号认证", "重庆青山工业有限公司", "确认通过")
	a.expect("取消", "未处理")
	if enterprise(t, m, "tf-verify").Verified {
		t.Fatal("verified after 取消")
	}
	a.expect("通过 "+n, "确认通过")
	a.expect("确认", "已认证“重庆青山工业有限公司”")
	waitPush(t, m, "tf-verify", "已通过工作专班认证")

	e := enterprise(t, m, "tf-verify")
	v := e.Verification
	if !e.Verified || v == nil || v.Status != store.VerifyApproved || v.DecidedBy != tfAdmin || v.DecidedAt == nil || v.USCC != code || !v.USCCValid {
		t.Fatalf("enterprise after approval: verified %v, verification %+v", e.Verified, v)
	}
	if p := postByNo(t, m, no); !p.Verified {
		t.Fatalf("%s not marked verified", no)
	}
	c.expect("详情 "+no, "重庆青山工业有限公司（已认证）")
	c.expect("我的发布", "已认证")
	if _, page := get(t, m.URL()+"/r/"+no); !strings.Contains(page, "已认证") || strings.Contains(page, "未认证") {
		t.Fatalf("record page: %s", page)
	}
	es := auditOf(t, m, "approve", e.ID)
	if len(es) != 1 || es[0].ActorID != tfAdmin || es[0].After["uscc"] != code || es[0].Before["verified"] != "false" || es[0].At.IsZero() {
		t.Fatalf("audit of the approval: %+v", es)
	}
	a.expect("统计 全部", "企业：共1家（已认证1）")
	a.expect("通过 "+n, "已经处理过了")
	c.expect("申请认证", "已经认证过了")

	// 驳回 tells the contacts why.
	d := newChat(t, m, "tf-verify-2")
	d.register("成都银河电子有限公司")
	n2 := itemNo(t, d.expect("申请认证 "+usccWith(t, "91510100MA6C8X1Y0"), "已提交"))
	a.expect("驳回 "+n2, "驳回原因")
	a.expect("驳回 "+n2+" 信用代码与营业执照不符", "已驳回", "成都银河电子有限公司")
	waitPush(t, m, "tf-verify-2", "认证申请未通过", "信用代码与营业执照不符")
	if e := enterprise(t, m, "tf-verify-2"); e.Verified || e.Verification.Status != store.VerifyRejected {
		t.Fatalf("rejected enterprise: %+v", e.Verification)
	}
	if es := auditOf(t, m, "reject", ""); len(es) != 1 || es[0].After["reason"] != "信用代码与营业执照不符" {
		t.Fatalf("audit of the rejection: %+v", es)
	}
	// It may ask again.
	d.expect("申请认证", "已提交")
	_ = ctx
}

func TestTaskForceTakeDownAndRestore(t *testing.T) {
	m := runTaskForce(t)
	c := newChat(t, m, "tf-owner")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))
	s := newChat(t, m, "tf-searcher")
	s.expect("查需求 电磁阀", no)

	a := newChat(t, m, tfAdmin)
	a.expect("下架 "+no, "编号和原因")
	a.expect("下架 D99999 虚假", "没有找到D99999")
	a.expect("下架 "+no+" 信息不实", "将下架"+no, "变速箱电磁阀", "重庆青山工业有限公司", "原因：信息不实", "确认下架")
	a.expect("帮助", "正在下架"+no)
	a.expect("取消", no+"未下架")
	if p := postByNo(t, m, no); p.Status != store.StatusOpen {
		t.Fatalf("status %q after 取消", p.Status)
	}
	a.expect("下架 "+no+" 信息不实", "确认下架")
	a.expect("确认", "已下架"+no, "恢复 "+no)
	waitPush(t, m, "tf-owner", no, "已被工作专班下架", "原因：信息不实")

	p := postByNo(t, m, no)
	if p.Status != store.StatusRemoved {
		t.Fatalf("status %q, want removed", p.Status)
	}
	s.refuse("查需求 电磁阀", no)
	s.expect("详情 "+no, "没有找到")
	if status, _ := get(t, m.URL()+"/r/"+no); status != 404 {
		t.Fatalf("record page of a removed record: %d", status)
	}
	a.expect("下架 "+no+" 再次", "已经下架")
	if es := auditOf(t, m, "take-down", no); len(es) != 1 || es[0].Before["status"] != "open" || es[0].After["reason"] != "信息不实" {
		t.Fatalf("audit: %+v", es)
	}

	a.expect("恢复 "+no, "将恢复"+no, "下架原因：信息不实", "确认恢复")
	a.expect("确认", "已恢复"+no, "进行中")
	waitPush(t, m, "tf-owner", no, "已由工作专班恢复展示")
	s.expect("查需求 电磁阀", no)
	if p := postByNo(t, m, no); p.Status != store.StatusOpen || p.ClosedReason != "" {
		t.Fatalf("restored: %q %q", p.Status, p.ClosedReason)
	}
	a.expect("恢复 "+no, "没有被下架")
	if es := auditOf(t, m, "restore", no); len(es) != 1 || es[0].After["status"] != "open" {
		t.Fatalf("audit: %+v", es)
	}
	// The member's 下架 is not the owner's 关闭, and a member's own 关闭 works.
	a.register("重庆长江轴承股份有限公司")
	a.expect("供应 轴承 月产能2万件 重庆江北", "请核对")
	own := noIn(t, a.expect("确认", "已发布"))
	a.expect("关闭 "+own, "关闭原因")
	a.expect("撤回", own+"已关闭")
}

func TestTaskForceCommandMidForm(t *testing.T) {
	m := runTaskForce(t)
	a := newChat(t, m, tfAdmin)
	a.expect("注册", "企业全称")
	a.expect("统计", "平台统计·今天")
	a.expect("审核", "没有待审核")
	// The form is where it was.
	a.expect("重庆长江轴承股份有限公司", "哪一类")
	// A non-member mid-form: 统计 is an answer, not a command.
	c := newChat(t, m, "tf-form")
	c.expect("注册", "企业全称")
	c.refuse("审核", "没有待审核")
}

func TestTaskForceStats(t *testing.T) {
	m := runTaskForce(t)
	c := newChat(t, m, "tf-stats-1")
	c.register("重庆青山工业有限公司")
	for _, post := range []string{"求购 变速箱电磁阀 5000件 重庆璧山", "求购 铝合金轮毂 2000套 重庆璧山"} {
		c.expect(post, "请核对")
		c.expect("确认", "已发布")
	}
	d := newChat(t, m, "tf-stats-2")
	d.expect("注册 成都银河电子有限公司 电子信息 四川成都 联系人李娜 13900002222", "同意")
	d.expect("同意", "登记成功")
	d.expect("供应 6层PCB 月产能2万平米 成都", "请核对")
	o := noIn(t, d.expect("确认", "已发布"))
	d.expect("修改 "+o+" 产能 3万平米", "已修改") // an edit is no new record
	d.expect("关闭 "+o, "关闭原因")
	d.expect("已成交", "通过本平台")
	d.expect("是", "已关闭")

	a := newChat(t, m, tfAdmin)
	for _, period := range []string{"", " 今天", " 本周", " 本月", " 全部"} {
		r := a.expect("统计"+period, "平台统计", "企业：共2家", "零部件1", "电子信息1", "重庆市1", "四川省1",
			"需求：新增2，在架2", "供应：新增1，在架0", "成交上报：1条", "经平台成交1", "热门品类")
		if len(r) > 2000 {
			t.Errorf("统计%s: %d bytes", period, len(r))
		}
	}
	a.expect("统计 去年", "今天、本周、本月、全部")
	series, err := m.TaskForce.Series(context.Background(), 7, m.TaskForce.Now())
	if err != nil || len(series) != 7 {
		t.Fatalf("series: %v %v", series, err)
	}
	if last := series[6]; last.Enterprises != 2 || last.Demands != 2 || last.Offers != 1 {
		t.Fatalf("today in the series: %+v", last)
	}
	// A deregistered enterprise leaves the totals.
	d.expect("注销", "确认")
	d.expect("确认注销", "已注销")
	a.expect("统计 全部", "企业：共1家")
}

func TestTaskForceHelpDesk(t *testing.T) {
	m := runTaskForce(t)
	a := newChat(t, m, tfAdmin)
	a.expect("留言列表", "没有待答复")

	u := newChat(t, m, "tf-user")
	u.expect("留言", "请在“留言”后写下您的问题")
	r := u.expect("人工客服", "已为您通知工作专班", "答复会直接发到这个对话里")
	if !strings.Contains(r, "答复") || !strings.Contains(r, "留言") {
		t.Fatalf("ack: %s", r)
	}
	n := strings.TrimSuffix(strings.Split(strings.Split(r, "留言")[1], "号")[0], "")
	u.expect("留言 怎么修改企业名称？", "已补充到您的留言（"+n+"号）")
	waitPush(t, m, tfAdmin, "【留言 "+n+"】", "请求人工客服")
	waitPush(t, m, tfAdmin, "【留言 "+n+" 补充】", "怎么修改企业名称")
	a.expect("留言列表", n+". 未注册用户", "怎么修改企业名称", "回复 编号 内容")
	a.expect("回复 "+n, "答复内容")
	a.expect("回复 999 你好", "没有第999号留言")
	a.expect("回复 "+n+" 您好，请先注销再重新注册。", "已答复第"+n+"号留言")
	waitPush(t, m, "tf-user", "【工作专班回复】您好，请先注销再重新注册。")
	a.expect("留言列表", "没有待答复")
	if es := auditOf(t, m, "answer", "ticket:"+n); len(es) != 1 {
		t.Fatalf("audit: %+v", es)
	}
	// Writing again after an answer opens a new ticket.
	r = u.expect("留言 还有一个问题", "已收到您的留言")
	if strings.Contains(r, "（"+n+"号）") {
		t.Fatalf("a new ticket reused %s: %s", n, r)
	}
	// A user in a form leaves a message and the form stays.
	f := newChat(t, m, "tf-user-form")
	f.expect("注册", "企业全称")
	f.expect("留言 注册要多久？", "已收到您的留言")
	f.expect("重庆长江轴承股份有限公司", "哪一类")
}

func TestTaskForceJoinAndRemoveColleague(t *testing.T) {
	m := runTaskForce(t)
	c := newChat(t, m, "tf-first")
	c.register("重庆青山工业有限公司")
	code := enterprise(t, m, "tf-first").InviteCode
	j := newChat(t, m, "tf-joiner")
	j.expect("加入 "+code, "重庆青山工业有限公司")
	j.expect("李娜 13900003333", "同意")
	j.expect("同意", "已加入")
	waitPush(t, m, "tf-first", "李娜（手机尾号3333）已用邀请码加入“重庆青山工业有限公司”", "移除同事 3333")
	if len(pushes(t, m, "tf-joiner")) != 0 {
		t.Fatal("the newcomer was told of their own join")
	}
	c.expect("移除同事 9999", "没有手机尾号或姓名为“9999”")
	c.expect("移除同事 1111", "不能移除自己")
	c.expect("移除同事 3333", "将把李娜（手机尾号3333）移出", "确认移除")
	c.expect("取消", "同事仍在企业中")
	c.expect("移除同事 李娜", "确认移除")
	c.expect("确认", "已将李娜（手机尾号3333）移出企业")
	waitPush(t, m, "tf-joiner", "您已被同事移出“重庆青山工业有限公司”")
	if e := enterprise(t, m, "tf-first"); len(e.Contacts) != 1 {
		t.Fatalf("contacts: %+v", e.Contacts)
	}
	if _, err := m.Mongo.Enterprises().ByOpenID(context.Background(), "tf-joiner"); err == nil {
		t.Fatal("the removed colleague still belongs to the enterprise")
	}
}

func TestTaskForceNameDispute(t *testing.T) {
	m := runTaskForce(t)
	squatter := newChat(t, m, "tf-squatter")
	squatter.register("重庆长安汽车股份有限公司")
	squatter.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, squatter.expect("确认", "已发布"))

	cl := newChat(t, m, "tf-claimant")
	cl.expect("注册 重庆长安汽车股份有限公司 整车 重庆江北 联系人王强 13800004444", "已在平台登记", "申诉 企业全称 理由")
	cl.expect("申诉", "申诉 企业全称 理由")
	cl.expect("申诉 重庆不存在有限公司 我们的", "没有登记")
	n := itemNo(t, cl.expect("申诉 重庆长安汽车股份有限公司 我是长安采购部王强 13800004444，名称被误登记", "已收到", "申诉"))
	cl.expect("申诉 重庆长安汽车股份有限公司 再次", "已在处理中")
	squatter.expect("申诉 重庆长安汽车股份有限公司 我的", "无需申诉")

	a := newChat(t, m, tfAdmin)
	a.expect("审核", n+". 【申诉】重庆长安汽车股份有限公司", "手机尾号4444", "名称被误登记")
	a.expect("通过 "+n, "第"+n+"号申诉", "转给申诉人", "确认通过")
	a.expect("确认", "已通过第"+n+"号申诉")
	waitPush(t, m, "tf-claimant", "申诉已获支持")
	waitPush(t, m, "tf-squatter", "归属另一方")
	e := enterprise(t, m, "tf-claimant")
	if e.Name != "重庆长安汽车股份有限公司" || len(e.Contacts) != 1 || e.Contacts[0].Mobile != "13800004444" {
		t.Fatalf("enterprise after the move: %+v", e)
	}
	if p := postByNo(t, m, no); p.OpenID != "tf-claimant" || p.RawText != "" {
		t.Fatalf("%s belongs to %q with raw text %q, want the claimant and none of the former owner's words", no, p.OpenID, p.RawText)
	}
	cl.expect("我的发布", no)
	squatter.expect("注册", "企业全称") // free to register its own name
	if es := auditOf(t, m, "dispute-move", e.ID); len(es) != 1 || es[0].Before["contacts"] != "tf-squatter" {
		t.Fatalf("audit: %+v", es)
	}

	// A rejected dispute leaves the holder as it was.
	other := newChat(t, m, "tf-claimant-2")
	n2 := itemNo(t, other.expect("申诉 重庆长安汽车股份有限公司 我也是长安的", "已收到"))
	a.expect("驳回 "+n2+" 无法证明与该企业的关系", "已驳回第"+n2+"号申诉")
	waitPush(t, m, "tf-claimant-2", "申诉未获支持", "无法证明")
	if e := enterprise(t, m, "tf-claimant"); len(e.Contacts) != 1 {
		t.Fatalf("holder changed: %+v", e.Contacts)
	}
}

func TestTaskForceRegisteredWithCodeIsQueued(t *testing.T) {
	m := runTaskForce(t)
	code := usccWith(t, "91500105MA60XY123")
	c := newChat(t, m, "tf-reg-code")
	c.expect("注册 重庆长江轴承股份有限公司 零部件 重庆江北 联系人王五 13800005555 "+code, "同意", code)
	c.expect("同意", "登记成功", "工作专班核实后")
	a := newChat(t, m, tfAdmin)
	a.expect("审核", "【认证】重庆长江轴承股份有限公司", code+" 校验通过")
	c.expect("申请认证", "已在审核中")
}

func TestTaskForceConfirmationMidForm(t *testing.T) {
	m := runTaskForce(t)
	c := newChat(t, m, "tf-mid-owner")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))

	a := newChat(t, m, tfAdmin)
	a.expect("求购 铝合金轮毂 2000套 重庆璧山", "先登记企业", "企业全称")
	a.expect("下架 "+no+" 重复发布", "将下架"+no, "确认下架")
	a.expect("确认", "已下架"+no)
	if p := postByNo(t, m, no); p.Status != store.StatusRemoved {
		t.Fatalf("status %q, want removed", p.Status)
	}
	// The member's own form was set aside, not lost.
	if r := a.say("继续"); !strings.Contains(r, "继续上次的注册") || !strings.Contains(r, "企业全称") {
		t.Fatalf("the member's form after the take-down: %s", r)
	}
	a.expect("重庆长江轴承股份有限公司", "哪一类")
}

func TestTaskForceDuty(t *testing.T) {
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{tfAdmin, "tf-admin-2"}
	m := mustRun(t, cfg, nil)
	a, b := newChat(t, m, tfAdmin), newChat(t, m, "tf-admin-2")
	a.expect("下班", "已下班")
	b.expect("值班", "已值班")
	u := newChat(t, m, "tf-duty-user")
	u.expect("留言 第一个问题", "已收到")
	waitPush(t, m, "tf-admin-2", "第一个问题")
	b.expect("下班", "已下班")
	u.expect("留言 第二个问题", "已补充")
	// Everyone off duty: everyone is told, so that nobody misses it.
	waitPush(t, m, tfAdmin, "第二个问题")
	waitPush(t, m, "tf-admin-2", "第二个问题")
	for _, p := range pushes(t, m, tfAdmin) {
		if strings.Contains(p.Text, "第一个问题") {
			t.Fatalf("a member off duty was told: %s", p.Text)
		}
	}
	newChat(t, m, "tf-duty-other").refuse("下班", "已下班")
}
