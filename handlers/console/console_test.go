package console

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"supplybot/bot"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	testUser     = "zhuanban"
	testPassword = "correct horse 电池"
	testToken    = "test-api-token-0123456789abcdef"
)

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

type harness struct {
	t   *testing.T
	f   *fakes
	c   *Console
	srv *httptest.Server
	kv  bot.KV
}

func newHarness(t *testing.T, mod ...func(*Deps)) *harness {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakes(testNow)
	kv := storetest.Redis(t)
	d := Deps{TaskForce: f, Broadcasts: fakeBroadcasts{f}, Records: fakeRecords{f}, Enterprises: fakeEnterprises{f},
		KV: kv, Users: []User{{Name: testUser, Hash: string(hash)}}, APIToken: testToken,
		IsMember: func(_ context.Context, openid string) bool { return openid == "o-member" },
		QR:       fakeQR{}, Now: func() time.Time { return testNow },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, m := range mod {
		m(&d)
	}
	c := New(d)
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, f: f, c: c, srv: srv, kv: kv}
}

// client is a browser: cookies kept, redirects not followed.
func (h *harness) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	code int
	hdr  http.Header
	body string
}

func (h *harness) do(cl *http.Client, method, path string, form url.Values, hdr ...string) resp {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := cl.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, hdr: res.Header, body: string(b)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

// login logs a new browser in with the password and returns it with the
// session's CSRF token.
func (h *harness) login() (*http.Client, string) {
	h.t.Helper()
	cl := h.client()
	page := h.do(cl, "GET", "/admin/login", nil)
	r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(h.t, page.body)}, "user": {testUser}, "password": {testPassword}, "next": {"/admin/"}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/admin/" {
		h.t.Fatalf("login: got %d %q, want 303 to /admin/\n%s", r.code, r.hdr.Get("Location"), r.body)
	}
	dash := h.do(cl, "GET", "/admin/", nil)
	if dash.code != http.StatusOK {
		h.t.Fatalf("dashboard after login: got %d", dash.code)
	}
	return cl, csrfOf(h.t, dash.body)
}

func TestAnonymousIsRefusedEverywhere(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	for _, p := range []string{"/admin/", "/admin/queue", "/admin/records", "/admin/records/D1001", "/admin/enterprises",
		"/admin/enterprises/e1", "/admin/broadcasts", "/admin/broadcasts/b1", "/admin/helpdesk", "/admin/audit",
		"/admin/export/enterprises.csv", "/admin/nothing"} {
		r := h.do(cl, "GET", p, nil)
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/admin/login?next=") {
			t.Errorf("GET %s: got %d %q, want 303 to the login page", p, r.code, r.hdr.Get("Location"))
		}
	}
	for _, p := range []string{"/admin/queue/e1/approve", "/admin/records/D1001/takedown", "/admin/broadcasts", "/admin/logout"} {
		r := h.do(cl, "POST", p, url.Values{"reason": {"x"}})
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/admin/login") {
			t.Errorf("POST %s: got %d, want 303 to the login page", p, r.code)
		}
	}
	for _, p := range []string{"/admin/api/demands", "/admin/api/offers", "/admin/api/stats", "/admin/api/audience?all=1", "/admin/api/broadcasts", "/admin/api/nothing"} {
		if r := h.do(cl, "GET", p, nil); r.code != http.StatusUnauthorized {
			t.Errorf("GET %s: got %d, want 401", p, r.code)
		}
	}
	for _, p := range []string{"/admin/api/enterprises/e1/approve", "/admin/api/records/D1001/takedown", "/admin/api/broadcasts"} {
		if r := h.do(cl, "POST", p, url.Values{"reason": {"x"}}); r.code != http.StatusUnauthorized {
			t.Errorf("POST %s: got %d, want 401", p, r.code)
		}
	}
	if got := h.f.auditActions(); len(got) != 0 {
		t.Errorf("anonymous requests acted: %v", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{"/admin/login", "/admin/", "/admin/api/stats", "/admin/static/console.css"} {
		r := h.do(h.client(), "GET", p, nil)
		csp := r.hdr.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline: %q", p, csp)
		}
		if got := r.hdr.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", p, got)
		}
	}
}

func TestPasswordLoginCookieAndLogout(t *testing.T) {
	for _, secure := range []bool{true, false} {
		h := newHarness(t, func(d *Deps) { d.CookieSecure = secure; d.IdleTimeout = 20 * time.Minute })
		cl := h.client()
		page := h.do(cl, "GET", "/admin/login", nil)
		bad := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(t, page.body)}, "user": {testUser}, "password": {"wrong"}})
		if bad.code != http.StatusUnauthorized || !strings.Contains(bad.body, loginFailMsg) {
			t.Fatalf("wrong password: got %d, want 401 with %q", bad.code, loginFailMsg)
		}
		r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(t, bad.body)}, "user": {testUser}, "password": {testPassword}, "next": {"/admin/queue"}})
		if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/admin/queue" {
			t.Fatalf("login: got %d %q", r.code, r.hdr.Get("Location"))
		}
		var cookie string
		for _, sc := range r.hdr.Values("Set-Cookie") {
			if strings.Contains(sc, cookieBase+"=") && !strings.Contains(sc, "Max-Age=0") {
				cookie = sc
			}
		}
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("secure=%v: cookie %q lacks %s", secure, cookie, want)
			}
		}
		if got := strings.Contains(cookie, "Secure") && strings.HasPrefix(cookie, "__Host-"); got != secure {
			t.Errorf("secure=%v: cookie %q", secure, cookie)
		}
		if secure {
			continue // the test server is plain http: the browser keeps no Secure cookie
		}
		dash := h.do(cl, "GET", "/admin/", nil)
		if dash.code != http.StatusOK {
			t.Fatalf("dashboard: got %d", dash.code)
		}
		// The session lives in the KV with the idle timeout.
		id := cl.Jar.Cookies(mustURL(h.srv.URL))[0].Value
		if _, ok, _ := h.kv.Lookup(context.Background(), sessionKey+hashID(id)); !ok {
			t.Fatalf("session not in the KV")
		}
		out := h.do(cl, "POST", "/admin/logout", url.Values{"csrf": {csrfOf(t, dash.body)}})
		if out.code != http.StatusSeeOther {
			t.Fatalf("logout: got %d", out.code)
		}
		if _, ok, _ := h.kv.Lookup(context.Background(), sessionKey+hashID(id)); ok {
			t.Errorf("session still in the KV after logout")
		}
		// The old cookie, replayed, is no session any more.
		replay := h.client()
		replay.Jar.SetCookies(mustURL(h.srv.URL), []*http.Cookie{{Name: cookieBase, Value: id}})
		if r := h.do(replay, "GET", "/admin/", nil); r.code != http.StatusSeeOther {
			t.Errorf("replayed cookie after logout: got %d, want 303", r.code)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestIdleSessionEnds(t *testing.T) {
	h := newHarness(t)
	cl, _ := h.login()
	id := cl.Jar.Cookies(mustURL(h.srv.URL))[0].Value
	// What the KV's expiry does after the idle timeout.
	if err := h.kv.Del(context.Background(), sessionKey+hashID(id)); err != nil {
		t.Fatal(err)
	}
	if r := h.do(cl, "GET", "/admin/", nil); r.code != http.StatusSeeOther {
		t.Errorf("after the idle timeout: got %d, want 303 to login", r.code)
	}
}

func TestLoginRateLimitedPerUser(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	page := h.do(cl, "GET", "/admin/login", nil)
	body := page.body
	for i := 0; i < maxPerUser; i++ {
		r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(t, body)}, "user": {testUser}, "password": {"guess"}})
		if r.code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, r.code)
		}
		body = r.body
	}
	r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(t, body)}, "user": {testUser}, "password": {testPassword}})
	if r.code != http.StatusTooManyRequests {
		t.Errorf("right password after %d failures: got %d, want 429", maxPerUser, r.code)
	}
}

func TestLoginRateLimitedPerIP(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	body := h.do(cl, "GET", "/admin/login", nil).body
	var last int
	for i := 0; i <= maxPerIP; i++ {
		r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {csrfOf(t, body)}, "user": {"user" + itoa(i)}, "password": {"guess"}})
		last, body = r.code, r.body
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("attempt %d from one IP: got %d, want 429", maxPerIP+1, last)
	}
}

func TestLoginFormNeedsItsCSRFToken(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	h.do(cl, "GET", "/admin/login", nil)
	r := h.do(cl, "POST", "/admin/login", url.Values{"csrf": {"forged"}, "user": {testUser}, "password": {testPassword}})
	if r.code != http.StatusForbidden {
		t.Errorf("login with a forged token: got %d, want 403", r.code)
	}
}

func TestFormsNeedTheSessionCSRFToken(t *testing.T) {
	h := newHarness(t)
	cl, csrf := h.login()
	for _, tc := range []struct {
		name string
		form url.Values
		hdr  []string
		want int
	}{
		{"no token", url.Values{}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"csrf": {"x" + csrf}}, nil, http.StatusForbidden},
		{"cross-site", url.Values{"csrf": {csrf}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"foreign origin", url.Values{"csrf": {csrf}}, []string{"Origin", "https://evil.example"}, http.StatusForbidden},
	} {
		r := h.do(cl, "POST", "/admin/queue/e1/approve", tc.form, tc.hdr...)
		if r.code != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, r.code, tc.want)
		}
	}
	if got := h.f.auditActions(); len(got) != 0 {
		t.Fatalf("refused forms acted: %v", got)
	}
	r := h.do(cl, "POST", "/admin/queue/e1/approve", url.Values{"csrf": {csrf}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/admin/queue?done=approved" {
		t.Fatalf("approve with the token: got %d %q", r.code, r.hdr.Get("Location"))
	}
	if got := h.f.auditActions(); len(got) != 1 || got[0] != "approve e1" {
		t.Errorf("audit: got %v, want [approve e1]", got)
	}
	// The API under the session needs the token in a header.
	if r := h.do(cl, "POST", "/admin/api/records/D1001/takedown", url.Values{"reason": {"违规"}}); r.code != http.StatusForbidden {
		t.Errorf("session API write without X-CSRF-Token: got %d, want 403", r.code)
	}
	if r := h.do(cl, "POST", "/admin/api/records/D1001/takedown", url.Values{"reason": {"违规"}}, "X-CSRF-Token", csrf); r.code != http.StatusOK {
		t.Errorf("session API write with X-CSRF-Token: got %d, want 200: %s", r.code, r.body)
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	h := newHarness(t)
	cl, _ := h.login()
	for _, p := range []string{"/admin/", "/admin/queue", "/admin/records", "/admin/records/D1001", "/admin/enterprises", "/admin/enterprises/e1", "/admin/helpdesk"} {
		r := h.do(cl, "GET", p, nil)
		if r.code != http.StatusOK {
			t.Fatalf("%s: got %d", p, r.code)
		}
		for _, raw := range []string{"<script>alert(1)", "<img src=x", "<script>x", "<b>轮毂", "李工 <b>"} {
			if strings.Contains(r.body, raw) {
				t.Errorf("%s: user text %q is not escaped", p, raw)
			}
		}
	}
	if r := h.do(cl, "GET", "/admin/queue", nil); !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;重庆渝北汽配") {
		t.Errorf("queue: the company name is not shown as text")
	}
	if r := h.do(cl, "GET", "/admin/records/D1001", nil); !strings.Contains(r.body, "&lt;img src=x onerror=alert(2)&gt;变速箱电磁阀") {
		t.Errorf("record: the product is not shown as text")
	}
}

func TestMobilesMaskedInListsWholeOnDetailAndLogged(t *testing.T) {
	h := newHarness(t)
	cl, _ := h.login()
	for _, p := range []string{"/admin/enterprises", "/admin/queue"} {
		r := h.do(cl, "GET", p, nil)
		if strings.Contains(r.body, "13812345678") || !strings.Contains(r.body, "138****5678") {
			t.Errorf("%s: mobile not masked", p)
		}
	}
	if got := h.f.auditActions(); len(got) != 0 {
		t.Fatalf("lists logged views: %v", got)
	}
	r := h.do(cl, "GET", "/admin/enterprises/e1", nil)
	if !strings.Contains(r.body, "13812345678") {
		t.Errorf("detail: whole mobile not shown")
	}
	h.do(cl, "GET", "/admin/enterprises/e1", nil)
	if got := h.f.auditActions(); len(got) != 2 || got[0] != "view_mobile e1" {
		t.Errorf("audit after two detail views: got %v", got)
	}
}

func TestCSVExports(t *testing.T) {
	h := newHarness(t)
	cl, _ := h.login()
	r := h.do(cl, "GET", "/admin/export/enterprises.csv", nil)
	if r.code != http.StatusOK || r.hdr.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("enterprises.csv: got %d %q", r.code, r.hdr.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.body, "\xef\xbb\xbf企业,角色,地区,统一社会信用代码,已认证,联系人,手机,注册时间\r\n") {
		t.Errorf("enterprises.csv starts %q, want the BOM and the header with CRLF", r.body[:min(len(r.body), 80)])
	}
	if !strings.Contains(r.body, "'=成都电子,电子信息,四川省成都市,,是") {
		t.Errorf("enterprises.csv: a name starting with = is not guarded:\n%s", r.body)
	}
	if strings.Contains(r.body, "13812345678") || !strings.Contains(r.body, "138****5678") {
		t.Errorf("enterprises.csv: mobile not masked")
	}
	d := h.do(cl, "GET", "/admin/export/demands.csv", nil)
	wantRow := "D1001,<img src=x onerror=alert(2)>变速箱电磁阀,,,5000件,,重庆市璧山区,进行中,否,2026-12-01 15:00,"
	if !strings.HasPrefix(d.body, "\xef\xbb\xbf编号,产品,") || !strings.Contains(d.body, wantRow) {
		t.Errorf("demands.csv:\n%q\nwant a row starting %q", d.body, wantRow)
	}
	if strings.Contains(d.body, "O2001") {
		t.Errorf("demands.csv holds an offer")
	}
	m := h.do(cl, "GET", "/admin/export/matches.csv", nil)
	if want := "\xef\xbb\xbf求购编号,供应编号,匹配度,理由,匹配时间\r\nD1001,O2001,0.82,品类相同 · 同在成渝,2026-12-01 18:00\r\n"; m.body != want {
		t.Errorf("matches.csv:\ngot  %q\nwant %q", m.body, want)
	}
	if r := h.do(cl, "GET", "/admin/export/passwords.csv", nil); r.code != http.StatusNotFound {
		t.Errorf("unknown export: got %d, want 404", r.code)
	}
}

func TestAPITokenAndFilters(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	for _, tok := range []string{"wrong", testToken + "x", ""} {
		if r := h.do(cl, "GET", "/admin/api/demands", nil, "Authorization", "Bearer "+tok); r.code != http.StatusUnauthorized {
			t.Errorf("token %q: got %d, want 401", tok, r.code)
		}
	}
	auth := []string{"Authorization", "Bearer " + testToken}
	r := h.do(cl, "GET", "/admin/api/demands?province=重庆市&status=open&verified=0&q=电磁阀&offset=0&limit=10&from=2026-11-01&to=2026-12-01", nil, auth...)
	if r.code != http.StatusOK {
		t.Fatalf("demands: got %d %s", r.code, r.body)
	}
	f := h.f.lastFilter
	if h.f.lastKind != "demand" || f.Province != "重庆市" || f.Status != "open" || f.Verified == nil || *f.Verified || f.Text != "电磁阀" || f.Limit != 10 ||
		!f.From.Equal(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)) || !f.To.Equal(time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("filter passed to the store: kind %q %+v", h.f.lastKind, f)
	}
	for _, want := range []string{`"no":"D1001"`, `"kind_name":"求购"`, `"quantity":{"value":5000,"unit":"件","text":"5000件"}`, `"more":false`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("demands: body lacks %s:\n%s", want, r.body)
		}
	}
	if strings.Contains(r.body, "<img") {
		t.Errorf("JSON carries raw < (not escaped for HTML): %s", r.body)
	}
	o := h.do(cl, "GET", "/admin/api/offers?verified=1", nil, auth...)
	if !strings.Contains(o.body, `"no":"O2001"`) || strings.Contains(o.body, "D1001") {
		t.Errorf("offers: %s", o.body)
	}
	if r := h.do(cl, "GET", "/admin/api/demands?status=bogus", nil, auth...); r.code != http.StatusBadRequest {
		t.Errorf("bad status: got %d, want 400", r.code)
	}
	if r := h.do(cl, "GET", "/admin/api/stats?period=本月", nil, auth...); r.code != http.StatusOK || !strings.Contains(r.body, `"period":"本月"`) || !strings.Contains(r.body, `"series":[`) {
		t.Errorf("stats: %d %s", r.code, r.body)
	}
	// Actions with the token need no CSRF token, and act as "api".
	tk := h.do(cl, "POST", "/admin/api/records/O2001/takedown", url.Values{"reason": {"虚假信息"}}, auth...)
	if tk.code != http.StatusOK || !strings.Contains(tk.body, `"status":"removed"`) {
		t.Errorf("takedown: %d %s", tk.code, tk.body)
	}
	again := h.do(cl, "POST", "/admin/api/records/O2001/takedown", url.Values{"reason": {"虚假信息"}}, auth...)
	if again.code != http.StatusConflict {
		t.Errorf("second takedown: got %d, want 409", again.code)
	}
	noReason := h.do(cl, "POST", "/admin/api/records/D1001/takedown", nil, auth...)
	if noReason.code != http.StatusBadRequest {
		t.Errorf("takedown without reason: got %d, want 400", noReason.code)
	}
	js, _ := http.NewRequest("POST", h.srv.URL+"/admin/api/enterprises/e1/reject", bytes.NewReader([]byte(`{"reason":"执照不清晰"}`)))
	js.Header.Set("Content-Type", "application/json")
	js.Header.Set("Authorization", "Bearer "+testToken)
	if res, err := cl.Do(js); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("reject with JSON: %v %v", err, res.StatusCode)
	}
	if got := strings.Join(h.f.auditActions(), ";"); got != "takedown O2001;reject e1" {
		t.Errorf("audit: got %q", got)
	}
	if h.f.audit[0].Via != "api" {
		t.Errorf("API actor via %q, want api", h.f.audit[0].Via)
	}
}

func TestAPIWithoutConfiguredTokenRefusesBearer(t *testing.T) {
	h := newHarness(t, func(d *Deps) { d.APIToken = "" })
	if r := h.do(h.client(), "GET", "/admin/api/stats", nil, "Authorization", "Bearer "); r.code != http.StatusUnauthorized {
		t.Errorf("empty token with none configured: got %d, want 401", r.code)
	}
}

func TestBroadcastFlow(t *testing.T) {
	h := newHarness(t)
	cl, csrf := h.login()
	a := h.do(cl, "GET", "/admin/api/audience?role=整车&province=重庆市&verified=1", nil)
	if !strings.Contains(a.body, `"size":3`) || !strings.Contains(a.body, "重庆市 · 整车企业 · 已认证") {
		t.Errorf("audience: %s", a.body)
	}
	if s := h.f.lastSegment; s.Role != "整车" || s.Province != "重庆市" || s.Verified == nil || !*s.Verified {
		t.Errorf("segment: %+v", s)
	}
	if r := h.do(cl, "POST", "/admin/broadcasts", url.Values{"csrf": {csrf}, "text": {"通知"}}); r.code != http.StatusOK || !strings.Contains(r.body, "请选择发送对象") {
		t.Errorf("no segment: got %d", r.code)
	}
	r := h.do(cl, "POST", "/admin/broadcasts", url.Values{"csrf": {csrf}, "all": {"1"}, "text": {"12月10日 <b>对接会</b>"}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/admin/broadcasts/b1" {
		t.Fatalf("create: got %d %q", r.code, r.hdr.Get("Location"))
	}
	pv := h.do(cl, "GET", "/admin/broadcasts/b1", nil)
	if !strings.Contains(pv.body, "12月10日 &lt;b&gt;对接会&lt;/b&gt;") || !strings.Contains(pv.body, "全部关注者") || !strings.Contains(pv.body, `id="send"`) {
		t.Errorf("preview:\n%s", pv.body)
	}
	if r := h.do(cl, "POST", "/admin/broadcasts/b1/start", url.Values{"csrf": {csrf}}); r.code != http.StatusSeeOther {
		t.Fatalf("start: got %d", r.code)
	}
	for i := 0; ; i++ {
		p := h.do(cl, "GET", "/admin/api/broadcasts/b1/progress", nil)
		if strings.Contains(p.body, `"done":true`) {
			if !strings.Contains(p.body, `"sent":120`) {
				t.Errorf("done: %s", p.body)
			}
			break
		}
		if i > 10 {
			t.Fatalf("progress never done: %s", p.body)
		}
	}
}

func TestHelpdeskAndAudit(t *testing.T) {
	h := newHarness(t)
	cl, csrf := h.login()
	if r := h.do(cl, "POST", "/admin/helpdesk/1/answer", url.Values{"csrf": {csrf}, "text": {"请发送 认证"}}); r.code != http.StatusSeeOther {
		t.Fatalf("answer: got %d", r.code)
	}
	page := h.do(cl, "GET", "/admin/helpdesk", nil)
	if !strings.Contains(page.body, "请发送 认证") {
		t.Errorf("reply not shown")
	}
	h.do(cl, "POST", "/admin/records/D1001/takedown", url.Values{"csrf": {csrf}, "reason": {"重复发布"}})
	a := h.do(cl, "GET", "/admin/audit?action=takedown", nil)
	if !strings.Contains(a.body, "D1001") || !strings.Contains(a.body, "重复发布") || strings.Contains(a.body, "<td>answer</td>") {
		t.Errorf("audit filtered by action:\n%s", a.body)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/queue?x=1":      "/admin/queue?x=1",
		"":                      "/admin/",
		"https://evil.example":  "/admin/",
		"//evil.example/admin/": "/admin/",
		"/\\evil.example":       "/admin/",
		"/other":                "/admin/",
		"/admin/login":          "/admin/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQRLogin(t *testing.T) {
	h := newHarness(t, func(d *Deps) { d.Users = nil })
	ctx := context.Background()
	cl := h.client()
	page := h.do(cl, "GET", "/admin/login?next=/admin/records", nil)
	m := regexp.MustCompile(`data-scene="(console-[^"]+)"|qr.svg\?s=(console-[^"&]+)`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("login page shows no QR code:\n%s", page.body)
	}
	scene := m[1] + m[2]
	if r := h.do(cl, "GET", "/admin/login/qr.svg", nil); r.code != http.StatusOK || !strings.HasPrefix(r.body, "<svg") {
		t.Errorf("qr.svg: %d %.40s", r.code, r.body)
	}
	if r := h.do(cl, "GET", "/admin/login/qr", nil); !strings.Contains(r.body, `"wait"`) {
		t.Errorf("before the scan: %s", r.body)
	}
	// A stranger's scan logs nobody in.
	rep, err := h.c.onScan(ctx, &bot.Message{OpenID: "o-stranger", Type: bot.TypeEvent, Event: bot.EventScan, EventKey: scene})
	if err != nil || !strings.Contains(rep.Text, "不是工作专班成员") {
		t.Errorf("stranger's scan: %q %v", rep.Text, err)
	}
	if r := h.do(cl, "GET", "/admin/login/qr", nil); !strings.Contains(r.body, `"wait"`) {
		t.Errorf("after a stranger's scan: %s", r.body)
	}
	// Another code's scan is not the console's business.
	if rep, _ := h.c.onScan(ctx, &bot.Message{OpenID: "o-member", Event: bot.EventScan, EventKey: "promo-1"}); rep.Text != "" {
		t.Errorf("foreign scene answered %q", rep.Text)
	}
	rep, err = h.c.onScan(ctx, &bot.Message{OpenID: "o-member", Type: bot.TypeEvent, Event: bot.EventScan, EventKey: scene})
	if err != nil || !strings.Contains(rep.Text, "已登录") {
		t.Fatalf("member's scan: %q %v", rep.Text, err)
	}
	// Only the browser holding the scene gets in.
	other := h.client()
	h.do(other, "GET", "/admin/login", nil)
	if r := h.do(other, "GET", "/admin/login/qr", nil); strings.Contains(r.body, `"ok"`) {
		t.Fatalf("another browser logged in: %s", r.body)
	}
	r := h.do(cl, "GET", "/admin/login/qr?next=/admin/records", nil)
	if !strings.Contains(r.body, `"state":"ok"`) || !strings.Contains(r.body, `"next":"/admin/records"`) {
		t.Fatalf("after the scan: %s", r.body)
	}
	if d := h.do(cl, "GET", "/admin/records", nil); d.code != http.StatusOK {
		t.Errorf("records after QR login: got %d", d.code)
	}
	// The scene is spent.
	if rep, _ := h.c.onScan(ctx, &bot.Message{OpenID: "o-member", Event: bot.EventScan, EventKey: scene}); !strings.Contains(rep.Text, "失效") {
		t.Errorf("second scan: %q", rep.Text)
	}
	if _, ok, _ := h.kv.Lookup(ctx, sceneKey+scene); ok {
		t.Errorf("scene still in the KV")
	}
}

func TestStaticFilesServed(t *testing.T) {
	h := newHarness(t)
	for _, f := range []string{"console.css", "broadcast.js", "login.js"} {
		r := h.do(h.client(), "GET", "/admin/static/"+f, nil)
		if r.code != http.StatusOK || len(r.body) < 100 {
			t.Errorf("%s: got %d", f, r.code)
		}
	}
	// No page refers to anything outside the bot or carries inline style or script.
	cl, _ := h.login()
	for _, p := range []string{"/admin/login", "/admin/", "/admin/broadcasts", "/admin/records"} {
		body := h.do(cl, "GET", p, nil).body
		if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(body) || regexp.MustCompile(`<[^>]*\sstyle=`).MatchString(body) || regexp.MustCompile(`<script>|<style`).MatchString(body) || regexp.MustCompile(`<[^>]*\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s loads from outside or has inline style/script", p)
		}
	}
}

func TestLoginQRCodesRateLimitedPerIP(t *testing.T) {
	h := newHarness(t)
	cl := h.client()
	for i := 0; i < maxQRPerIP; i++ {
		if r := h.do(cl, "GET", "/admin/login", nil); !strings.Contains(r.body, "qr.svg") {
			t.Fatalf("page %d has no QR code", i+1)
		}
	}
	r := h.do(cl, "GET", "/admin/login", nil)
	if r.code != http.StatusOK || strings.Contains(r.body, "qr.svg") || !strings.Contains(r.body, `name="password"`) {
		t.Errorf("page %d: got %d, want the password form and no QR code", maxQRPerIP+1, r.code)
	}
}

func TestBodyLimited(t *testing.T) {
	h := newHarness(t)
	cl, csrf := h.login()
	big := url.Values{"csrf": {csrf}, "reason": {strings.Repeat("长", maxBody)}}
	if r := h.do(cl, "POST", "/admin/queue/e1/reject", big); r.code == http.StatusSeeOther {
		t.Errorf("a 3 MB form was taken")
	}
	if got := h.f.auditActions(); len(got) != 0 {
		t.Errorf("acted on an oversized form: %v", got)
	}
}
