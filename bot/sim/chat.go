package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

//go:embed page.html
var pageHTML []byte

//go:embed app.js
var appJS []byte

// pageCSP lets the page run its own script file (app.js) and nothing else,
// names its one style block by hash, and forbids framing.
var pageCSP = func() string {
	_, rest, _ := bytes.Cut(pageHTML, []byte("<style>"))
	style, _, _ := bytes.Cut(rest, []byte("</style>"))
	sum := sha256.Sum256(style)
	return "default-src 'none'; script-src 'self'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}()

// MaxContentBytes is the largest message content POST /sim/api/send accepts.
const MaxContentBytes = 2048

// maxOpenIDBytes bounds the openid accepted by POST /sim/api/send.
const maxOpenIDBytes = 64

// sendTimeout bounds one call of the bot's send function.
const sendTimeout = 30 * time.Second

// PushesHandler serves GET /sim/api/pushes?openid=X: a JSON array of the
// Push values delivered to X, oldest first ([] when none); without openid
// it answers 400. It does not check the path, so it can be mounted anywhere.
func (s *Server) PushesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
			return
		}
		openid := r.URL.Query().Get("openid")
		if openid == "" {
			// Every user's pushes hold other users' contacts.
			badRequest(w, "openid is required")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, s.Pushes(openid))
	})
}

// sendRequest is the body of POST /sim/api/send.
type sendRequest struct {
	OpenID   string `json:"openid"`
	Type     string `json:"type"`      // "text" | "voice" | "image" | "event"
	Content  string `json:"content"`   // text, voice: the recognised text, image: the picture's URL (optional), event: "subscribe" | "unsubscribe" | "CLICK:<key>" | "SCAN:<scene>"
	Event    string `json:"event"`     // alternative for events: "subscribe" | "unsubscribe" | "CLICK"
	EventKey string `json:"event_key"` // key for Event "CLICK"
}

// ChatHandler serves the simulator page at GET /sim/ and a JSON endpoint POST /sim/api/send.
// send := func(ctx, openid, kind, content string) (reply string, err error) is provided by the bot: it posts a signed WeChat XML message to the bot's own /wechat handler and returns the passive reply text.
//
// send is called with msgType "text" (content is the message text),
// "voice" (content is the recognised speech), "image" (content is the
// picture's URL, possibly empty) or "event" (content is "subscribe",
// "unsubscribe", "CLICK:<key>" or "SCAN:<scene>").
//
// Routes (the "/sim" prefix is optional, so the handler works both mounted
// at "/sim/" and behind http.StripPrefix("/sim", ...)):
//
//	GET  /sim/             the page (no assets from elsewhere)
//	GET  /sim/app.js       its script
//	POST /sim/api/send     {openid, type:"text"|"event", content | event,event_key} → {reply}
//	GET  /sim/api/pushes   same as PushesHandler
//	GET  /sim/api/menu     the last created menu ({"button":[...]}; {} when none)
//
// POST /sim/api/send answers 400 {error} for bad JSON, a missing or invalid
// openid (max 64 bytes of [A-Za-z0-9_.@-]), an unknown type or event, empty
// text or content over 2048 bytes, and 502 {error} when send fails. To keep
// the simulated follower list consistent with what the user did, it calls
// Follow before delivering a text message, a menu click or a subscribe
// event (on WeChat only followers can message an account) and Unfollow
// before delivering an unsubscribe event; both are idempotent, so the bot
// calling them too is harmless.
func (s *Server) ChatHandler(send func(ctx context.Context, openid, msgType, content string) (string, error)) http.Handler {
	pushes := s.PushesHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/sim")
		switch p {
		case "", "/", "/index.html":
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			if p == "" {
				http.Redirect(w, r, r.URL.Path+"/", http.StatusFound)
				return
			}
			h := w.Header()
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Content-Security-Policy", pageCSP)
			_, _ = w.Write(pageHTML)
		case "/app.js":
			serveAsset(w, r, "text/javascript; charset=utf-8", appJS)
		case "/api/send":
			s.serveSend(w, r, send)
		case "/api/pushes":
			pushes.ServeHTTP(w, r)
		case "/api/menu":
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
				return
			}
			m := s.Menu()
			if m == nil {
				m = json.RawMessage("{}")
			}
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, m)
		default:
			writeJSON(w, http.StatusNotFound, obj{"error": "not found"})
		}
	})
}

// badRequest answers 400 with {error: msg}.
func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, obj{"error": msg})
}

func (s *Server) serveSend(w http.ResponseWriter, r *http.Request, send func(ctx context.Context, openid, msgType, content string) (string, error)) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
		return
	}
	var req sendRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			badRequest(w, "request body too large")
			return
		}
		badRequest(w, "bad JSON: "+err.Error())
		return
	}
	if dec.More() {
		badRequest(w, "bad JSON: trailing data")
		return
	}
	openid := strings.TrimSpace(req.OpenID)
	if openid == "" {
		badRequest(w, "openid is required")
		return
	}
	if !validOpenID(openid) {
		badRequest(w, "openid must be at most 64 characters of A-Z a-z 0-9 _ . @ -")
		return
	}
	msgType, content, problem := normalizeSend(&req)
	if problem != "" {
		badRequest(w, problem)
		return
	}
	switch {
	case msgType == "event" && content == "unsubscribe":
		s.Unfollow(openid)
	default:
		s.Follow(openid)
	}
	ctx, cancel := context.WithTimeout(r.Context(), sendTimeout)
	defer cancel()
	reply, err := send(ctx, openid, msgType, content)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, obj{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, obj{"reply": reply})
}

// normalizeSend validates req and returns the (msgType, content) for send,
// or a non-empty error message.
func normalizeSend(req *sendRequest) (msgType, content, problem string) {
	switch req.Type {
	case "text":
		if strings.TrimSpace(req.Content) == "" {
			return "", "", "content is required"
		}
		if len(req.Content) > MaxContentBytes {
			return "", "", "content must be at most 2048 bytes"
		}
		return "text", req.Content, ""
	case "voice":
		if strings.TrimSpace(req.Content) == "" {
			return "", "", "content (the recognised text) is required"
		}
		if len(req.Content) > MaxContentBytes {
			return "", "", "content must be at most 2048 bytes"
		}
		return "voice", req.Content, ""
	case "image":
		if len(req.Content) > 1024 {
			return "", "", "the picture URL must be at most 1024 bytes"
		}
		return "image", req.Content, ""
	case "event":
		c := req.Content
		if c == "" {
			switch strings.ToLower(req.Event) {
			case "subscribe", "unsubscribe":
				c = strings.ToLower(req.Event)
			case "click":
				c = "CLICK:" + req.EventKey
			case "":
				return "", "", "content or event is required"
			default:
				return "", "", "unknown event " + quoteShort(req.Event)
			}
		}
		if len(c) > MaxContentBytes {
			return "", "", "content must be at most 2048 bytes"
		}
		switch {
		case c == "subscribe" || c == "unsubscribe":
		case strings.HasPrefix(c, "CLICK:"):
			key := strings.TrimPrefix(c, "CLICK:")
			if key == "" || len(key) > 128 {
				return "", "", "CLICK key must be 1..128 bytes"
			}
		case strings.HasPrefix(c, "SCAN:"):
			scene := strings.TrimPrefix(c, "SCAN:")
			if scene == "" || len(scene) > 64 {
				return "", "", "SCAN scene must be 1..64 bytes"
			}
		default:
			return "", "", "event content must be subscribe, unsubscribe, CLICK:<key> or SCAN:<scene>"
		}
		return "event", c, ""
	case "":
		return "", "", "type is required (text, voice, image or event)"
	}
	return "", "", "unknown type " + quoteShort(req.Type) + " (want text, voice, image or event)"
}

// quoteShort quotes s for an error message, truncated.
func quoteShort(s string) string {
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// validOpenID reports whether id is a plausible simulated openid.
func validOpenID(id string) bool {
	if len(id) > maxOpenIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_' || c == '-' || c == '.' || c == '@':
		default:
			return false
		}
	}
	return true
}
