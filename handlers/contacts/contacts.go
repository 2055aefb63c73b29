// Package contacts brokers the exchange of contacts on consent: 联系 D1024
// asks a record's owner, who answers 同意 / 拒绝 [编号]; an accepted request
// sends each side the other's contact person and mobile, a declined or
// expired one tells the requester politely. Every push goes through the
// notify API with a key derived from the request, so finishing a request
// again (a retry, the lifecycle sweep) sends nothing twice.
//
// It imports bot, store and handlers/notify; it must not import the
// package handlers, the alerts service (which assembles it), subscriptions
// nor lifecycle (which calls it through its own interface).
package contacts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/handlers/notify"
	"supplybot/handlers/record"
	"supplybot/store"
)

// Config tunes the service. Zero values take the defaults.
type Config struct {
	TTL   time.Duration     // a contact request expires after; default 7 days
	Quiet notify.QuietHours // requests to owners wait for the end of quiet hours
	Now   func() time.Time  // default time.Now
}

// Deps are the stores and the push API the service uses.
type Deps struct {
	Mongo  *store.Mongo
	Notify *notify.Notifier
	Log    *slog.Logger // nil: slog.Default()
}

func (s *Service) log() *slog.Logger {
	if s.d.Log != nil {
		return s.d.Log
	}
	return slog.Default()
}

// Service brokers contact requests.
type Service struct {
	cfg Config
	d   Deps
}

// New returns the service.
func New(cfg Config, d Deps) *Service {
	if cfg.TTL <= 0 {
		cfg.TTL = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, d: d}
}

func (s *Service) clock() time.Time { return s.cfg.Now() }

// Commands are 联系 D1024 and 同意 / 拒绝 [N]; each passes an open form by.
// 同意 and 拒绝 always answer (a user with nothing to answer is told so);
// a dialog that asks for 同意 itself claims the bare word (its owner rule).
func (s *Service) Commands() []bot.Command {
	return []bot.Command{
		{Name: "contact", Pattern: contactRe, PassBy: bot.Always, Handle: bot.Plain(s.cmdContact)},
		// Other text starting with 联系 (联系方式是什么) is not a request,
		// but it is not an answer to a form either.
		{Name: "contact-word", Words: []string{"联系"}, PassBy: bot.Always},
		{Name: "contact-answer", Pattern: answerRe, PassBy: bot.Always, Handle: bot.Plain(s.cmdAnswer)},
	}
}

var (
	contactRe = regexp.MustCompile(`^联系\s*([DdOo]\d{1,9})$`)
	answerRe  = regexp.MustCompile(`^(同意|拒绝)\s*(\d{1,9})?$`)
)

var statusWord = map[string]string{
	store.ContactPending:  "等待对方回复",
	store.ContactAccepted: "对方已同意",
	store.ContactDeclined: "对方已婉拒",
	store.ContactExpired:  "已过期",
}

// card is an enterprise as the other side sees it before consenting:
// name, role, place and verification, never a person or a phone.
func card(e *store.Enterprise) string {
	parts := []string{}
	if e.Role != "" {
		parts = append(parts, e.Role)
	}
	if r := record.RegionShort(e.Region); r != "" {
		parts = append(parts, r)
	}
	if e.Verified {
		parts = append(parts, "已认证")
	} else {
		parts = append(parts, "未认证")
	}
	return e.Name + "（" + strings.Join(parts, " · ") + "）"
}

// cmdContact handles "联系 D1024": a registered user asks the owner of a
// record to exchange contacts.
func (s *Service) cmdContact(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	sm := contactRe.FindStringSubmatch(strings.TrimSpace(m.Text))
	if sm == nil {
		return bot.Text("请回复 联系 编号，例如 联系 D1024"), nil
	}
	no := strings.ToUpper(sm[1])
	kind, _ := store.KindOfNo(no)
	ent, err := s.d.Mongo.Enterprises().ByOpenID(ctx, m.OpenID)
	if errors.Is(err, store.ErrNotFound) {
		return bot.Text("交换联系方式需要先注册企业。回复 注册 开始，约1分钟。"), nil
	} else if err != nil {
		return bot.Reply{}, err
	}
	p, err := s.d.Mongo.Posts(kind).ByNo(ctx, no)
	if errors.Is(err, store.ErrNotFound) {
		return bot.Text("没有找到 " + no + "，请检查编号。回复 查需求 或 查供应 找找看。"), nil
	} else if err != nil {
		return bot.Reply{}, err
	}
	now := s.clock()
	switch {
	case p.EnterpriseID == ent.ID:
		return bot.Text(no + " 是贵公司自己发布的，无需联系。回复 我的发布 查看。"), nil
	case p.Status != store.StatusOpen || !p.ExpiresAt.After(now):
		return bot.Text(no + " 已关闭或过期，无法联系。回复 查需求 或 查供应 看看其他信息。"), nil
	case p.OpenID == "":
		return bot.Text(no + " 的发布人已不在平台，无法联系。"), nil
	}
	q := &store.ContactRequest{
		RequesterOpenID: m.OpenID, RequesterEnterpriseID: ent.ID,
		OwnerOpenID: p.OpenID, OwnerEnterpriseID: p.EnterpriseID,
		RecordID: p.ID, RecordNo: p.No, RecordKind: p.Kind, Product: p.Product,
		CreatedAt: now.UTC(), ExpiresAt: now.Add(s.cfg.TTL).UTC(), MsgKey: bot.MessageKey(ctx),
	}
	reqs := s.d.Mongo.ContactRequests()
	err = reqs.Create(ctx, q)
	if errors.Is(err, store.ErrConflict) {
		prev, gerr := reqs.Get(ctx, m.OpenID, p.ID)
		if gerr != nil {
			return bot.Reply{}, gerr
		}
		if prev.Status != store.ContactPending || prev.AskedAt != nil {
			// An answer whose pushes were lost is finished here too.
			if err := s.finish(ctx, &prev, now); err != nil {
				return bot.Reply{}, err
			}
			return bot.Text(fmt.Sprintf("您已请求过联系 %s（%s），同一条信息只能请求一次。回复 查需求 或 查供应 看看其他信息。",
				no, statusWord[prev.Status])), nil
		}
		// The first try stopped before the owner was asked: ask now.
		q, err = &prev, nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if err := s.finish(ctx, q, now); err != nil {
		return bot.Reply{}, err
	}
	sent := fmt.Sprintf("已向 %s 的发布方发送联系请求（编号 %d）。", no, q.No)
	if at, held := s.cfg.Quiet.DeliverAt(now); held {
		// The owner did not ask for it: it waits for the morning, and the
		// requester is told so rather than that it was sent.
		sent = fmt.Sprintf("已收到您对 %s 的联系请求（编号 %d）。现在是夜间，对方将于%s收到。", no, q.No, record.Date(at, now)+at.In(record.China).Format(" 15:04"))
	}
	return bot.Text(sent + "对方同意后，双方会收到彼此的联系人和电话；7天内未回复自动失效。\n回复 我的匹配 看看其他机会。"), nil
}

// PushHeld is told (through the push workers' OnGiveUp) when a push could
// not be delivered and waits for its recipient's next visit: for a contact
// request (43004 not following, 45015 or 45047 outside the customer-service
// window), the requester is told the truth once.
func (s *Service) PushHeld(ctx context.Context, p bot.Push, code int) {
	if code != bot.CodeNotSubscribed && code != bot.CodeOutsideWindow && code != bot.CodeTooManyCustomMsgs {
		return
	}
	no, ok := notify.ContactRequestNo(p.Key)
	if !ok {
		return
	}
	q, err := s.d.Mongo.ContactRequests().ByNo(ctx, p.OpenID, no)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log().WarnContext(ctx, "contact request of a held push", "key", p.Key, "err", err)
		}
		return
	}
	err = s.d.Notify.Text(ctx, notify.ContactUndeliveredKey(no), q.RequesterOpenID,
		fmt.Sprintf("您对 %s（%s）的联系请求（编号 %d）暂时没能送达：对方目前收不到公众号消息。对方下次打开公众号时会收到，%s前有效。\n回复 我的匹配 看看其他机会。",
			q.RecordNo, q.Product, no, record.MonthDay(q.ExpiresAt)))
	if err != nil {
		s.log().WarnContext(ctx, "tell the requester of a held contact request", "no", no, "err", err)
	}
}

// cmdAnswer handles 同意 / 拒绝 [编号] of a record's owner. Answers whose
// pushes were lost (the process died after the status changed) are
// finished first: saying it again is how an owner retries.
func (s *Service) cmdAnswer(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	sm := answerRe.FindStringSubmatch(strings.TrimSpace(m.Text))
	if sm == nil {
		return bot.Text("请回复 同意 编号 或 拒绝 编号"), nil
	}
	status := store.ContactDeclined
	if sm[1] == "同意" {
		status = store.ContactAccepted
	}
	now := s.clock()
	reqs := s.d.Mongo.ContactRequests()
	untold, err := reqs.UntoldForOwner(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	var finished []int64 // untold answers like this one, now told
	for i := range untold {
		q := &untold[i]
		if err := s.finish(ctx, q, now); err != nil {
			return bot.Reply{}, err
		}
		if q.Status == status {
			finished = append(finished, q.No)
		}
	}
	if sm[2] != "" {
		n, _ := strconv.ParseInt(sm[2], 10, 64)
		if slices.Contains(finished, n) {
			return answered(status, n), nil
		}
		finished = nil
	}
	if len(finished) > 0 {
		return answered(status, finished...), nil
	}
	pending, err := reqs.PendingForOwner(ctx, m.OpenID, now)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(pending) == 0 {
		return bot.Text("您没有待处理的联系请求。回复 帮助 查看可用功能。"), nil
	}
	var q *store.ContactRequest
	switch {
	case sm[2] != "":
		n, _ := strconv.ParseInt(sm[2], 10, 64)
		for i := range pending {
			if pending[i].No == n {
				q = &pending[i]
			}
		}
		if q == nil {
			return bot.Text("没有编号为 " + sm[2] + " 的待处理请求。\n" + s.pendingList(ctx, pending)), nil
		}
	case len(pending) == 1:
		q = &pending[0]
	default:
		return bot.Text(s.pendingList(ctx, pending)), nil
	}
	if err := reqs.Answer(ctx, q.ID, status, now); errors.Is(err, store.ErrNotFound) {
		// Answered meanwhile (the same answer sent twice at once) or expired.
		cur, gerr := reqs.ByID(ctx, q.ID)
		if gerr != nil || cur.Status != status {
			return bot.Text(fmt.Sprintf("请求 %d 已处理或已过期。", q.No)), nil
		}
		*q = cur
	} else if err != nil {
		return bot.Reply{}, err
	} else {
		q.Status, q.AnsweredAt = status, &now
	}
	if err := s.finish(ctx, q, now); err != nil {
		return bot.Reply{}, err
	}
	return answered(status, q.No), nil
}

// answered confirms the owner's answer of the requests numbered nos.
func answered(status string, nos ...int64) bot.Reply {
	list := make([]string, len(nos))
	for i, n := range nos {
		list[i] = strconv.FormatInt(n, 10)
	}
	if status == store.ContactDeclined {
		return bot.Text(fmt.Sprintf("已婉拒请求 %s，对方会收到礼貌的通知。", strings.Join(list, "、")))
	}
	return bot.Text(fmt.Sprintf("已同意请求 %s。双方的联系人和电话已通过消息发送，请留意查收。", strings.Join(list, "、")))
}

// finish queues the pushes q's state owes (see store.ContactRequest)
// — the owner's request, the answer's messages or the expiry notice — and
// records that they are queued. Their outbox keys are derived from the
// request, so running it again, or concurrently, sends nothing twice.
func (s *Service) finish(ctx context.Context, q *store.ContactRequest, now time.Time) error {
	if !q.Owes() {
		return nil
	}
	reqs := s.d.Mongo.ContactRequests()
	switch q.Status {
	case store.ContactPending:
		if err := s.ask(ctx, q, now); err != nil {
			return err
		}
		if err := reqs.MarkAsked(ctx, q.ID, now.UTC()); err != nil {
			return err
		}
		q.AskedAt = &now
	default:
		var err error
		switch q.Status {
		case store.ContactAccepted:
			err = s.exchange(ctx, q)
		case store.ContactDeclined:
			err = s.d.Notify.Text(ctx, notify.ContactDeclinedKey(q.No), q.RequesterOpenID,
				fmt.Sprintf("很抱歉，%s（%s）的发布方暂时不方便交换联系方式。您可以回复 查需求 或 查供应 看看其他机会。", q.RecordNo, q.Product))
		case store.ContactExpired:
			err = s.d.Notify.Text(ctx, notify.ContactExpiredKey(q.No), q.RequesterOpenID,
				fmt.Sprintf("您对 %s（%s）的联系请求7天内未获回复，已失效。回复 查需求 或 查供应 寻找其他机会。", q.RecordNo, q.Product))
		}
		if err != nil {
			return err
		}
		if err := reqs.MarkTold(ctx, q.ID, now.UTC()); err != nil {
			return err
		}
		q.ToldAt = &now
	}
	return nil
}

// ask queues the owner's request of q, with the requester's enterprise card.
func (s *Service) ask(ctx context.Context, q *store.ContactRequest, now time.Time) error {
	who := "一家企业" // the requester left the platform since
	if ent, err := s.d.Mongo.Enterprises().Get(ctx, q.RequesterEnterpriseID); err == nil {
		who = card(&ent)
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("requester of contact request %d: %w", q.No, err)
	}
	return s.d.Notify.Text(ctx, notify.ContactRequestKey(q.No), q.OwnerOpenID,
		fmt.Sprintf("【联系请求 %d】%s 想就您的%s %s（%s）与您交换联系方式。\n回复 同意 %d 或 拒绝 %d（%s前有效）",
			q.No, who, record.KindName(q.RecordKind), q.RecordNo, q.Product, q.No, q.No, record.MonthDay(q.ExpiresAt)),
		s.cfg.Quiet.Hold(now))
}

// contactGrace is how old a request owing pushes must be before
// FinishOwed takes it for one whose command died; a live command
// finishes in milliseconds.
const contactGrace = time.Minute

// FinishOwed queues the pushes owed by requests whose command died
// between a status change and its pushes (see finish). The lifecycle
// sweep runs it, so a request is finished even when nobody says it again.
func (s *Service) FinishOwed(ctx context.Context, now time.Time) error {
	owing, err := s.d.Mongo.ContactRequests().Owing(ctx, now.Add(-contactGrace), now, 100)
	if err != nil {
		return fmt.Errorf("contact requests owing pushes: %w", err)
	}
	var errs []error
	for i := range owing {
		if err := s.finish(ctx, &owing[i], now); err != nil {
			errs = append(errs, fmt.Errorf("contact request %d: %w", owing[i].No, err))
		}
	}
	return errors.Join(errs...)
}

// pendingList asks the owner which request they mean.
func (s *Service) pendingList(ctx context.Context, pending []store.ContactRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您有 %d 个待处理的联系请求：", len(pending))
	for i, q := range pending {
		if i == 10 {
			b.WriteString("\n…")
			break
		}
		who := "一家企业"
		if e, err := s.d.Mongo.Enterprises().Get(ctx, q.RequesterEnterpriseID); err == nil {
			who = card(&e)
		}
		fmt.Fprintf(&b, "\n%d. %s 想联系您的 %s", q.No, who, q.RecordNo)
	}
	first := pending[0].No
	fmt.Fprintf(&b, "\n请回复 同意 编号 或 拒绝 编号，例如 同意 %d", first)
	return b.String()
}

// exchange sends each side of an accepted request the other's contact.
func (s *Service) exchange(ctx context.Context, q *store.ContactRequest) error {
	ents := s.d.Mongo.Enterprises()
	owner, err := ents.ByOpenID(ctx, q.OwnerOpenID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	requester, err := ents.ByOpenID(ctx, q.RequesterOpenID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	person := func(e *store.Enterprise, openid string) string {
		c, _ := e.ContactOf(openid)
		name := c.Name
		if name == "" {
			name = "（未留姓名）"
		}
		mobile := c.Mobile
		if mobile == "" {
			mobile = "（未留手机）"
		}
		return fmt.Sprintf("%s\n联系人：%s\n手机：%s", e.Name, name, mobile)
	}
	return errors.Join(
		s.d.Notify.Text(ctx, notify.ContactExchangeToRequesterKey(q.No), q.RequesterOpenID,
			fmt.Sprintf("好消息！%s（%s）的发布方同意交换联系方式：\n%s\n请尽快联系，祝合作顺利。", q.RecordNo, q.Product, person(&owner, q.OwnerOpenID))),
		s.d.Notify.Text(ctx, notify.ContactExchangeToOwnerKey(q.No), q.OwnerOpenID,
			fmt.Sprintf("您已同意交换联系方式（%s %s），对方是：\n%s", q.RecordNo, q.Product, person(&requester, q.RequesterOpenID))),
	)
}

// ExpireDue expires the requests left unanswered past their expiry and
// tells each requester (once; see finish). The lifecycle sweep runs it.
func (s *Service) ExpireDue(ctx context.Context, now time.Time) error {
	// On an error, expired holds those expired before it: they are told.
	expired, err := s.d.Mongo.ContactRequests().ExpireDue(ctx, now)
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("expire contact requests: %w", err))
	}
	for i := range expired {
		// finish tells the requester and records that it did.
		errs = append(errs, s.finish(ctx, &expired[i], now))
	}
	return errors.Join(errs...)
}
