package taskforce

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"supplybot/handlers/notify"
	"supplybot/handlers/parse"
	"supplybot/store"
)

// Queue item kinds.
const (
	KindVerify  = "verify"
	KindDispute = "dispute"
)

// QueueItem is one thing waiting for the task force (审核): a
// verification request or a name dispute. N is what the chat types
// (通过 N, 驳回 N 原因).
type QueueItem struct {
	Kind         string
	N            int64
	EnterpriseID string
	Enterprise   store.Enterprise
	USCC         string
	USCCValid    bool
	RequestedAt  time.Time
	// A dispute's: its id, the claimant and why.
	DisputeID      string
	ClaimantOpenID string
	ClaimantName   string
	ClaimantMobile string
	Reason         string
}

// queueMax bounds each kind in one queue read.
const queueMax = 200

// Queue lists the verification requests and name disputes waiting,
// oldest first.
func (s *Service) Queue(ctx context.Context) ([]QueueItem, error) {
	es, err := s.d.Mongo.Enterprises().PendingVerifications(ctx, queueMax)
	if err != nil {
		return nil, err
	}
	var out []QueueItem
	for _, e := range es {
		v := e.Verification
		out = append(out, QueueItem{Kind: KindVerify, N: v.N, EnterpriseID: e.ID, Enterprise: e,
			USCC: v.USCC, USCCValid: parse.ValidUSCC(v.USCC), RequestedAt: v.RequestedAt})
	}
	ds, err := s.d.Mongo.Disputes().Pending(ctx, queueMax)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		e, err := s.disputed(ctx, d)
		if err != nil {
			return nil, err
		}
		out = append(out, QueueItem{Kind: KindDispute, N: d.N, EnterpriseID: d.EnterpriseID, Enterprise: e,
			USCC: e.USCC, USCCValid: parse.ValidUSCC(e.USCC), RequestedAt: d.CreatedAt, DisputeID: d.ID,
			ClaimantOpenID: d.ClaimantOpenID, ClaimantName: d.ClaimantName, ClaimantMobile: d.ClaimantMobile, Reason: d.Reason})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RequestedAt.Before(out[j].RequestedAt) })
	return out, nil
}

// ItemByN finds the queue item numbered n, pending or not (a decided one
// says so when acted on). ENotFound when there is none.
func (s *Service) ItemByN(ctx context.Context, n int64) (QueueItem, error) {
	if e, err := s.d.Mongo.Enterprises().ByVerificationN(ctx, n); err == nil {
		v := e.Verification
		return QueueItem{Kind: KindVerify, N: n, EnterpriseID: e.ID, Enterprise: e, USCC: v.USCC,
			USCCValid: parse.ValidUSCC(v.USCC), RequestedAt: v.RequestedAt}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return QueueItem{}, err
	}
	d, err := s.d.Mongo.Disputes().ByN(ctx, n)
	if errors.Is(err, store.ErrNotFound) {
		return QueueItem{}, fail(ENotFound, "没有第"+itoa64(n)+"号待审事项。回复“审核”查看。")
	}
	if err != nil {
		return QueueItem{}, err
	}
	e, err := s.disputed(ctx, d)
	if err != nil {
		return QueueItem{}, err
	}
	return QueueItem{Kind: KindDispute, N: n, EnterpriseID: d.EnterpriseID, Enterprise: e, USCC: e.USCC,
		USCCValid: parse.ValidUSCC(e.USCC), RequestedAt: d.CreatedAt, DisputeID: d.ID,
		ClaimantOpenID: d.ClaimantOpenID, ClaimantName: d.ClaimantName, ClaimantMobile: d.ClaimantMobile, Reason: d.Reason}, nil
}

// disputed is the enterprise holding a disputed name; one gone since has
// only the name.
func (s *Service) disputed(ctx context.Context, d store.Dispute) (store.Enterprise, error) {
	e, err := s.d.Mongo.Enterprises().Get(ctx, d.EnterpriseID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Enterprise{ID: d.EnterpriseID, Name: d.Name}, nil
	}
	return e, err
}

// RequestVerification files the verification request of the user's
// enterprise (申请认证), with uscc or the code it registered with.
// EInvalid without a code or with one whose check digit fails; ENotFound
// for a user of no enterprise; EConflict when it is verified or waiting.
func (s *Service) RequestVerification(ctx context.Context, openid, uscc string) (store.Enterprise, error) {
	ents := s.d.Mongo.Enterprises()
	e, err := ents.ByOpenID(ctx, openid)
	if errors.Is(err, store.ErrNotFound) {
		return e, fail(ENotFound, "认证前请先登记企业：回复“注册”。")
	}
	if err != nil {
		return e, err
	}
	if e.Verified {
		return e, fail(EConflict, "“"+e.Name+"”已经认证过了。")
	}
	if v := e.Verification; v != nil && v.Status == store.VerifyPending {
		return e, fail(EConflict, "“"+e.Name+"”的认证申请已在审核中（第"+itoa64(v.N)+"号），请耐心等待结果。")
	}
	uscc = strings.ToUpper(strings.TrimSpace(uscc))
	if uscc == "" {
		uscc = e.USCC
	}
	if uscc == "" {
		return e, fail(EInvalid, "认证需要统一社会信用代码（18位）。请发送：申请认证 信用代码")
	}
	if !parse.ValidUSCC(uscc) {
		return e, fail(EInvalid, "统一社会信用代码“"+clip(uscc, 20)+"”校验不通过，请核对18位代码后再发：申请认证 信用代码")
	}
	n, err := s.d.Mongo.NextReviewN(ctx)
	if err != nil {
		return e, err
	}
	v := store.Verification{Status: store.VerifyPending, N: n, RequestedAt: s.now().UTC(), RequestedBy: openid,
		USCC: uscc, USCCValid: true}
	if err := ents.RequestVerification(ctx, e.ID, v); err != nil {
		return e, err
	}
	e.Verification, e.USCC = &v, uscc
	return e, nil
}

// Registered files the verification of an enterprise registered with a
// credit code whose check character holds: registration promised that
// the task force would check it (handlers.EnterpriseEvents).
func (s *Service) Registered(ctx context.Context, e store.Enterprise) {
	if e.USCC == "" || !parse.ValidUSCC(e.USCC) || len(e.Contacts) == 0 {
		return
	}
	if _, err := s.RequestVerification(ctx, e.Contacts[0].OpenID, e.USCC); err != nil && ErrorCode(err) == "" {
		s.d.Log.ErrorContext(ctx, "file the verification of a new enterprise", "enterprise", e.ID, "err", err)
	}
}

// pendingVerification loads the enterprise with a pending request.
func (s *Service) pendingVerification(ctx context.Context, enterpriseID string) (store.Enterprise, error) {
	e, err := s.d.Mongo.Enterprises().Get(ctx, enterpriseID)
	if errors.Is(err, store.ErrNotFound) {
		return e, fail(ENotFound, "这家企业已不在平台上。")
	}
	if err != nil {
		return e, err
	}
	if e.Verification == nil || e.Verification.Status != store.VerifyPending {
		return e, fail(EConflict, "“"+e.Name+"”没有待审核的认证申请（可能已处理）。回复“审核”查看。")
	}
	return e, nil
}

// Approve verifies the enterprise whose request is pending: it and its
// open records show 已认证, its contacts are told. The USCC checked and
// who approved when stay on the enterprise and in the audit log.
// ENotFound, EConflict (nothing pending), EInvalid (the code's check
// digit fails), EForbidden.
func (s *Service) Approve(ctx context.Context, a Actor, enterpriseID string) (store.Enterprise, error) {
	if err := s.authorise(ctx, a); err != nil {
		return store.Enterprise{}, err
	}
	e, err := s.pendingVerification(ctx, enterpriseID)
	if err != nil {
		return e, err
	}
	v := *e.Verification
	if !parse.ValidUSCC(v.USCC) {
		return e, fail(EInvalid, "信用代码“"+v.USCC+"”校验不通过，不能认证。请驳回并说明原因。")
	}
	now := s.now().UTC()
	if err := s.d.Mongo.Enterprises().DecideVerification(ctx, e.ID, true, a.ID, "", now); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return e, fail(EConflict, "“"+e.Name+"”的认证申请刚被处理过了。")
		}
		return e, err
	}
	records := int64(0)
	for _, kind := range []string{store.KindDemand, store.KindOffer} {
		n, err := s.d.Mongo.Posts(kind).SetVerifiedOf(ctx, e.ID, true)
		if err != nil {
			return e, err
		}
		records += n
	}
	before := map[string]string{"verified": "false", "verification": store.VerifyPending}
	after := map[string]string{"verified": "true", "verification": store.VerifyApproved, "uscc": v.USCC,
		"uscc_check_digit": "ok", "records_marked": itoa64(records)}
	s.audit(ctx, a, ActApprove, e.ID, before, after, e.Name)
	for _, c := range e.Contacts {
		s.tell(ctx, notify.VerificationResultKey(e.ID, v.N, c.OpenID), c.OpenID,
			"【平台通知】贵企业“"+e.Name+"”已通过工作专班认证，发布的信息将显示“已认证”。\n回复“我的发布”查看。")
	}
	e.Verified = true
	v.Status, v.DecidedAt, v.DecidedBy = store.VerifyApproved, &now, a.ID
	e.Verification = &v
	return e, nil
}

// Reject turns the pending request down for reason, which the
// enterprise's contacts are told. EInvalid without a reason.
func (s *Service) Reject(ctx context.Context, a Actor, enterpriseID, reason string) error {
	if err := s.authorise(ctx, a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fail(EInvalid, "请写驳回原因，例如：驳回 3 信用代码与营业执照不符")
	}
	e, err := s.pendingVerification(ctx, enterpriseID)
	if err != nil {
		return err
	}
	v := *e.Verification
	if err := s.d.Mongo.Enterprises().DecideVerification(ctx, e.ID, false, a.ID, reason, s.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fail(EConflict, "“"+e.Name+"”的认证申请刚被处理过了。")
		}
		return err
	}
	s.audit(ctx, a, ActReject, e.ID, map[string]string{"verification": store.VerifyPending},
		map[string]string{"verification": store.VerifyRejected, "reason": reason, "uscc": v.USCC}, e.Name)
	for _, c := range e.Contacts {
		s.tell(ctx, notify.VerificationResultKey(e.ID, v.N, c.OpenID), c.OpenID,
			"【平台通知】贵企业“"+e.Name+"”的认证申请未通过，原因："+reason+"。\n核对后可再次发送“申请认证 信用代码”。")
	}
	return nil
}
