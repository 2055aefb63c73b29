package console

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"supplybot/store"
)

// fakes stands in for the task-force and broadcast services and the
// stores; the real services are wired by cmd/supplybot.
type fakes struct {
	mu          sync.Mutex
	enterprises map[string]store.Enterprise
	posts       []store.Post
	matches     []store.Match
	queue       []QueueItem
	tickets     []Ticket
	audit       []AuditEntry
	jobs        []Job
	progress    map[string]*Progress
	lastFilter  store.PostFilter
	lastKind    string
	lastSegment Segment
	now         time.Time
}

var _ TaskForce = (*fakes)(nil)
var _ Broadcasts = (*fakeBroadcasts)(nil)
var _ Records = (*fakeRecords)(nil)
var _ Enterprises = (*fakeEnterprises)(nil)

func newFakes(now time.Time) *fakes {
	f := &fakes{enterprises: map[string]store.Enterprise{}, progress: map[string]*Progress{}, now: now}
	f.enterprises["e1"] = store.Enterprise{ID: "e1", Name: "<script>alert(1)</script>重庆渝北汽配", Role: store.RoleParts,
		Region: store.Region{Province: "重庆市", City: "重庆市", District: "渝北区"}, USCC: "91500000MA5U7UX00P",
		Contacts:  []store.Contact{{OpenID: "o-owner", Name: "张经理", Mobile: "13812345678"}},
		CreatedAt: now.Add(-48 * time.Hour)}
	f.enterprises["e2"] = store.Enterprise{ID: "e2", Name: "=成都电子", Role: store.RoleElectronics, Verified: true,
		Region: store.Region{Province: "四川省", City: "成都市"}, CreatedAt: now.Add(-24 * time.Hour)}
	f.queue = []QueueItem{{Kind: "verify", N: 1, ID: "e1", EnterpriseID: "e1", Enterprise: f.enterprises["e1"],
		USCC: "91500000MA5U7UX00P", USCCValid: true, RequestedAt: now.Add(-time.Hour)}}
	f.posts = []store.Post{
		{ID: "p1", No: "D1001", Kind: store.KindDemand, Product: "<img src=x onerror=alert(2)>变速箱电磁阀", Status: store.StatusOpen,
			Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}, EnterpriseID: "e1", Quantity: &store.Quantity{Value: 5000, Unit: "件"},
			CreatedAt: now.Add(-3 * time.Hour), ExpiresAt: now.Add(27 * 24 * time.Hour)},
		{ID: "p2", No: "O2001", Kind: store.KindOffer, Product: "6层PCB", Status: store.StatusOpen, Verified: true,
			Region: store.Region{Province: "四川省", City: "成都市"}, EnterpriseID: "e2", Capacity: &store.Quantity{Value: 20000, Unit: "平方米"},
			CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(28 * 24 * time.Hour)},
	}
	f.matches = []store.Match{{ID: "p1:p2", DemandID: "p1", DemandNo: "D1001", OfferID: "p2", OfferNo: "O2001", Score: 0.82, Reasons: []string{"品类相同", "同在成渝"}, CreatedAt: now}}
	f.tickets = []Ticket{{N: 1, From: "李工 <b>", Text: "怎么认证？<script>x</script>", At: now.Add(-time.Hour), Open: true}}
	return f
}

func (f *fakes) log(a Actor, action, target, reason string) {
	f.audit = append(f.audit, AuditEntry{At: f.now, Via: a.Via, Actor: a.Name, Action: action, Target: target, Reason: reason})
}

func (f *fakes) Queue(context.Context) ([]QueueItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]QueueItem(nil), f.queue...), nil
}

func (f *fakes) Approve(_ context.Context, a Actor, id string) (store.Enterprise, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.enterprises[id]
	if !ok {
		return e, &Error{Code: ENotFound, Msg: "没有这家企业"}
	}
	e.Verified = true
	f.enterprises[id] = e
	f.dequeue(id)
	f.log(a, "approve", id, "")
	return e, nil
}

func (f *fakes) dequeue(id string) {
	var rest []QueueItem
	for _, q := range f.queue {
		if q.EnterpriseID != id {
			rest = append(rest, q)
		}
	}
	f.queue = rest
}

func (f *fakes) Reject(_ context.Context, a Actor, id, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dequeue(id)
	f.log(a, "reject", id, reason)
	return nil
}

func (f *fakes) ResolveDispute(_ context.Context, a Actor, id string, move bool, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log(a, fmt.Sprintf("resolve move=%v", move), id, reason)
	return nil
}

func (f *fakes) setStatus(a Actor, no, status, action, reason string) (store.Post, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, p := range f.posts {
		if p.No == no {
			if p.Status == status {
				return p, &Error{Code: EConflict, Msg: no + " 已经是这个状态"}
			}
			f.posts[i].Status = status
			f.log(a, action, no, reason)
			return f.posts[i], nil
		}
	}
	return store.Post{}, &Error{Code: ENotFound, Msg: "没有 " + no}
}

func (f *fakes) TakeDown(_ context.Context, a Actor, no, reason string) (store.Post, error) {
	return f.setStatus(a, no, store.StatusRemoved, "takedown", reason)
}

func (f *fakes) Restore(_ context.Context, a Actor, no, reason string) (store.Post, error) {
	return f.setStatus(a, no, store.StatusOpen, "restore", reason)
}

func (f *fakes) Stats(_ context.Context, period string, _ time.Time) (Stats, error) {
	return Stats{Period: period, Enterprises: 2, NewEnterprises: 1, VerifiedEnterprises: 1, NewDemands: 1, NewOffers: 1,
		OpenDemands: 1, OpenOffers: 1, Matches: 12, Contacts: 5, Deals: 2,
		ByRole:          []Count{{"零部件", 1}, {"电子信息", 1}},
		TopCategories:   []Count{{"<b>轮毂</b>", 7}, {"PCB", 4}, {"电磁阀", 2}},
		RecordsByRegion: []Count{{"重庆市", 6}, {"四川省", 5}}}, nil
}

func (f *fakes) Series(_ context.Context, days int, now time.Time) ([]DayCount, error) {
	out := make([]DayCount, days)
	for i := range out {
		out[i] = DayCount{Day: now.AddDate(0, 0, i-days+1), Enterprises: i % 3, Demands: i % 5, Offers: (i * 7) % 4}
	}
	return out, nil
}

func (f *fakes) Tickets(_ context.Context, open bool, _ int) ([]Ticket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Ticket
	for _, t := range f.tickets {
		if t.Open == open {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakes) Answer(_ context.Context, a Actor, n int, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range f.tickets {
		if t.N == n {
			f.tickets[i].Open = false
			f.tickets[i].Replies = append(f.tickets[i].Replies, Reply{By: a.Name, Text: text, At: f.now})
			f.log(a, "answer", fmt.Sprint(n), "")
			return nil
		}
	}
	return &Error{Code: ENotFound, Msg: "没有这条留言"}
}

func (f *fakes) Audit(_ context.Context, flt AuditFilter) ([]AuditEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []AuditEntry
	for _, e := range f.audit {
		if (flt.Action == "" || e.Action == flt.Action) && (flt.Target == "" || e.Target == flt.Target) && (flt.Actor == "" || e.Actor == flt.Actor) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakes) RecordView(_ context.Context, a Actor, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log(a, "view_mobile", id, "")
	return nil
}

func (f *fakes) auditActions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.audit {
		out = append(out, e.Action+" "+e.Target)
	}
	return out
}

type fakeRecords struct{ *fakes }

func (f fakeRecords) List(_ context.Context, kind string, flt store.PostFilter) ([]store.Post, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastKind, f.lastFilter = kind, flt
	var out []store.Post
	for _, p := range f.posts {
		if p.Kind != kind || (flt.Status != "" && p.Status != flt.Status) || (flt.Province != "" && p.Region.Province != flt.Province) ||
			(flt.Verified != nil && p.Verified != *flt.Verified) || (flt.Text != "" && !strings.Contains(p.Product, flt.Text)) {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	if flt.Offset >= len(out) {
		return nil, false, nil
	}
	out = out[flt.Offset:]
	if flt.Limit > 0 && len(out) > flt.Limit {
		return out[:flt.Limit], true, nil
	}
	return out, false, nil
}

func (f fakeRecords) ByNo(_ context.Context, no string) (store.Post, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if p.No == no {
			return p, nil
		}
	}
	return store.Post{}, store.ErrNotFound
}

func (f fakeRecords) Matches(_ context.Context, id string) ([]store.Match, error) {
	var out []store.Match
	for _, m := range f.matches {
		if m.DemandID == id || m.OfferID == id {
			out = append(out, m)
		}
	}
	return out, nil
}

func (f fakeRecords) AllMatches(context.Context, int) ([]store.Match, error) { return f.matches, nil }

func (f fakeRecords) ContactRequests(context.Context, string) ([]store.ContactRequest, error) {
	return []store.ContactRequest{{Status: store.ContactPending, CreatedAt: f.now}}, nil
}

type fakeEnterprises struct{ *fakes }

func (f fakeEnterprises) List(_ context.Context, flt store.EnterpriseFilter) ([]store.Enterprise, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Enterprise
	for _, e := range f.enterprises {
		if flt.Verified == nil || e.Verified == *flt.Verified {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, false, nil
}

func (f fakeEnterprises) Get(_ context.Context, id string) (store.Enterprise, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.enterprises[id]
	if !ok {
		return e, store.ErrNotFound
	}
	return e, nil
}

// fakeBroadcasts sends one chunk of its audience each time the progress is
// read, so a page polling it sees the job go to the end without timers.
type fakeBroadcasts struct{ *fakes }

func (f fakeBroadcasts) Audience(_ context.Context, seg Segment) (Audience, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastSegment = seg
	if seg.All {
		return Audience{Size: 120, Via: "mass"}, nil
	}
	return Audience{Size: 3, Via: "push"}, nil
}

func (f fakeBroadcasts) Create(ctx context.Context, a Actor, seg Segment, text string) (Job, error) {
	aud, _ := f.Audience(ctx, seg)
	f.mu.Lock()
	defer f.mu.Unlock()
	j := Job{ID: fmt.Sprintf("b%d", len(f.jobs)+1), Segment: seg, Text: text, By: a.Name, CreatedAt: f.now, State: "draft", Audience: aud}
	f.jobs = append([]Job{j}, f.jobs...)
	f.progress[j.ID] = &Progress{Total: aud.Size, Pending: aud.Size, State: "draft"}
	return j, nil
}

func (f fakeBroadcasts) Start(_ context.Context, a Actor, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.progress[id]
	if !ok {
		return &Error{Code: ENotFound, Msg: "没有这次群发"}
	}
	if p.State != "draft" {
		return &Error{Code: EConflict, Msg: "这次群发已经开始了"}
	}
	p.State = "sending"
	f.log(a, "broadcast", id, "")
	return nil
}

func (f fakeBroadcasts) Progress(_ context.Context, id string) (Progress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.progress[id]
	if !ok {
		return Progress{}, &Error{Code: ENotFound, Msg: "没有这次群发"}
	}
	out := *p
	if p.State == "sending" {
		step := max(1, p.Total/3)
		p.Sent = min(p.Total, p.Sent+step)
		p.Pending = p.Total - p.Sent
		if p.Pending == 0 {
			p.State = "done"
		}
	}
	return out, nil
}

func (f fakeBroadcasts) Jobs(context.Context, int) ([]Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]Job(nil), f.jobs...)
	for i := range out {
		out[i].State = f.progress[out[i].ID].State
	}
	return out, nil
}

type fakeQR struct{}

func (fakeQR) TempQR(_ context.Context, scene string, _ time.Duration) (string, error) {
	return "http://weixin.qq.com/q/test-" + scene, nil
}
