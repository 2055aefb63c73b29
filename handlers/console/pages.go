package console

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

type dashboardView struct {
	Today   Stats
	All     Stats
	Series  lineChart
	Cats    barChart
	Regions barChart
	Roles   barChart
	Funnel  barChart
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, s *session) {
	ctx, now := r.Context(), c.d.Now()
	today, err := c.d.TaskForce.Stats(ctx, "今天", now)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	all, err := c.d.TaskForce.Stats(ctx, "全部", now)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	series, err := c.d.TaskForce.Series(ctx, 30, now)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v := dashboardView{Today: today, All: all, Series: newLineChart(series),
		Cats: newBarChart(all.TopCategories), Regions: newBarChart(all.RecordsByRegion), Roles: newBarChart(all.ByRole),
		Funnel: newBarChart([]Count{{"匹配", all.Matches}, {"交换联系方式", all.Contacts}, {"成交", all.Deals}})}
	c.show(w, r, s, "dashboard", "dashboard", "数据概览", v)
}

func (c *Console) queuePage(w http.ResponseWriter, r *http.Request, s *session) {
	items, err := c.d.TaskForce.Queue(r.Context())
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.show(w, r, s, "queue", "queue", "认证审核", items)
}

func (c *Console) approveForm(w http.ResponseWriter, r *http.Request, s *session) {
	if _, err := c.d.TaskForce.Approve(r.Context(), s.actor(), r.PathValue("id")); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/queue?done=approved", http.StatusSeeOther)
}

func (c *Console) rejectForm(w http.ResponseWriter, r *http.Request, s *session) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		c.fail(w, r, s, &Error{Code: EInvalid, Msg: "请写驳回理由"})
		return
	}
	if err := c.d.TaskForce.Reject(r.Context(), s.actor(), r.PathValue("id"), reason); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/queue?done=rejected", http.StatusSeeOther)
}

func (c *Console) resolveForm(w http.ResponseWriter, r *http.Request, s *session) {
	move := r.PostFormValue("move") == "1"
	if err := c.d.TaskForce.ResolveDispute(r.Context(), s.actor(), r.PathValue("id"), move, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/queue?done=resolved", http.StatusSeeOther)
}

// recordQuery is the records page's filter as the form sends it.
type recordQuery struct {
	Kind, Text, Category, Province, City, Status, Verified, From, To string
	Offset, Limit                                                    int
}

func parseRecordQuery(q url.Values) (recordQuery, store.PostFilter, string) {
	rq := recordQuery{Kind: q.Get("kind"), Text: strings.TrimSpace(q.Get("q")), Category: strings.TrimSpace(q.Get("category")),
		Province: q.Get("province"), City: strings.TrimSpace(q.Get("city")), Status: q.Get("status"),
		Verified: q.Get("verified"), From: q.Get("from"), To: q.Get("to")}
	rq.Offset, _ = strconv.Atoi(q.Get("offset"))
	rq.Limit, _ = strconv.Atoi(q.Get("limit"))
	if rq.Offset < 0 {
		rq.Offset = 0
	}
	if rq.Limit <= 0 || rq.Limit > 200 {
		rq.Limit = 50
	}
	if rq.Kind != store.KindDemand && rq.Kind != store.KindOffer {
		rq.Kind = ""
	}
	f := store.PostFilter{Text: rq.Text, CategoryPrefix: rq.Category, Province: rq.Province, City: rq.City,
		Status: rq.Status, Offset: rq.Offset, Limit: rq.Limit}
	f.Verified = parseBool(rq.Verified)
	var problem string
	if rq.From != "" {
		t, err := time.ParseInLocation("2006-01-02", rq.From, record.China)
		if err != nil {
			problem = "起始日期请写成 2026-12-01"
		}
		f.From = t
	}
	if rq.To != "" {
		t, err := time.ParseInLocation("2006-01-02", rq.To, record.China)
		if err != nil {
			problem = "结束日期请写成 2026-12-31"
		} else {
			f.To = t.AddDate(0, 0, 1)
		}
	}
	switch rq.Status {
	case "", store.StatusOpen, store.StatusClosed, store.StatusExpired, store.StatusRemoved:
	default:
		problem = "状态只能是 open、closed、expired 或 removed"
	}
	return rq, f, problem
}

func parseBool(v string) *bool {
	switch v {
	case "1", "true", "yes":
		t := true
		return &t
	case "0", "false", "no":
		f := false
		return &f
	}
	return nil
}

// listRecords lists one kind, or both merged newest first.
func (c *Console) listRecords(r *http.Request, kind string, f store.PostFilter) ([]store.Post, bool, error) {
	if kind != "" {
		return c.d.Records.List(r.Context(), kind, f)
	}
	g := f
	g.Offset, g.Limit = 0, f.Offset+f.Limit
	d, moreD, err := c.d.Records.List(r.Context(), store.KindDemand, g)
	if err != nil {
		return nil, false, err
	}
	o, moreO, err := c.d.Records.List(r.Context(), store.KindOffer, g)
	if err != nil {
		return nil, false, err
	}
	all := append(d, o...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreatedAt.After(all[j].CreatedAt) })
	more := moreD || moreO || len(all) > f.Offset+f.Limit
	if f.Offset >= len(all) {
		return nil, more, nil
	}
	return all[f.Offset:min(len(all), f.Offset+f.Limit)], more, nil
}

type recordsView struct {
	Q        recordQuery
	Problem  string
	Rows     []record.View
	More     bool
	NextURL  string
	PrevURL  string
	Statuses []string
}

func (c *Console) recordsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rq, f, problem := parseRecordQuery(r.URL.Query())
	v := recordsView{Q: rq, Problem: problem}
	if problem == "" {
		posts, more, err := c.listRecords(r, rq.Kind, f)
		if err != nil {
			c.fail(w, r, s, err)
			return
		}
		now := c.d.Now()
		for _, p := range posts {
			v.Rows = append(v.Rows, record.NewView(p, now))
		}
		v.More = more
		q := r.URL.Query()
		if more {
			q.Set("offset", strconv.Itoa(rq.Offset+rq.Limit))
			v.NextURL = "/admin/records?" + q.Encode()
		}
		if rq.Offset > 0 {
			q.Set("offset", strconv.Itoa(max(0, rq.Offset-rq.Limit)))
			v.PrevURL = "/admin/records?" + q.Encode()
		}
	}
	c.show(w, r, s, "records", "records", "信息管理", v)
}

type recordDetail struct {
	View       record.View
	Post       store.Post
	Enterprise store.Enterprise
	Matches    []store.Match
	Requests   []store.ContactRequest
}

func (c *Console) recordPage(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	p, err := c.d.Records.ByNo(ctx, strings.ToUpper(r.PathValue("no")))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v := recordDetail{View: record.NewView(p, c.d.Now()), Post: p}
	if e, err := c.d.Enterprises.Get(ctx, p.EnterpriseID); err == nil {
		v.Enterprise = e
	}
	if v.Matches, err = c.d.Records.Matches(ctx, p.ID); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if v.Requests, err = c.d.Records.ContactRequests(ctx, p.ID); err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.show(w, r, s, "record", "records", p.No+" "+p.Product, v)
}

func (c *Console) takeDownForm(w http.ResponseWriter, r *http.Request, s *session) {
	no := strings.ToUpper(r.PathValue("no"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		c.fail(w, r, s, &Error{Code: EInvalid, Msg: "请写下架理由"})
		return
	}
	if _, err := c.d.TaskForce.TakeDown(r.Context(), s.actor(), no, reason); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/records/"+url.PathEscape(no)+"?done=takendown", http.StatusSeeOther)
}

func (c *Console) restoreForm(w http.ResponseWriter, r *http.Request, s *session) {
	no := strings.ToUpper(r.PathValue("no"))
	if _, err := c.d.TaskForce.Restore(r.Context(), s.actor(), no, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/records/"+url.PathEscape(no)+"?done=restored", http.StatusSeeOther)
}

type enterprisesView struct {
	Text, Role, Province, Verified string
	Rows                           []store.Enterprise
	More                           bool
	NextURL                        string
}

func (c *Console) enterprisesPage(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	v := enterprisesView{Text: strings.TrimSpace(q.Get("q")), Role: q.Get("role"), Province: q.Get("province"), Verified: q.Get("verified")}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := store.EnterpriseFilter{Text: v.Text, Role: v.Role, Province: v.Province, Verified: parseBool(v.Verified), Offset: max(offset, 0), Limit: 50}
	rows, more, err := c.d.Enterprises.List(r.Context(), f)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v.Rows, v.More = rows, more
	if more {
		q.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		v.NextURL = "/admin/enterprises?" + q.Encode()
	}
	c.show(w, r, s, "enterprises", "enterprises", "企业", v)
}

// enterprisePage shows the contacts' whole mobile numbers; each view is
// written to the audit log first, and without the entry there is no page.
func (c *Console) enterprisePage(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	e, err := c.d.Enterprises.Get(ctx, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	if len(e.Contacts) > 0 {
		if err := c.d.TaskForce.RecordView(ctx, s.actor(), e.ID); err != nil {
			c.fail(w, r, s, err)
			return
		}
	}
	c.show(w, r, s, "enterprise", "enterprises", e.Name, e)
}
