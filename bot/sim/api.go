package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
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
	s.publishLocked() // the page sees the pushes at once (events.go)
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

// withoutStatus marks an answer that must not get errcode/errmsg added.
func withoutStatus(o obj) obj {
	o["errcode"] = omitted{}
	return o
}

// omitted is a placeholder value removed before encoding.
type omitted struct{}
