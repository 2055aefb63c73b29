package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

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
