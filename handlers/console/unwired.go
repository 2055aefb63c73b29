package console

import (
	"context"
	"time"

	"supplybot/store"
)

// Unwired stands in for the task-force and broadcast services in a build
// that has not wired them: the pages read as empty and every action
// answers that it is not available, instead of the console not starting.
type Unwired struct{}

var (
	_ TaskForce  = Unwired{}
	_ Broadcasts = Unwired{}
)

func errUnwired() error {
	return &Error{Code: EConflict, Msg: "此功能尚未接入，请在微信中操作"}
}

func (Unwired) Queue(context.Context) ([]QueueItem, error) { return nil, nil }
func (Unwired) Approve(context.Context, Actor, string) (store.Enterprise, error) {
	return store.Enterprise{}, errUnwired()
}
func (Unwired) Reject(context.Context, Actor, string, string) error { return errUnwired() }
func (Unwired) ResolveDispute(context.Context, Actor, string, bool, string) error {
	return errUnwired()
}
func (Unwired) TakeDown(context.Context, Actor, string, string) (store.Post, error) {
	return store.Post{}, errUnwired()
}
func (Unwired) Restore(context.Context, Actor, string, string) (store.Post, error) {
	return store.Post{}, errUnwired()
}
func (Unwired) Stats(_ context.Context, period string, _ time.Time) (Stats, error) {
	return Stats{Period: period}, nil
}
func (Unwired) Series(_ context.Context, days int, now time.Time) ([]DayCount, error) {
	out := make([]DayCount, days)
	for i := range out {
		out[i].Day = now.AddDate(0, 0, i-days+1)
	}
	return out, nil
}
func (Unwired) Tickets(context.Context, bool, int) ([]Ticket, error)     { return nil, nil }
func (Unwired) Answer(context.Context, Actor, int, string) error         { return errUnwired() }
func (Unwired) Audit(context.Context, AuditFilter) ([]AuditEntry, error) { return nil, nil }

// RecordView has nowhere to log the view, so the whole number is not shown.
func (Unwired) RecordView(context.Context, Actor, string) error { return errUnwired() }

func (Unwired) Audience(context.Context, Segment) (Audience, error) { return Audience{}, nil }
func (Unwired) Create(context.Context, Actor, Segment, string) (Job, error) {
	return Job{}, errUnwired()
}
func (Unwired) Start(context.Context, Actor, string) error         { return errUnwired() }
func (Unwired) Progress(context.Context, string) (Progress, error) { return Progress{}, nil }
func (Unwired) Jobs(context.Context, int) ([]Job, error)           { return nil, nil }
