package taskforce

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"supplybot/handlers/notify"
	"supplybot/store"
)

var recNoRe = regexp.MustCompile(`^[DdOo]\d{1,9}$`)

// record finds a record by its number; ENotFound for none.
func (s *Service) record(ctx context.Context, no string) (store.Post, error) {
	no = strings.ToUpper(strings.TrimSpace(no))
	kind, ok := store.KindOfNo(no)
	if !ok || !recNoRe.MatchString(no) {
		return store.Post{}, fail(EInvalid, "请写编号，例如：下架 D1024 原因")
	}
	p, err := s.d.Mongo.Posts(kind).ByNo(ctx, no)
	if errors.Is(err, store.ErrNotFound) {
		return p, fail(ENotFound, "没有找到"+no+"，请核对编号。")
	}
	return p, err
}

// TakeDown removes record no for reason: it leaves search, matching and
// its page, and its owner is told why. EInvalid (no reason or number),
// ENotFound, EConflict (removed already), EForbidden.
func (s *Service) TakeDown(ctx context.Context, a Actor, no, reason string) (store.Post, error) {
	if err := s.authorise(ctx, a); err != nil {
		return store.Post{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Post{}, fail(EInvalid, "请写下架原因，例如：下架 D1024 信息不实")
	}
	p, err := s.record(ctx, no)
	if err != nil {
		return p, err
	}
	if p.Status == store.StatusRemoved {
		return p, fail(EConflict, p.No+"已经下架（或发布者已注销）。")
	}
	now := s.now().UTC()
	td := store.TakeDown{Reason: reason, By: a.ID, At: now, StatusBefore: p.Status, ReasonBefore: p.ClosedReason}
	if err := s.d.Mongo.Posts(p.Kind).TakeDown(ctx, p.ID, td); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return p, fail(EConflict, p.No+"已经下架了。")
		}
		return p, err
	}
	before := map[string]string{"status": p.Status}
	p.Status, p.ClosedReason = store.StatusRemoved, "下架："+reason
	if s.d.Matching != nil {
		s.d.Matching.PostClosed(ctx, p)
	}
	s.audit(ctx, a, ActTakeDown, p.No, before, map[string]string{"status": store.StatusRemoved, "reason": reason}, "")
	s.tell(ctx, notify.TakeDownNoticeKey(p.ID, now), p.OpenID,
		"【平台通知】您发布的"+p.No+" "+clip(p.Product, 20)+"已被工作专班下架，原因："+reason+"。\n如有疑问，请发送“留言 您的说明”联系工作专班。")
	return p, nil
}

// Restore undoes the take-down of record no: it gets back the status it
// had, and its owner is told. ENotFound, EConflict (not taken down).
func (s *Service) Restore(ctx context.Context, a Actor, no string) (store.Post, error) {
	return s.RestoreWithReason(ctx, a, no, "")
}

// RestoreWithReason is Restore with why, for the audit log (the console
// asks for it).
func (s *Service) RestoreWithReason(ctx context.Context, a Actor, no, reason string) (store.Post, error) {
	if err := s.authorise(ctx, a); err != nil {
		return store.Post{}, err
	}
	p, err := s.record(ctx, no)
	if err != nil {
		return p, err
	}
	posts := s.d.Mongo.Posts(p.Kind)
	td, err := posts.TakeDownOf(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return p, fail(EConflict, p.No+"没有被下架，不用恢复。")
	}
	if err != nil {
		return p, err
	}
	restored, err := posts.Restore(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return p, fail(EConflict, p.No+"刚被恢复过了。")
	}
	if err != nil {
		return p, err
	}
	if s.d.Matching != nil && restored.Status == store.StatusOpen {
		s.d.Matching.PostSaved(ctx, restored)
	}
	s.audit(ctx, a, ActRestore, p.No, map[string]string{"status": store.StatusRemoved, "reason": td.Reason},
		map[string]string{"status": restored.Status}, strings.TrimSpace(reason))
	s.tell(ctx, notify.RestoreNoticeKey(p.ID, s.now()), p.OpenID,
		"【平台通知】您发布的"+p.No+" "+clip(p.Product, 20)+"已由工作专班恢复展示。\n回复“详情 "+p.No+"”查看。")
	return restored, nil
}
