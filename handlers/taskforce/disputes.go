package taskforce

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"supplybot/handlers/notify"
	"supplybot/store"
)

var mobileRe = regexp.MustCompile(`1[3-9]\d{9}`)

// Dispute files the claim of openid to the company name another
// enterprise holds (申诉 企业全称 理由); a mobile in the reason is kept as
// the claimant's. EInvalid (no name or reason), ENotFound (nobody holds
// the name), EConflict (the user is its contact, or claimed it already).
func (s *Service) Dispute(ctx context.Context, openid, name, reason string) (store.Dispute, error) {
	name, reason = strings.TrimSpace(name), strings.TrimSpace(reason)
	if name == "" || reason == "" {
		return store.Dispute{}, fail(EInvalid, "请写企业全称和理由，例如：申诉 重庆青山工业有限公司 我司是该企业，联系人张伟 13800001111")
	}
	e, err := s.d.Mongo.Enterprises().ByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return store.Dispute{}, fail(ENotFound, "平台上没有登记“"+clip(name, 30)+"”，可以直接回复“注册”登记。")
	}
	if err != nil {
		return store.Dispute{}, err
	}
	if _, ok := e.ContactOf(openid); ok {
		return store.Dispute{}, fail(EConflict, "您已是“"+e.Name+"”的联系人，无需申诉。")
	}
	if d, err := s.d.Mongo.Disputes().PendingOf(ctx, openid, e.Name); err == nil {
		return d, fail(EConflict, "您对“"+e.Name+"”的申诉已在处理中（第"+itoa64(d.N)+"号），请耐心等待。")
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Dispute{}, err
	}
	d := store.Dispute{EnterpriseID: e.ID, Name: e.Name, ClaimantOpenID: openid, ClaimantMobile: mobileRe.FindString(reason),
		Reason: clip(reason, 300), CreatedAt: s.now().UTC()}
	if err := s.d.Mongo.Disputes().Create(ctx, &d); err != nil {
		return d, err
	}
	return d, nil
}

// ResolveDispute settles a pending name dispute: move gives the
// enterprise (its name and records) to the claimant, whose former
// contacts leave it; otherwise the holder keeps it. Both sides are told
// (with reason, which a rejection needs). ENotFound, EConflict (settled
// before, or the claimant belongs to another enterprise), EInvalid.
func (s *Service) ResolveDispute(ctx context.Context, a Actor, disputeID string, move bool, reason string) error {
	if err := s.authorise(ctx, a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if !move && reason == "" {
		return fail(EInvalid, "请写驳回原因，例如：驳回 3 未能证明是该企业")
	}
	ds := s.d.Mongo.Disputes()
	d, err := ds.Get(ctx, disputeID)
	if errors.Is(err, store.ErrNotFound) {
		return fail(ENotFound, "没有这条申诉。回复“审核”查看。")
	}
	if err != nil {
		return err
	}
	if d.Status != store.DisputePending {
		return fail(EConflict, "第"+itoa64(d.N)+"号申诉已经处理过了。")
	}
	if !move {
		if err := ds.Decide(ctx, d.ID, store.DisputeRejected, a.ID, reason, s.now()); err != nil {
			return settledBefore(err, d)
		}
		s.audit(ctx, a, ActDisputeReject, d.EnterpriseID, map[string]string{"dispute": store.DisputePending},
			map[string]string{"dispute": store.DisputeRejected, "reason": reason, "claimant": d.ClaimantOpenID}, d.Name)
		s.tell(ctx, notify.DisputeResultKey(d.ID, d.ClaimantOpenID), d.ClaimantOpenID,
			"【平台通知】您对“"+d.Name+"”的申诉未获支持，原因："+reason+"。\n如有疑问，请发送“留言 内容”联系工作专班。")
		return nil
	}
	name := d.ClaimantName
	if name == "" {
		name = "申诉人"
	}
	former, err := s.d.Mongo.Enterprises().HandOver(ctx, d.EnterpriseID, store.Contact{OpenID: d.ClaimantOpenID, Name: name, Mobile: d.ClaimantMobile})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fail(ENotFound, "“"+d.Name+"”已不在平台上，申诉人可以直接注册。")
	case errors.Is(err, store.ErrConflict):
		return fail(EConflict, "申诉人已是另一家企业的联系人，请其先发送“注销”再处理。")
	case err != nil:
		return err
	}
	records := int64(0)
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		n, err := s.d.Mongo.Posts(kind).HandOver(ctx, d.EnterpriseID, d.ClaimantOpenID)
		if err != nil {
			return err
		}
		records += n
	}
	if err := ds.Decide(ctx, d.ID, store.DisputeMoved, a.ID, reason, s.now()); err != nil {
		return settledBefore(err, d)
	}
	var formerIDs []string
	for _, c := range former {
		formerIDs = append(formerIDs, c.OpenID)
	}
	s.audit(ctx, a, ActDisputeMove, d.EnterpriseID, map[string]string{"contacts": strings.Join(formerIDs, ",")},
		map[string]string{"contacts": d.ClaimantOpenID, "records_moved": itoa64(records), "verified": "false"}, d.Name)
	s.tell(ctx, notify.DisputeResultKey(d.ID, d.ClaimantOpenID), d.ClaimantOpenID,
		"【平台通知】您对“"+d.Name+"”的申诉已获支持，您现在是该企业的联系人，原有发布已转到您名下。\n回复“我的发布”查看，发送“申请认证 信用代码”申请认证。")
	for _, c := range former {
		s.tell(ctx, notify.DisputeResultKey(d.ID, c.OpenID), c.OpenID,
			"【平台通知】经工作专班核实，企业名称“"+d.Name+"”归属另一方，您已不再是该企业的联系人。\n如有疑问，请发送“留言 内容”；也可回复“注册”以贵企业的全称重新登记。")
	}
	return nil
}

func settledBefore(err error, d store.Dispute) error {
	if errors.Is(err, store.ErrConflict) {
		return fail(EConflict, "第"+itoa64(d.N)+"号申诉刚被处理过了。")
	}
	return err
}

// Joined tells the enterprise's other contacts that c joined it with its
// invite code, and how to remove a stranger (handlers.JoinEvents).
func (s *Service) Joined(ctx context.Context, enterpriseID string, c store.Contact) {
	e, err := s.d.Mongo.Enterprises().Get(ctx, enterpriseID)
	if err != nil {
		s.d.Log.ErrorContext(ctx, "join notice: enterprise", "enterprise", enterpriseID, "err", err)
		return
	}
	who := clip(c.Name, 10) + "（手机尾号" + tail(c.Mobile) + "）"
	for _, col := range e.Contacts {
		if col.OpenID == c.OpenID {
			continue
		}
		s.tell(ctx, notify.JoinNoticeKey(e.ID, c.OpenID, col.OpenID), col.OpenID,
			"【平台通知】"+who+"已用邀请码加入“"+e.Name+"”。\n如不认识此人，请回复“移除同事 "+tail(c.Mobile)+"”将其移出。")
	}
}

// Colleague finds the contact of the user's enterprise that who names (a
// mobile's last four digits, or a name). ENotFound, EInvalid (the user
// themself, or several fit).
func (s *Service) Colleague(ctx context.Context, openid, who string) (store.Enterprise, store.Contact, error) {
	who = strings.TrimSpace(who)
	if who == "" {
		return store.Enterprise{}, store.Contact{}, fail(EInvalid, "请写同事的手机尾号或姓名，例如：移除同事 1111")
	}
	e, err := s.d.Mongo.Enterprises().ByOpenID(ctx, openid)
	if errors.Is(err, store.ErrNotFound) {
		return e, store.Contact{}, fail(ENotFound, "您还没有登记企业。回复“注册”开始。")
	}
	if err != nil {
		return e, store.Contact{}, err
	}
	var found []store.Contact
	for _, c := range e.Contacts {
		if c.Name == who || len(who) == 4 && tail(c.Mobile) == who || c.Mobile == who {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 0:
		return e, store.Contact{}, fail(ENotFound, "“"+e.Name+"”没有手机尾号或姓名为“"+clip(who, 11)+"”的联系人。")
	case len(found) > 1:
		return e, store.Contact{}, fail(EInvalid, "有"+itoa64(int64(len(found)))+"位联系人符合，请写完整手机号，例如：移除同事 13800001111")
	case found[0].OpenID == openid:
		return e, store.Contact{}, fail(EInvalid, "不能移除自己。要退出企业请回复“注销”。")
	}
	return e, found[0], nil
}

// RemoveColleague removes colleague from the enterprise of openid (移除同事)
// and tells them. Errors as Colleague's.
func (s *Service) RemoveColleague(ctx context.Context, openid, colleague string) (store.Contact, error) {
	e, err := s.d.Mongo.Enterprises().ByOpenID(ctx, openid)
	if err != nil {
		return store.Contact{}, fail(ENotFound, "您还没有登记企业。回复“注册”开始。")
	}
	c, ok := e.ContactOf(colleague)
	if !ok || colleague == openid {
		return store.Contact{}, fail(ENotFound, "这位同事已不在“"+e.Name+"”了。")
	}
	if _, err := s.d.Mongo.Enterprises().RemoveContact(ctx, colleague); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return c, fail(ENotFound, "这位同事已不在“"+e.Name+"”了。")
		}
		return c, err
	}
	s.audit(ctx, Actor{Via: ViaChat, ID: openid}, ActRemoveContact, e.ID, map[string]string{"contact": colleague}, nil, e.Name)
	s.tell(ctx, notify.ColleagueRemovedKey(e.ID, colleague, s.now()), colleague,
		"【平台通知】您已被同事移出“"+e.Name+"”。如有误会，请联系同事重新邀请，或发送“留言 内容”联系工作专班。")
	return c, nil
}
