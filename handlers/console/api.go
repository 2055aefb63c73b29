package console

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"supplybot/handlers/record"
)

// The JSON API: the same services as the pages, for scripts and reports.
// docs/CONSOLE.md describes every route.

type recordPage struct {
	Items  []record.View `json:"items"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
	More   bool          `json:"more"`
}

func (c *Console) apiRecords(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ *session) {
		rq, f, problem := parseRecordQuery(r.URL.Query())
		if problem != "" {
			writeJSON(w, http.StatusBadRequest, apiError{Code: EInvalid, Msg: problem})
			return
		}
		posts, more, err := c.d.Records.List(r.Context(), kind, f)
		if err != nil {
			c.apiFail(w, r, err)
			return
		}
		out := recordPage{Items: []record.View{}, Offset: rq.Offset, Limit: rq.Limit, More: more}
		now := c.d.Now()
		for _, p := range posts {
			out.Items = append(out.Items, record.NewView(p, now))
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func (c *Console) apiStats(w http.ResponseWriter, r *http.Request, _ *session) {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = "全部"
	}
	switch period {
	case "今天", "本周", "本月", "全部":
	default:
		writeJSON(w, http.StatusBadRequest, apiError{Code: EInvalid, Msg: "period 只能是 今天、本周、本月 或 全部"})
		return
	}
	days := 30
	if d, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && d > 0 && d <= 366 {
		days = d
	}
	now := c.d.Now()
	st, err := c.d.TaskForce.Stats(r.Context(), period, now)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	series, err := c.d.TaskForce.Series(r.Context(), days, now)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"stats": st, "series": series})
}

func (c *Console) apiAudience(w http.ResponseWriter, r *http.Request, _ *session) {
	seg, problem := segmentOf(r.URL.Query())
	if problem != "" {
		writeJSON(w, http.StatusBadRequest, apiError{Code: EInvalid, Msg: problem})
		return
	}
	a, err := c.d.Broadcasts.Audience(r.Context(), seg)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"audience": a, "segment": describe(seg)})
}

func (c *Console) apiJobs(w http.ResponseWriter, r *http.Request, _ *session) {
	rows, err := c.jobRows(r)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	type item struct {
		Job
		Segment  string   `json:"segment"`
		Progress Progress `json:"progress"`
	}
	out := []item{}
	for _, row := range rows {
		out = append(out, item{Job: row.Job, Segment: row.Segment, Progress: row.Progress})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (c *Console) apiProgress(w http.ResponseWriter, r *http.Request, _ *session) {
	p, err := c.d.Broadcasts.Progress(r.Context(), r.PathValue("id"))
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"progress": p, "done": p.Done()})
}

// input reads a JSON body, or form fields, into a flat map of strings.
func input(r *http.Request) (url.Values, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&m); err != nil && err != io.EOF {
			return nil, &Error{Code: EInvalid, Msg: "请求体不是 JSON 对象"}
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case bool:
				if x {
					v.Set(k, "1")
				} else {
					v.Set(k, "0")
				}
			case float64:
				v.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
		return v, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, &Error{Code: EInvalid, Msg: "请求体无法读取"}
	}
	return r.PostForm, nil
}

func (c *Console) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := status(err)
	if code == http.StatusInternalServerError {
		c.d.Log.ErrorContext(r.Context(), "console api", "path", r.URL.Path, "err", err)
	}
	e, _ := asError(err)
	ecode := "internal"
	if e != nil {
		ecode = e.Code
	} else if code == http.StatusNotFound {
		ecode = ENotFound
	}
	writeJSON(w, code, apiError{Code: ecode, Msg: msg})
}

// action runs fn with the request's fields and answers {"ok": true, …}.
func (c *Console) action(fn func(r *http.Request, s *session, in url.Values) (any, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		in, err := input(r)
		if err == nil {
			var out any
			if out, err = fn(r, s, in); err == nil {
				writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": out})
				return
			}
		}
		c.apiFail(w, r, err)
	}
}

func required(in url.Values, key, msg string) (string, error) {
	v := strings.TrimSpace(in.Get(key))
	if v == "" {
		return "", &Error{Code: EInvalid, Msg: msg}
	}
	return v, nil
}

func (c *Console) apiApprove(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, _ url.Values) (any, error) {
		e, err := c.d.TaskForce.Approve(r.Context(), s.actor(), r.PathValue("id"))
		return map[string]any{"id": e.ID, "name": e.Name, "verified": e.Verified}, err
	})(w, r, s)
}

func (c *Console) apiReject(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		reason, err := required(in, "reason", "请写驳回理由 reason")
		if err != nil {
			return nil, err
		}
		return nil, c.d.TaskForce.Reject(r.Context(), s.actor(), r.PathValue("id"), reason)
	})(w, r, s)
}

func (c *Console) apiResolve(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		return nil, c.d.TaskForce.ResolveDispute(r.Context(), s.actor(), r.PathValue("id"), in.Get("move") == "1", strings.TrimSpace(in.Get("reason")))
	})(w, r, s)
}

func (c *Console) apiTakeDown(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		reason, err := required(in, "reason", "请写下架理由 reason")
		if err != nil {
			return nil, err
		}
		p, err := c.d.TaskForce.TakeDown(r.Context(), s.actor(), strings.ToUpper(r.PathValue("no")), reason)
		return record.NewView(p, c.d.Now()), err
	})(w, r, s)
}

func (c *Console) apiRestore(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		p, err := c.d.TaskForce.Restore(r.Context(), s.actor(), strings.ToUpper(r.PathValue("no")), strings.TrimSpace(in.Get("reason")))
		return record.NewView(p, c.d.Now()), err
	})(w, r, s)
}

func (c *Console) apiCreateBroadcast(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		seg, problem := segmentOf(in)
		if problem != "" {
			return nil, &Error{Code: EInvalid, Msg: problem}
		}
		text, err := required(in, "text", "请写群发内容 text")
		if err != nil {
			return nil, err
		}
		return c.d.Broadcasts.Create(r.Context(), s.actor(), seg, text)
	})(w, r, s)
}

func (c *Console) apiStartBroadcast(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, _ url.Values) (any, error) {
		return nil, c.d.Broadcasts.Start(r.Context(), s.actor(), r.PathValue("id"))
	})(w, r, s)
}

func (c *Console) apiAnswer(w http.ResponseWriter, r *http.Request, s *session) {
	c.action(func(r *http.Request, s *session, in url.Values) (any, error) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil {
			return nil, &Error{Code: ENotFound, Msg: "没有这条留言"}
		}
		text, err := required(in, "text", "请写回复内容 text")
		if err != nil {
			return nil, err
		}
		return nil, c.d.TaskForce.Answer(r.Context(), s.actor(), n, text)
	})(w, r, s)
}
