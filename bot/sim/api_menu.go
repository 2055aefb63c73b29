package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
)

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
