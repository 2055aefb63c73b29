// Package notify is the one way a push leaves the product: producers (match
// alerts, digests, contact brokering, reply follow-ups, notices to the task
// force, lifecycle reminders, and later help-desk answers and broadcasts)
// call Text, Template or Mass with a typed Key instead of building outbox
// rows. The key is unique in the outbox, so a repeat is a no-op; after a
// push is queued the push workers are woken.
//
// It also says when a push produced now may go out (QuietHours) and tells
// the task force of pushes given up that a person must act on
// (GiveUpNotices).
//
// It imports bot (push kinds) and store (the outbox row) only: never the
// package handlers nor a feature package (alerts, contacts, subscriptions,
// lifecycle), which all import it.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supplybot/bot"
	"supplybot/store"
)

// Outbox is where pushes wait for the push workers. Enqueue returns
// store.ErrConflict when the key was queued before (also after it was
// sent); SetPendingTextBefore rewrites a pending item due after dueAfter,
// store.ErrNotFound otherwise.
type Outbox interface {
	Enqueue(ctx context.Context, it store.OutboxItem) error
	SetPendingTextBefore(ctx context.Context, key, text string, dueAfter time.Time) error
}

// Notifier queues pushes. The zero value is not usable; call New.
type Notifier struct {
	out  Outbox
	kick func()
}

// New returns a Notifier on out; kick, which may be nil, wakes the push
// workers after a push is queued.
func New(out Outbox, kick func()) *Notifier {
	return &Notifier{out: out, kick: kick}
}

// Option adjusts a push before it is queued.
type Option func(*store.OutboxItem)

// At holds the push until t; without it (or with a zero t) it is due now.
func At(t time.Time) Option {
	return func(it *store.OutboxItem) {
		if !t.IsZero() {
			it.NextAt = t.UTC()
		}
	}
}

// Text queues a customer-service text message to openid. Like every send
// of the Notifier it returns nil when key was queued before (nothing is
// sent twice), and wraps the outbox's other errors.
func (n *Notifier) Text(ctx context.Context, key Key, openid, text string, opts ...Option) error {
	return n.enqueue(ctx, store.OutboxItem{Key: key.s, Kind: bot.PushCustom, OpenID: openid, Text: text}, opts)
}

// Template is a template message: the template's ID, the page it links to
// (may be empty), its values (at most 20 characters each) and the same
// content as a text, which is what a reader of the outbox sees.
type Template struct {
	ID     string
	URL    string
	Fields map[string]string
	Text   string
}

// Template queues a template message to openid.
func (n *Notifier) Template(ctx context.Context, key Key, openid string, t Template, opts ...Option) error {
	return n.enqueue(ctx, store.OutboxItem{Key: key.s, Kind: bot.PushTemplate, OpenID: openid,
		TemplateID: t.ID, URL: t.URL, Fields: t.Fields, Text: t.Text}, opts)
}

// Mass queues a mass send of text to openids (2 to 10,000), or to every
// follower when openids is nil. The key doubles as WeChat's clientmsgid.
func (n *Notifier) Mass(ctx context.Context, key Key, openids []string, text string, opts ...Option) error {
	return n.enqueue(ctx, store.OutboxItem{Key: key.s, Kind: bot.PushMass, OpenIDs: openids, Text: text}, opts)
}

// ErrSealed is returned by Revise for a push that went out, or is due
// too soon to be rewritten.
var ErrSealed = errors.New("notify: push sent or about to be sent")

// Revise queues a customer-service text due at due, or, when key was
// queued before, replaces its text provided the push is still waiting and
// due after sealed (a worker reads a push before it marks it taken, so a
// push due sooner could go out with the old text); ErrSealed otherwise.
// The digest of a day's alerts is written this way.
func (n *Notifier) Revise(ctx context.Context, key Key, openid, text string, due, sealed time.Time) error {
	if key.s == "" {
		return errEmptyKey
	}
	err := n.out.Enqueue(ctx, store.OutboxItem{Key: key.s, Kind: bot.PushCustom, OpenID: openid, Text: text, NextAt: due.UTC()})
	if err == nil {
		n.Kick()
		return nil
	}
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	err = n.out.SetPendingTextBefore(ctx, key.s, text, sealed)
	if errors.Is(err, store.ErrNotFound) {
		return ErrSealed
	}
	return err
}

// Kick wakes the push workers.
func (n *Notifier) Kick() {
	if n.kick != nil {
		n.kick()
	}
}

var errEmptyKey = errors.New("notify: empty key")

func (n *Notifier) enqueue(ctx context.Context, it store.OutboxItem, opts []Option) error {
	if it.Key == "" {
		return errEmptyKey
	}
	for _, o := range opts {
		o(&it)
	}
	err := n.out.Enqueue(ctx, it)
	if errors.Is(err, store.ErrConflict) {
		return nil // queued before: nothing is sent twice
	}
	if err != nil {
		return fmt.Errorf("outbox %s: %w", it.Key, err)
	}
	n.Kick()
	return nil
}
