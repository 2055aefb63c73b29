package sim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Pushes reach the simulator page as server-sent events: the page opens
// one stream for all its windows (a browser keeps only six connections to
// a host), and every push recorded for one of them is handed over as soon
// as the API call that made it returns.

// maxSubscribers bounds the open event streams of one Server.
const maxSubscribers = 256

// maxStreamOpenIDs bounds the users one stream follows.
const maxStreamOpenIDs = 32

// maxBacklog bounds the earlier pushes a new stream starts with.
const maxBacklog = 500

// subscriberBuffer bounds the pushes waiting for one stream. A stream that
// falls further behind is ended; the browser reconnects with the id of the
// last push it read and gets the rest from the record.
const subscriberBuffer = 64

// streamPing is how often an idle stream sends a comment, so proxies and
// the browser keep it open.
const streamPing = 15 * time.Second

// streamWriteWait bounds one write to a stream (the HTTP server's
// WriteTimeout would otherwise end every stream after a few seconds).
const streamWriteWait = 10 * time.Second

// errTooManyStreams is returned when maxSubscribers streams are open.
var errTooManyStreams = errors.New("too many event streams")

// eventHub is the Server's state for the event streams; s.mu guards it.
type eventHub struct {
	published int // s.pushes[:published] were handed to the streams
	// epoch changes with Reset, so that an id read before it does not skip
	// the pushes after it.
	epoch int64
	subs  map[*subscription]struct{}
}

// subscription is one open stream.
type subscription struct {
	openids map[string]bool
	ch      chan streamed
	closed  bool // ch is closed (overflow, Reset)
}

// streamed is one push with its event id: "epoch-n" for the n-th push
// recorded since the epoch began, so ids grow in the order of the pushes.
type streamed struct {
	id   string
	push Push
}

func (h *eventHub) id(n int) string { return strconv.FormatInt(h.epoch, 10) + "-" + strconv.Itoa(n) }

// publishLocked hands the pushes recorded since the last call to the
// streams of their recipients. The API handler calls it after each call,
// once the call's pushes are final (the mass-send rules may drop some).
// s.mu must be held.
func (s *Server) publishLocked() {
	h := &s.events
	if h.published > len(s.pushes) {
		h.published = len(s.pushes)
	}
	for i := h.published; i < len(s.pushes); i++ {
		p := s.pushes[i]
		for sub := range h.subs {
			if !sub.openids[p.OpenID] || sub.closed {
				continue
			}
			select {
			case sub.ch <- streamed{id: h.id(i + 1), push: p}:
			default:
				sub.closed = true
				close(sub.ch)
			}
		}
	}
	h.published = len(s.pushes)
}

// subscribe opens a stream for openids. lastID is the id of the last push
// the reader has ("" = none): the pushes after it (the last maxBacklog)
// are returned as the backlog, and later ones arrive on the subscription.
func (s *Server) subscribe(openids []string, lastID string) ([]streamed, *subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &s.events
	if len(h.subs) >= maxSubscribers {
		return nil, nil, errTooManyStreams
	}
	s.publishLocked()
	sub := &subscription{openids: map[string]bool{}, ch: make(chan streamed, subscriberBuffer)}
	for _, id := range openids {
		sub.openids[id] = true
	}
	since := 0
	if ep, n, ok := strings.Cut(lastID, "-"); ok && ep == strconv.FormatInt(h.epoch, 10) {
		if v, err := strconv.Atoi(n); err == nil && v > 0 {
			since = min(v, len(s.pushes))
		}
	}
	var backlog []streamed
	for i := since; i < len(s.pushes); i++ {
		if p := s.pushes[i]; sub.openids[p.OpenID] {
			backlog = append(backlog, streamed{id: h.id(i + 1), push: p})
		}
	}
	if len(backlog) > maxBacklog {
		backlog = backlog[len(backlog)-maxBacklog:]
	}
	if h.subs == nil {
		h.subs = map[*subscription]struct{}{}
	}
	h.subs[sub] = struct{}{}
	return backlog, sub, nil
}

// unsubscribe closes sub.
func (s *Server) unsubscribe(sub *subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.events.subs, sub)
	if !sub.closed {
		sub.closed = true
		close(sub.ch)
	}
}

// Streams reports how many event streams are open.
func (s *Server) Streams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events.subs)
}

// EventsHandler serves GET /sim/api/events?openid=X&openid=Y… (at most
// 32) as server-sent events: each push to one of them is one event "push"
// whose data is the Push as JSON and whose id lets a reconnecting browser
// (Last-Event-ID, or ?last=) continue where it stopped; the pushes
// recorded before the stream opened come first. A stream ends when the client goes, when it
// falls too far behind (the browser reconnects), on Reset, and when done
// is closed (the server shuts down).
func (s *Server) EventsHandler(done <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
			return
		}
		openids := r.URL.Query()["openid"]
		if len(openids) == 0 || len(openids) > maxStreamOpenIDs {
			badRequest(w, "1 to 32 openid parameters are required")
			return
		}
		for _, id := range openids {
			if id == "" || !validOpenID(id) {
				badRequest(w, "openid must be at most 64 characters of A-Z a-z 0-9 _ . @ -")
				return
			}
		}
		last := r.Header.Get("Last-Event-ID")
		if last == "" {
			last = r.URL.Query().Get("last")
		}
		backlog, sub, err := s.subscribe(openids, last)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, obj{"error": err.Error()})
			return
		}
		defer s.unsubscribe(sub)

		rc := http.NewResponseController(w)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		write := func(b []byte) bool {
			_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWait)) // not every writer has deadlines
			if _, err := w.Write(b); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		if !write([]byte("retry: 1000\n\n")) {
			return
		}
		for _, e := range backlog {
			if !write(eventBytes(e)) {
				return
			}
		}
		ping := time.NewTicker(streamPing)
		defer ping.Stop()
		for {
			select {
			case e, ok := <-sub.ch:
				if !ok {
					return
				}
				if !write(eventBytes(e)) {
					return
				}
			case <-ping.C:
				if !write([]byte(": ping\n\n")) {
					return
				}
			case <-r.Context().Done():
				return
			case <-done:
				return
			}
		}
	})
}

// eventBytes is one push as a server-sent event (JSON holds no newline).
func eventBytes(e streamed) []byte {
	b, _ := json.Marshal(e.push)
	out := make([]byte, 0, len(b)+len(e.id)+32)
	out = append(out, "id: "...)
	out = append(out, e.id...)
	out = append(out, "\nevent: push\ndata: "...)
	out = append(out, b...)
	return append(out, "\n\n"...)
}
