package console

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the console is built on. TaskForce, Broadcasts, Records,
// Enterprises and KV are required.
type Deps struct {
	TaskForce   TaskForce
	Broadcasts  Broadcasts
	Records     Records
	Enterprises Enterprises
	KV          bot.KV
	// IsMember reports whether openid is a task-force member (QR login).
	IsMember func(ctx context.Context, openid string) bool
	// QR issues login QR codes; nil offers the password login only.
	QR QRIssuer
	// SimScanURL, when set, is the simulator's endpoint that makes a
	// simulated WeChat user scan a code (the login page offers it).
	SimScanURL string
	Users      []User
	// APIToken, when set, is accepted as Authorization: Bearer <token>.
	APIToken string
	// CookieSecure marks the session cookie Secure (off only for plain
	// http on localhost).
	CookieSecure bool
	// IdleTimeout ends a session not used for this long (default 30 min).
	IdleTimeout time.Duration
	Now         func() time.Time
	Log         *slog.Logger
}

// Console serves /admin/.
type Console struct {
	d     Deps
	pages *pages
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	dummy []byte // see dummyHash
}

// New builds the console.
func New(d Deps) *Console {
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = 30 * time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.IsMember == nil {
		d.IsMember = func(context.Context, string) bool { return false }
	}
	c := &Console{d: d, pages: mustParsePages(), mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(), dummy: dummyHash(d.Users)}
	c.routes()
	return c
}

// Handler serves every /admin route: security headers on all of them,
// cross-origin writes refused, and the anonymous sent to the login page
// (HTML) or answered 401 (API).
func (c *Console) Handler() http.Handler {
	return securityHeaders(c.cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		c.mux.ServeHTTP(w, r)
	})))
}

// maxBody bounds what a form or an API call may send.
const maxBody = 1 << 20

func (c *Console) routes() {
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /admin/static/", http.StripPrefix("/admin/static/", cacheStatic(http.FileServerFS(static))))
	c.mux.HandleFunc("GET /admin/login", c.loginPage)
	c.mux.HandleFunc("POST /admin/login", c.loginPassword)
	c.mux.HandleFunc("GET /admin/login/qr", c.qrStatus)
	c.mux.HandleFunc("GET /admin/login/qr.svg", c.qrImage)
	c.mux.HandleFunc("POST /admin/logout", c.html(c.logout))

	c.mux.HandleFunc("GET /admin/{$}", c.html(c.dashboard))
	c.mux.HandleFunc("GET /admin/queue", c.html(c.queuePage))
	c.mux.HandleFunc("POST /admin/queue/{id}/approve", c.html(c.approveForm))
	c.mux.HandleFunc("POST /admin/queue/{id}/reject", c.html(c.rejectForm))
	c.mux.HandleFunc("POST /admin/disputes/{id}/resolve", c.html(c.resolveForm))
	c.mux.HandleFunc("GET /admin/records", c.html(c.recordsPage))
	c.mux.HandleFunc("GET /admin/records/{no}", c.html(c.recordPage))
	c.mux.HandleFunc("POST /admin/records/{no}/takedown", c.html(c.takeDownForm))
	c.mux.HandleFunc("POST /admin/records/{no}/restore", c.html(c.restoreForm))
	c.mux.HandleFunc("GET /admin/enterprises", c.html(c.enterprisesPage))
	c.mux.HandleFunc("GET /admin/enterprises/{id}", c.html(c.enterprisePage))
	c.mux.HandleFunc("GET /admin/broadcasts", c.html(c.broadcastsPage))
	c.mux.HandleFunc("POST /admin/broadcasts", c.html(c.createBroadcastForm))
	c.mux.HandleFunc("GET /admin/broadcasts/{id}", c.html(c.broadcastPage))
	c.mux.HandleFunc("POST /admin/broadcasts/{id}/start", c.html(c.startBroadcastForm))
	c.mux.HandleFunc("GET /admin/helpdesk", c.html(c.helpdeskPage))
	c.mux.HandleFunc("POST /admin/helpdesk/{n}/answer", c.html(c.answerForm))
	c.mux.HandleFunc("GET /admin/audit", c.html(c.auditPage))
	c.mux.HandleFunc("GET /admin/export/{what}", c.html(c.export))

	c.mux.HandleFunc("GET /admin/api/demands", c.api(c.apiRecords(store.KindDemand)))
	c.mux.HandleFunc("GET /admin/api/offers", c.api(c.apiRecords(store.KindOffer)))
	c.mux.HandleFunc("GET /admin/api/stats", c.api(c.apiStats))
	c.mux.HandleFunc("GET /admin/api/audience", c.api(c.apiAudience))
	c.mux.HandleFunc("GET /admin/api/broadcasts", c.api(c.apiJobs))
	c.mux.HandleFunc("GET /admin/api/broadcasts/{id}/progress", c.api(c.apiProgress))
	c.mux.HandleFunc("POST /admin/api/broadcasts", c.api(c.apiCreateBroadcast))
	c.mux.HandleFunc("POST /admin/api/broadcasts/{id}/start", c.api(c.apiStartBroadcast))
	c.mux.HandleFunc("POST /admin/api/enterprises/{id}/approve", c.api(c.apiApprove))
	c.mux.HandleFunc("POST /admin/api/enterprises/{id}/reject", c.api(c.apiReject))
	c.mux.HandleFunc("POST /admin/api/disputes/{id}/resolve", c.api(c.apiResolve))
	c.mux.HandleFunc("POST /admin/api/records/{no}/takedown", c.api(c.apiTakeDown))
	c.mux.HandleFunc("POST /admin/api/records/{no}/restore", c.api(c.apiRestore))
	c.mux.HandleFunc("POST /admin/api/helpdesk/{n}/answer", c.api(c.apiAnswer))
	c.mux.HandleFunc("/admin/api/", c.api(func(w http.ResponseWriter, r *http.Request, _ *session) {
		writeJSON(w, http.StatusNotFound, apiError{Code: ENotFound, Msg: "没有这个接口"})
	}))
	c.mux.HandleFunc("/admin/", c.html(func(w http.ResponseWriter, r *http.Request, s *session) {
		c.fail(w, r, s, &Error{Code: ENotFound, Msg: "没有这个页面"})
	}))
}

// csp allows nothing from outside the bot and no inline script or style.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/admin/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, max-age=300")
		h.ServeHTTP(w, r)
	})
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, s *session)

// html is an HTML route: a session is required (else a redirect to the
// login page) and a form post must carry the session's CSRF token.
func (c *Console) html(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := c.session(r)
		if err != nil {
			c.d.Log.ErrorContext(r.Context(), "console session", "err", err)
			http.Error(w, "服务暂时不可用，请稍后再试", http.StatusServiceUnavailable)
			return
		}
		if s == nil {
			http.Redirect(w, r, "/admin/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !s.checkCSRF(r.PostFormValue(csrfField)) {
			c.fail(w, r, s, &Error{Code: EForbidden, Msg: "页面已过期，请刷新后再提交"})
			return
		}
		c.touch(w, r, s)
		h(w, r, s)
	}
}

// api is an API route: the console session (writes with the CSRF token
// in X-CSRF-Token) or the API token; otherwise 401.
func (c *Console) api(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := bearer(r); ok {
			if c.d.APIToken == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(c.d.APIToken)) != 1 {
				writeJSON(w, http.StatusUnauthorized, apiError{Code: "unauthorized", Msg: "令牌无效"})
				return
			}
			h(w, r, &session{User: "api", Via: "api"})
			return
		}
		s, err := c.session(r)
		if err != nil {
			c.d.Log.ErrorContext(r.Context(), "console session", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, apiError{Code: "unavailable", Msg: "服务暂时不可用"})
			return
		}
		if s == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="supplybot"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Code: "unauthorized", Msg: "请先登录或提供令牌"})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.checkCSRF(r.Header.Get("X-CSRF-Token")) {
			writeJSON(w, http.StatusForbidden, apiError{Code: EForbidden, Msg: "缺少或错误的 X-CSRF-Token"})
			return
		}
		c.touch(w, r, s)
		h(w, r, s)
	}
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// actor is who acts through s.
func (s *session) actor() Actor {
	if s.Via == "api" {
		return Actor{Via: "api", ID: "api", Name: "API"}
	}
	id := s.User
	if s.OpenID != "" {
		id = s.OpenID
	}
	return Actor{Via: "console", ID: id, Name: s.User}
}

// status maps a service error to HTTP.
func status(err error) (int, string) {
	e, ok := asError(err)
	switch {
	case !ok && errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "没有找到"
	case !ok:
		return http.StatusInternalServerError, "出了点问题，请稍后再试"
	case e.Code == EInvalid:
		return http.StatusBadRequest, e.Msg
	case e.Code == ENotFound:
		return http.StatusNotFound, e.Msg
	case e.Code == EConflict:
		return http.StatusConflict, e.Msg
	case e.Code == EForbidden:
		return http.StatusForbidden, e.Msg
	}
	return http.StatusInternalServerError, "出了点问题，请稍后再试"
}
