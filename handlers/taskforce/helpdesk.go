package taskforce

import (
	"context"
	"errors"
	"strings"
	"time"

	"supplybot/handlers/notify"
	"supplybot/handlers/record"
	"supplybot/store"
)

// maxTicketText bounds one help-desk message.
const maxTicketText = 500

// Write takes a user's help-desk message (人工客服, 留言 …): it joins the
// user's open ticket or opens one, and every member is told. EInvalid for
// an empty text.
func (s *Service) Write(ctx context.Context, openid, text string) (store.Ticket, bool, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return store.Ticket{}, false, fail(EInvalid, "请写下您的问题，例如：留言 怎么修改企业名称？")
	}
	text = clip(text, maxTicketText)
	name := ""
	if e, err := s.d.Mongo.Enterprises().ByOpenID(ctx, openid); err == nil {
		name = e.Name
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Ticket{}, false, err
	}
	t, created, err := s.d.Mongo.Tickets().Write(ctx, openid, name, text, s.now())
	if err != nil {
		return t, false, err
	}
	from := "未注册用户"
	if t.EnterpriseName != "" {
		from = "“" + t.EnterpriseName + "”"
	}
	head := "【留言 " + itoa64(t.N) + "】"
	if !created {
		head = "【留言 " + itoa64(t.N) + " 补充】"
	}
	msg := head + from + "：" + text + "\n回复“回复 " + itoa64(t.N) + " 内容”答复，“留言列表”看全部。"
	for _, m := range s.onDuty(ctx) {
		s.tell(ctx, notify.HelpDeskTicketKey(t.ID, len(t.Messages), m), m, msg)
	}
	return t, created, nil
}

// onDuty are the members told of help-desk messages: those not off duty
// (下班), or every member when all are off, so that a message always
// reaches someone.
func (s *Service) onDuty(ctx context.Context) []string {
	off, err := s.d.Mongo.Duty().Off(ctx)
	if err != nil {
		s.d.Log.WarnContext(ctx, "help desk: who is on duty; telling every member", "err", err)
		return s.d.Members
	}
	var on []string
	for _, m := range s.d.Members {
		if !off[m] {
			on = append(on, m)
		}
	}
	if len(on) == 0 {
		return s.d.Members
	}
	return on
}

// SetDuty puts a member on duty (值班) or off (下班). EForbidden for others.
func (s *Service) SetDuty(ctx context.Context, a Actor, on bool) error {
	if err := s.authorise(ctx, a); err != nil {
		return err
	}
	return s.d.Mongo.Duty().Set(ctx, a.ID, on, s.now())
}

// AnswerExpected says when a user who wrote at now may expect an answer:
// the task force answers on working days, 9:00 to 18:00 China time.
func AnswerExpected(now time.Time) string {
	c := now.In(record.China)
	workday := c.Weekday() != time.Saturday && c.Weekday() != time.Sunday
	switch {
	case workday && c.Hour() >= 9 && c.Hour() < 17:
		return "工作专班一般会在2小时内答复"
	case workday && c.Hour() < 9:
		return "工作专班上班后（9:00起）会尽快答复"
	}
	return "工作专班会在下一个工作日上午答复"
}

// Tickets lists help-desk tickets: the open ones (waiting for the task
// force) oldest first, or all, newest first.
func (s *Service) Tickets(ctx context.Context, open bool, limit int) ([]store.Ticket, error) {
	return s.d.Mongo.Tickets().List(ctx, open, limit)
}

// Answer sends text to the user of ticket number n as a customer-service
// message (held and offered again if the user's 48-hour window closed)
// and marks the ticket answered. EInvalid, ENotFound, EForbidden.
func (s *Service) Answer(ctx context.Context, a Actor, n int, text string) error {
	if err := s.authorise(ctx, a); err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return fail(EInvalid, "请写答复内容，例如：回复 "+itoa64(int64(n))+" 您好，已为您处理。")
	}
	tickets := s.d.Mongo.Tickets()
	t, err := tickets.ByN(ctx, int64(n))
	if errors.Is(err, store.ErrNotFound) {
		return fail(ENotFound, "没有第"+itoa64(int64(n))+"号留言。回复“留言列表”查看。")
	}
	if err != nil {
		return err
	}
	count, err := tickets.Answer(ctx, t.ID, a.ID, text, s.now())
	if err != nil {
		return err
	}
	if err := s.d.Notify.Text(ctx, notify.HelpDeskAnswerKey(t.ID, count), t.OpenID,
		"【工作专班回复】"+text+"\n如需继续咨询，请发送“留言 内容”。"); err != nil {
		return err
	}
	s.audit(ctx, a, ActAnswer, "ticket:"+itoa64(t.N), map[string]string{"status": t.Status},
		map[string]string{"status": store.TicketAnswered, "answer": clip(text, 200)}, "")
	return nil
}
