package taskforce

import (
	"context"
	"strings"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/handlers/record"
	"supplybot/store"
)

// yesNo is the one question of a task-force confirmation: 确认 does it,
// 取消 keeps everything.
func yesNo(question string, do func(ctx context.Context, st handlers.Confirming) (bot.Reply, error)) []handlers.ConfirmStep {
	return []handlers.ConfirmStep{{
		Name:     "confirm",
		Question: func(handlers.Confirming) string { return question },
		Answers: []handlers.ConfirmAnswer{
			{Match: handlers.Yes, Do: do},
			{Match: handlers.No, Off: true, Note: "好的，"},
		},
		Else: "没看懂。",
	}}
}

// splitTarget reads a confirmation's target: the first word and the rest.
func splitTarget(target string) (string, string) {
	f := strings.Fields(target)
	if len(f) == 0 {
		return "", ""
	}
	return f[0], strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(target), f[0]))
}

// takeDownConf is 下架 D1024 原因.
func (s *Service) takeDownConf() *handlers.Confirmation {
	return &handlers.Confirmation{
		Flow: "tf-take-down",
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			no, reason := splitTarget(rest)
			if no == "" || reason == "" {
				return "", "", "请写编号和原因，例如：下架 D1024 信息不实", nil
			}
			p, err := s.record(ctx, no)
			if err != nil {
				msg, err := problem(err)
				return "", "", msg, err
			}
			if p.Status == store.StatusRemoved {
				return "", "", p.No + "已经下架（或发布者已注销）。", nil
			}
			return strings.TrimSpace(rest), "将下架" + s.recordLine(ctx, p) + "\n原因：" + reason + "\n下架后不再展示和匹配，并通知发布者。", "", nil
		},
		Steps: yesNo("确认下架请回复“确认”，回复“取消”不下架。", func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
			no, reason := splitTarget(st.Target)
			p, err := s.TakeDown(ctx, Actor{Via: ViaChat, ID: st.OpenID}, no, reason)
			return answer("已下架"+p.No+"，已通知发布者。回复“恢复 "+p.No+"”可撤销。", err)
		}),
		Help: func(st handlers.Confirming) string {
			no, _ := splitTarget(st.Target)
			return "正在下架" + no + "：下架后不再展示和匹配，发布者会收到原因。回复“取消”则不下架。"
		},
		Kept: func(st handlers.Confirming) string {
			no, _ := splitTarget(st.Target)
			return no + "未下架。"
		},
	}
}

// restoreConf is 恢复 D1024.
func (s *Service) restoreConf() *handlers.Confirmation {
	return &handlers.Confirmation{
		Flow: "tf-restore",
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			no, _ := splitTarget(rest)
			if no == "" {
				return "", "", "请写编号，例如：恢复 D1024", nil
			}
			p, err := s.record(ctx, no)
			if err != nil {
				msg, err := problem(err)
				return "", "", msg, err
			}
			td, err := s.d.Mongo.Posts(p.Kind).TakeDownOf(ctx, p.ID)
			if err != nil {
				return "", "", p.No + "没有被下架，不用恢复。", nil
			}
			return p.No, "将恢复" + s.recordLine(ctx, p) + "\n下架原因：" + td.Reason + "（" + record.Date(td.At, s.now()) + "）", "", nil
		},
		Steps: yesNo("确认恢复请回复“确认”，回复“取消”保持下架。", func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
			p, err := s.Restore(ctx, Actor{Via: ViaChat, ID: st.OpenID}, st.Target)
			return answer("已恢复"+p.No+"（"+record.StatusName(p, s.now())+"），已通知发布者。", err)
		}),
		Help: func(st handlers.Confirming) string {
			return "正在恢复" + st.Target + "：恢复后重新展示和匹配。回复“取消”则保持下架。"
		},
		Kept: func(st handlers.Confirming) string { return st.Target + "仍是下架状态。" },
	}
}

// approveConf is 通过 N: a verification, or a dispute won by the claimant.
func (s *Service) approveConf() *handlers.Confirmation {
	return &handlers.Confirmation{
		Flow: "tf-approve",
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			n, _, bad := queueNo(rest, "通过")
			if bad != "" {
				return "", "", bad, nil
			}
			it, err := s.ItemByN(ctx, n)
			if err != nil {
				msg, err := problem(err)
				return "", "", msg, err
			}
			if it.Kind == KindDispute {
				return itoa64(n), "第" + itoa64(n) + "号申诉：" + itemText(it, s.now()) +
					"\n通过后，企业名称和其发布转给申诉人，原联系人被移出。", "", nil
			}
			if it.Enterprise.Verification == nil || it.Enterprise.Verification.Status != store.VerifyPending {
				return "", "", "第" + itoa64(n) + "号已经处理过了。回复“审核”查看。", nil
			}
			return itoa64(n), "第" + itoa64(n) + "号认证：" + itemText(it, s.now()) + "\n通过后该企业及其在架信息显示“已认证”。", "", nil
		},
		Steps: yesNo("确认通过请回复“确认”，回复“取消”暂不处理。", func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
			n, _, _ := queueNo(st.Target, "通过")
			it, err := s.ItemByN(ctx, n)
			if err != nil {
				return answer("", err)
			}
			if it.Kind == KindDispute {
				return answer("已通过第"+itoa64(n)+"号申诉：“"+it.Enterprise.Name+"”已转给申诉人，双方都已通知。回复“审核”看下一项。",
					s.ResolveDispute(ctx, Actor{Via: ViaChat, ID: st.OpenID}, it.DisputeID, true, ""))
			}
			e, err := s.Approve(ctx, Actor{Via: ViaChat, ID: st.OpenID}, it.EnterpriseID)
			return answer("已认证“"+e.Name+"”，已通知企业联系人。回复“审核”看下一项。", err)
		}),
		Help: func(st handlers.Confirming) string {
			return "正在处理第" + st.Target + "号。回复“确认”通过，“取消”暂不处理，“驳回 " + st.Target + " 原因”驳回。"
		},
		Kept: func(st handlers.Confirming) string { return "第" + st.Target + "号未处理。" },
	}
}

// removeConf is 移除同事 1111 (a mobile's last digits, or a name).
func (s *Service) removeConf() *handlers.Confirmation {
	return &handlers.Confirmation{
		Flow: "remove-colleague",
		Start: func(ctx context.Context, m *bot.Message, rest string) (string, string, string, error) {
			e, c, err := s.Colleague(ctx, m.OpenID, rest)
			if err != nil {
				msg, err := problem(err)
				return "", "", msg, err
			}
			return c.OpenID, "将把" + clip(c.Name, 10) + "（手机尾号" + tail(c.Mobile) + "）移出“" + e.Name + "”，其联系信息从企业删除。", "", nil
		},
		Steps: yesNo("确认移除请回复“确认”，回复“取消”保留。", func(ctx context.Context, st handlers.Confirming) (bot.Reply, error) {
			c, err := s.RemoveColleague(ctx, st.OpenID, st.Target)
			return answer("已将"+clip(c.Name, 10)+"（手机尾号"+tail(c.Mobile)+"）移出企业，已通知对方。", err)
		}),
		Help: func(handlers.Confirming) string {
			return "正在移除同事：移除后对方不再是贵企业的联系人。回复“取消”则保留。"
		},
		Kept: func(handlers.Confirming) string { return "同事仍在企业中。" },
	}
}

// recordLine is a record as the task force sees it before acting.
func (s *Service) recordLine(ctx context.Context, p store.Post) string {
	line := p.No + " " + record.KindName(p.Kind) + " " + clip(p.Product, 20)
	if sum := record.Summary(p); sum != "" {
		line += " · " + sum
	}
	if e, err := s.d.Mongo.Enterprises().Get(ctx, p.EnterpriseID); err == nil {
		line += "（" + e.Name + "）"
	}
	return line
}
