package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// segmentOf reads the segment builder's fields (the form and the
// audience query alike).
func segmentOf(v url.Values) (Segment, string) {
	seg := Segment{All: v.Get("all") == "1", Role: v.Get("role"), Province: v.Get("province"),
		City: strings.TrimSpace(v.Get("city")), District: strings.TrimSpace(v.Get("district")),
		Category: strings.TrimSpace(v.Get("category")), Verified: parseBool(v.Get("verified"))}
	if d := strings.TrimSpace(v.Get("active_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 365 {
			return seg, "活跃天数请写 0 到 365 之间的整数"
		}
		seg.ActiveDays = n
	}
	switch seg.Role {
	case "", store.RoleVehicle, store.RoleParts, store.RoleElectronics, store.RoleOther:
	default:
		return seg, "角色只能是 整车、零部件、电子信息 或 其他"
	}
	if seg.All {
		seg = Segment{All: true}
	} else if seg == (Segment{}) {
		return seg, "请选择发送对象，或勾选“全部关注者”"
	}
	return seg, ""
}

// describe says in Chinese whom a segment reaches.
func describe(s Segment) string {
	if s.All {
		return "全部关注者"
	}
	var parts []string
	if place := s.Province + s.City + s.District; place != "" {
		parts = append(parts, place)
	}
	if s.Role != "" {
		parts = append(parts, s.Role+"企业")
	}
	if s.Category != "" {
		parts = append(parts, "品类 "+s.Category)
	}
	if s.Verified != nil {
		if *s.Verified {
			parts = append(parts, "已认证")
		} else {
			parts = append(parts, "未认证")
		}
	}
	if s.ActiveDays > 0 {
		parts = append(parts, strconv.Itoa(s.ActiveDays)+"天内活跃")
	}
	return strings.Join(parts, " · ")
}

type jobRow struct {
	Job      Job
	Segment  string
	Progress Progress
}

type broadcastsView struct {
	Jobs    []jobRow
	Problem string
	Text    string
}

func (c *Console) jobRows(r *http.Request) ([]jobRow, error) {
	jobs, err := c.d.Broadcasts.Jobs(r.Context(), 50)
	if err != nil {
		return nil, err
	}
	rows := make([]jobRow, 0, len(jobs))
	for _, j := range jobs {
		p, _ := c.d.Broadcasts.Progress(r.Context(), j.ID)
		rows = append(rows, jobRow{Job: j, Segment: describe(j.Segment), Progress: p})
	}
	return rows, nil
}

func (c *Console) broadcastsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rows, err := c.jobRows(r)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.show(w, r, s, "broadcasts", "broadcasts", "群发", broadcastsView{Jobs: rows})
}

func (c *Console) createBroadcastForm(w http.ResponseWriter, r *http.Request, s *session) {
	seg, problem := segmentOf(r.PostForm)
	text := strings.TrimSpace(r.PostFormValue("text"))
	if problem == "" && text == "" {
		problem = "请写群发内容"
	}
	if problem != "" {
		rows, _ := c.jobRows(r)
		c.show(w, r, s, "broadcasts", "broadcasts", "群发", broadcastsView{Jobs: rows, Problem: problem, Text: text})
		return
	}
	job, err := c.d.Broadcasts.Create(r.Context(), s.actor(), seg, text)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/broadcasts/"+url.PathEscape(job.ID), http.StatusSeeOther)
}

type broadcastView struct {
	Job      Job
	Segment  string
	Progress Progress
}

func (c *Console) findJob(r *http.Request, id string) (Job, bool, error) {
	jobs, err := c.d.Broadcasts.Jobs(r.Context(), 200)
	if err != nil {
		return Job{}, false, err
	}
	for _, j := range jobs {
		if j.ID == id {
			return j, true, nil
		}
	}
	return Job{}, false, nil
}

func (c *Console) broadcastPage(w http.ResponseWriter, r *http.Request, s *session) {
	job, ok, err := c.findJob(r, r.PathValue("id"))
	if err == nil && !ok {
		err = &Error{Code: ENotFound, Msg: "没有这次群发"}
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	p, err := c.d.Broadcasts.Progress(r.Context(), job.ID)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.show(w, r, s, "broadcast", "broadcasts", "群发预览", broadcastView{Job: job, Segment: describe(job.Segment), Progress: p})
}

func (c *Console) startBroadcastForm(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if err := c.d.Broadcasts.Start(r.Context(), s.actor(), id); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/broadcasts/"+url.PathEscape(id)+"?done=started", http.StatusSeeOther)
}

type helpdeskView struct {
	Open, Answered []Ticket
}

func (c *Console) helpdeskPage(w http.ResponseWriter, r *http.Request, s *session) {
	open, err := c.d.TaskForce.Tickets(r.Context(), true, 100)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	done, err := c.d.TaskForce.Tickets(r.Context(), false, 50)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.show(w, r, s, "helpdesk", "helpdesk", "留言", helpdeskView{Open: open, Answered: done})
}

func (c *Console) answerForm(w http.ResponseWriter, r *http.Request, s *session) {
	n, err := strconv.Atoi(r.PathValue("n"))
	text := strings.TrimSpace(r.PostFormValue("text"))
	switch {
	case err != nil:
		c.fail(w, r, s, &Error{Code: ENotFound, Msg: "没有这条留言"})
		return
	case text == "":
		c.fail(w, r, s, &Error{Code: EInvalid, Msg: "请写回复内容"})
		return
	}
	if err := c.d.TaskForce.Answer(r.Context(), s.actor(), n, text); err != nil {
		c.fail(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/admin/helpdesk?done=answered", http.StatusSeeOther)
}

type auditView struct {
	F        AuditFilter
	From, To string
	Rows     []AuditEntry
	NextURL  string
}

func parseAudit(q url.Values) (AuditFilter, string) {
	f := AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")), Target: strings.TrimSpace(q.Get("target")), Limit: 100}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = max(f.Offset, 0)
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), record.China); err == nil {
		f.From = t
	} else if q.Get("from") != "" {
		return f, "起始日期请写成 2026-12-01"
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), record.China); err == nil {
		f.To = t.AddDate(0, 0, 1)
	} else if q.Get("to") != "" {
		return f, "结束日期请写成 2026-12-31"
	}
	return f, ""
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	f, problem := parseAudit(q)
	if problem != "" {
		c.fail(w, r, s, &Error{Code: EInvalid, Msg: problem})
		return
	}
	rows, err := c.d.TaskForce.Audit(r.Context(), f)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v := auditView{F: f, From: q.Get("from"), To: q.Get("to"), Rows: rows}
	if len(rows) == f.Limit {
		q.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		v.NextURL = "/admin/audit?" + q.Encode()
	}
	c.show(w, r, s, "audit", "audit", "操作记录", v)
}
