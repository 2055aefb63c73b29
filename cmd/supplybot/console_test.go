package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func consoleClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func call(t *testing.T, cl *http.Client, method, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// A member scans the login page's QR code in the simulator: the SCAN event
// goes through the real gateway and router to the console, and the
// browser waiting on that scene is logged in.
func TestConsoleQRLoginThroughTheSimulator(t *testing.T) {
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{"o-zhuanban"}
	m := mustRun(t, cfg, nil)
	cl := consoleClient()
	if code, _, hdr := call(t, cl, "GET", m.URL()+"/admin/", nil); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/admin/login") {
		t.Fatalf("anonymous /admin/: got %d %q", code, hdr.Get("Location"))
	}
	if code, _, _ := call(t, cl, "GET", m.URL()+"/admin/api/stats", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous API: got %d, want 401", code)
	}
	_, page, _ := call(t, cl, "GET", m.URL()+"/admin/login", nil)
	sm := regexp.MustCompile(`data-scene="([^"]+)"`).FindStringSubmatch(page)
	if sm == nil || !strings.Contains(page, `data-url="/sim/api/scan"`) {
		t.Fatalf("login page has no QR code with the simulator's scan:\n%s", page)
	}
	if code, svg, _ := call(t, cl, "GET", m.URL()+"/admin/login/qr.svg", nil); code != 200 || !strings.HasPrefix(svg, "<svg") {
		t.Fatalf("qr.svg: %d", code)
	}
	scan := func(openid string) string {
		code, body, _ := call(t, http.DefaultClient, "POST", m.URL()+"/sim/api/scan?openid="+openid+"&scene="+url.QueryEscape(sm[1]), nil)
		if code != 200 {
			t.Fatalf("scan: %d %s", code, body)
		}
		var out struct{ Reply string }
		_ = json.Unmarshal([]byte(body), &out)
		return out.Reply
	}
	if got := scan("o-stranger"); !strings.Contains(got, "不是工作专班成员") {
		t.Errorf("stranger's scan answered %q", got)
	}
	if got := scan("o-zhuanban"); !strings.Contains(got, "已登录") {
		t.Errorf("member's scan answered %q", got)
	}
	_, st, _ := call(t, cl, "GET", m.URL()+"/admin/login/qr", nil)
	if !strings.Contains(st, `"state":"ok"`) {
		t.Fatalf("poll after the scan: %s", st)
	}
	code, dash, _ := call(t, cl, "GET", m.URL()+"/admin/", nil)
	if code != 200 || !strings.Contains(dash, "数据概览") {
		t.Fatalf("dashboard after QR login: %d", code)
	}
	// Records come from the store; the task-force actions are not wired
	// in this build and say so.
	if code, _, _ := call(t, cl, "GET", m.URL()+"/admin/records?kind=demand", nil); code != 200 {
		t.Errorf("records: %d", code)
	}
}

func TestConsolePasswordLoginFromConfig(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("long enough pw"), bcrypt.MinCost)
	env := []string{"SUPPLYBOT_ADMIN_USERS=alice:" + string(hash), "SUPPLYBOT_ADMIN_API_TOKEN=0123456789abcdef0123456789", "SUPPLYBOT_ADMIN_COOKIE_SECURE=false"}
	loaded, err := LoadConfig("../../config.yaml", env)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.Admin = loaded.Admin
	m := mustRun(t, cfg, nil)
	cl := consoleClient()
	_, page, _ := call(t, cl, "GET", m.URL()+"/admin/login", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	code, _, hdr := call(t, cl, "POST", m.URL()+"/admin/login", url.Values{"csrf": {csrf}, "user": {"alice"}, "password": {"long enough pw"}})
	if code != http.StatusSeeOther || hdr.Get("Location") != "/admin/" {
		t.Fatalf("login: %d %q", code, hdr.Get("Location"))
	}
	req, _ := http.NewRequest("GET", m.URL()+"/admin/api/demands", nil)
	req.Header.Set("Authorization", "Bearer 0123456789abcdef0123456789")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("API with the configured token: %v %v", err, res.StatusCode)
	}
	res.Body.Close()
}

func TestAdminConfigKeys(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	if def := defaultConfig(); !def.Admin.CookieSecure {
		t.Fatalf("default: cookie_secure false, want true")
	}
	c, err := LoadConfig("../../config.yaml", []string{"SUPPLYBOT_ADMIN_USERS=a:" + string(hash) + ", b:" + string(hash)})
	if err != nil || len(c.Admin.Users) != 2 || c.Admin.Users[1].Name != "b" || c.Admin.Users[1].Hash != string(hash) {
		t.Fatalf("users from env: %+v %v", c.Admin.Users, err)
	}
	for env, want := range map[string]string{
		"SUPPLYBOT_ADMIN_USERS=a:notahash":                               "admin.users",
		"SUPPLYBOT_ADMIN_USERS=nohash":                                   "admin.users",
		"SUPPLYBOT_ADMIN_API_TOKEN=short":                                "admin.api_token",
		"SUPPLYBOT_ADMIN_COOKIE_SECURE=perhaps":                          "admin.cookie_secure",
		"SUPPLYBOT_ADMIN_USERS=a:" + string(hash) + ",a:" + string(hash): "appears twice",
	} {
		if _, err := LoadConfig("../../config.yaml", []string{env}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error naming %s", env, err, want)
		}
	}
	dir := t.TempDir()
	file := dir + "/c.yaml"
	yaml := "wechat:\n  app_id: wx1\n  app_secret: s\n  token: tok123\nadmin:\n  users:\n    - {name: zhuanban, hash: \"" + string(hash) + "\"}\n  api_token: 0123456789abcdef0123456789\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	y, err := LoadConfig(file, nil)
	if err != nil || len(y.Admin.Users) != 1 || y.Admin.Users[0].Name != "zhuanban" {
		t.Fatalf("users from YAML: %+v %v", y.Admin.Users, err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", y)
	if strings.Contains(buf.String(), "0123456789abcdef") || strings.Contains(buf.String(), string(hash)) {
		t.Errorf("secrets in the log: %s", buf.String())
	}
}

func TestAdminHashPassword(t *testing.T) {
	defer func(r io.Reader) { adminStdin = r }(adminStdin)
	adminStdin = strings.NewReader("correct horse 电池\n")
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"admin", "hash-password"}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimSpace(out.String())
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse 电池")) != nil {
		t.Errorf("printed %q, not a hash of the password", hash)
	}
	if cost, _ := bcrypt.Cost([]byte(hash)); cost < 12 {
		t.Errorf("cost %d, want at least 12", cost)
	}
	adminStdin = strings.NewReader("short\n")
	if err := run(t.Context(), []string{"admin", "hash-password"}, nil, &out, &errOut); err == nil {
		t.Errorf("a short password: got no error")
	}
	if err := run(t.Context(), []string{"admin", "nope"}, nil, &out, &errOut); err == nil {
		t.Errorf("unknown admin command: got no error")
	}
}
