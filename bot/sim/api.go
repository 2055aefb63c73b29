package sim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// errMsgs holds the errmsg WeChat sends with each errcode this package uses
// (and a few common ones that tests like to inject).
var errMsgs = map[int]string{
	-1:    "system error",
	40001: "invalid credential, access_token is invalid or not latest",
	40002: "invalid grant_type",
	40003: "invalid openid",
	40008: "invalid message type",
	40013: "invalid appid",
	40016: "invalid button size",
	40017: "invalid button type",
	40018: "invalid button name size",
	40019: "invalid button key size",
	40020: "invalid button url size",
	40023: "invalid sub button size",
	40024: "invalid sub button type",
	40025: "invalid sub button name size",
	40026: "invalid sub button key size",
	40027: "invalid sub button url size",
	40032: "invalid openid list size",
	40037: "invalid template_id",
	40050: "invalid tag id",
	40066: "invalid url",
	40125: "invalid appsecret",
	40130: "invalid openid list size, at least two openid",
	41001: "access_token missing",
	41002: "appid missing",
	41004: "appsecret missing",
	42001: "access_token expired",
	43001: "require GET method",
	43002: "require POST method",
	43004: "require subscribe",
	44002: "empty post data",
	44004: "empty content",
	45009: "reach max api daily quota limit",
	45011: "api minute-quota reach limit, must slower, retry next minute",
	45015: "response out of time limit or subscription is canceled",
	45047: "out of response count limit",
	45056: "too many tags",
	45059: "too many tags on user",
	45065: "clientmsgid exist",
	45157: "invalid tag name",
	45158: "tag name too long",
	45159: "invalid tag id",
	46003: "menu no exist",
	47001: "data format error",
	47003: "argument invalid!",
}

// errMsg returns the errmsg for code.
func errMsg(code int) string {
	if m, ok := errMsgs[code]; ok {
		return m
	}
	return "simulated error"
}

// apiError is an errcode answer produced by an endpoint.
type apiError struct {
	code int
	msg  string // "" = errMsg(code)
}

func fail(code int) *apiError                { return &apiError{code: code} }
func failMsg(code int, msg string) *apiError { return &apiError{code: code, msg: msg} }
func (e *apiError) body() map[string]any     { return errBody(e.code, e.msg) }
func errBody(code int, msg string) map[string]any {
	if msg == "" {
		msg = errMsg(code)
	}
	return map[string]any{"errcode": code, "errmsg": msg}
}

// obj is a JSON object answer.
type obj = map[string]any

// endpoint describes one simulated URL.
type endpoint struct {
	api       string // name for InjectError / Calls / SetDelay
	method    string
	needToken bool
	// fn does the work with s.mu held. body is the request body (POST).
	fn func(s *Server, r *http.Request, body []byte) (obj, *apiError)
}

var endpoints = map[string]endpoint{
	"/cgi-bin/token":                       {"token", http.MethodGet, false, (*Server).apiToken},
	"/cgi-bin/stable_token":                {"stable_token", http.MethodPost, false, (*Server).apiStableToken},
	"/cgi-bin/message/custom/send":         {"custom", http.MethodPost, true, (*Server).apiCustomSend},
	"/cgi-bin/message/template/send":       {"template", http.MethodPost, true, (*Server).apiTemplateSend},
	"/cgi-bin/message/mass/send":           {"mass_send", http.MethodPost, true, (*Server).apiMassSendRules},
	"/cgi-bin/message/mass/sendall":        {"mass_sendall", http.MethodPost, true, (*Server).apiMassSendAllRules},
	"/cgi-bin/user/info":                   {"user_info", http.MethodGet, true, (*Server).apiUserInfo},
	"/cgi-bin/tags/create":                 {"tags", http.MethodPost, true, (*Server).apiTagCreate},
	"/cgi-bin/tags/get":                    {"tags", http.MethodGet, true, (*Server).apiTagGet},
	"/cgi-bin/tags/update":                 {"tags", http.MethodPost, true, (*Server).apiTagUpdate},
	"/cgi-bin/tags/delete":                 {"tags", http.MethodPost, true, (*Server).apiTagDelete},
	"/cgi-bin/tags/members/batchtagging":   {"tags", http.MethodPost, true, (*Server).apiBatchTagging},
	"/cgi-bin/tags/members/batchuntagging": {"tags", http.MethodPost, true, (*Server).apiBatchUntagging},
	"/cgi-bin/tags/getidlist":              {"tags", http.MethodPost, true, (*Server).apiTagIDList},
	"/cgi-bin/user/tag/get":                {"tags", http.MethodPost, true, (*Server).apiTagUsers},
	"/cgi-bin/menu/create":                 {"menu_create", http.MethodPost, true, (*Server).apiMenuCreate},
	"/cgi-bin/menu/get":                    {"menu_get", http.MethodGet, true, (*Server).apiMenuGet},
	"/cgi-bin/menu/delete":                 {"menu_delete", http.MethodGet, true, (*Server).apiMenuDelete},
}

// maxBody bounds request bodies read by the API handler.
const maxBody = 4 << 20

// APIHandler returns the handler for the simulated /cgi-bin/... endpoints.
// RoundTripper mounts it; tests may also use it directly (e.g. with
// httptest). Every answer is HTTP 200 with a JSON body, like WeChat;
// failures carry errcode/errmsg. An unknown path answers errcode 40066
// "invalid url" (HTTP 200, so the SDK surfaces the errcode). Using GET on a
// POST endpoint answers 43002 and vice versa 43001 (menu/delete accepts
// both).
func (s *Server) APIHandler() http.Handler { return http.HandlerFunc(s.serveAPI) }

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	ep, ok := endpoints[r.URL.Path]
	if !ok {
		s.mu.Lock()
		s.calls["unknown"]++
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, errBody(40066, "invalid url hint: "+r.URL.Path))
		return
	}
	code, err := s.begin(r.Context(), ep.api)
	if err != nil {
		writeJSON(w, http.StatusGatewayTimeout, errBody(-1, err.Error()))
		return
	}
	if code != 0 {
		writeJSON(w, http.StatusOK, errBody(code, ""))
		return
	}
	if r.Method != ep.method && !(ep.api == "menu_delete" && r.Method == http.MethodPost) {
		if ep.method == http.MethodGet {
			writeJSON(w, http.StatusOK, errBody(43001, ""))
		} else {
			writeJSON(w, http.StatusOK, errBody(43002, ""))
		}
		return
	}
	var body []byte
	if r.Method == http.MethodPost {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			writeJSON(w, http.StatusOK, errBody(-1, "read body: "+err.Error()))
			return
		}
		if ep.method == http.MethodPost && len(bytes.TrimSpace(body)) == 0 {
			writeJSON(w, http.StatusOK, errBody(44002, ""))
			return
		}
	}
	s.mu.Lock()
	var (
		res  obj
		aerr *apiError
	)
	if ep.needToken {
		aerr = s.checkTokenLocked(r.URL.Query().Get("access_token"))
	}
	if aerr == nil {
		res, aerr = ep.fn(s, r, body)
	}
	s.mu.Unlock()
	if aerr != nil {
		res = aerr.body()
	}
	if res == nil {
		res = obj{}
	}
	if v, ok := res["errcode"]; !ok {
		res["errcode"] = 0
		res["errmsg"] = "ok"
	} else if _, omit := v.(omitted); omit {
		delete(res, "errcode")
	}
	writeJSON(w, http.StatusOK, res)
}

// writeJSON writes v as the JSON answer with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"encode"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decode unmarshals body into v, mapping syntax errors to 47001.
func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return failMsg(47001, "data format error hint: "+err.Error())
	}
	return nil
}

// ---- tokens ----

// newTokenLocked issues a token in the chain (cur, prev) and returns it.
func (s *Server) newTokenLocked(cur, prev *string) string {
	s.tokenSeq++
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tok := fmt.Sprintf("SIM_AT_%d_%s", s.tokenSeq, hex.EncodeToString(rnd[:]))
	if *prev != "" {
		if t := s.tokens[*prev]; t != nil {
			t.replaced = true
		}
	}
	*prev = *cur
	*cur = tok
	s.tokens[tok] = &tokenInfo{issued: s.now()}
	return tok
}

// tokenStateLocked returns 0 for a usable token, 40001 for an unknown or
// superseded one and 42001 for an expired one.
func (s *Server) tokenStateLocked(tok string) int {
	t := s.tokens[tok]
	switch {
	case t == nil || t.replaced:
		return 40001
	case t.expired || !s.now().Before(t.issued.Add(s.opts.TokenTTL)):
		return 42001
	}
	return 0
}

func (s *Server) checkTokenLocked(tok string) *apiError {
	if tok == "" {
		return fail(41001)
	}
	if code := s.tokenStateLocked(tok); code != 0 {
		return fail(code)
	}
	return nil
}

func (s *Server) checkCredentials(grantType, appid, secret string) *apiError {
	switch {
	case grantType != "client_credential":
		return fail(40002)
	case appid == "":
		return fail(41002)
	case s.opts.AppID != "" && appid != s.opts.AppID:
		return failMsg(40013, "invalid appid")
	case secret == "":
		return fail(41004)
	case s.opts.AppSecret != "" && secret != s.opts.AppSecret:
		return failMsg(40125, "invalid appsecret")
	}
	return nil
}

func (s *Server) tokenAnswer(tok string) obj {
	left := s.opts.TokenTTL - s.now().Sub(s.tokens[tok].issued)
	return obj{"access_token": tok, "expires_in": int64(left.Round(time.Second) / time.Second)}
}

// apiToken: GET /cgi-bin/token. Every successful call issues a new token;
// the immediately previous one stays valid, older ones become invalid.
// Success answers carry only access_token and expires_in, like WeChat.
func (s *Server) apiToken(r *http.Request, _ []byte) (obj, *apiError) {
	q := r.URL.Query()
	if e := s.checkCredentials(q.Get("grant_type"), q.Get("appid"), q.Get("secret")); e != nil {
		return nil, e
	}
	tok := s.newTokenLocked(&s.curToken, &s.prevToken)
	s.tokenFetches++
	return withoutStatus(s.tokenAnswer(tok)), nil
}

// apiStableToken: POST /cgi-bin/stable_token, a chain independent of
// /cgi-bin/token. Without force_refresh the current stable token is
// returned while valid (with its remaining lifetime); with force_refresh a
// new one is issued and the previous one stays valid.
func (s *Server) apiStableToken(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if e := s.checkCredentials(req.GrantType, req.AppID, req.Secret); e != nil {
		return nil, e
	}
	tok := s.curStableToken
	if req.ForceRefresh || tok == "" || s.tokenStateLocked(tok) != 0 {
		tok = s.newTokenLocked(&s.curStableToken, &s.prevStableToken)
	}
	s.tokenFetches++
	return withoutStatus(s.tokenAnswer(tok)), nil
}

// withoutStatus marks an answer that must not get errcode/errmsg added.
func withoutStatus(o obj) obj {
	o["errcode"] = omitted{}
	return o
}

// omitted is a placeholder value removed before encoding.
type omitted struct{}

// ---- customer service messages ----

type customReq struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	News *struct {
		Articles []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"articles"`
	} `json:"news"`
	Msgmenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
	Miniprogrampage *struct {
		Title string `json:"title"`
	} `json:"miniprogrampage"`
}

// customMedia is the text recorded for customer-service media messages.
var customMedia = map[string]string{
	"image":         "[图片]",
	"voice":         "[语音]",
	"video":         "[视频]",
	"music":         "[音乐]",
	"mpnews":        "[图文消息]",
	"mpnewsarticle": "[图文消息]",
	"wxcard":        "[卡券]",
}

// massMedia is the text recorded for mass media messages.
var massMedia = map[string]string{
	"mpnews":  "[图文消息]",
	"image":   "[图片]",
	"images":  "[图片]",
	"voice":   "[语音]",
	"mpvideo": "[视频]",
	"wxcard":  "[卡券]",
}

// customText renders what the user reads for a customer-service message.
func customText(req *customReq) (string, *apiError) {
	switch req.MsgType {
	case "text":
		if req.Text == nil || req.Text.Content == "" {
			return "", fail(44004)
		}
		return req.Text.Content, nil
	case "news":
		if req.News == nil || len(req.News.Articles) == 0 {
			return "", failMsg(44003, "empty news data")
		}
		var lines []string
		for _, a := range req.News.Articles {
			lines = append(lines, "[图文] "+a.Title)
			if a.URL != "" {
				lines = append(lines, a.URL)
			}
		}
		return strings.Join(lines, "\n"), nil
	case "msgmenu":
		if req.Msgmenu == nil {
			return "", fail(44004)
		}
		var lines []string
		if req.Msgmenu.HeadContent != "" {
			lines = append(lines, req.Msgmenu.HeadContent)
		}
		for _, it := range req.Msgmenu.List {
			lines = append(lines, it.ID+". "+it.Content)
		}
		if req.Msgmenu.TailContent != "" {
			lines = append(lines, req.Msgmenu.TailContent)
		}
		return strings.Join(lines, "\n"), nil
	case "miniprogrampage":
		title := ""
		if req.Miniprogrampage != nil {
			title = req.Miniprogrampage.Title
		}
		return "[小程序] " + title, nil
	}
	if p, ok := customMedia[req.MsgType]; ok {
		return p, nil
	}
	return "", fail(40008)
}

// apiCustomSend: POST /cgi-bin/message/custom/send. Non-followers answer
// 43004; followers whose last interaction (Follow/Touch) is older than 48 h
// answer 45015.
func (s *Server) apiCustomSend(_ *http.Request, body []byte) (obj, *apiError) {
	var req customReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.ToUser == "" {
		return nil, fail(40003)
	}
	text, e := customText(&req)
	if e != nil {
		return nil, e
	}
	u := s.users[req.ToUser]
	if u == nil || !u.following {
		return nil, fail(43004)
	}
	now := s.now()
	if u.lastInteraction.IsZero() || now.Sub(u.lastInteraction) > InteractionWindow {
		return nil, fail(45015)
	}
	s.pushes = append(s.pushes, Push{Type: "custom", OpenID: req.ToUser, Text: text, At: now})
	return nil, nil
}

// ---- template messages ----

// apiTemplateSend: POST /cgi-bin/message/template/send. A repeated
// client_msg_id for the same openid within 10 minutes records nothing and
// answers errcode 0 with the msgid of the first send.
func (s *Server) apiTemplateSend(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		ToUser      string `json:"touser"`
		TemplateID  string `json:"template_id"`
		URL         string `json:"url"`
		ClientMsgID string `json:"client_msg_id"`
		Data        map[string]struct {
			Value string `json:"value"`
			Color string `json:"color"`
		} `json:"data"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.ToUser == "" {
		return nil, fail(40003)
	}
	if req.TemplateID == "" {
		return nil, fail(40037)
	}
	keys := templateKeys(req.Data)
	for _, k := range keys {
		if utf8.RuneCountInString(req.Data[k].Value) > 20 {
			return nil, failMsg(47003, "argument invalid! data."+k+".value invalid")
		}
	}
	u := s.users[req.ToUser]
	if u == nil || !u.following {
		return nil, fail(43004)
	}
	now := s.now()
	dedupeKey := req.ToUser + "\x00" + req.ClientMsgID
	if req.ClientMsgID != "" {
		if rec, ok := s.templateSent[dedupeKey]; ok && now.Sub(rec.at) < templateDedupeWindow {
			return obj{"msgid": rec.msgID}, nil
		}
	}
	lines := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		lines = append(lines, req.Data[k].Value)
	}
	if req.URL != "" {
		lines = append(lines, req.URL)
	}
	id := s.nextID
	s.nextID++
	s.pushes = append(s.pushes, Push{
		Type: "template", OpenID: req.ToUser, Text: strings.Join(lines, "\n"), At: now,
		TemplateID: req.TemplateID, ClientMsgID: req.ClientMsgID, MsgID: id,
	})
	if req.ClientMsgID != "" {
		s.templateSent[dedupeKey] = sentRecord{at: now, msgID: id}
	}
	return obj{"msgid": id}, nil
}

// templateKeys orders template data keys: first, keyword1..N (numeric),
// remark, then the rest in natural order.
func templateKeys[V any](data map[string]V) []string {
	rank := func(k string) int {
		switch {
		case k == "first":
			return 0
		case strings.HasPrefix(k, "keyword"):
			if _, err := strconv.Atoi(k[len("keyword"):]); err == nil {
				return 1
			}
		case k == "remark":
			return 2
		}
		return 3
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return naturalCompare(a, b)
	})
	return keys
}

// naturalCompare compares strings treating digit runs as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := splitDigits(a)
			nb, rb := splitDigits(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return len(ta) - len(tb)
			}
			if c := strings.Compare(ta, tb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func splitDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// ---- mass messages ----

type massReq struct {
	Filter *struct {
		IsToAll bool  `json:"is_to_all"`
		TagID   int32 `json:"tag_id"`
	} `json:"filter"`
	ToUser  json.RawMessage `json:"touser"`
	MsgType string          `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	ClientMsgID string `json:"clientmsgid"`
}

// massText renders what the user reads for a mass message.
func massText(req *massReq) (string, *apiError) {
	if req.MsgType == "text" {
		if req.Text == nil || req.Text.Content == "" {
			return "", fail(44004)
		}
		return req.Text.Content, nil
	}
	if p, ok := massMedia[req.MsgType]; ok {
		return p, nil
	}
	return "", fail(40008)
}

// massDeliverLocked checks clientmsgid, then records one push per recipient.
func (s *Server) massDeliverLocked(req *massReq, text string, recipients []string) (obj, *apiError) {
	now := s.now()
	if req.ClientMsgID != "" {
		if rec, ok := s.massSent[req.ClientMsgID]; ok && now.Sub(rec.at) < massDedupeWindow {
			res := fail(45065).body()
			res["msg_id"] = rec.msgID
			return res, nil
		}
	}
	id := s.nextID
	s.nextID++
	for _, openid := range recipients {
		s.pushes = append(s.pushes, Push{
			Type: "mass", OpenID: openid, Text: text, At: now, ClientMsgID: req.ClientMsgID, MsgID: id,
		})
	}
	if req.ClientMsgID != "" {
		s.massSent[req.ClientMsgID] = sentRecord{at: now, msgID: id}
	}
	return obj{"msg_id": id, "msg_data_id": id}, nil
}

// apiMassSend: POST /cgi-bin/message/mass/send (by openid list, 2..10000
// openids). Only followers among them receive it; duplicates count once.
// A clientmsgid repeated within 24 h (on either mass endpoint) answers
// 45065 with the msg_id of the earlier job and records nothing.
func (s *Server) apiMassSend(_ *http.Request, body []byte) (obj, *apiError) {
	var req massReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	var openids []string
	if len(req.ToUser) == 0 || json.Unmarshal(req.ToUser, &openids) != nil {
		return nil, fail(40130)
	}
	if len(openids) < 2 || len(openids) > 10000 {
		return nil, fail(40130)
	}
	text, e := massText(&req)
	if e != nil {
		return nil, e
	}
	seen := map[string]bool{}
	var recipients []string
	for _, id := range openids {
		if u := s.users[id]; u != nil && u.following && !seen[id] {
			seen[id] = true
			recipients = append(recipients, id)
		}
	}
	return s.massDeliverLocked(&req, text, recipients)
}

// apiMassSendAll: POST /cgi-bin/message/mass/sendall (to all followers or
// to the followers carrying filter.tag_id). An unknown tag answers 40050.
func (s *Server) apiMassSendAll(_ *http.Request, body []byte) (obj, *apiError) {
	var req massReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.Filter == nil {
		return nil, failMsg(47001, "data format error hint: filter missing")
	}
	text, e := massText(&req)
	if e != nil {
		return nil, e
	}
	if !req.Filter.IsToAll && s.tagLocked(req.Filter.TagID) == nil {
		return nil, fail(40050)
	}
	var recipients []string
	for _, id := range s.sortedFollowersLocked() {
		if req.Filter.IsToAll || slices.Contains(s.users[id].tags, req.Filter.TagID) {
			recipients = append(recipients, id)
		}
	}
	return s.massDeliverLocked(&req, text, recipients)
}

func (s *Server) sortedFollowersLocked() []string {
	var out []string
	for id, u := range s.users {
		if u.following {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ---- users and tags ----

// apiUserInfo: GET /cgi-bin/user/info. Unknown users and non-followers
// answer subscribe 0 with only openid and tagid_list.
func (s *Server) apiUserInfo(r *http.Request, _ []byte) (obj, *apiError) {
	openid := r.URL.Query().Get("openid")
	if openid == "" {
		return nil, fail(40003)
	}
	u := s.users[openid]
	tags := []int32{}
	if u != nil {
		tags = append(tags, u.tags...)
	}
	if u == nil || !u.following {
		return withoutStatus(obj{"subscribe": 0, "openid": openid, "tagid_list": tags}), nil
	}
	return withoutStatus(obj{
		"subscribe": 1, "openid": openid, "nickname": "", "sex": 0, "language": "zh_CN",
		"city": "", "province": "", "country": "", "headimgurl": "",
		"subscribe_time": u.subscribeTime.Unix(), "remark": "", "groupid": 0,
		"tagid_list": tags, "subscribe_scene": "ADD_SCENE_OTHERS", "qr_scene": 0, "qr_scene_str": "",
	}), nil
}

func (s *Server) tagLocked(id int32) *tag {
	for _, t := range s.tags {
		if t.id == id {
			return t
		}
	}
	return nil
}

// validTagNameLocked checks a new tag name (except for tag id `self`).
func (s *Server) validTagNameLocked(name string, self int32) *apiError {
	if strings.TrimSpace(name) == "" {
		return fail(45157)
	}
	if len(name) > 30 {
		return fail(45158)
	}
	for _, t := range s.tags {
		if t.name == name && t.id != self {
			return failMsg(45157, "invalid tag name, tag name already exists")
		}
	}
	return nil
}

type tagBody struct {
	Tag struct {
		ID   int32  `json:"id"`
		Name string `json:"name"`
	} `json:"tag"`
}

// apiTagCreate: POST /cgi-bin/tags/create. Empty or duplicate name → 45157,
// name over 30 bytes → 45158, more than 100 tags → 45056. Ids start at 100.
func (s *Server) apiTagCreate(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if e := s.validTagNameLocked(req.Tag.Name, -1); e != nil {
		return nil, e
	}
	if len(s.tags) >= 100 {
		return nil, fail(45056)
	}
	t := &tag{id: s.nextTag, name: req.Tag.Name}
	s.nextTag++
	s.tags = append(s.tags, t)
	return obj{"tag": obj{"id": t.id, "name": t.name}}, nil
}

func (s *Server) tagCountLocked(id int32) int {
	n := 0
	for _, u := range s.users {
		if u.following && slices.Contains(u.tags, id) {
			n++
		}
	}
	return n
}

// apiTagGet: GET /cgi-bin/tags/get → {tags:[{id,name,count}]}.
func (s *Server) apiTagGet(_ *http.Request, _ []byte) (obj, *apiError) {
	list := []obj{}
	for _, t := range s.tags {
		list = append(list, obj{"id": t.id, "name": t.name, "count": s.tagCountLocked(t.id)})
	}
	return withoutStatus(obj{"tags": list}), nil
}

// apiTagUpdate: POST /cgi-bin/tags/update {tag:{id,name}}.
func (s *Server) apiTagUpdate(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	t := s.tagLocked(req.Tag.ID)
	if t == nil {
		return nil, fail(45159)
	}
	if e := s.validTagNameLocked(req.Tag.Name, t.id); e != nil {
		return nil, e
	}
	t.name = req.Tag.Name
	return nil, nil
}

// apiTagDelete: POST /cgi-bin/tags/delete {tag:{id}}; untags every user.
func (s *Server) apiTagDelete(_ *http.Request, body []byte) (obj, *apiError) {
	var req tagBody
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if s.tagLocked(req.Tag.ID) == nil {
		return nil, fail(45159)
	}
	s.tags = slices.DeleteFunc(s.tags, func(t *tag) bool { return t.id == req.Tag.ID })
	for _, u := range s.users {
		u.tags = slices.DeleteFunc(u.tags, func(id int32) bool { return id == req.Tag.ID })
	}
	return nil, nil
}

type batchTagReq struct {
	OpenIDList []string `json:"openid_list"`
	TagID      int32    `json:"tagid"`
}

// checkBatchLocked validates a batch (un)tagging request: 1..50 openids
// (else 40032), an existing tag (else 45159), followers only (else 40003).
func (s *Server) checkBatchLocked(body []byte) (*batchTagReq, *apiError) {
	var req batchTagReq
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if len(req.OpenIDList) == 0 || len(req.OpenIDList) > 50 {
		return nil, fail(40032)
	}
	if s.tagLocked(req.TagID) == nil {
		return nil, fail(45159)
	}
	for _, id := range req.OpenIDList {
		if u := s.users[id]; u == nil || !u.following {
			return nil, failMsg(40003, "invalid openid: "+id)
		}
	}
	return &req, nil
}

// apiBatchTagging: POST /cgi-bin/tags/members/batchtagging. All or nothing:
// if any listed user already has 20 tags (and not this one) → 45059.
func (s *Server) apiBatchTagging(_ *http.Request, body []byte) (obj, *apiError) {
	req, e := s.checkBatchLocked(body)
	if e != nil {
		return nil, e
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		if !slices.Contains(u.tags, req.TagID) && len(u.tags) >= 20 {
			return nil, fail(45059)
		}
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		if !slices.Contains(u.tags, req.TagID) {
			u.tags = append(u.tags, req.TagID)
		}
	}
	return nil, nil
}

// apiBatchUntagging: POST /cgi-bin/tags/members/batchuntagging.
func (s *Server) apiBatchUntagging(_ *http.Request, body []byte) (obj, *apiError) {
	req, e := s.checkBatchLocked(body)
	if e != nil {
		return nil, e
	}
	for _, id := range req.OpenIDList {
		u := s.users[id]
		u.tags = slices.DeleteFunc(u.tags, func(t int32) bool { return t == req.TagID })
	}
	return nil, nil
}

// apiTagIDList: POST /cgi-bin/tags/getidlist {openid} → {tagid_list}.
func (s *Server) apiTagIDList(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		OpenID string `json:"openid"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	u := s.users[req.OpenID]
	if req.OpenID == "" || u == nil {
		return nil, fail(40003)
	}
	return obj{"tagid_list": append([]int32{}, u.tags...)}, nil
}

// apiTagUsers: POST /cgi-bin/user/tag/get {tagid,next_openid}; all
// followers with the tag in one page.
func (s *Server) apiTagUsers(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		TagID int32 `json:"tagid"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if s.tagLocked(req.TagID) == nil {
		return nil, fail(45159)
	}
	ids := []string{}
	for _, id := range s.sortedFollowersLocked() {
		if slices.Contains(s.users[id].tags, req.TagID) {
			ids = append(ids, id)
		}
	}
	next := ""
	if len(ids) > 0 {
		next = ids[len(ids)-1]
	}
	return obj{"count": len(ids), "data": obj{"openid": ids}, "next_openid": next}, nil
}

// ---- menu ----

type menuButton struct {
	Type      string       `json:"type"`
	Name      string       `json:"name"`
	Key       string       `json:"key"`
	URL       string       `json:"url"`
	MediaID   string       `json:"media_id"`
	AppID     string       `json:"appid"`
	PagePath  string       `json:"pagepath"`
	ArticleID string       `json:"article_id"`
	SubButton []menuButton `json:"sub_button"`
}

var keyTypes = map[string]bool{
	"click": true, "scancode_push": true, "scancode_waitmsg": true, "pic_sysphoto": true,
	"pic_photo_or_album": true, "pic_weixin": true, "location_select": true,
}

var otherTypes = map[string]bool{
	"view": true, "miniprogram": true, "media_id": true, "view_limited": true,
	"article_id": true, "article_view_limited": true,
}

// checkLeaf validates a button without sub buttons. codes: type, key, url.
func checkLeaf(b *menuButton, typeCode, keyCode, urlCode int) *apiError {
	switch {
	case keyTypes[b.Type]:
		if b.Key == "" || len(b.Key) > 128 {
			return fail(keyCode)
		}
	case b.Type == "view" || b.Type == "miniprogram":
		if b.URL == "" || len(b.URL) > 1024 {
			return fail(urlCode)
		}
	case otherTypes[b.Type]:
	default:
		return fail(typeCode)
	}
	return nil
}

// apiMenuCreate: POST /cgi-bin/menu/create. 1–3 buttons (40016), names ≤16
// bytes (40018), 1–5 sub buttons (40023) with names ≤60 bytes (40025),
// known types (40017/40024), keys 1–128 bytes (40019/40026), urls 1–1024
// bytes (40020/40027). The accepted body replaces the previous menu.
func (s *Server) apiMenuCreate(_ *http.Request, body []byte) (obj, *apiError) {
	var req struct {
		Button []menuButton `json:"button"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if len(req.Button) < 1 || len(req.Button) > 3 {
		return nil, fail(40016)
	}
	for i := range req.Button {
		b := &req.Button[i]
		if b.Name == "" || len(b.Name) > 16 {
			return nil, fail(40018)
		}
		if b.SubButton == nil {
			if e := checkLeaf(b, 40017, 40019, 40020); e != nil {
				return nil, e
			}
			continue
		}
		if len(b.SubButton) < 1 || len(b.SubButton) > 5 {
			return nil, fail(40023)
		}
		for j := range b.SubButton {
			sb := &b.SubButton[j]
			if sb.Name == "" || len(sb.Name) > 60 {
				return nil, fail(40025)
			}
			if e := checkLeaf(sb, 40024, 40026, 40027); e != nil {
				return nil, e
			}
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		return nil, fail(47001)
	}
	s.menu = buf.Bytes()
	return nil, nil
}

// apiMenuGet: GET /cgi-bin/menu/get → {menu:{button:[...]}} or 46003.
func (s *Server) apiMenuGet(_ *http.Request, _ []byte) (obj, *apiError) {
	if s.menu == nil {
		return nil, fail(46003)
	}
	return withoutStatus(obj{"menu": json.RawMessage(slices.Clone(s.menu))}), nil
}

// apiMenuDelete: GET /cgi-bin/menu/delete.
func (s *Server) apiMenuDelete(_ *http.Request, _ []byte) (obj, *apiError) {
	s.menu = nil
	return nil, nil
}
