package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// outboxAdapter lets the push workers (package bot) drain the MongoDB
// outbox (package store); neither package imports the other.
type outboxAdapter struct{ o *store.Outbox }

func (a outboxAdapter) Lease(ctx context.Context, owner string, n int, lease time.Duration, now time.Time) ([]bot.Push, error) {
	items, err := a.o.Lease(ctx, owner, n, lease, now)
	out := make([]bot.Push, len(items))
	for i, it := range items {
		out[i] = bot.Push{Key: it.Key, Kind: it.Kind, OpenID: it.OpenID, Text: it.Text, TemplateID: it.TemplateID,
			URL: it.URL, Fields: it.Fields, OpenIDs: it.OpenIDs, Attempts: it.Attempts, Failures: it.Failures}
	}
	return out, err
}

func (a outboxAdapter) Complete(ctx context.Context, key, owner string, now time.Time) error {
	return a.o.Complete(ctx, key, owner, now)
}

func (a outboxAdapter) Retry(ctx context.Context, key, owner string, at time.Time, code int, reason string) error {
	return a.o.Retry(ctx, key, owner, at, code, reason)
}

func (a outboxAdapter) Backoff(ctx context.Context, key, owner string, at time.Time, code int, reason string) error {
	return a.o.Backoff(ctx, key, owner, at, code, reason)
}

func (a outboxAdapter) Hold(ctx context.Context, key, owner string, code int, reason string) error {
	return a.o.Hold(ctx, key, owner, code, reason)
}

func (a outboxAdapter) Fail(ctx context.Context, key, owner string, code int, reason string) error {
	return a.o.Fail(ctx, key, owner, code, reason)
}

func cutPrefix(s, p string) (string, bool) { return strings.CutPrefix(s, p) }

// recorder is a minimal in-process http.ResponseWriter for simSend.
type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder                    { return &recorder{h: http.Header{}, status: http.StatusOK} }
func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(s int)           { r.status = s }
