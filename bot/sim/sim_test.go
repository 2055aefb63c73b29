package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/broadcast"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

const (
	testAppID  = "wx-sim-app"
	testSecret = "sim-secret"
)

// clock is a settable time source for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a simulator wired into the real SDK.
type env struct {
	s   *Server
	clk *clock
	oa  *officialaccount.OfficialAccount
}

// newEnv creates a Server, routes util.DefaultHTTPClient to it (restored at
// cleanup) and returns an SDK client configured for it.
func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := New(Options{AppID: testAppID, AppSecret: testSecret, Now: clk.Now})
	saved := util.DefaultHTTPClient
	util.DefaultHTTPClient = &http.Client{Transport: s.RoundTripper()}
	t.Cleanup(func() { util.DefaultHTTPClient = saved })
	return &env{s: s, clk: clk, oa: newOA(testAppID, testSecret, false)}
}

func newOA(appID, secret string, stable bool) *officialaccount.OfficialAccount {
	return officialaccount.NewOfficialAccount(&config.Config{
		AppID: appID, AppSecret: secret, Token: "sim-token", Cache: cache.NewMemory(), UseStableAK: stable,
	})
}

// wantErrcode checks that err carries "errcode=<code>" (0 = no error).
func wantErrcode(t *testing.T, err error, code int) {
	t.Helper()
	if code == 0 {
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got nil error, want errcode=%d", code)
	}
	if want := fmt.Sprintf("errcode=%d ", code); !strings.Contains(err.Error()+" ", want) {
		t.Fatalf("got error %q, want it to contain %q", err, strings.TrimSpace(want))
	}
}

// rawCall performs a request through the round tripper and decodes the JSON answer.
func rawCall(t *testing.T, method, url string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := util.DefaultHTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode answer of %s: %v", url, err)
	}
	return out
}

func errcodeOf(m map[string]any) int {
	f, _ := m["errcode"].(float64)
	return int(f)
}

func (e *env) token(t *testing.T) string {
	t.Helper()
	tok, err := e.oa.GetAccessToken()
	if err != nil {
		t.Fatalf("GetAccessToken: %v", err)
	}
	return tok
}

func sendText(e *env, openid, text string) error {
	return e.oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage(openid, text))
}

func pushTexts(ps []Push) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Type+"|"+p.OpenID+"|"+p.Text)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTokenFetch(t *testing.T) {
	tests := []struct {
		name          string
		appID, secret string
		stable        bool
		wantCode      int
	}{
		{"token ok", testAppID, testSecret, false, 0},
		{"stable token ok", testAppID, testSecret, true, 0},
		{"wrong appid", "wx-other", testSecret, false, 40013},
		{"wrong secret", testAppID, "nope", false, 40125},
		{"stable wrong appid", "wx-other", testSecret, true, 40013},
		{"stable wrong secret", testAppID, "nope", true, 40125},
		{"empty appid", "", testSecret, false, 41002},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			oa := newOA(tc.appID, tc.secret, tc.stable)
			tok, err := oa.GetAccessToken()
			if tc.wantCode != 0 {
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("errcode=%d", tc.wantCode)) {
					t.Fatalf("got err %v, want errcode=%d", err, tc.wantCode)
				}
				if got := e.s.TokenFetches(); got != 0 {
					t.Fatalf("TokenFetches: got %d, want 0", got)
				}
				return
			}
			if err != nil || tok == "" {
				t.Fatalf("got token %q err %v, want a token", tok, err)
			}
			// The SDK caches the token: a second call does not fetch.
			if tok2, _ := oa.GetAccessToken(); tok2 != tok {
				t.Fatalf("second GetAccessToken: got %q, want cached %q", tok2, tok)
			}
			if got := e.s.TokenFetches(); got != 1 {
				t.Fatalf("TokenFetches: got %d, want 1", got)
			}
			// The token works for an API call.
			e.s.Follow("u1")
			if err := oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage("u1", "hi")); err != nil {
				t.Fatalf("send with fetched token: got %v, want nil", err)
			}
		})
	}
}

func TestEmptyOptionsAcceptAnyCredentials(t *testing.T) {
	s := New(Options{})
	saved := util.DefaultHTTPClient
	util.DefaultHTTPClient = &http.Client{Transport: s.RoundTripper()}
	t.Cleanup(func() { util.DefaultHTTPClient = saved })
	if _, err := newOA("any-app", "any-secret", false).GetAccessToken(); err != nil {
		t.Fatalf("GetAccessToken with empty Options: got %v, want nil", err)
	}
}

func TestTokenOverlapAndStableIndependence(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("u1")
	tokURL := "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=" + testAppID + "&secret=" + testSecret
	var toks []string
	for range 3 {
		m := rawCall(t, http.MethodGet, tokURL, nil)
		if _, has := m["errcode"]; has {
			t.Fatalf("token answer: got %v, want no errcode field", m)
		}
		if got := m["expires_in"]; got != float64(7200) {
			t.Fatalf("expires_in: got %v, want 7200", got)
		}
		toks = append(toks, m["access_token"].(string))
	}
	stable := rawCall(t, http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
		map[string]any{"grant_type": "client_credential", "appid": testAppID, "secret": testSecret, "force_refresh": false})
	stableTok, _ := stable["access_token"].(string)
	again := rawCall(t, http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
		map[string]any{"grant_type": "client_credential", "appid": testAppID, "secret": testSecret})
	if again["access_token"] != stableTok || stableTok == "" {
		t.Fatalf("stable token without force_refresh: got %v, want same %q", again["access_token"], stableTok)
	}
	tests := []struct {
		name string
		tok  string
		want int
	}{
		{"oldest superseded", toks[0], 40001},
		{"previous still valid", toks[1], 0},
		{"latest valid", toks[2], 0},
		{"stable token unaffected", stableTok, 0},
		{"unknown token", "bogus", 40001},
		{"missing token", "", 41001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := rawCall(t, http.MethodPost, "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token="+tc.tok,
				map[string]any{"touser": "u1", "msgtype": "text", "text": map[string]string{"content": "x"}})
			if got := errcodeOf(m); got != tc.want {
				t.Fatalf("errcode: got %d, want %d (%v)", got, tc.want, m)
			}
		})
	}
	if got := e.s.TokenFetches(); got != 5 {
		t.Fatalf("TokenFetches: got %d, want 5", got)
	}
}

func TestCustomSend(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(e *env)
		msg      *message.CustomerMessage
		wantCode int
		wantText string
	}{
		{"text to follower", func(e *env) { e.s.Follow("u1") }, message.NewCustomerTextMessage("u1", "你好 <b>"), 0, "你好 <b>"},
		{"image to follower", func(e *env) { e.s.Follow("u1") }, message.NewCustomerImgMessage("u1", "MEDIA"), 0, "[图片]"},
		{"non-follower", func(e *env) {}, message.NewCustomerTextMessage("u1", "x"), 43004, ""},
		{"unfollowed", func(e *env) { e.s.Follow("u1"); e.s.Unfollow("u1") }, message.NewCustomerTextMessage("u1", "x"), 43004, ""},
		{"outside 48h", func(e *env) { e.s.Follow("u1"); e.clk.Advance(48*time.Hour + time.Second) }, message.NewCustomerTextMessage("u1", "x"), 45015, ""},
		{"exactly 48h is inside", func(e *env) { e.s.Follow("u1"); e.clk.Advance(48 * time.Hour) }, message.NewCustomerTextMessage("u1", "ok"), 0, "ok"},
		{"touch reopens window", func(e *env) {
			e.s.Follow("u1")
			e.clk.Advance(72 * time.Hour)
			e.s.Touch("u1")
		}, message.NewCustomerTextMessage("u1", "back"), 0, "back"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.setup(e)
			err := e.oa.GetCustomerMessageManager().Send(tc.msg)
			wantErrcode(t, err, tc.wantCode)
			ps := e.s.Pushes("u1")
			if tc.wantCode != 0 {
				if len(ps) != 0 {
					t.Fatalf("pushes: got %v, want none", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Type != "custom" || ps[0].Text != tc.wantText || ps[0].OpenID != "u1" {
				t.Fatalf("pushes: got %+v, want one custom push %q", ps, tc.wantText)
			}
			if !ps[0].At.Equal(e.clk.Now()) {
				t.Fatalf("push At: got %v, want %v", ps[0].At, e.clk.Now())
			}
			if got := e.s.Calls("custom"); got != 1 {
				t.Fatalf("Calls(custom): got %d, want 1", got)
			}
		})
	}
}

func TestTemplateSend(t *testing.T) {
	data := func(kv ...string) map[string]*message.TemplateDataItem {
		m := map[string]*message.TemplateDataItem{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = &message.TemplateDataItem{Value: kv[i+1]}
		}
		return m
	}
	tests := []struct {
		name      string
		follow    bool
		msgs      []*message.TemplateMessage
		wantCodes []int
		wantTexts []string
	}{
		{
			name:   "ordered text with url",
			follow: true,
			msgs: []*message.TemplateMessage{{
				ToUser: "u1", TemplateID: "TPL", URL: "https://example.com/o/1",
				Data: data("remark", "谢谢", "keyword10", "k10", "keyword2", "k2", "first", "您好", "keyword1", "k1", "zeta", "z", "alpha", "a"),
			}},
			wantCodes: []int{0},
			wantTexts: []string{"您好\nk1\nk2\nk10\n谢谢\na\nz\nhttps://example.com/o/1"},
		},
		{
			name:      "value over 20 runes",
			follow:    true,
			msgs:      []*message.TemplateMessage{{ToUser: "u1", TemplateID: "TPL", Data: data("thing1", strings.Repeat("货", 21))}},
			wantCodes: []int{47003},
		},
		{
			name:      "20 runes is fine",
			follow:    true,
			msgs:      []*message.TemplateMessage{{ToUser: "u1", TemplateID: "TPL", Data: data("thing1", strings.Repeat("货", 20))}},
			wantCodes: []int{0},
			wantTexts: []string{strings.Repeat("货", 20)},
		},
		{
			name:   "dedupe on client_msg_id",
			follow: true,
			msgs: []*message.TemplateMessage{
				{ToUser: "u1", TemplateID: "TPL", Data: data("first", "a"), ClientMsgID: "c1"},
				{ToUser: "u1", TemplateID: "TPL", Data: data("first", "a"), ClientMsgID: "c1"},
				{ToUser: "u1", TemplateID: "TPL", Data: data("first", "b"), ClientMsgID: "c2"},
			},
			wantCodes: []int{0, 0, 0},
			wantTexts: []string{"a", "b"},
		},
		{
			name:      "non-follower",
			follow:    false,
			msgs:      []*message.TemplateMessage{{ToUser: "u1", TemplateID: "TPL", Data: data("first", "a")}},
			wantCodes: []int{43004},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.follow {
				e.s.Follow("u1")
			}
			var ids []int64
			for i, m := range tc.msgs {
				id, err := e.oa.GetTemplate().Send(m)
				wantErrcode(t, err, tc.wantCodes[i])
				ids = append(ids, id)
			}
			var got []string
			for _, p := range e.s.Pushes("u1") {
				got = append(got, p.Text)
				if p.Type != "template" || p.TemplateID != "TPL" || p.MsgID == 0 {
					t.Fatalf("push: got %+v, want template push with TemplateID TPL and MsgID", p)
				}
			}
			if !equalStrings(got, tc.wantTexts) {
				t.Fatalf("push texts: got %q, want %q", got, tc.wantTexts)
			}
			if tc.name == "dedupe on client_msg_id" {
				if ids[0] != ids[1] || ids[0] == ids[2] {
					t.Fatalf("msgids: got %v, want first two equal and third different", ids)
				}
			}
		})
	}
}

func TestTemplateDedupeWindow(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("u1")
	msg := &message.TemplateMessage{ToUser: "u1", TemplateID: "T", ClientMsgID: "same",
		Data: map[string]*message.TemplateDataItem{"first": {Value: "x"}}}
	if _, err := e.oa.GetTemplate().Send(msg); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(10 * time.Minute)
	if _, err := e.oa.GetTemplate().Send(msg); err != nil {
		t.Fatal(err)
	}
	if got := len(e.s.Pushes("u1")); got != 2 {
		t.Fatalf("pushes after 10 minutes: got %d, want 2", got)
	}
}

func TestMass(t *testing.T) {
	tests := []struct {
		name     string
		user     *broadcast.User
		wantCode int
		want     []string
	}{
		{"by openid followers only", &broadcast.User{OpenID: []string{"f2", "nf", "f1", "f1"}}, 0, []string{"mass|f2|通知", "mass|f1|通知"}},
		{"by openid single is invalid", &broadcast.User{OpenID: []string{"f1"}}, 40130, []string{}},
		{"to all", nil, 0, []string{"mass|f1|通知", "mass|f2|通知", "mass|f3|通知"}},
		{"by tag", &broadcast.User{TagID: -1}, 0, []string{"mass|f3|通知"}},
		{"unknown tag", &broadcast.User{TagID: 999}, 40050, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for _, id := range []string{"f1", "f2", "f3", "gone"} {
				e.s.Follow(id)
			}
			e.s.Unfollow("gone")
			tag, err := e.oa.GetUser().CreateTag("vip")
			if err != nil {
				t.Fatal(err)
			}
			if err := e.oa.GetUser().BatchTag([]string{"f3"}, tag.ID); err != nil {
				t.Fatal(err)
			}
			user := tc.user
			if user != nil && user.TagID == -1 {
				user = &broadcast.User{TagID: int64(tag.ID)}
			}
			res, err := e.oa.GetBroadcast().SendText(user, "通知")
			wantErrcode(t, err, tc.wantCode)
			if tc.wantCode == 0 && (res == nil || res.MsgID == 0) {
				t.Fatalf("result: got %+v, want a msg_id", res)
			}
			if got := pushTexts(e.s.Pushes("")); !equalStrings(got, tc.want) {
				t.Fatalf("pushes: got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMassClientMsgID(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("f1")
	e.s.Follow("f2")
	tok := e.token(t)
	body := map[string]any{"touser": []string{"f1", "f2"}, "msgtype": "text", "text": map[string]string{"content": "hi"}, "clientmsgid": "job-1"}
	allBody := map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "hi"}, "clientmsgid": "job-1"}
	sendURL := "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token=" + tok
	allURL := "https://api.weixin.qq.com/cgi-bin/message/mass/sendall?access_token=" + tok
	steps := []struct {
		name      string
		advance   time.Duration
		url       string
		body      any
		wantCode  int
		wantTotal int
	}{
		{"first send", 0, sendURL, body, 0, 2},
		{"repeat send", 0, sendURL, body, 45065, 2},
		{"repeat via sendall", time.Hour, allURL, allBody, 45065, 2},
		{"after 24h", 24 * time.Hour, sendURL, body, 0, 4},
	}
	var firstID any
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.clk.Advance(st.advance)
			url := st.url
			if st.advance >= 24*time.Hour { // the earlier token has expired by now
				m := rawCall(t, http.MethodGet, "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid="+testAppID+"&secret="+testSecret, nil)
				url = "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token=" + m["access_token"].(string)
			}
			m := rawCall(t, http.MethodPost, url, st.body)
			if got := errcodeOf(m); got != st.wantCode {
				t.Fatalf("errcode: got %d, want %d (%v)", got, st.wantCode, m)
			}
			if st.name == "first send" {
				firstID = m["msg_id"]
				if m["errmsg"] != "ok" || firstID == nil || m["msg_data_id"] == nil {
					t.Fatalf("answer: got %v, want errmsg ok with msg_id and msg_data_id", m)
				}
			}
			if st.wantCode == 45065 && m["msg_id"] != firstID {
				t.Fatalf("45065 msg_id: got %v, want %v", m["msg_id"], firstID)
			}
			if got := len(e.s.Pushes("")); got != st.wantTotal {
				t.Fatalf("total pushes: got %d, want %d", got, st.wantTotal)
			}
		})
	}
}

func TestInjectedErrors(t *testing.T) {
	codes := []int{40001, 42001, -1, 45009, 45011, 43004, 45015}
	for _, code := range codes {
		t.Run(fmt.Sprintf("custom %d", code), func(t *testing.T) {
			e := newEnv(t)
			e.s.Follow("u1")
			e.s.InjectError("custom", code, 1)
			wantErrcode(t, sendText(e, "u1", "x"), code)
			wantErrcode(t, sendText(e, "u1", "y"), 0) // injection used up
			if got := e.s.Calls("custom"); got != 2 {
				t.Fatalf("Calls(custom): got %d, want 2", got)
			}
			if got := pushTexts(e.s.Pushes("u1")); !equalStrings(got, []string{"custom|u1|y"}) {
				t.Fatalf("pushes: got %q, want only the second message", got)
			}
		})
		t.Run(fmt.Sprintf("template %d", code), func(t *testing.T) {
			e := newEnv(t)
			e.s.Follow("u1")
			e.s.InjectError("template", code, 1)
			_, err := e.oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "u1", TemplateID: "T"})
			wantErrcode(t, err, code)
		})
	}
	t.Run("token injection", func(t *testing.T) {
		e := newEnv(t)
		e.s.InjectError("token", 45009, 1)
		_, err := e.oa.GetAccessToken()
		wantErrcode(t, err, 45009)
		e.token(t)
		if got, want := e.s.Calls("token"), 2; got != want {
			t.Fatalf("Calls(token): got %d, want %d", got, want)
		}
	})
	t.Run("until ClearErrors", func(t *testing.T) {
		e := newEnv(t)
		e.s.Follow("u1")
		e.s.InjectError("custom", -1, -1)
		for range 3 {
			wantErrcode(t, sendText(e, "u1", "x"), -1)
		}
		e.s.ClearErrors()
		wantErrcode(t, sendText(e, "u1", "x"), 0)
	})
	t.Run("other apis unaffected", func(t *testing.T) {
		e := newEnv(t)
		e.s.Follow("u1")
		e.s.InjectError("template", 45009, -1)
		wantErrcode(t, sendText(e, "u1", "x"), 0)
	})
}

func TestTokenExpiry(t *testing.T) {
	tests := []struct {
		name   string
		expire func(e *env)
	}{
		{"ExpireTokens", func(e *env) { e.s.ExpireTokens() }},
		{"TTL passed", func(e *env) { e.clk.Advance(7200 * time.Second) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.s.Follow("u1")
			wantErrcode(t, sendText(e, "u1", "before"), 0)
			tc.expire(e)
			e.s.Touch("u1")
			wantErrcode(t, sendText(e, "u1", "stale"), 42001) // the SDK still holds the old token
			// A fresh client (empty cache) fetches a new token and succeeds.
			e.oa = newOA(testAppID, testSecret, false)
			wantErrcode(t, sendText(e, "u1", "after"), 0)
			if got := e.s.TokenFetches(); got != 2 {
				t.Fatalf("TokenFetches: got %d, want 2", got)
			}
			if got := pushTexts(e.s.Pushes("u1")); !equalStrings(got, []string{"custom|u1|before", "custom|u1|after"}) {
				t.Fatalf("pushes: got %q, want before and after", got)
			}
		})
	}
}

func TestUserInfoAndTags(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("u1")
	e.s.Follow("u2")
	u := e.oa.GetUser()
	tag, err := u.CreateTag("采购")
	if err != nil {
		t.Fatalf("CreateTag: %v", err)
	}
	if tag.ID != 100 || tag.Name != "采购" {
		t.Fatalf("CreateTag: got %+v, want id 100 name 采购", tag)
	}
	_, err = u.CreateTag("采购")
	wantErrcode(t, err, 45157)
	if err := u.BatchTag([]string{"u1"}, tag.ID); err != nil {
		t.Fatalf("BatchTag: %v", err)
	}
	wantErrcode(t, u.BatchTag([]string{"u1"}, 555), 45159)
	wantErrcode(t, u.BatchTag([]string{"nobody"}, tag.ID), 40003)
	many := make([]string, 51)
	for i := range many {
		many[i] = "u1"
	}
	wantErrcode(t, u.BatchTag(many, tag.ID), 40032)

	tests := []struct {
		name      string
		openid    string
		subscribe int32
		tags      []int32
	}{
		{"tagged follower", "u1", 1, []int32{tag.ID}},
		{"untagged follower", "u2", 1, []int32{}},
		{"non-follower", "stranger", 0, []int32{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := u.GetUserInfo(tc.openid)
			if err != nil {
				t.Fatalf("GetUserInfo: %v", err)
			}
			if info.Subscribe != tc.subscribe || info.OpenID != tc.openid || fmt.Sprint(info.TagIDList) != fmt.Sprint(tc.tags) {
				t.Fatalf("GetUserInfo: got subscribe=%d openid=%q tags=%v, want %d %q %v", info.Subscribe, info.OpenID, info.TagIDList, tc.subscribe, tc.openid, tc.tags)
			}
			if tc.subscribe == 1 && int64(info.SubscribeTime) != e.clk.Now().Unix() {
				t.Fatalf("subscribe_time: got %d, want %d", info.SubscribeTime, e.clk.Now().Unix())
			}
		})
	}
	ids, err := u.UserTidList("u1")
	if err != nil || fmt.Sprint(ids) != fmt.Sprint([]int32{tag.ID}) {
		t.Fatalf("UserTidList: got %v %v, want [%d]", ids, err, tag.ID)
	}
	tags, err := u.GetTag()
	if err != nil || len(tags) != 1 || tags[0].Count != 1 {
		t.Fatalf("GetTag: got %+v %v, want one tag with count 1", tags, err)
	}
	if err := u.BatchUntag([]string{"u1"}, tag.ID); err != nil {
		t.Fatalf("BatchUntag: %v", err)
	}
	if ids, _ := u.UserTidList("u1"); len(ids) != 0 {
		t.Fatalf("UserTidList after untag: got %v, want []", ids)
	}
	if got := e.s.Calls("tags"); got != 10 {
		t.Fatalf("Calls(tags): got %d, want 10", got)
	}
}

func TestTagLimits(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("u1")
	u := e.oa.GetUser()
	for i := range 100 {
		tag, err := u.CreateTag(fmt.Sprintf("t%d", i))
		if err != nil {
			t.Fatalf("CreateTag %d: %v", i, err)
		}
		if i < 20 {
			if err := u.BatchTag([]string{"u1"}, tag.ID); err != nil {
				t.Fatalf("BatchTag %d: %v", i, err)
			}
		}
	}
	_, err := u.CreateTag("one-too-many")
	wantErrcode(t, err, 45056)
	_, err = u.CreateTag(strings.Repeat("x", 31))
	wantErrcode(t, err, 45158)
	wantErrcode(t, u.BatchTag([]string{"u1"}, 120), 45059)
}

func TestMenu(t *testing.T) {
	click := func(name, key string) *menu.Button { return (&menu.Button{}).SetClickButton(name, key) }
	sub := func(n int) []*menu.Button {
		var bs []*menu.Button
		for i := range n {
			bs = append(bs, click(fmt.Sprintf("s%d", i), fmt.Sprintf("K%d", i)))
		}
		return bs
	}
	tests := []struct {
		name     string
		buttons  []*menu.Button
		wantCode int
	}{
		{"valid", []*menu.Button{click("下单", "ORDER"), (&menu.Button{}).SetSubButton("更多", sub(5))}, 0},
		{"no buttons", []*menu.Button{}, 40016},
		{"four buttons", []*menu.Button{click("a", "A"), click("b", "B"), click("c", "C"), click("d", "D")}, 40016},
		{"six sub buttons", []*menu.Button{(&menu.Button{}).SetSubButton("更多", sub(6))}, 40023},
		{"key too long", []*menu.Button{click("a", strings.Repeat("k", 129))}, 40019},
		{"sub key too long", []*menu.Button{(&menu.Button{}).SetSubButton("m", []*menu.Button{click("a", strings.Repeat("k", 129))})}, 40026},
		{"bad type", []*menu.Button{{Type: "teleport", Name: "x", Key: "X"}}, 40017},
		{"name too long", []*menu.Button{click(strings.Repeat("名", 6), "A")}, 40018},
		{"view without url", []*menu.Button{{Type: "view", Name: "x"}}, 40020},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			wantErrcode(t, e.oa.GetMenu().SetMenu(tc.buttons), tc.wantCode)
			m := e.s.Menu()
			if tc.wantCode != 0 {
				if m != nil {
					t.Fatalf("Menu: got %s, want nil", m)
				}
				return
			}
			var got struct {
				Button []struct {
					Key       string `json:"key"`
					SubButton []struct {
						Key string `json:"key"`
					} `json:"sub_button"`
				} `json:"button"`
			}
			if err := json.Unmarshal(m, &got); err != nil {
				t.Fatalf("Menu JSON: %v", err)
			}
			if len(got.Button) != 2 || got.Button[0].Key != "ORDER" || len(got.Button[1].SubButton) != 5 {
				t.Fatalf("Menu: got %s, want ORDER + 5 sub buttons", m)
			}
			res, err := e.oa.GetMenu().GetMenu()
			if err != nil || len(res.Menu.Button) != 2 {
				t.Fatalf("GetMenu: got %+v %v, want 2 buttons", res.Menu, err)
			}
		})
	}
}

func TestAPIMisc(t *testing.T) {
	e := newEnv(t)
	tok := e.token(t)
	tests := []struct {
		name   string
		method string
		url    string
		body   any
		want   int
	}{
		{"unknown path", http.MethodGet, "https://api.weixin.qq.com/cgi-bin/nope?access_token=" + tok, nil, 40066},
		{"GET on POST endpoint", http.MethodGet, "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=" + tok, nil, 43002},
		{"bad JSON", http.MethodPost, "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=" + tok, "not an object", 47001},
		{"bad grant_type", http.MethodGet, "https://api.weixin.qq.com/cgi-bin/token?grant_type=x&appid=" + testAppID + "&secret=" + testSecret, nil, 40002},
		{"user info ok", http.MethodGet, "https://api.weixin.qq.com/cgi-bin/user/info?lang=zh_CN&openid=x&access_token=" + tok, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := rawCall(t, tc.method, tc.url, tc.body)
			if got := errcodeOf(m); got != tc.want {
				t.Fatalf("errcode: got %d, want %d (%v)", got, tc.want, m)
			}
		})
	}
	t.Run("other host refused", func(t *testing.T) {
		_, err := util.HTTPGet("https://example.com/cgi-bin/token")
		if err == nil || !strings.Contains(err.Error(), "refusing request to host example.com") {
			t.Fatalf("got %v, want refusal error", err)
		}
	})
	t.Run("delay honours context", func(t *testing.T) {
		e.s.SetDelay("user_info", time.Second)
		defer e.s.SetDelay("user_info", 0)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := util.HTTPGetContext(ctx, "https://api.weixin.qq.com/cgi-bin/user/info?openid=x&access_token="+tok)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Fatalf("took %v, want the delay cut short", d)
		}
	})
	t.Run("APIHandler directly", func(t *testing.T) {
		rec := httptest.NewRecorder()
		e.s.APIHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cgi-bin/tags/get?access_token="+tok, nil))
		if got, want := strings.TrimSpace(rec.Body.String()), `{"tags":[]}`; got != want {
			t.Fatalf("tags/get: got %s, want %s", got, want)
		}
	})
}

// lockedCache is a race-free cache.Cache. The SDK's cache.Memory reads its
// map without the lock, so it is not safe for concurrent use under -race.
type lockedCache struct {
	mu sync.Mutex
	m  map[string]any
}

func (c *lockedCache) Get(key string) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *lockedCache) Set(key string, val any, _ time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = val
	return nil
}

func (c *lockedCache) IsExist(key string) bool { return c.Get(key) != nil }

func (c *lockedCache) Delete(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
	return nil
}

func TestConcurrentSends(t *testing.T) {
	e := newEnv(t)
	e.oa = officialaccount.NewOfficialAccount(&config.Config{
		AppID: testAppID, AppSecret: testSecret, Token: "sim-token", Cache: &lockedCache{m: map[string]any{}},
	})
	// The SDK's getters (GetCustomerMessageManager, ...) lazily initialise
	// fields without locking, so take the manager once before going concurrent.
	mgr := e.oa.GetCustomerMessageManager()
	const users, per = 8, 10
	for i := range users {
		e.s.Follow(fmt.Sprintf("u%d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, users*per)
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				if err := mgr.Send(message.NewCustomerTextMessage(fmt.Sprintf("u%d", i), fmt.Sprint(j))); err != nil {
					errs <- err
				}
				_ = e.s.Pushes("")
				e.s.Touch(fmt.Sprintf("u%d", i))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent send: %v", err)
	}
	if got := len(e.s.Pushes("")); got != users*per {
		t.Fatalf("pushes: got %d, want %d", got, users*per)
	}
	if got := e.s.TokenFetches(); got != 1 {
		t.Fatalf("TokenFetches: got %d, want 1", got)
	}
	if got := e.s.Followers(); len(got) != users {
		t.Fatalf("Followers: got %v, want %d", got, users)
	}
}

func TestPushesHandler(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("a")
	e.s.Follow("b")
	wantErrcode(t, sendText(e, "a", "one"), 0)
	e.clk.Advance(time.Second)
	wantErrcode(t, sendText(e, "b", "two"), 0)
	e.clk.Advance(time.Second)
	wantErrcode(t, sendText(e, "a", "three"), 0)

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"one user oldest first", "?openid=a", []string{"custom|a|one", "custom|a|three"}},
		{"none", "?openid=nobody", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.s.PushesHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sim/api/pushes"+tc.query, nil))
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("status/type: got %d %q, want 200 application/json", rec.Code, rec.Header().Get("Content-Type"))
			}
			body := strings.TrimSpace(rec.Body.String())
			if len(tc.want) == 0 && body != "[]" {
				t.Fatalf("body: got %s, want []", body)
			}
			var raw []map[string]any
			if err := json.Unmarshal([]byte(body), &raw); err != nil {
				t.Fatal(err)
			}
			var got []Push
			_ = json.Unmarshal([]byte(body), &got)
			if g := pushTexts(got); !equalStrings(g, tc.want) {
				t.Fatalf("pushes: got %q, want %q", g, tc.want)
			}
			for _, r := range raw {
				for _, k := range []string{"type", "openid", "text", "at"} {
					if _, ok := r[k]; !ok {
						t.Fatalf("push JSON %v: missing key %q", r, k)
					}
				}
			}
		})
	}
}

func TestChatSend(t *testing.T) {
	type call struct{ openid, msgType, content string }
	tests := []struct {
		name       string
		body       string
		sendErr    error
		wantStatus int
		wantCall   *call
		wantErr    string
	}{
		{"text", `{"openid":"sim-user-1","type":"text","content":"查库存"}`, nil, 200, &call{"sim-user-1", "text", "查库存"}, ""},
		{"subscribe via content", `{"openid":"u2","type":"event","content":"subscribe"}`, nil, 200, &call{"u2", "event", "subscribe"}, ""},
		{"click via event fields", `{"openid":"u2","type":"event","event":"CLICK","event_key":"ORDER"}`, nil, 200, &call{"u2", "event", "CLICK:ORDER"}, ""},
		{"unsubscribe via event field", `{"openid":"u2","type":"event","event":"unsubscribe"}`, nil, 200, &call{"u2", "event", "unsubscribe"}, ""},
		{"content at limit", `{"openid":"u","type":"text","content":"` + strings.Repeat("a", 2048) + `"}`, nil, 200, &call{"u", "text", strings.Repeat("a", 2048)}, ""},
		{"bad JSON", `{"openid":`, nil, 400, nil, "bad JSON"},
		{"missing openid", `{"type":"text","content":"hi"}`, nil, 400, nil, "openid is required"},
		{"bad openid", `{"openid":"<script>","type":"text","content":"hi"}`, nil, 400, nil, "openid must be"},
		{"content too long", `{"openid":"u","type":"text","content":"` + strings.Repeat("a", 2049) + `"}`, nil, 400, nil, "at most 2048 bytes"},
		{"empty text", `{"openid":"u","type":"text","content":"  "}`, nil, 400, nil, "content is required"},
		{"voice", `{"openid":"u","type":"voice","content":"求购 轮毂"}`, nil, 200, &call{"u", "voice", "求购 轮毂"}, ""},
		{"voice without recognition", `{"openid":"u","type":"voice","content":" "}`, nil, 400, nil, "recognised text"},
		{"image", `{"openid":"u","type":"image"}`, nil, 200, &call{"u", "image", ""}, ""},
		{"scan", `{"openid":"u","type":"event","content":"SCAN:login-1"}`, nil, 200, &call{"u", "event", "SCAN:login-1"}, ""},
		{"scan without scene", `{"openid":"u","type":"event","content":"SCAN:"}`, nil, 400, nil, "SCAN scene"},
		{"unknown type", `{"openid":"u","type":"shortvideo","content":"x"}`, nil, 400, nil, "unknown type"},
		{"unknown event", `{"openid":"u","type":"event","content":"LOCATION"}`, nil, 400, nil, "event content must be"},
		{"click without key", `{"openid":"u","type":"event","content":"CLICK:"}`, nil, 400, nil, "CLICK key"},
		{"send fails", `{"openid":"u","type":"text","content":"x"}`, errors.New("bot down"), 502, &call{"u", "text", "x"}, "bot down"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{AppID: testAppID, AppSecret: testSecret})
			var got *call
			h := s.ChatHandler(func(ctx context.Context, openid, msgType, content string) (string, error) {
				got = &call{openid, msgType, content}
				if tc.sendErr != nil {
					return "", tc.sendErr
				}
				return "reply to " + content, nil
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/sim/api/send", strings.NewReader(tc.body)))
			if rec.Code != tc.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", rec.Code, tc.wantStatus, rec.Body)
			}
			var res map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("answer %q is not JSON: %v", rec.Body, err)
			}
			if (got == nil) != (tc.wantCall == nil) || (got != nil && *got != *tc.wantCall) {
				t.Fatalf("send call: got %+v, want %+v", got, tc.wantCall)
			}
			if tc.wantErr != "" {
				if !strings.Contains(res["error"], tc.wantErr) {
					t.Fatalf("error: got %q, want it to contain %q", res["error"], tc.wantErr)
				}
				return
			}
			if want := "reply to " + tc.wantCall.content; res["reply"] != want {
				t.Fatalf("reply: got %q, want %q", res["reply"], want)
			}
			wantFollowers := []string{tc.wantCall.openid}
			if tc.wantCall.content == "unsubscribe" {
				wantFollowers = []string{}
			}
			if f := s.Followers(); !equalStrings(f, wantFollowers) {
				t.Fatalf("Followers: got %v, want %v", f, wantFollowers)
			}
		})
	}
}

func TestChatPage(t *testing.T) {
	s := New(Options{})
	h := s.ChatHandler(func(context.Context, string, string, string) (string, error) { return "", nil })
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantType   string
		contains   []string
	}{
		{"page", http.MethodGet, "/sim/", 200, "text/html", []string{"场景演示", "添加用户", "重置", `<script src="app.js">`}},
		{"script", http.MethodGet, "/sim/app.js", 200, "text/javascript", []string{`el("form"`, "sim-user-", "发送", "关注", "取消关注", "语音", "图片", "扫码",
			"api/send", "api/events", "api/menu", "sub_button", "textContent"}},
		{"no innerHTML in the script", http.MethodGet, "/sim/app.js", 200, "text/javascript", nil},
		{"no innerHTML", http.MethodGet, "/sim/", 200, "text/html", nil},
		{"redirect", http.MethodGet, "/sim", 302, "", nil},
		{"pushes", http.MethodGet, "/sim/api/pushes?openid=x", 200, "application/json", []string{"[]"}},
		{"menu none", http.MethodGet, "/sim/api/menu", 200, "application/json", []string{"{}"}},
		{"send GET", http.MethodGet, "/sim/api/send", 405, "application/json", nil},
		{"unknown", http.MethodGet, "/sim/api/nope", 404, "application/json", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.wantStatus {
				t.Fatalf("status: got %d, want %d", rec.Code, tc.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); tc.wantType != "" && !strings.HasPrefix(ct, tc.wantType) {
				t.Fatalf("Content-Type: got %q, want %q", ct, tc.wantType)
			}
			body := rec.Body.String()
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Fatalf("body: got %.200q…, want it to contain %q", body, c)
				}
			}
			if strings.HasPrefix(tc.name, "no innerHTML") {
				for _, bad := range []string{"innerHTML", "<link", "src=\"http", "@import"} {
					if strings.Contains(body, bad) {
						t.Fatalf("page contains %q, want none (self-contained, no innerHTML)", bad)
					}
				}
			}
		})
	}
}
