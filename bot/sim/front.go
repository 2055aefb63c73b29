package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Persona is a simulated user the page opens a window for at first.
type Persona struct {
	OpenID string `json:"openid"`
	Name   string `json:"name"` // shown in the window's title
	Role   string `json:"role"` // one line under it
}

// Front is what the bot gives the simulator page beyond sending messages.
type Front struct {
	// Send delivers a message or event to the bot, see ChatHandler.
	Send func(ctx context.Context, openid, msgType, content string) (string, error)
	// Scenario seeds the demonstration (the page's 场景演示 button) and
	// returns a short summary for the page; nil answers 501.
	Scenario func(ctx context.Context) (string, error)
	// Reset clears the local data (重置); nil answers 501. An error
	// (e.g. a store that is not local) is shown to the user.
	Reset func(ctx context.Context) error
	// Personas are the windows the page opens first.
	Personas []Persona
	// Done, when closed, ends the event streams (the server shuts down).
	Done <-chan struct{}
}

// hookTimeout bounds the scenario and the reset.
const hookTimeout = 2 * time.Minute

// FrontHandler serves the simulator page with its assets, its event
// streams and the hooks of f, and everything ChatHandler serves:
//
//	GET  /sim/api/events?openid=X    EventsHandler
//	GET  /sim/api/personas           f.Personas as JSON
//	POST /sim/api/scan               ScanHandler
//	POST /sim/api/scenario           f.Scenario → {summary}
//	POST /sim/api/reset              {"confirm":true} → f.Reset, then Reset → {}
//
// POST requests from another site (Origin or Sec-Fetch-Site say so) are
// refused: the simulator acts as any user, so a page elsewhere must not
// drive it through the developer's browser.
func (s *Server) FrontHandler(f Front) http.Handler {
	chat := s.ChatHandler(f.Send)
	scan := s.ScanHandler(f.Send)
	events := s.EventsHandler(f.Done)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !sameOrigin(r) {
			writeJSON(w, http.StatusForbidden, obj{"error": "cross-site request refused"})
			return
		}
		switch strings.TrimPrefix(r.URL.Path, "/sim") {
		case "/api/events":
			events.ServeHTTP(w, r)
		case "/api/personas":
			if r.Method != http.MethodGet {
				writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
				return
			}
			p := f.Personas
			if p == nil {
				p = []Persona{}
			}
			writeJSON(w, http.StatusOK, p)
		case "/api/scan":
			scan.ServeHTTP(w, r)
		case "/api/scenario":
			runHook(w, r, f.Scenario == nil, func(ctx context.Context) (obj, error) {
				sum, err := f.Scenario(ctx)
				return obj{"summary": sum}, err
			})
		case "/api/reset":
			var req struct {
				Confirm bool `json:"confirm"`
			}
			if r.Method == http.MethodPost && (json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024)).Decode(&req) != nil || !req.Confirm) {
				badRequest(w, `reset needs {"confirm":true}`)
				return
			}
			runHook(w, r, f.Reset == nil, func(ctx context.Context) (obj, error) {
				if err := f.Reset(ctx); err != nil {
					return nil, err
				}
				s.Reset()
				return obj{}, nil
			})
		default:
			chat.ServeHTTP(w, r)
		}
	})
}

// runHook runs a page button's hook for a POST.
func runHook(w http.ResponseWriter, r *http.Request, missing bool, run func(ctx context.Context) (obj, error)) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
		return
	}
	if missing {
		writeJSON(w, http.StatusNotImplemented, obj{"error": "not available"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), hookTimeout)
	defer cancel()
	res, err := run(ctx)
	if err != nil {
		writeJSON(w, http.StatusConflict, obj{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func serveAsset(w http.ResponseWriter, r *http.Request, ctype string, b []byte) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// sameOrigin reports whether r comes from the simulator's own page (or
// from a client that is no browser and says nothing about its origin).
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}
