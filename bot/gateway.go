package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// GatewayConfig configures the /wechat endpoint.
type GatewayConfig struct {
	Token          string
	AppID          string
	EncodingAESKey string
	// Mode is the message mode set in the WeChat admin console: ModeSafe
	// and ModeCompatible accept only pushes whose encrypted part carries a
	// valid msg_signature, and read only that part; ModePlain also reads
	// plaintext pushes, whose bodies nothing authenticates. Empty means
	// safe when EncodingAESKey is set, plain otherwise.
	Mode string
	// MaxBody is the largest request body accepted (default 1 MiB); a larger
	// one is answered 413.
	MaxBody int64
	// Deadline is how long a push may take before it is answered "success"
	// and its reply sent later (default 4.5 s; WeChat gives up at 5 s).
	Deadline time.Duration
	// HandlerTimeout bounds a handler that overran the deadline (default 60 s).
	HandlerTimeout time.Duration
	// DedupeTTL is how long a push is remembered (default 10 min); a push
	// stamped more than half of it from the clock is refused.
	DedupeTTL time.Duration
	// ReplyTTL is how long a push's reply is kept for its retries once
	// written (default 30 s, at most DedupeTTL): WeChat makes its last
	// attempt about 10 s after the first and waits 5 s for it, a reply in
	// time is written within the first attempt's 5 s, and a handler that
	// overran answers by customer-service message. Twice the longest wait
	// a retry needs, and a quarter of the memory two minutes took: at 300
	// messages/s the embedded Redis held 36,000 replies, about 20 MB of
	// its heap. The push's mark is kept DedupeTTL.
	ReplyTTL time.Duration
	// RunningTTL is how long the mark of a push whose handler runs lives
	// unless the handler's gateway renews it (default 6 s): a process
	// killed mid-handler leaves a mark that expires before WeChat's last
	// retry, about 10 s after the first delivery, which then runs the
	// handler again (every record a message creates carries its key, so
	// the second run finds what the first saved).
	RunningTTL time.Duration
	// DedupeTimeout bounds the dedupe check, which runs before anything
	// else and outside Deadline (default 1 s).
	DedupeTimeout time.Duration
	// MaxInflight bounds the handlers running at once, including those
	// that overran their request (default DefaultMaxInflight). A push beyond it waits up
	// to QueueWait for a slot, then is answered BusyText, before any
	// store is asked. A handler waiting for a store's write lock gives its
	// slot back meanwhile (GiveBackSlot; at most MaxInflight of them).
	MaxInflight int
	// QueueWait is how long a push may wait for a handler slot (default
	// 1 s, at most half of Deadline): a burst is absorbed, a sustained
	// overload is answered busy instead of queueing for seconds.
	QueueWait time.Duration
	// BusyText answers a push that cannot be handled safely now (dedupe
	// unavailable, too many handlers running); default DefaultBusyText.
	BusyText string
}

// DefaultMaxInflight is the default MaxInflight: four handlers per CPU.
// Handlers share the CPU with the stores' clients (and, locally, with
// embedded FerretDB): with 32 on two CPUs a burst of searches over 2,000
// records left every handler past its deadline and a shutdown could not
// queue their replies in time; with 8 they answered within it.
func DefaultMaxInflight() int { return 4 * runtime.GOMAXPROCS(0) }

// DefaultBusyText is the default BusyText.
const DefaultBusyText = "系统繁忙，请稍后再试。"

// FollowUp delivers a reply that missed the deadline, normally by queueing
// a customer-service message in the outbox. key is unique per push.
type FollowUp func(ctx context.Context, openid, text, key string) error

// Gateway is the http.Handler WeChat pushes to: it checks signatures,
// limits bodies, decrypts safe-mode pushes (msgCipher, the SDK's bytes), runs
// each push once across retries and instances, and answers within the
// deadline.
type Gateway struct {
	cfg      GatewayConfig
	cipher   *msgCipher // of cfg.EncodingAESKey, made once; nil if it is not a key
	client   *Client
	handle   Handler
	flights  *inflight
	followUp FollowUp
	metrics  *Metrics
	log      *slog.Logger
	// Observe, when set, sees every push that is handled, once across
	// retries, just before its handler (the simulator uses it to know
	// followers).
	Observe func(context.Context, *Message)

	readAheads []ReadAheadFunc // see ReadAhead

	slots chan struct{} // one per running handler; MaxInflight in all
	// slotsAway counts the handlers that gave their slot back while
	// they wait (GiveBackSlot); at most MaxInflight.
	slotsAway atomic.Int64
	// unix seconds of the last line logged of a kind a flood repeats
	shedLogged, refusedLogged atomic.Int64
	wg                        sync.WaitGroup  // handlers still running past their request
	stop                      context.Context // cancelled by Abort: ends handlers that overran
	abort                     context.CancelFunc
}

// NewGateway returns the /wechat handler.
func NewGateway(cfg GatewayConfig, client *Client, kv KV, h Handler, followUp FollowUp, metrics *Metrics, log *slog.Logger) *Gateway {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Deadline == 0 {
		cfg.Deadline = 4500 * time.Millisecond
	}
	if cfg.HandlerTimeout == 0 {
		cfg.HandlerTimeout = 60 * time.Second
	}
	if cfg.DedupeTTL == 0 {
		cfg.DedupeTTL = 10 * time.Minute
	}
	if cfg.ReplyTTL == 0 {
		cfg.ReplyTTL = 30 * time.Second
	}
	if cfg.RunningTTL == 0 {
		cfg.RunningTTL = 6 * time.Second
	}
	if cfg.DedupeTimeout == 0 {
		cfg.DedupeTimeout = time.Second
	}
	if cfg.MaxInflight <= 0 {
		cfg.MaxInflight = DefaultMaxInflight()
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = min(time.Second, cfg.Deadline/2)
	}
	if cfg.BusyText == "" {
		cfg.BusyText = DefaultBusyText
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.Mode == "" {
		cfg.Mode = ModePlain
		if cfg.EncodingAESKey != "" {
			cfg.Mode = ModeSafe
		}
	}
	if cfg.Mode == ModePlain {
		log.Warn("wechat message mode is plain: the signature covers only the timestamp and nonce, " +
			"so message bodies (sender, text) cannot be authenticated; use safe mode in production")
	}
	if metrics == nil {
		metrics = NewMetrics()
	}
	stop, abort := context.WithCancel(context.Background())
	return &Gateway{cfg: cfg, cipher: newMsgCipher(replyKey(cfg.EncodingAESKey), cfg.AppID), client: client, handle: h, flights: &inflight{kv: kv, ttl: cfg.DedupeTTL, runningTTL: cfg.RunningTTL, replyTTL: cfg.ReplyTTL},
		followUp: followUp, metrics: metrics, log: log, slots: make(chan struct{}, cfg.MaxInflight), stop: stop, abort: abort}
}

// Wait blocks until every handler that overran its request has finished
// and queued its follow-up, or ctx ends.
func (g *Gateway) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { g.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Abort cancels the context of every handler still running past its
// request, so that shutdown ends within its budget; their replies are lost
// only if they then fail to finish.
func (g *Gateway) Abort() { g.abort() }

// warnLimited logs a warning at most once a second per last; the metrics
// count every occurrence.
func (g *Gateway) warnLimited(ctx context.Context, last *atomic.Int64, msg string, args ...any) {
	if now := time.Now().Unix(); last.Swap(now) != now {
		g.log.WarnContext(ctx, msg, args...)
	}
}

func (g *Gateway) reject(w http.ResponseWriter, status int, reason string) {
	g.metrics.Rejected.WithLabelValues(reason).Inc()
	http.Error(w, http.StatusText(status), status)
}

func (g *Gateway) validSignature(sig string, parts ...string) bool {
	var want string
	switch len(parts) {
	case 2:
		want = signature(g.cfg.Token, parts[0], parts[1])
	case 3:
		want = signature(g.cfg.Token, parts[0], parts[1], parts[2])
	default:
		want = signature(append([]string{g.cfg.Token}, parts...)...)
	}
	return len(sig) == len(want) && subtle.ConstantTimeCompare([]byte(sig), []byte(want)) == 1
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	switch r.Method {
	case http.MethodGet, http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		g.reject(w, http.StatusMethodNotAllowed, "method")
		return
	}
	if !g.validSignature(q.Get("signature"), ts, nonce) {
		g.reject(w, http.StatusForbidden, "signature")
		return
	}
	// A signed request is only good while its dedupe mark lives; an older
	// one replayed by whoever captured it would run again (or, for the GET
	// echo, prove the token to a prober). Half the window either way: a
	// push stamped ahead of this clock, accepted now, is then refused
	// before the mark it leaves expires.
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || start.Sub(time.Unix(sec, 0)).Abs() > g.cfg.DedupeTTL/2 {
		g.reject(w, http.StatusForbidden, "stale")
		return
	}
	if r.Method == http.MethodGet {
		echo := q.Get("echostr")
		if echo == "" {
			g.reject(w, http.StatusBadRequest, "no_echostr")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, echo)
		return
	}

	bufs := getPushBufs()
	defer bufs.release() // after the answer is written
	body, err := readBody(bufs.body, r.Body, r.ContentLength, g.cfg.MaxBody)
	bufs.body = body
	if err != nil {
		g.reject(w, http.StatusBadRequest, "read")
		return
	}
	if int64(len(body)) > g.cfg.MaxBody {
		g.reject(w, http.StatusRequestEntityTooLarge, "too_large")
		return
	}
	encrypted := q.Get("encrypt_type") == "aes"
	if !encrypted && g.cfg.Mode != ModePlain {
		// The outer signature covers no body: one captured URL would let
		// anyone post as any openid while its timestamp is fresh.
		g.warnLimited(r.Context(), &g.refusedLogged, "plaintext push refused: the message mode requires encryption",
			"mode", g.cfg.Mode, "remote", r.RemoteAddr)
		g.reject(w, http.StatusForbidden, "plaintext")
		return
	}
	if encrypted && g.cfg.EncodingAESKey == "" {
		g.reject(w, http.StatusBadRequest, "no_key")
		return
	}
	var encrypt string
	if encrypted {
		var ok bool
		encrypt, ok = encryptOf(body)
		if !ok {
			g.reject(w, http.StatusBadRequest, "malformed")
			return
		}
		if !g.validSignature(q.Get("msg_signature"), ts, nonce, encrypt) {
			g.warnLimited(r.Context(), &g.refusedLogged, "push refused: msg_signature does not cover its Encrypt", "remote", r.RemoteAddr)
			g.reject(w, http.StatusForbidden, "msg_signature")
			return
		}
	}

	if encrypted {
		g.serveEncrypted(w, r, bufs, encrypt, sec, nonce, start)
		return
	}

	// Plain mode: the SDK's server reads the body.
	r.Body = io.NopCloser(bytes.NewReader(body))
	// The SDK writes "success" itself in plain mode; count what it wrote so
	// the answer is written exactly once.
	cw := &countingWriter{ResponseWriter: w}
	srv := g.client.oa.GetServer(r, cw)
	srv.SkipValidate(true) // checked above, in constant time
	var reply string
	srv.SetMessageHandler(func(mix *message.MixMessage) *message.Reply {
		if reply = g.handleMix(r.Context(), mix, start); reply == "" {
			return nil
		}
		return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(reply)}
	})
	if err := srv.Serve(); err != nil {
		g.log.WarnContext(r.Context(), "unreadable push", "err", err)
		g.reject(w, http.StatusBadRequest, "malformed")
		return
	}
	defer func() { g.metrics.ReplyLatency.Observe(time.Since(start).Seconds()) }()
	if reply == "" {
		if cw.n == 0 {
			io.WriteString(w, "success")
		}
		return
	}
	if err := srv.Send(); err != nil {
		g.log.ErrorContext(r.Context(), "send passive reply", "err", err)
	}
}

// handleMix runs the push the SDK read into mix and returns its passive
// reply ("" answers "success").
func (g *Gateway) handleMix(ctx context.Context, mix *message.MixMessage, start time.Time) string {
	// The SDK calls its handler with a nil message when its type
	// assertion fails; such a push never reaches a handler.
	if mix == nil {
		return ""
	}
	m := normalise(mix)
	if m.OpenID == "" || m.Type == "" {
		return ""
	}
	return g.process(ctx, m, start)
}

// process runs m once across WeChat's retries and returns the passive reply
// ("" answers "success").
func (g *Gateway) process(ctx context.Context, m *Message, start time.Time) string {
	key := m.DedupeKey()
	if ctx.Err() != nil {
		return "" // WeChat gave up on this delivery; a retry will come
	}
	// Shed load before asking any store: a handler slot is taken now (or
	// within QueueWait) and handed to the handler, or given back if this
	// delivery runs none.
	if !g.acquire(ctx) {
		if ctx.Err() != nil {
			return ""
		}
		g.metrics.Busy.WithLabelValues("overload").Inc()
		g.warnLimited(ctx, &g.shedLogged, "too many handlers running; answering busy (see supplybot_busy_answers_total)",
			"max_inflight", g.cfg.MaxInflight, "queue_wait", g.cfg.QueueWait)
		return g.cfg.BusyText
	}
	handed := false
	defer func() {
		if !handed {
			<-g.slots
		}
	}()
	// Dedupe first, on a budget of its own: a handler run without knowing
	// whether another delivery runs it could save a record twice, so when
	// dedupe cannot answer the user is asked to send again instead.
	ahead := g.readAhead(m)
	first, running, err := g.begin(ctx, key, m.CreateTime, ahead)
	if err != nil {
		g.log.ErrorContext(ctx, "dedupe unavailable; answering busy without handling", "openid", m.OpenID, "key", key, "err", err)
		g.metrics.Busy.WithLabelValues("dedupe").Inc()
		return g.cfg.BusyText
	}
	deadline, cancel := context.WithDeadline(ctx, start.Add(g.cfg.Deadline))
	defer cancel()
	if !first {
		g.metrics.DedupeHits.Inc()
		<-g.slots // a retry waits without holding a handler's slot
		handed = true
		reply, gone := g.flights.await(deadline, key)
		if !gone || !g.acquire(deadline) {
			return reply
		}
		// The mark was a failed delivery's, removed once Redis answered:
		// this retry is the one to run the handler.
		handed = false
		ahead = nil // read while another delivery ran: stale
		if first, running, err = g.begin(deadline, key, m.CreateTime, nil); err != nil || !first {
			return ""
		}
	}
	if ctx.Err() != nil {
		// WeChat dropped the request while dedupe answered: run nothing
		// for nobody, and let its retry run the handler.
		fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.DedupeTimeout)
		defer fcancel()
		if err := g.flights.forget(fctx, key); err != nil {
			g.log.WarnContext(ctx, "forget an abandoned push", "key", key, "err", err)
		}
		return ""
	}
	g.metrics.Messages.WithLabelValues(metricType(m)).Inc() // once per push, not per retry

	// The handler hands its reply to the waiting request unless the request
	// has abandoned it at the deadline; then the handler delivers it itself.
	var (
		mu        sync.Mutex
		abandoned bool
		done      = make(chan handled, 1)
	)
	g.wg.Add(1)
	handed = true
	go func() {
		defer g.wg.Done()
		hctx, endSlot := WithSlot(WithMessageKey(context.WithoutCancel(ctx), key), g.slots, &g.slotsAway)
		defer endSlot() // last: the slot is held until the reply is delivered
		hctx, hcancel := context.WithTimeout(hctx, g.cfg.HandlerTimeout)
		defer hcancel()
		defer context.AfterFunc(g.stop, hcancel)()
		hctx, tn := withTurn(hctx, ahead)
		stopKeeping := g.keepRunning(key, running)
		if g.Observe != nil {
			g.Observe(hctx, m)
		}
		text := g.run(hctx, m)
		later := tn.end()
		stopKeeping()
		mu.Lock()
		if !abandoned {
			done <- handled{text, later} // the request records it (finish)
			mu.Unlock()
			return
		}
		mu.Unlock()
		// What the handler produced is recorded even when shutdown
		// cancelled it meanwhile: the reply is owed to the user.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(hctx), recordTimeout)
		defer rcancel()
		if err := g.flights.finish(rctx, key, m.CreateTime, text, later); err != nil {
			g.log.ErrorContext(rctx, "record reply", "err", err)
		}
		if text == "" {
			return
		}
		if hctx.Err() == nil && g.flights.waiting(rctx, key) {
			// A retry is polling; let it answer passively, which reads
			// better than a customer-service message and costs no quota.
			time.Sleep(3 * pollInterval)
		}
		via, err := g.flights.claim(rctx, key, viaFollowup)
		if err != nil || via != viaFollowup {
			return // a retry answered it passively
		}
		if g.followUp == nil {
			g.log.WarnContext(rctx, "late reply dropped: no follow-up configured", "openid", m.OpenID)
			return
		}
		if err := g.followUp(rctx, m.OpenID, text, key); err != nil {
			g.log.ErrorContext(rctx, "queue late reply", "openid", m.OpenID, "err", err)
		}
	}()

	var res handled
	select {
	case res = <-done:
	case <-deadline.Done():
		mu.Lock()
		select {
		case res = <-done:
		default:
			abandoned = true
		}
		mu.Unlock()
	}
	if !abandoned {
		// Record the reply (in one round trip with the writes left for it).
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer rcancel()
		if err := g.flights.finish(rctx, key, m.CreateTime, res.text, res.later); err != nil {
			g.log.ErrorContext(rctx, "record reply", "err", err)
		}
		return res.text
	}
	g.metrics.DeadlineFallbacks.Inc()
	g.log.WarnContext(ctx, "reply deadline passed; answering success, reply follows as a customer-service message",
		"openid", m.OpenID, "key", key)
	return ""
}

// acquire takes a handler slot, waiting up to QueueWait; false when none
// came free or ctx ended.
func (g *Gateway) acquire(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.cfg.QueueWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// recordTimeout bounds recording a finished handler's reply and queueing
// its follow-up.
const recordTimeout = 5 * time.Second

func (g *Gateway) run(ctx context.Context, m *Message) string {
	reply, err := g.handle(ctx, m)
	if err != nil {
		g.log.ErrorContext(ctx, "handler error", "openid", m.OpenID, "err", err)
		return ""
	}
	return reply.Text
}

type countingWriter struct {
	http.ResponseWriter
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += n
	return n, err
}
