package main

import (
	"context"
	"errors"
	"time"

	"supplybot/handlers/broadcast"
	"supplybot/handlers/console"
	"supplybot/store"
)

// consoleBroadcasts serves the console (console.Broadcasts) from the
// broadcast service the chat's 群发 uses: the types differ in shape only.
type consoleBroadcasts struct{ s *broadcast.Service }

var _ console.Broadcasts = consoleBroadcasts{}

func toSegment(g console.Segment) broadcast.Segment {
	return broadcast.Segment{All: g.All, Role: g.Role, Province: g.Province, City: g.City, District: g.District,
		Category: g.Category, Verified: g.Verified, ActiveDays: g.ActiveDays}
}

func fromSegment(g broadcast.Segment) console.Segment {
	return console.Segment{All: g.All, Role: g.Role, Province: g.Province, City: g.City, District: g.District,
		Category: g.Category, Verified: g.Verified, ActiveDays: g.ActiveDays}
}

func (c consoleBroadcasts) Audience(ctx context.Context, seg console.Segment) (console.Audience, error) {
	a, err := c.s.Audience(ctx, toSegment(seg))
	return console.Audience{Size: a.Size, OverMonthlyCap: a.OverMonthlyCap, Via: a.Via}, err
}

func (c consoleBroadcasts) Create(ctx context.Context, a console.Actor, seg console.Segment, text string) (console.Job, error) {
	j, err := c.s.Create(ctx, broadcast.Actor{Via: a.Via, ID: a.ID, Name: a.Name}, toSegment(seg), text)
	if err != nil {
		return console.Job{}, err
	}
	if j.ID == "" {
		return console.Job{}, &console.Error{Code: console.EInvalid, Msg: "这个人群目前没有人，没有保存群发。"}
	}
	return fromJob(j), nil
}

func (c consoleBroadcasts) Start(ctx context.Context, a console.Actor, jobID string) error {
	err := c.s.Start(ctx, broadcast.Actor{Via: a.Via, ID: a.ID, Name: a.Name}, jobID)
	if errors.Is(err, broadcast.ErrNotDraft) {
		return &console.Error{Code: console.EConflict, Msg: "这次群发已经开始或结束了。"}
	}
	if errors.Is(err, store.ErrNotFound) {
		return &console.Error{Code: console.ENotFound, Msg: "没有这次群发。"}
	}
	return err
}

func (c consoleBroadcasts) Progress(ctx context.Context, jobID string) (console.Progress, error) {
	p, err := c.s.Progress(ctx, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return console.Progress{}, &console.Error{Code: console.ENotFound, Msg: "没有这次群发。"}
	}
	if err != nil {
		return console.Progress{}, err
	}
	return console.Progress{Total: p.Total, Sent: p.Sent, Failed: p.Failed, Pending: p.Pending, State: consoleState(p.State),
		StartedAt: timePtr(p.StartedAt), FinishedAt: timePtr(p.FinishedAt)}, nil
}

func (c consoleBroadcasts) Jobs(ctx context.Context, limit int) ([]console.Job, error) {
	js, err := c.s.Jobs(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]console.Job, len(js))
	for i, j := range js {
		out[i] = fromJob(j)
	}
	return out, nil
}

func fromJob(j broadcast.Job) console.Job {
	return console.Job{ID: j.ID, Segment: fromSegment(j.Segment), Text: j.Text, By: j.Actor.Name, CreatedAt: j.CreatedAt,
		State: consoleState(j.State), Audience: console.Audience{Size: j.Total, OverMonthlyCap: j.OverCap, Via: j.Via}}
}

// consoleState names a job's state as the console's pages do.
func consoleState(s string) string {
	switch s {
	case store.BroadcastDraft:
		return "draft"
	case store.BroadcastDone:
		return "done"
	}
	return "sending"
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
