package bot

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Push kinds.
const (
	PushCustom   = "custom"
	PushTemplate = "template"
	PushMass     = "mass"
)

// Push is one outbound message as the outbox holds it. Key is unique per
// logical message and doubles as WeChat's client_msg_id / clientmsgid.
type Push struct {
	Key        string
	Kind       string
	OpenID     string
	Text       string
	TemplateID string
	URL        string
	Fields     map[string]string
	OpenIDs    []string // mass send to a list; nil with Kind mass = all followers
	Attempts   int      // including the current one
}

// Outbox is the durable queue the workers drain. Lease hands each due item
// to one owner at a time; an owner that dies loses its lease when it runs out.
type Outbox interface {
	Lease(ctx context.Context, owner string, n int, lease time.Duration, now time.Time) ([]Push, error)
	Complete(ctx context.Context, key, owner string, now time.Time) error
	Retry(ctx context.Context, key, owner string, at time.Time, code int, reason string) error
	// Hold keeps an item undelivered until the user writes again (45015, 45047).
	Hold(ctx context.Context, key, owner string, code int, reason string) error
	Fail(ctx context.Context, key, owner string, code int, reason string) error
}

// PusherConfig configures the push workers.
type PusherConfig struct {
	Owner       string        // unique per process; default random
	Workers     int           // concurrent sends; default 4
	Batch       int           // items leased at once; default 16
	Lease       time.Duration // default 60 s
	Poll        time.Duration // idle poll interval; default 1 s
	MaxAttempts int           // then the item fails; default 8
	Now         func() time.Time
	// OnGiveUp is told when an item is given up or held, with the errcode
	// (43004: mark the user unsubscribed; 45009: tell the admins).
	OnGiveUp func(ctx context.Context, p Push, code int)
}

// Pusher drains the outbox through the WeChat API with the reactions of
// shared/WECHAT.md: refresh and retry once on token errors (in Client),
// back off on -1, slow down 60 s on 45011, stop the API until tomorrow on
// 45009, give up for the user on 43004/48001/43101 and hold on 45015/45047.
type Pusher struct {
	cfg     PusherConfig
	outbox  Outbox
	client  *Client
	kv      KV
	metrics *Metrics
	log     *slog.Logger
	kick    chan struct{}
}

// NewPusher returns the workers; Run starts them.
func NewPusher(cfg PusherConfig, outbox Outbox, client *Client, kv KV, metrics *Metrics, log *slog.Logger) *Pusher {
	if cfg.Owner == "" {
		cfg.Owner = "pusher-" + randomID()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 16
	}
	if cfg.Lease == 0 {
		cfg.Lease = 60 * time.Second
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Pusher{cfg: cfg, outbox: outbox, client: client, kv: kv, metrics: metrics, log: log, kick: make(chan struct{}, 1)}
}

// Kick wakes the workers now instead of at the next poll.
func (p *Pusher) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends; it then finishes the sends in flight and
// returns. It exits only when ctx is done.
func (p *Pusher) Run(ctx context.Context) {
	for {
		n := p.drainOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-time.After(p.cfg.Poll):
		}
	}
}

// drainOnce leases one batch and delivers it; it returns how many it leased.
func (p *Pusher) drainOnce(ctx context.Context) int {
	items, err := p.outbox.Lease(ctx, p.cfg.Owner, p.cfg.Batch, p.cfg.Lease, p.cfg.Now())
	if err != nil {
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "outbox lease", "err", err)
		}
		return 0
	}
	// Sends in flight finish even when ctx is cancelled (shutdown drains).
	sendCtx := context.WithoutCancel(ctx)
	sem := make(chan struct{}, p.cfg.Workers)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func(it Push) {
			defer wg.Done()
			defer func() { <-sem }()
			p.deliver(sendCtx, it)
		}(it)
	}
	wg.Wait()
	return len(items)
}

func apiOf(kind string) string {
	switch kind {
	case PushTemplate:
		return "template"
	case PushMass:
		return "mass"
	}
	return "custom"
}

// clientMsgID derives WeChat's dedupe id (at most 64 bytes) from the key.
func clientMsgID(key string) string {
	if len(key) <= 64 {
		return key
	}
	h := sha1.Sum([]byte(key))
	return hex.EncodeToString(h[:])
}

func (p *Pusher) deliver(ctx context.Context, it Push) {
	api := apiOf(it.Kind)
	now := p.cfg.Now()
	if until, ok := p.paused(ctx, api); ok {
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, 0, "api paused"))
		return
	}
	var err error
	switch it.Kind {
	case PushCustom:
		err = p.client.SendText(ctx, it.OpenID, it.Text)
	case PushTemplate:
		err = p.client.SendTemplate(ctx, TemplateMessage{OpenID: it.OpenID, TemplateID: it.TemplateID, URL: it.URL, Fields: it.Fields, ClientMsgID: clientMsgID(it.Key)})
	case PushMass:
		err = p.client.MassSend(ctx, it.OpenIDs, it.Text, clientMsgID(it.Key))
	default:
		err = fmt.Errorf("unknown push kind %q", it.Kind)
		p.finish(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, 0, err.Error()))
		return
	}
	code := ErrorCode(err)
	switch {
	case err == nil, code == CodeClientMsgIDExists:
		// 45065: WeChat already has this very message; it was sent.
		p.finish(ctx, it, "sent", p.outbox.Complete(ctx, it.Key, p.cfg.Owner, now))
	case code == CodeNotSubscribed, code == CodeUnauthorized, code == CodeUserRefused:
		p.giveUp(ctx, it, code, err)
		p.finish(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, code, err.Error()))
	case code == CodeOutsideWindow, code == CodeTooManyCustomMsgs:
		p.giveUp(ctx, it, code, err)
		p.finish(ctx, it, "held", p.outbox.Hold(ctx, it.Key, p.cfg.Owner, code, err.Error()))
	case code == CodeMinuteQuota:
		until := now.Add(60 * time.Second)
		p.pause(ctx, api, until)
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, code, err.Error()))
	case code == CodeDailyQuota:
		until := nextChinaMidnight(now)
		p.pause(ctx, api, until)
		p.giveUp(ctx, it, code, err)
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, code, err.Error()))
	case it.Attempts >= p.cfg.MaxAttempts:
		p.log.ErrorContext(ctx, "push given up after retries", "key", it.Key, "attempts", it.Attempts, "err", err)
		p.finish(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, code, err.Error()))
	default:
		// -1 (busy), a network error or a token still refused: back off.
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, now.Add(retryDelay(it.Attempts)), code, err.Error()))
	}
}

func (p *Pusher) finish(ctx context.Context, it Push, outcome string, err error) {
	if p.metrics != nil {
		p.metrics.Pushes.WithLabelValues(it.Kind, outcome).Inc()
	}
	if err != nil {
		// The lease ran out and another worker took the item over, or the
		// store failed: the item stays leased and is retried after the lease.
		p.log.ErrorContext(ctx, "outbox update", "key", it.Key, "outcome", outcome, "err", err)
	}
}

func (p *Pusher) giveUp(ctx context.Context, it Push, code int, err error) {
	p.log.WarnContext(ctx, "push not delivered", "key", it.Key, "openid", it.OpenID, "errcode", code, "err", err)
	if p.cfg.OnGiveUp != nil {
		p.cfg.OnGiveUp(ctx, it, code)
	}
}

// pause stops an API for every instance until the given time.
func (p *Pusher) pause(ctx context.Context, api string, until time.Time) {
	d := time.Until(until)
	if d <= 0 {
		return
	}
	if err := p.kv.Set(ctx, "wechat:pause:"+api, until.UTC().Format(time.RFC3339), d); err != nil {
		p.log.ErrorContext(ctx, "record API pause", "api", api, "err", err)
	}
}

func (p *Pusher) paused(ctx context.Context, api string) (time.Time, bool) {
	v, ok, err := p.kv.Lookup(ctx, "wechat:pause:"+api)
	if err != nil || !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil || !t.After(p.cfg.Now()) {
		return time.Time{}, false
	}
	return t, true
}

// retryDelay is an exponential backoff with jitter for the given attempt.
func retryDelay(attempt int) time.Duration {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 2 * time.Second
	b.MaxInterval = 5 * time.Minute
	b.MaxElapsedTime = 0
	b.Reset()
	d := b.NextBackOff()
	for i := 1; i < attempt; i++ {
		d = b.NextBackOff()
	}
	return d
}

var chinaTZ = time.FixedZone("CST", 8*3600)

// nextChinaMidnight is when WeChat's daily quotas reset.
func nextChinaMidnight(now time.Time) time.Time {
	c := now.In(chinaTZ)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, chinaTZ)
}
