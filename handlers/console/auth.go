package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Sessions live in the shared KV (Redis) under the hash of the cookie's
// value, so any instance serves them and a KV dump reveals no cookie.
const (
	sessionKey   = "console:sess:"
	preKey       = "console:pre:"
	csrfField    = "csrf"
	maxLifetime  = 12 * time.Hour
	preTTL       = 10 * time.Minute
	rateWindow   = 15 * time.Minute
	maxPerIP     = 20 // attempts per IP and window
	maxPerUser   = 5  // failed attempts per user name and window
	maxQRPerIP   = 30 // login QR codes asked of WeChat per IP and window
	cookieBase   = "sb_console"
	preCookie    = "sb_console_pre"
	loginFailMsg = "用户名或密码不对"
)

// session is a logged-in console user.
type session struct {
	id      string    // the cookie's value; empty for the API token
	User    string    `json:"user"`
	OpenID  string    `json:"openid,omitempty"` // logged in by scanning the QR code
	Via     string    `json:"via"`              // password, qr or api
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
}

func (s *session) checkCSRF(tok string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.CSRF)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// cookieName: with Secure on, the __Host- prefix pins the cookie to this
// host and path /.
func (c *Console) cookieName(base string) string {
	if c.d.CookieSecure {
		return "__Host-" + base
	}
	return base
}

func (c *Console) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		Secure: c.d.CookieSecure, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// session returns the request's session, nil when there is none or it
// ended.
func (c *Console) session(r *http.Request) (*session, error) {
	ck, err := r.Cookie(c.cookieName(cookieBase))
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	v, ok, err := c.d.KV.Lookup(r.Context(), sessionKey+hashID(ck.Value))
	if err != nil || !ok {
		return nil, err
	}
	var s session
	if json.Unmarshal([]byte(v), &s) != nil || c.d.Now().Sub(s.Created) > maxLifetime {
		return nil, nil
	}
	s.id = ck.Value
	return &s, nil
}

// touch keeps the session alive for another idle timeout.
func (c *Console) touch(w http.ResponseWriter, r *http.Request, s *session) {
	if s.id == "" {
		return
	}
	b, _ := json.Marshal(s)
	if err := c.d.KV.Set(r.Context(), sessionKey+hashID(s.id), string(b), c.d.IdleTimeout); err != nil {
		c.d.Log.WarnContext(r.Context(), "console session refresh", "err", err)
	}
}

// startSession logs the browser in.
func (c *Console) startSession(ctx context.Context, w http.ResponseWriter, s session) error {
	s.id = randomToken()
	s.CSRF = randomToken()
	s.Created = c.d.Now()
	b, _ := json.Marshal(s)
	if err := c.d.KV.Set(ctx, sessionKey+hashID(s.id), string(b), c.d.IdleTimeout); err != nil {
		return err
	}
	c.setCookie(w, cookieBase, s.id, 0)
	c.setCookie(w, preCookie, "", -1)
	return nil
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if err := c.d.KV.Del(r.Context(), sessionKey+hashID(s.id)); err != nil {
		c.d.Log.WarnContext(r.Context(), "console logout", "err", err)
	}
	c.setCookie(w, cookieBase, "", -1)
	http.Redirect(w, r, "/admin/login?out=1", http.StatusSeeOther)
}

// preSession is a browser on the login page: the CSRF token of the login
// form and the scene of its QR code.
type preSession struct {
	id    string
	CSRF  string `json:"csrf"`
	Scene string `json:"scene,omitempty"`
	QR    string `json:"qr,omitempty"` // the QR code's content
}

func (c *Console) preSession(r *http.Request) *preSession {
	ck, err := r.Cookie(c.cookieName(preCookie))
	if err != nil || ck.Value == "" {
		return nil
	}
	v, ok, err := c.d.KV.Lookup(r.Context(), preKey+hashID(ck.Value))
	if err != nil || !ok {
		return nil
	}
	var p preSession
	if json.Unmarshal([]byte(v), &p) != nil {
		return nil
	}
	p.id = ck.Value
	return &p
}

func (c *Console) savePre(ctx context.Context, w http.ResponseWriter, p *preSession) error {
	if p.id == "" {
		p.id = randomToken()
		c.setCookie(w, preCookie, p.id, int(preTTL.Seconds()))
	}
	b, _ := json.Marshal(p)
	return c.d.KV.Set(ctx, preKey+hashID(p.id), string(b), preTTL)
}

type loginView struct {
	CSRF, Next, Error, Notice string
	User                      string
	QR                        bool   // a QR code is shown
	QRError                   string // why none could be had
	SimScanURL                string
	Scene                     string
	Passwords                 bool
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if s, _ := c.session(r); s != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	v := loginView{Next: safeNext(r.URL.Query().Get("next")), Passwords: len(c.d.Users) > 0}
	if r.URL.Query().Get("out") != "" {
		v.Notice = "已退出登录。"
	}
	c.renderLogin(w, r, http.StatusOK, v)
}

// renderLogin shows the login page with a fresh CSRF token and, when
// WeChat can be asked, a fresh QR scene.
func (c *Console) renderLogin(w http.ResponseWriter, r *http.Request, code int, v loginView) {
	p := &preSession{CSRF: randomToken()}
	if c.d.QR != nil {
		// Each code is a call to WeChat, whose quota an anonymous
		// visitor must not be able to spend.
		n, err := c.d.KV.Incr(r.Context(), "console:rl:qr:"+clientIP(r), rateWindow)
		if err == nil && n > maxQRPerIP {
			err = errTooManyCodes
		}
		var scene, content string
		if err == nil {
			scene, content, err = c.newScene(r.Context())
		}
		if err == nil {
			p.Scene, p.QR = scene, content
			v.QR, v.Scene, v.SimScanURL = true, scene, c.d.SimScanURL
		} else {
			c.d.Log.WarnContext(r.Context(), "console QR scene", "err", err)
			v.QRError = "暂时无法生成二维码，请用密码登录。"
		}
	}
	if err := c.savePre(r.Context(), w, p); err != nil {
		c.d.Log.ErrorContext(r.Context(), "console login", "err", err)
		http.Error(w, "服务暂时不可用，请稍后再试", http.StatusServiceUnavailable)
		return
	}
	v.CSRF = p.CSRF
	c.pages.render(w, code, "login", page{Title: "登录", Data: v})
}

func (c *Console) loginPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("user"))
	v := loginView{Next: safeNext(r.PostFormValue("next")), User: name, Passwords: len(c.d.Users) > 0}
	p := c.preSession(r)
	if p == nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue(csrfField)), []byte(p.CSRF)) != 1 {
		v.Error = "页面已过期，请重新登录。"
		c.renderLogin(w, r, http.StatusForbidden, v)
		return
	}
	if n, err := c.d.KV.Incr(ctx, "console:rl:ip:"+clientIP(r), rateWindow); err != nil || n > maxPerIP {
		v.Error = "尝试次数过多，请15分钟后再试。"
		c.renderLogin(w, r, http.StatusTooManyRequests, v)
		return
	}
	userKey := "console:rl:user:" + hashID(strings.ToLower(name))
	if n, ok, _ := c.d.KV.Lookup(ctx, userKey); ok && atoi(n) >= maxPerUser {
		v.Error = "该用户尝试次数过多，请15分钟后再试。"
		c.renderLogin(w, r, http.StatusTooManyRequests, v)
		return
	}
	if !c.checkPassword(name, r.PostFormValue("password")) {
		if _, err := c.d.KV.Incr(ctx, userKey, rateWindow); err != nil {
			c.d.Log.WarnContext(ctx, "console login rate", "err", err)
		}
		c.d.Log.InfoContext(ctx, "console login failed", "user", name, "ip", clientIP(r))
		v.Error = loginFailMsg
		c.renderLogin(w, r, http.StatusUnauthorized, v)
		return
	}
	if err := c.startSession(ctx, w, session{User: name, Via: "password"}); err != nil {
		c.d.Log.ErrorContext(ctx, "console login", "err", err)
		http.Error(w, "服务暂时不可用，请稍后再试", http.StatusServiceUnavailable)
		return
	}
	c.d.Log.InfoContext(ctx, "console login", "user", name, "via", "password")
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

var errTooManyCodes = errors.New("too many login QR codes from this address")

// dummyHash is compared against when the user is unknown, at the cost of
// the configured hashes, so that the answer takes as long as for a known
// user.
func dummyHash(users []User) []byte {
	cost := bcrypt.DefaultCost
	if len(users) > 0 {
		if c, err := bcrypt.Cost([]byte(users[0].Hash)); err == nil {
			cost = c
		}
	}
	h, _ := bcrypt.GenerateFromPassword([]byte(randomToken()), cost)
	return h
}

func (c *Console) checkPassword(name, password string) bool {
	hash := c.dummy
	found := false
	for _, u := range c.d.Users {
		if subtle.ConstantTimeCompare([]byte(u.Name), []byte(name)) == 1 {
			hash, found = []byte(u.Hash), true
		}
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return found && err == nil && password != ""
}

// clientIP is the peer's address. A proxy in front of the bot makes every
// client one IP; the per-user limit still holds then.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps a redirect target inside the console.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/admin/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") || strings.HasPrefix(u.Path, "/admin/login") {
		return "/admin/"
	}
	return u.RequestURI()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
