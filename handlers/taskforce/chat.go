package taskforce

import (
	"context"
	"strconv"
	"strings"

	"supplybot/bot"
	"supplybot/handlers"
)

// Command names of the task force's chat.
const (
	cmdHelp     = "tf-help"
	cmdQueue    = "tf-queue"
	cmdApprove  = "tf-approve"
	cmdReject   = "tf-reject"
	cmdTakeDown = "tf-take-down"
	cmdRestore  = "tf-restore"
	cmdStats    = "tf-stats"
	cmdTickets  = "tf-tickets"
	cmdAnswer   = "tf-answer"
	cmdDuty     = "tf-duty"

	cmdVerify   = "verify-request"
	cmdDispute  = "name-dispute"
	cmdHelpDesk = "help-desk"
	cmdHuman    = "help-desk-human"
	cmdRemove   = "remove-colleague"
)

// member is the Visible of the task force's commands: for everyone else
// their words are ordinary text.
func (s *Service) member(ctx context.Context, m *bot.Message) bool {
	return m != nil && s.IsMember(ctx, m.OpenID)
}

func chatActor(m *bot.Message) Actor { return Actor{Via: ViaChat, ID: m.OpenID} }

// Commands are the members' commands (each passes an open form by) and
// the commands of every user: 申请认证, 申诉, 人工客服 and 留言.
func (s *Service) Commands() []bot.Command {
	always := bot.Always
	return []bot.Command{
		{Name: cmdHelp, Exact: []string{"专班帮助", "专班"}, Visible: s.member, PassBy: always, Handle: s.cmdHelp},
		{Name: cmdQueue, Exact: []string{"审核", "待审核", "审核列表"}, Visible: s.member, PassBy: always, Handle: s.cmdQueue},
		{Name: cmdReject, Words: []string{"驳回"}, Visible: s.member, PassBy: always, Handle: s.cmdReject},
		{Name: cmdStats, Words: []string{"统计"}, Visible: s.member, PassBy: always, Handle: s.cmdStats},
		{Name: cmdTickets, Exact: []string{"留言列表"}, Visible: s.member, PassBy: always, Handle: s.cmdTickets},
		{Name: cmdAnswer, Words: []string{"回复"}, Visible: s.member, PassBy: always, Handle: s.cmdAnswer},
		{Name: cmdDuty, Exact: []string{"值班", "下班"}, Visible: s.member, PassBy: always, Handle: s.cmdDuty},

		{Name: cmdVerify, Words: []string{"申请认证", "企业认证"}, PassBy: always, Handle: s.cmdVerify},
		{Name: cmdDispute, Words: []string{"申诉"}, PassBy: always, Handle: s.cmdDispute},
		{Name: cmdHuman, Exact: []string{"人工客服", "人工", "客服", "联系客服", "转人工"}, PassBy: always, Handle: s.cmdHuman},
		{Name: cmdHelpDesk, Words: []string{"留言"}, PassBy: always, Handle: s.cmdHelpDesk},
	}
}

// MenuKeys: the task force has no menu button.
func (s *Service) MenuKeys() map[string]bot.Handler { return nil }

// Confirmed are the commands that ask before they act: 通过, 下架, 恢复
// (members) and 移除同事 (a contact).
func (s *Service) Confirmed() []handlers.Confirmed {
	return []handlers.Confirmed{
		{Command: bot.Command{Name: cmdApprove, Words: []string{"通过"}, Visible: s.member}, Confirmation: s.approveConf()},
		{Command: bot.Command{Name: cmdTakeDown, Words: []string{"下架"}, Visible: s.member}, Confirmation: s.takeDownConf()},
		{Command: bot.Command{Name: cmdRestore, Words: []string{"恢复"}, Visible: s.member}, Confirmation: s.restoreConf()},
		{Command: bot.Command{Name: cmdRemove, Words: []string{"移除同事", "移除"}}, Confirmation: s.removeConf()},
	}
}

// answer turns a refusal of the service into its message; other errors
// stay errors.
func answer(text string, err error) (bot.Reply, error) {
	if msg := ErrorMessage(err); msg != "" {
		return bot.Text(msg), nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Text(text), nil
}

// problem is the message of a refusal, for a confirmation's Start.
func problem(err error) (string, error) {
	if msg := ErrorMessage(err); msg != "" {
		return msg, nil
	}
	return "", err
}

const memberHelp = `工作专班命令（仅成员可见）：
· 审核：待认证企业和名称申诉，先到先审
· 通过 N / 驳回 N 原因：处理第N号
· 下架 D1024 原因 / 恢复 D1024
· 统计 [今天|本周|本月|全部]
· 留言列表 / 回复 N 内容：答复用户留言
· 值班 / 下班：是否接收留言推送（都下班时推给全部成员）
其他人发这些词是普通文字。`

func (s *Service) cmdHelp(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	return bot.Text(memberHelp), nil
}

func (s *Service) cmdQueue(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	items, err := s.Queue(ctx)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Text(queueText(items, s.now())), nil
}

// queueNo reads the N of 通过 N / 驳回 N 原因 and the rest.
func queueNo(rest, verb string) (int64, string, string) {
	f := strings.Fields(rest)
	if len(f) == 0 {
		return 0, "", "请写编号，例如：" + verb + " 3（编号见“审核”）。"
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(f[0], "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, "", "编号应是数字，例如：" + verb + " 3（编号见“审核”）。"
	}
	return n, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), f[0])), ""
}

func (s *Service) cmdReject(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	n, reason, bad := queueNo(rest, "驳回")
	reason = rawAfter(m.Text, "驳回", true, reason)
	if bad != "" {
		return bot.Text(bad + "\n驳回要写原因：驳回 3 信用代码与执照不符"), nil
	}
	if reason == "" {
		return bot.Text("请写驳回原因，例如：驳回 " + itoa64(n) + " 信用代码与执照不符"), nil
	}
	it, err := s.ItemByN(ctx, n)
	if err != nil {
		return answer("", err)
	}
	if it.Kind == KindDispute {
		return answer("已驳回第"+itoa64(n)+"号申诉，已通知申诉人。回复“审核”看下一项。",
			s.ResolveDispute(ctx, chatActor(m), it.DisputeID, false, reason))
	}
	return answer("已驳回“"+it.Enterprise.Name+"”的认证申请，已通知企业联系人。回复“审核”看下一项。",
		s.Reject(ctx, chatActor(m), it.EnterpriseID, reason))
}

func (s *Service) cmdStats(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	period := strings.TrimSpace(rest)
	switch period {
	case "今日", "当天":
		period = PeriodToday
	case "这周", "本星期", "一周":
		period = PeriodWeek
	case "这个月", "当月":
		period = PeriodMonth
	case "所有", "累计", "总计":
		period = PeriodAll
	}
	now := s.now()
	st, err := s.Stats(ctx, period, now)
	if err != nil {
		return answer("", err)
	}
	return bot.Text(statsText(st, now)), nil
}

func (s *Service) cmdTickets(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	ts, err := s.Tickets(ctx, true, 10)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Text(ticketsText(ts, s.now())), nil
}

func (s *Service) cmdAnswer(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	n, text, bad := queueNo(rest, "回复")
	if bad != "" {
		return bot.Text(strings.Replace(bad, "“审核”", "“留言列表”", 1) + "\n格式：回复 N 答复内容"), nil
	}
	return answer("已答复第"+itoa64(n)+"号留言，用户会在对话中收到。回复“留言列表”看其他留言。",
		s.Answer(ctx, chatActor(m), int(n), rawAfter(m.Text, "回复", true, text)))
}

func (s *Service) cmdDuty(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	on := strings.HasPrefix(strings.TrimSpace(m.Text), "值班")
	text := "已值班：用户的留言会推送给您。回复“下班”停止。"
	if !on {
		text = "已下班：留言不再推送给您（其他成员都下班时仍会推送）。回复“值班”恢复。"
	}
	return answer(text, s.SetDuty(ctx, chatActor(m), on))
}

func (s *Service) cmdVerify(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	f := strings.Fields(rest)
	uscc := ""
	if len(f) > 0 {
		uscc = f[0]
	}
	e, err := s.RequestVerification(ctx, m.OpenID, uscc)
	if err != nil {
		return answer("", err)
	}
	v := e.Verification
	return bot.Text("已提交“" + e.Name + "”的认证申请（第" + itoa64(v.N) + "号），信用代码" + v.USCC +
		"校验通过。\n工作专班核实后会在这里通知您，一般1–2个工作日。"), nil
}

func (s *Service) cmdDispute(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	f := strings.Fields(rest)
	if len(f) < 2 {
		return bot.Text("企业名称被他人登记了？请发送：申诉 企业全称 理由（可附联系人和手机），例如：\n申诉 重庆青山工业有限公司 我是该公司采购部张伟 13800001111，名称被他人误登记"), nil
	}
	d, err := s.Dispute(ctx, m.OpenID, f[0], strings.TrimSpace(strings.TrimPrefix(rest, f[0])))
	if err != nil {
		return answer("", err)
	}
	return bot.Text("已收到您对“" + d.Name + "”的申诉（第" + itoa64(d.N) + "号）。工作专班核实后会在这里通知您结果，一般3个工作日内。\n如需补充材料，请发送“留言 内容”。"), nil
}

func (s *Service) cmdHuman(ctx context.Context, m *bot.Message, _ string) (bot.Reply, error) {
	return s.helpDesk(ctx, m, "（请求人工客服）", true)
}

func (s *Service) cmdHelpDesk(ctx context.Context, m *bot.Message, rest string) (bot.Reply, error) {
	if r := strings.TrimSpace(rest); r == "" || r == "列表" {
		return bot.Text("请在“留言”后写下您的问题，例如：留言 怎么修改企业名称？\n工作专班会在这个对话里答复您。"), nil
	}
	return s.helpDesk(ctx, m, rawAfter(m.Text, "留言", false, rest), false)
}

func (s *Service) helpDesk(ctx context.Context, m *bot.Message, text string, human bool) (bot.Reply, error) {
	t, created, err := s.Write(ctx, m.OpenID, text)
	if err != nil {
		return answer("", err)
	}
	when := AnswerExpected(s.now())
	var msg string
	switch {
	case human:
		msg = "已为您通知工作专班（留言" + itoa64(t.N) + "号），" + when + "，答复会直接发到这个对话里。\n请接着发“留言 您的问题”说明情况，便于尽快处理。"
	case created:
		msg = "已收到您的留言（" + itoa64(t.N) + "号），" + when + "，答复会直接发到这个对话里。\n需要补充可再发“留言 内容”。"
	default:
		msg = "已补充到您的留言（" + itoa64(t.N) + "号），" + when + "。"
	}
	return bot.Text(msg), nil
}
