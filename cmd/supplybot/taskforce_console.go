package main

import (
	"context"
	"sort"
	"strings"
	"time"

	"supplybot/handlers/console"
	"supplybot/handlers/record"
	"supplybot/handlers/taskforce"
	"supplybot/store"
)

// consoleTaskForce serves the console (console.TaskForce) from the task
// force's service: the types differ in shape, not in meaning.
type consoleTaskForce struct{ s *taskforce.Service }

var _ console.TaskForce = consoleTaskForce{}

func toActor(a console.Actor) taskforce.Actor {
	return taskforce.Actor{Via: a.Via, ID: a.ID, Name: a.Name}
}

// consoleErr turns the service's refusals into the console's.
func consoleErr(err error) error {
	if code := taskforce.ErrorCode(err); code != "" {
		return &console.Error{Code: code, Msg: taskforce.ErrorMessage(err)}
	}
	return err
}

func (c consoleTaskForce) Queue(ctx context.Context) ([]console.QueueItem, error) {
	items, err := c.s.Queue(ctx)
	if err != nil {
		return nil, consoleErr(err)
	}
	out := make([]console.QueueItem, len(items))
	for i, it := range items {
		id, claimant := it.EnterpriseID, it.ClaimantName
		if it.Kind == taskforce.KindDispute {
			id = it.DisputeID
			if claimant == "" {
				claimant = "申诉人"
			}
		}
		history, err := c.audit(ctx, console.AuditFilter{Target: it.EnterpriseID, Limit: 10})
		if err != nil {
			return nil, err
		}
		sort.Slice(history, func(i, j int) bool { return history[i].At.Before(history[j].At) })
		out[i] = console.QueueItem{Kind: it.Kind, N: int(it.N), ID: id, EnterpriseID: it.EnterpriseID, Enterprise: it.Enterprise,
			USCC: it.USCC, USCCValid: it.USCCValid, RequestedAt: it.RequestedAt,
			Claimant: claimant, ClaimantMobile: it.ClaimantMobile, Reason: it.Reason, History: history}
	}
	return out, nil
}

func (c consoleTaskForce) Approve(ctx context.Context, a console.Actor, enterpriseID string) (store.Enterprise, error) {
	e, err := c.s.Approve(ctx, toActor(a), enterpriseID)
	return e, consoleErr(err)
}

func (c consoleTaskForce) Reject(ctx context.Context, a console.Actor, enterpriseID, reason string) error {
	return consoleErr(c.s.Reject(ctx, toActor(a), enterpriseID, reason))
}

func (c consoleTaskForce) ResolveDispute(ctx context.Context, a console.Actor, disputeID string, move bool, reason string) error {
	return consoleErr(c.s.ResolveDispute(ctx, toActor(a), disputeID, move, reason))
}

func (c consoleTaskForce) TakeDown(ctx context.Context, a console.Actor, no, reason string) (store.Post, error) {
	p, err := c.s.TakeDown(ctx, toActor(a), no, reason)
	return p, consoleErr(err)
}

func (c consoleTaskForce) Restore(ctx context.Context, a console.Actor, no, reason string) (store.Post, error) {
	p, err := c.s.RestoreWithReason(ctx, toActor(a), no, reason)
	return p, consoleErr(err)
}

func counts(ns []taskforce.Named) []console.Count {
	out := make([]console.Count, len(ns))
	for i, n := range ns {
		out[i] = console.Count{Name: n.Name, N: int(n.Count)}
	}
	return out
}

func (c consoleTaskForce) Stats(ctx context.Context, period string, now time.Time) (console.Stats, error) {
	st, err := c.s.Stats(ctx, period, now)
	if err != nil {
		return console.Stats{}, consoleErr(err)
	}
	return console.Stats{Period: st.Period, Enterprises: int(st.Enterprises), NewEnterprises: int(st.NewEnterprises),
		VerifiedEnterprises: int(st.Verified), ByRole: counts(st.ByRole), ByProvince: counts(st.ByProvince),
		NewDemands: int(st.NewDemands), NewOffers: int(st.NewOffers), OpenDemands: int(st.OpenDemands), OpenOffers: int(st.OpenOffers),
		Matches: int(st.Matches), Contacts: int(st.Contacts), Deals: int(st.Deals),
		TopCategories: counts(st.TopCategories), RecordsByRegion: counts(st.RecordsByRegion)}, nil
}

func (c consoleTaskForce) Series(ctx context.Context, days int, now time.Time) ([]console.DayCount, error) {
	ds, err := c.s.Series(ctx, days, now)
	if err != nil {
		return nil, consoleErr(err)
	}
	out := make([]console.DayCount, len(ds))
	for i, d := range ds {
		day, _ := time.ParseInLocation("2006-01-02", d.Day, record.China)
		out[i] = console.DayCount{Day: day, Enterprises: int(d.Enterprises), Demands: int(d.Demands), Offers: int(d.Offers)}
	}
	return out, nil
}

func (c consoleTaskForce) Tickets(ctx context.Context, open bool, limit int) ([]console.Ticket, error) {
	ts, err := c.s.Tickets(ctx, open, limit)
	if err != nil {
		return nil, consoleErr(err)
	}
	out := make([]console.Ticket, len(ts))
	for i, t := range ts {
		from := "未注册用户"
		if t.EnterpriseName != "" {
			from = t.EnterpriseName
		}
		var asked []string
		var replies []console.Reply
		for _, msg := range t.Messages {
			if msg.From == "user" {
				asked = append(asked, msg.Text)
				continue
			}
			replies = append(replies, console.Reply{By: msg.From, Text: msg.Text, At: msg.At})
		}
		out[i] = console.Ticket{N: int(t.N), OpenID: t.OpenID, From: from, Text: strings.Join(asked, "\n"), At: t.CreatedAt,
			Open: t.Status == store.TicketOpen, Replies: replies}
	}
	return out, nil
}

func (c consoleTaskForce) Answer(ctx context.Context, a console.Actor, ticketN int, text string) error {
	return consoleErr(c.s.Answer(ctx, toActor(a), ticketN, text))
}

func (c consoleTaskForce) Audit(ctx context.Context, f console.AuditFilter) ([]console.AuditEntry, error) {
	return c.audit(ctx, f)
}

func (c consoleTaskForce) audit(ctx context.Context, f console.AuditFilter) ([]console.AuditEntry, error) {
	es, err := c.s.Audit(ctx, store.AuditFilter{ActorID: f.Actor, Action: f.Action, Target: f.Target,
		From: f.From, To: f.To, Offset: f.Offset, Limit: f.Limit})
	if err != nil {
		return nil, consoleErr(err)
	}
	out := make([]console.AuditEntry, len(es))
	for i, e := range es {
		reason := e.After["reason"]
		if reason == "" {
			reason = e.Note
		}
		out[i] = console.AuditEntry{At: e.At, Via: e.ActorVia, Actor: e.ActorID, Action: e.Action, Target: e.Target,
			Before: fieldsText(e.Before), After: fieldsText(e.After), Reason: reason}
	}
	return out, nil
}

// fieldsText is an entry's fields as "k=v, k=v", in key order.
func fieldsText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ", ")
}

func (c consoleTaskForce) RecordView(ctx context.Context, a console.Actor, enterpriseID string) error {
	return consoleErr(c.s.RecordView(ctx, toActor(a), enterpriseID))
}
