package console

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"supplybot/handlers/record"
)

// page is what every page template gets.
type page struct {
	Title  string
	Nav    string // the active section
	User   string
	CSRF   string
	Notice string // what the last action did
	Error  string
	Data   any
	Script string // a same-origin script of the page, under /admin/static/
}

type pages struct{ t map[string]*template.Template }

var pageNames = []string{"login", "dashboard", "queue", "records", "record", "enterprises", "enterprise",
	"broadcasts", "broadcast", "helpdesk", "audit", "error"}

var funcs = template.FuncMap{
	"time": fmtTime,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(record.China).Format("2006-01-02")
	},
	"kindName":   record.KindName,
	"region":     record.Region,
	"maskMobile": maskMobile,
	"add":        func(a, b int) int { return a + b },
	"pair":       func(t Ticket, csrf string) ticketForm { return ticketForm{T: t, CSRF: csrf} },
	"pct": func(a, b int) int {
		if b <= 0 {
			return 0
		}
		return a * 100 / b
	},
}

func mustParsePages() *pages {
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range pageNames {
		p.t[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// render writes a whole page; a template error is a 500 with nothing
// half-written.
func (p *pages) render(w http.ResponseWriter, code int, name string, pg page) {
	var buf bytes.Buffer
	if err := p.t[name].Execute(&buf, pg); err != nil {
		http.Error(w, "页面出错了: "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// show renders a console page for the logged-in user.
func (c *Console) show(w http.ResponseWriter, r *http.Request, s *session, name, nav, title string, data any) {
	pg := page{Title: title, Nav: nav, User: s.User, CSRF: s.CSRF, Data: data, Notice: notices[r.URL.Query().Get("done")]}
	switch name {
	case "broadcasts", "broadcast":
		pg.Script = "broadcast.js"
	}
	c.pages.render(w, http.StatusOK, name, pg)
}

// notices are what a form's redirect says it did (?done=…): fixed texts,
// so nothing from the query reaches the page.
var notices = map[string]string{
	"approved":  "已通过认证。",
	"rejected":  "已驳回。",
	"resolved":  "已处理争议。",
	"takendown": "已下架。",
	"restored":  "已恢复。",
	"started":   "已开始发送。",
	"answered":  "已回复。",
}

// fail shows a service error as a page.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	code, msg := status(err)
	if code == http.StatusInternalServerError {
		c.d.Log.ErrorContext(r.Context(), "console", "path", r.URL.Path, "err", err)
	}
	c.pages.render(w, code, "error", page{Title: "出错了", User: s.User, CSRF: s.CSRF, Error: msg})
}

type apiError struct {
	Code string `json:"error"`
	Msg  string `json:"message"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// maskMobile keeps the first three and last four digits: 138****5678.
func maskMobile(m string) string {
	r := []rune(m)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

func itoa(n int) string { return strconv.Itoa(n) }

// fmtTime is a time in China, to the minute.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(record.China).Format("2006-01-02 15:04")
}

type ticketForm struct {
	T    Ticket
	CSRF string
}
