// Package taskforce is the joint Sichuan–Chongqing task force's work on
// the platform (工作专班): verification of enterprises, name disputes,
// taking records down, statistics, the help desk and the audit log of all
// of it. One Service serves the chat commands (chat.go) and the console;
// every action of a member writes an audit entry.
//
// It imports bot, store, the leaf packages handlers/notify, handlers/parse
// and handlers/record, and the package handlers for its confirmation
// types only (the conversation reaches the Service through interfaces cmd
// wires); never another feature package.
package taskforce

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"supplybot/handlers/notify"
	"supplybot/store"
)

// Actor says who acts: through the chat (an openid), the console (a
// console user) or the API.
type Actor struct {
	Via  string // "chat", "console", "api"
	ID   string
	Name string
}

// Channels an Actor acts through.
const (
	ViaChat    = "chat"
	ViaConsole = "console"
	ViaAPI     = "api"
)

// Error codes of Error.
const (
	EInvalid   = "invalid"
	ENotFound  = "not_found"
	EConflict  = "conflict"
	EForbidden = "forbidden"
)

// Error is what the Service's methods return for a request they refuse:
// Code says why, Msg says it in a short Chinese sentence fit to show the
// user. Any other error is internal (a store failed).
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return "taskforce: " + e.Code + ": " + e.Msg }

func fail(code, msg string) error { return &Error{Code: code, Msg: msg} }

// ErrorCode returns the code of err, "" for an internal error or nil.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrorMessage returns the Chinese message of err, "" for an internal one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return ""
}

// PostEvents hears of records that leave or come back (a take-down, a
// restore), so that matching follows: cmd wires it to the alerts service
// as handlers.PostEvents is. Implementations return quickly.
type PostEvents interface {
	PostSaved(ctx context.Context, p store.Post)
	PostClosed(ctx context.Context, p store.Post)
}

// Deps are what the Service needs. Mongo and Notify are required.
type Deps struct {
	Mongo  *store.Mongo
	Notify *notify.Notifier
	// Members are the task force's openids (admin.openids): they are told
	// of help-desk messages. IsMember, when nil, asks Members.
	Members  []string
	IsMember func(ctx context.Context, openid string) bool
	Matching PostEvents // nil: nobody listens
	Now      func() time.Time
	Log      *slog.Logger
}

// Service is the task force's work. Its methods are safe for concurrent use.
type Service struct {
	d      Deps
	counts countsCache // of Stats (counts.go)
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.IsMember == nil {
		members := map[string]bool{}
		for _, m := range d.Members {
			members[m] = true
		}
		d.IsMember = func(_ context.Context, openid string) bool { return members[openid] }
	}
	return &Service{d: d}
}

// Start counts the enterprises registered before the statistics' counters
// were kept (once in the database's life).
func (s *Service) Start(ctx context.Context) error {
	return s.d.Mongo.Enterprises().CountEnterprisesOnce(ctx)
}

func (s *Service) now() time.Time { return s.d.Now() }

// IsMember reports whether openid belongs to the task force.
func (s *Service) IsMember(ctx context.Context, openid string) bool {
	return openid != "" && s.d.IsMember(ctx, openid)
}

// authorise refuses a chat actor who is not a member (the console checks
// its own users).
func (s *Service) authorise(ctx context.Context, a Actor) error {
	if a.Via == ViaChat && !s.IsMember(ctx, a.ID) {
		return fail(EForbidden, "只有工作专班成员可以这样做。")
	}
	if a.ID == "" {
		return fail(EForbidden, "不知道是谁在操作。")
	}
	return nil
}

// audit writes an entry of what a did; a failure is logged, not returned:
// the action is done and must not be repeated for the log's sake.
func (s *Service) audit(ctx context.Context, a Actor, action, target string, before, after map[string]string, note string) {
	e := &store.AuditEntry{At: s.now().UTC(), ActorVia: a.Via, ActorID: a.ID, ActorName: a.Name,
		Action: action, Target: target, Before: before, After: after, Note: note}
	if err := s.d.Mongo.Audit().Add(context.WithoutCancel(ctx), e); err != nil {
		s.d.Log.ErrorContext(ctx, "audit entry lost", "action", action, "target", target, "actor", a.ID, "err", err)
	}
}

// Audit actions.
const (
	ActApprove       = "approve"
	ActReject        = "reject"
	ActDisputeMove   = "dispute-move"
	ActDisputeReject = "dispute-reject"
	ActTakeDown      = "take-down"
	ActRestore       = "restore"
	ActAnswer        = "answer"
	ActRecordView    = "record-view"
	ActRemoveContact = "remove-colleague"
)

// Audit lists the audit entries the filter selects, newest first.
func (s *Service) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	return s.d.Mongo.Audit().Find(ctx, f)
}

// RecordView logs that a console user saw an enterprise's contacts in
// full (whole mobile numbers).
func (s *Service) RecordView(ctx context.Context, a Actor, enterpriseID string) error {
	if err := s.authorise(ctx, a); err != nil {
		return err
	}
	s.audit(ctx, a, ActRecordView, enterpriseID, nil, nil, "")
	return nil
}

// tell queues a text to openid; a failure is logged (the action it
// reports is done).
func (s *Service) tell(ctx context.Context, key notify.Key, openid, text string) {
	if openid == "" {
		return
	}
	if err := s.d.Notify.Text(context.WithoutCancel(ctx), key, openid, text); err != nil {
		s.d.Log.ErrorContext(ctx, "queue notice", "key", key.String(), "openid", openid, "err", err)
	}
}

// Now is the service's clock (the console's default for Stats and Series).
func (s *Service) Now() time.Time { return s.now() }
