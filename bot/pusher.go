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
	Attempts   int      // leases, including the current one
	Failures   int      // earlier sends that failed and were retried
}

// Outbox is the durable queue the workers drain. Lease hands each due item
// to one owner at a time; an owner that dies loses its lease when it runs out.
type Outbox interface {
	Lease(ctx context.Context, owner string, n int, lease time.Duration, now time.Time) ([]Push, error)
	Complete(ctx context.Context, key, owner string, now time.Time) error
	// Retry returns an item to pending until at without counting a failure
	// (an API paused, a quota wait, a store hiccup before the send).
	Retry(ctx context.Context, key, owner string, at time.Time, code int, reason string) error
	// Backoff returns an item to pending until at after a failed send and
	// counts the failure.
	Backoff(ctx context.Context, key, owner string, at time.Time, code int, reason string) error
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
	MaxAttempts int           // failed sends (-1, network) before the item fails; default 8
	// RetryBase is the first backoff delay after -1 or a network error;
	// each later attempt waits about 1.5 times longer (with ±50 % jitter),
	// at most RetryMax. Defaults 2 s and 5 min.
	RetryBase time.Duration
	RetryMax  time.Duration
	Now       func() time.Time
	// OnGiveUp is told when an item is given up or held, with the errcode
	// (43004: mark the user unsubscribed; 45009: tell the admins).
	OnGiveUp func(ctx context.Context, p Push, code int)
}

// Sender is the part of the WeChat API the push workers send through;
// *Client is one. An error that carries WeChat's errcode is an *APIError
// (after the sender's own refresh-and-retry on token errors); any other
// error is taken as a network failure.
type Sender interface {
	SendText(ctx context.Context, openid, text string) error
	SendTemplate(ctx context.Context, t TemplateMessage) error
	MassSend(ctx context.Context, openids []string, text, clientMsgID string) error
}

// Pusher drains the outbox through the WeChat API with the reactions of
// docs/WECHAT.md: refresh and retry once on token errors (in Client),
// back off on -1, slow down 60 s on 45011, stop the API until tomorrow on
// 45009, give up on 48001/43101, and hold for the user's next visit on
// 43004 (not following now), 45015 and 45047.
type Pusher struct {
	cfg     PusherConfig
	outbox  Outbox
	sender  Sender
	kv      KV
	metrics *Metrics
	log     *slog.Logger
	kick    chan struct{}
}

// NewPusher returns the workers; Run starts them.
func NewPusher(cfg PusherConfig, outbox Outbox, sender Sender, kv KV, metrics *Metrics, log *slog.Logger) *Pusher {
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
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 2 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Pusher{cfg: cfg, outbox: outbox, sender: sender, kv: kv, metrics: metrics, log: log, kick: make(chan struct{}, 1)}
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
// Once ctx is cancelled no new send starts: the sends in flight finish and
// the items not started yet are handed back (due now) for another worker.
func (p *Pusher) drainOnce(ctx context.Context) int {
	items, err := p.outbox.Lease(ctx, p.cfg.Owner, p.cfg.Batch, p.cfg.Lease, p.cfg.Now())
	if err != nil && ctx.Err() == nil {
		p.log.ErrorContext(ctx, "outbox lease", "err", err, "leased", len(items))
	}
	// Items leased before an error are ours until the lease runs out:
	// deliver them rather than strand them for a whole lease.
	sendCtx := context.WithoutCancel(ctx)
	sem := make(chan struct{}, p.cfg.Workers)
	var wg sync.WaitGroup
	for i, it := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			p.release(sendCtx, items[i:])
			break
		}
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

// release hands leased items that were never sent back to the queue.
func (p *Pusher) release(ctx context.Context, items []Push) {
	now := p.cfg.Now()
	for _, it := range items {
		if err := p.outbox.Retry(ctx, it.Key, p.cfg.Owner, now, 0, "released unsent at shutdown"); err != nil {
			p.log.WarnContext(ctx, "release push at shutdown", "key", it.Key, "err", err)
		}
	}
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

// Send markers. Before each call to WeChat the worker records in the KV
// that it is sending the item (markSending, with owner and attempt), and
// right after a successful call that it was sent (markSent). The outbox
// update follows, and only then is the marker removed. A worker that dies
// between the call and the outbox update leaves its item leased; whoever
// leases it after the lease runs out finds the marker:
//
//   - "sent": the message went out; complete the item without sending.
//   - "sending": the call may or may not have reached WeChat. Template and
//     mass pushes are sent again with the same client_msg_id / clientmsgid,
//     which WeChat drops as a repeat (template within 10 minutes, mass
//     within 24 hours, far longer than a lease). Customer-service messages
//     have no dedupe key, so sending again could make the user read it
//     twice: they are delivered at most once instead — the item fails with
//     CodeOutcomeUnknown and OnGiveUp is told, so a person can check.
//
// A missing marker means no call was started (or it ended with an error and
// nothing was delivered), so the item is simply sent. The marker lives in
// the shared KV because the outbox interface has no call to persist a state
// between Lease and the end of the send; if the KV loses the marker (a
// Redis flush or failover without persistence) in the same window, a custom
// push can be sent twice.
//
// Caveat, at least once: a custom send that fails with -1 or a network
// error (e.g. a timeout after WeChat received the request) is retried, as
// WECHAT.md prescribes; if WeChat had in fact delivered it, the user reads
// it twice.
const (
	markerSent = "sent"
	markerTTL  = 7 * 24 * time.Hour
)

// CodeOutcomeUnknown is not a WeChat errcode: it marks a customer-service
// push whose worker died during the send, given up so it is not sent twice.
const CodeOutcomeUnknown = -1000

func markerKey(key string) string { return "outbox:sending:" + key }

func (p *Pusher) deliver(ctx context.Context, it Push) {
	api := apiOf(it.Kind)
	now := p.cfg.Now()
	if until, ok := p.paused(ctx, api); ok {
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, 0, "api paused until "+until.UTC().Format(time.RFC3339)))
		return
	}
	if it.OpenID != "" && it.Kind != PushMass {
		if gone, _, err := p.kv.Lookup(ctx, unfollowedKey(it.OpenID)); err == nil && gone != "" {
			// WeChat would answer 43004: hold it for the user's next visit
			// (following again), without spending the call.
			err := &APIError{API: api, Code: CodeNotSubscribed, Msg: "the user unfollowed the account (" + gone + ")"}
			p.giveUp(ctx, it, CodeNotSubscribed, err)
			p.hold(ctx, it, CodeNotSubscribed, err)
			return
		}
	}
	mk := markerKey(it.Key)
	prev, found, err := p.kv.Lookup(ctx, mk)
	if err != nil {
		// Without the marker we cannot tell whether an earlier attempt
		// sent it: do not send now.
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, now.Add(p.retryDelay(it.Attempts)), 0, "send marker: "+err.Error()))
		return
	}
	if found {
		switch {
		case prev == markerSent:
			p.log.WarnContext(ctx, "push was sent by a worker that died before recording it", "key", it.Key)
			p.finishMarked(ctx, it, "sent", p.outbox.Complete(ctx, it.Key, p.cfg.Owner, now))
			return
		case it.Kind == PushCustom:
			reason := "outcome unknown: a worker died while sending (" + prev + "); not sent again so the user cannot get it twice"
			p.giveUp(ctx, it, CodeOutcomeUnknown, fmt.Errorf("%s", reason))
			p.finishMarked(ctx, it, "unknown", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, CodeOutcomeUnknown, reason))
			return
		}
		// Template or mass: WeChat drops a repeat of the same client id.
		p.log.InfoContext(ctx, "resending push interrupted mid-send; WeChat dedupes it", "key", it.Key, "marker", prev)
	}
	if err := p.kv.Set(ctx, mk, fmt.Sprintf("sending:%s:%d", p.cfg.Owner, it.Attempts), markerTTL); err != nil {
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, now.Add(p.retryDelay(it.Attempts)), 0, "send marker: "+err.Error()))
		return
	}
	switch it.Kind {
	case PushCustom:
		err = p.sender.SendText(ctx, it.OpenID, it.Text)
	case PushTemplate:
		err = p.sender.SendTemplate(ctx, TemplateMessage{OpenID: it.OpenID, TemplateID: it.TemplateID, URL: it.URL, Fields: it.Fields, ClientMsgID: clientMsgID(it.Key)})
	case PushMass:
		err = p.sender.MassSend(ctx, it.OpenIDs, it.Text, clientMsgID(it.Key))
	default:
		err = fmt.Errorf("unknown push kind %q", it.Kind)
		p.finishMarked(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, 0, err.Error()))
		return
	}
	code := ErrorCode(err)
	if err == nil || code == CodeClientMsgIDExists {
		// 45065: WeChat already has this very message; it was sent.
		if merr := p.kv.Set(ctx, mk, markerSent, markerTTL); merr != nil {
			p.log.WarnContext(ctx, "record push sent in KV", "key", it.Key, "err", merr)
		}
		p.finishMarked(ctx, it, "sent", p.outbox.Complete(ctx, it.Key, p.cfg.Owner, p.cfg.Now()))
		return
	}
	// WeChat answered with an error: nothing was delivered (see the caveat
	// above for -1 and network errors). Drop the marker before recording
	// the outcome, so that a crash in between leads to a plain resend.
	if derr := p.kv.Del(ctx, mk); derr != nil {
		p.log.WarnContext(ctx, "drop send marker", "key", it.Key, "err", derr)
	}
	switch {
	case code == CodeUnauthorized, code == CodeUserRefused:
		p.giveUp(ctx, it, code, err)
		p.finish(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, code, err.Error()))
	case code == CodeNotSubscribed:
		// Not following now: held for the user's next visit (following
		// again releases it), and no call is spent on them meanwhile.
		if it.OpenID != "" {
			p.SetFollowing(ctx, it.OpenID, false, "43004 at "+now.UTC().Format(time.RFC3339))
		}
		p.giveUp(ctx, it, code, err)
		p.hold(ctx, it, code, err)
	case code == CodeOutsideWindow, code == CodeTooManyCustomMsgs:
		p.giveUp(ctx, it, code, err)
		p.hold(ctx, it, code, err)
	case code == CodeMinuteQuota:
		until := now.Add(60 * time.Second)
		p.pause(ctx, api, until)
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, code, err.Error()))
	case code == CodeDailyQuota:
		until := nextChinaMidnight(now)
		p.pause(ctx, api, until)
		p.giveUp(ctx, it, code, err)
		p.finish(ctx, it, "retry", p.outbox.Retry(ctx, it.Key, p.cfg.Owner, until, code, err.Error()))
	case it.Failures+1 >= p.cfg.MaxAttempts:
		p.log.ErrorContext(ctx, "push given up after retries", "key", it.Key, "failures", it.Failures+1, "err", err)
		p.finish(ctx, it, "failed", p.outbox.Fail(ctx, it.Key, p.cfg.Owner, code, err.Error()))
	default:
		// -1 (busy), a network error or a token still refused: back off.
		p.finish(ctx, it, "retry", p.outbox.Backoff(ctx, it.Key, p.cfg.Owner, now.Add(p.retryDelay(it.Failures+1)), code, err.Error()))
	}
}

// finishMarked is finish for an item that had a send marker: the marker is
// removed once the outbox recorded the outcome (kept otherwise, for the
// worker that takes the item over).
func (p *Pusher) finishMarked(ctx context.Context, it Push, outcome string, err error) {
	p.finish(ctx, it, outcome, err)
	if err == nil {
		if derr := p.kv.Del(ctx, markerKey(it.Key)); derr != nil {
			p.log.WarnContext(ctx, "drop send marker", "key", it.Key, "err", derr)
		}
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

// unfollowedKey marks, for every instance, a user who does not follow the
// account: pushes to them are held without calling WeChat.
func unfollowedKey(openid string) string { return "wechat:unfollowed:" + openid }

// heldKey marks a user with pushes held for their next visit (and every
// user marked unfollowed): a message from anyone else costs one lookup,
// no store write (Returned).
func heldKey(openid string) string { return "outbox:held:" + openid }

// hold keeps the item for the user's next visit.
func (p *Pusher) hold(ctx context.Context, it Push, code int, err error) {
	if it.OpenID != "" {
		if merr := p.kv.Set(ctx, heldKey(it.OpenID), "1", 0); merr != nil {
			p.log.WarnContext(ctx, "mark held pushes", "openid", it.OpenID, "err", merr)
		}
	}
	p.finish(ctx, it, "held", p.outbox.Hold(ctx, it.Key, p.cfg.Owner, code, err.Error()))
}

// ReadAhead reads whether pushes are held for m's sender with the dedupe
// mark (see Gateway.ReadAhead), for Returned on a ReadAheadKV.
func (p *Pusher) ReadAhead(m *Message) []*Op {
	if m.OpenID == "" || m.IsEvent(EventUnsubscribe) {
		return nil
	}
	return []*Op{{Kind: OpLookup, Key: heldKey(m.OpenID)}}
}

// Returned is told that openid wrote or followed again: it reports whether
// pushes may be held for them (the caller releases them), and marks them
// following. Anyone without held pushes costs one lookup; when the KV
// fails it answers true, so that nothing stays held by mistake.
func (p *Pusher) Returned(ctx context.Context, openid string) bool {
	_, found, err := p.kv.Lookup(ctx, heldKey(openid))
	if err == nil && !found {
		return false
	}
	if err := p.kv.Del(ctx, heldKey(openid), unfollowedKey(openid)); err != nil {
		p.log.WarnContext(ctx, "clear held mark", "openid", openid, "err", err)
	}
	return true
}

// SetFollowing records whether openid follows the account: false on the
// unsubscribe event and on 43004 (why says which), true whenever the user
// writes or subscribes again.
func (p *Pusher) SetFollowing(ctx context.Context, openid string, following bool, why string) {
	var err error
	if following {
		err = p.kv.Del(ctx, unfollowedKey(openid))
	} else if err = p.kv.Set(ctx, unfollowedKey(openid), why, 0); err == nil {
		err = p.kv.Set(ctx, heldKey(openid), "1", 0) // what reaches them waits
	}
	if err != nil {
		p.log.WarnContext(ctx, "record follower state", "openid", openid, "following", following, "err", err)
	}
}

// pause stops an API for every instance until the given time.
func (p *Pusher) pause(ctx context.Context, api string, until time.Time) {
	d := until.Sub(p.cfg.Now()) // the configured clock, as paused reads it
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
func (p *Pusher) retryDelay(attempt int) time.Duration {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = p.cfg.RetryBase
	b.MaxInterval = p.cfg.RetryMax
	b.MaxElapsedTime = 0
	b.Reset()
	d := b.NextBackOff()
	for i := 1; i < attempt; i++ {
		d = b.NextBackOff()
	}
	return d
}

// chinaTZ is the zone of WeChat's quota day (Beijing time): a fact of the
// WeChat API like its error codes (docs/WECHAT.md), not a setting, so bot
// keeps its own and needs no product package for it.
var chinaTZ = time.FixedZone("CST", 8*3600)

// nextChinaMidnight is when WeChat's daily quotas reset.
func nextChinaMidnight(now time.Time) time.Time {
	c := now.In(chinaTZ)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, chinaTZ)
}
