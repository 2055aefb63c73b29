package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"supplybot/bot"
	"supplybot/bot/sim"
	"supplybot/handlers"
	"supplybot/handlers/console"
	"supplybot/handlers/notify"
	"supplybot/handlers/parse"
	"supplybot/handlers/taskforce"
	"supplybot/store"
)

// Main is the running process: stores, WeChat client, gateway, push
// workers and the HTTP server. Tests build one with ports ":0" and a
// temporary data_dir.
type Main struct {
	Config Config
	Log    *slog.Logger

	EmbeddedMongo *store.EmbeddedMongo
	EmbeddedRedis *store.EmbeddedRedis
	Mongo         *store.Mongo
	Redis         *store.Redis
	Sim           *sim.Server // nil unless wechat.api is the simulator
	Metrics       *bot.Metrics
	Client        *bot.Client
	Gateway       *bot.Gateway
	Pusher        *bot.Pusher
	Router        *bot.Router
	Outbox        *store.Outbox
	Alerts        AlertsPart         // matching, alerts, subscriptions, contacts (alerts.go)
	Broadcast     BroadcastPart      // the task force's broadcasts (broadcast.go)
	Console       *console.Console   // the task-force console (console.go)
	TaskForce     *taskforce.Service // the task force's work (taskforce.go), after Run

	// ConsoleTaskForce and ConsoleBroadcasts, when set before Run, are
	// the services behind the console; nil serves console.Unwired.
	ConsoleTaskForce  console.TaskForce
	ConsoleBroadcasts console.Broadcasts

	// SharedSim, when set before Run, is used instead of a new simulator
	// (several Mains in one process talking to one simulated WeChat).
	SharedSim *sim.Server
	// App is the conversation, after Run.
	App *handlers.App
	// Extend, when set before Run, may add commands to the conversation
	// before its routes are set (tests; a confirmed command is one
	// App.AddConfirmed call).
	Extend func(app *handlers.App)
	// menuTransport, when set, carries MenuSync's calls (tests).
	menuTransport http.RoundTripper

	notifier *notify.Notifier // the push API, for follow-ups and notices

	sim           simWiring // the simulator page's streams and buttons (sim_wiring.go)
	allowSimReset bool      // tests: 重置 may clear a test's stores

	ln         net.Listener
	http       *http.Server
	stopPusher context.CancelFunc
	pusherDone chan struct{}
	closeOnce  sync.Once
}

// NewMain returns an unstarted process.
func NewMain(cfg Config, log *slog.Logger) *Main {
	if log == nil {
		log = slog.Default()
	}
	return &Main{Config: cfg, Log: log}
}

// Addr is the address the HTTP server listens on (after Run).
func (m *Main) Addr() string { return m.ln.Addr().String() }

// URL is the base URL of the HTTP server (after Run).
func (m *Main) URL() string { return "http://" + m.Addr() }

// Run starts every part and returns once the server listens. Errors name
// the configuration key at fault.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	m.Log.Info("starting supplybot", "config", cfg)
	if err := m.openStores(ctx, true); err != nil {
		return err
	}

	// Listen before the parts start, so they know the server's URL (the
	// record pages alerts link to); requests are served once all is wired.
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("server.addr: cannot listen on %s: %w", cfg.Server.Addr, err)
	}
	m.ln = ln

	m.Metrics = bot.NewMetrics()
	var transport http.RoundTripper
	if cfg.WeChat.API == apiSimulator {
		m.Sim = m.SharedSim
		if m.Sim == nil {
			m.Sim = sim.New(sim.Options{AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret,
				StateFile: filepath.Join(cfg.DataDir, "sim-followers.json")})
		}
		transport = m.Sim.RoundTripper()
	}
	m.Client = bot.NewClient(bot.ClientConfig{
		AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret, Token: cfg.WeChat.Token, EncodingAESKey: cfg.WeChat.EncodingAESKey,
		Transport: transport, Redis: m.Redis.Client(), KV: m.Redis, Metrics: m.Metrics, Log: m.Log,
	})

	if m.Sim != nil && len(cfg.Menu) > 0 {
		// The simulator starts with the menu a real account gets from
		// "menu sync".
		if err := m.Client.CreateMenu(ctx, cfg.Menu); err != nil {
			return fmt.Errorf("menu: %w", err)
		}
	}

	m.Outbox = m.Mongo.Outbox()
	m.Metrics.Registry.MustRegister(newOutboxGauge(m.Outbox))
	// The notifier wakes the push workers, which tell the task force
	// through it of pushes a person must act on.
	m.notifier = notify.New(m.Outbox, func() { m.Pusher.Kick() })
	notices := &notify.GiveUpNotices{Notifier: m.notifier, Admins: cfg.Admin.OpenIDs, Log: m.Log}
	onGiveUp := func(ctx context.Context, p bot.Push, code int) {
		notices.PushGivenUp(ctx, p, code)
		if m.Alerts.Service != nil { // set in Run before the workers start
			m.Alerts.Service.Contacts().PushHeld(ctx, p, code)
		}
	}
	// The message path's KV answers from what the gateway read ahead with
	// the dedupe mark (bot/readahead.go; the ReadAhead calls below).
	kv := bot.ReadAheadKV(m.Redis)
	m.Pusher = bot.NewPusher(bot.PusherConfig{Workers: cfg.Push.Workers, OnGiveUp: onGiveUp}, outboxAdapter{m.Outbox}, m.Client, kv, m.Metrics, m.Log)

	parser, err := parse.NewFromDir(cfg.Parse.DataDir)
	if err != nil {
		return fmt.Errorf("parse.data_dir: %w", err)
	}
	m.Router = bot.NewRouter(m.Log)
	sessions := bot.NewSessions(kv, cfg.Session.TTL)
	app := handlers.New(handlers.Deps{
		Sessions: sessions, KV: kv,
		Enterprises: m.Mongo.Enterprises(), Demands: m.Mongo.Demands(), Offers: m.Mongo.Offers(),
		Parser: parser, Events: conversationEvents{m}, Index: postEvents{m}, Joins: conversationEvents{m}, Forget: m.Mongo, Log: m.Log, DailyPostCap: cfg.Posts.DailyCap,
	})
	m.App = app
	if err := m.startAlerts(ctx, parser); err != nil {
		return err
	}
	if err := m.startTaskForce(ctx); err != nil {
		return err
	}
	if m.Extend != nil {
		m.Extend(app)
	}
	broadcasts := m.startBroadcast(parser)
	m.Console = m.newConsole()
	app.Route(m.Router, m.Alerts.Service, m.TaskForce, m.Console, broadcasts)

	m.Gateway = bot.NewGateway(bot.GatewayConfig{
		Token: cfg.WeChat.Token, AppID: cfg.WeChat.AppID, EncodingAESKey: cfg.WeChat.EncodingAESKey, Mode: cfg.messageMode(),
		MaxBody: cfg.Server.MaxBody, Deadline: cfg.Server.ReplyDeadline, MaxInflight: cfg.Server.MaxInflight,
	}, m.Client, m.Redis, m.Router.Handle, m.followUp, m.Metrics, m.Log)
	m.Gateway.Observe = m.observe
	m.Gateway.ReadAhead(m.Pusher.ReadAhead)
	m.Gateway.ReadAhead(sessions.ReadAhead)
	m.Gateway.ReadAhead(app.ReadAhead)

	m.http = &http.Server{Handler: m.routes(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second}
	go func() {
		if err := m.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server", "err", err)
		}
	}()

	pctx, cancel := context.WithCancel(context.Background())
	m.stopPusher = cancel
	m.pusherDone = make(chan struct{})
	go func() {
		defer close(m.pusherDone)
		m.Pusher.Run(pctx)
	}()

	m.Log.Info("supplybot is ready",
		"wechat_url", m.URL()+"/wechat", "health", m.URL()+"/healthz", "metrics", m.URL()+"/metrics")
	if m.Sim != nil {
		m.Log.Info("simulated WeChat: chat with the bot in a browser", "url", m.URL()+"/sim/")
	}
	return nil
}

// openStores connects to (or starts) MongoDB and Redis. warmUp reads
// ahead, in the background, what a process serving the embedded store
// keeps in memory (store.Mongo.WarmUp): for the server, whose users should
// not wait for it; a command that only writes (seed) would scan for
// nothing.
func (m *Main) openStores(ctx context.Context, warmUp bool) error {
	cfg := m.Config
	uri := cfg.Mongo.URI
	if uri == embedded {
		dir := filepath.Join(cfg.DataDir, "mongo")
		e, err := store.StartEmbeddedMongo(dir, cfg.Mongo.EmbeddedListen, m.Log)
		if err != nil {
			return fmt.Errorf("mongo.embedded_listen: %w", err)
		}
		m.EmbeddedMongo = e
		uri = e.URI()
		m.Log.Info("embedded MongoDB (FerretDB on SQLite) is running",
			"files", dir, "connect", "mongosh "+uri+cfg.Mongo.Database)
	}
	octx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	mg, err := store.OpenMongo(octx, uri, cfg.Mongo.Database)
	if err != nil {
		return fmt.Errorf("mongo.uri: cannot reach MongoDB: %w", err)
	}
	mg.SetLogger(m.Log)
	if m.EmbeddedMongo != nil {
		// The store this process started is served by it alone: keep
		// in memory what FerretDB would read by a scan (store.ServeAlone).
		// Several instances share a MongoDB (or a FerretDB they reach by
		// mongo.uri) and read the store.
		mg.ServeAlone()
		if warmUp {
			go func() {
				start := time.Now()
				if err := mg.WarmUp(ctx); err != nil {
					if ctx.Err() == nil {
						m.Log.Warn("embedded MongoDB: reading ahead what the process keeps in memory; it is read at first use instead", "err", err)
					}
					return
				}
				m.Log.Info("embedded MongoDB: read ahead what the process keeps in memory", "took", time.Since(start).Round(time.Millisecond))
			}()
		}
		// FerretDB's lookups by _id scan without it (store/embedded_ids.go).
		if err := m.EmbeddedMongo.KeepIDsIndexed(ctx, cfg.Mongo.Database, m.Log); err != nil {
			_ = mg.Close(context.Background())
			return fmt.Errorf("embedded MongoDB: %w", err)
		}
	}
	m.Mongo = mg

	addr := cfg.Redis.Addr
	if addr == embedded {
		e, err := store.StartEmbeddedRedis(cfg.Redis.EmbeddedListen, filepath.Join(cfg.DataDir, "redis.json"))
		if err != nil {
			return fmt.Errorf("redis.embedded_listen: %w", err)
		}
		m.EmbeddedRedis = e
		addr = e.Addr()
		host, port, _ := net.SplitHostPort(addr)
		m.Log.Info("embedded Redis (miniredis) is running", "addr", addr, "connect", "redis-cli -h "+host+" -p "+port)
	}
	rctx, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	ropts := store.RedisOptions{Addr: addr, Password: cfg.Redis.Password, DB: cfg.Redis.DB, TLS: cfg.Redis.TLS, Prefix: cfg.Redis.Prefix}
	if m.EmbeddedRedis != nil {
		ropts.Dialer = m.EmbeddedRedis.Dial // in-process, no socket
	}
	r, err := store.OpenRedis(rctx, ropts)
	if err != nil {
		return fmt.Errorf("redis.addr: cannot reach Redis: %w", err)
	}
	m.Redis = r
	return nil
}

func (m *Main) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/wechat", m.Gateway)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", m.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Metrics.Registry, promhttp.HandlerOpts{}))
	mux.Handle("GET /r/{no}", m.App.RecordPage())
	m.mountConsole(mux)
	if m.Sim != nil {
		local := func(h http.Handler) http.Handler { return loopbackOnly(h, m.Config.Sim.AllowRemote) }
		mux.Handle("/sim/api/pushes", local(m.Sim.PushesHandler()))
		mux.Handle("/sim/api/followers", local(m.Sim.SeedHandler()))
		mux.Handle("/sim/", local(m.Sim.FrontHandler(*m.simFront())))
		mux.Handle("GET /favicon.ico", local(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })))
		mux.Handle("GET /{$}", local(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/sim/", http.StatusFound) })))
	}
	return securityHeaders(mux)
}

// contentSecurityPolicy lets pages load nothing but their own files and
// inline styles: no inline script, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the browser protections on every response; a
// handler may set a stricter policy of its own (the simulator page names
// its script by hash).
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// loopbackOnly serves h to clients on this machine only, unless allowed:
// the simulator acts as any user and shows what each was sent.
func loopbackOnly(h http.Handler, allowRemote bool) http.Handler {
	if allowRemote {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ready answers 200 when MongoDB and Redis each answer within a second.
// What failed is named; why is logged, not published.
func (m *Main) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var failed []string
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := m.Mongo.Ping(ctx); err != nil {
		m.Log.WarnContext(r.Context(), "readiness: MongoDB does not answer", "err", err)
		failed = append(failed, "mongo: unavailable")
	}
	ctx2, cancel2 := context.WithTimeout(r.Context(), time.Second)
	defer cancel2()
	if err := m.Redis.Ping(ctx2); err != nil {
		m.Log.WarnContext(r.Context(), "readiness: Redis does not answer", "err", err)
		failed = append(failed, "redis: unavailable")
	}
	if len(failed) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, f := range failed {
			fmt.Fprintln(w, f)
		}
		return
	}
	fmt.Fprintln(w, "ready")
}

// followUp queues a reply that missed the deadline as a customer-service message.
func (m *Main) followUp(ctx context.Context, openid, text, key string) error {
	return m.notifier.Text(ctx, notify.ReplyFollowUpKey(key), openid, text)
}

// observe runs for every valid push: the simulator learns its followers, and
// pushes held because the user's 48-hour window had closed are released.
func (m *Main) observe(ctx context.Context, msg *bot.Message) {
	if m.Sim != nil {
		switch {
		case msg.IsEvent(bot.EventUnsubscribe):
			m.Sim.Unfollow(msg.OpenID)
		default:
			// Whoever writes to the account follows it, and each message
			// opens the 48-hour customer-service window again.
			m.Sim.Follow(msg.OpenID)
			m.Sim.Touch(msg.OpenID)
		}
	}
	if msg.IsEvent(bot.EventUnsubscribe) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		m.Pusher.SetFollowing(ctx, msg.OpenID, false, "unsubscribed at "+time.Now().UTC().Format(time.RFC3339))
		return
	}
	// Whether pushes are held was read ahead with the message's first
	// round trip: an ordinary message costs no store write and no timer
	// of its own here (the handler's deadline bounds the rest).
	if !m.Pusher.Returned(ctx, msg.OpenID) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	n, err := m.Outbox.ReleaseHeld(ctx, msg.OpenID, time.Now().UTC())
	if err != nil {
		m.Log.Warn("release held pushes", "openid", msg.OpenID, "err", err)
	}
	if n > 0 {
		m.Pusher.Kick()
	}
}

// simSend posts a signed push to the gateway in-process, for the simulator page.
func (m *Main) simSend(ctx context.Context, openid, msgType, content string) (string, error) {
	// The page signs as WeChat would in the configured mode, so its
	// messages pass the same checks as the real ones.
	signer := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID, EncodingAESKey: m.Config.WeChat.EncodingAESKey,
		Mode: m.Config.messageMode()}
	body := simPushXML(openid, msgType, content, time.Now())
	req, err := signer.Request("/wechat", body)
	if err != nil {
		return "", err
	}
	rec := newRecorder()
	m.Gateway.ServeHTTP(rec, req.WithContext(ctx))
	if rec.status != http.StatusOK {
		return "", fmt.Errorf("gateway answered %d", rec.status)
	}
	return signer.ReplyText(rec.body.Bytes())
}

// MenuSync pushes the custom menu of config.yaml to WeChat. It needs only
// Redis (the shared access token) and the API, so it runs beside a serving
// instance. The simulator needs no sync: a server on it shows the menu of
// its config.yaml from the start.
func (m *Main) MenuSync(ctx context.Context) error {
	cfg := m.Config
	if len(cfg.Menu) == 0 {
		return fmt.Errorf("menu: config.yaml defines no menu")
	}
	if cfg.WeChat.API == apiSimulator {
		m.Log.Info("wechat.api is the simulator: the server shows the menu of config.yaml when it starts; nothing to push")
		return nil
	}
	addr := cfg.Redis.Addr
	if addr == embedded {
		return fmt.Errorf("redis.addr: menu sync shares the access token through Redis; set the address of the Redis the servers use")
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	r, err := store.OpenRedis(rctx, store.RedisOptions{Addr: addr, Password: cfg.Redis.Password, DB: cfg.Redis.DB, TLS: cfg.Redis.TLS, Prefix: cfg.Redis.Prefix})
	cancel()
	if err != nil {
		return fmt.Errorf("redis.addr: cannot reach Redis: %w", err)
	}
	defer r.Close()
	client := bot.NewClient(bot.ClientConfig{
		AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret, Token: cfg.WeChat.Token, EncodingAESKey: cfg.WeChat.EncodingAESKey,
		Transport: m.menuTransport, Redis: r.Client(), KV: r, Log: m.Log,
	})
	if err := client.CreateMenu(ctx, cfg.Menu); err != nil {
		return fmt.Errorf("menu sync: %w", err)
	}
	m.Log.Info("menu pushed to WeChat", "buttons", len(cfg.Menu))
	return nil
}

// closeReserve is the part of Close's budget kept for what follows the
// handlers: the alerts, the push workers and the stores.
const closeReserve = 2 * time.Second

// Close stops accepting, finishes requests, late replies and pushes in
// flight, then closes the stores, all within ctx.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	m.closeOnce.Do(func() {
		m.stopSimStreams() // open event streams would hold the shutdown
		// The push workers take no new item from now on; the sends in
		// flight finish (each bounded by the client's timeout) while the
		// requests drain. Replies and alerts queued after this wait in the
		// outbox for the next start.
		if m.stopPusher != nil {
			m.stopPusher()
		}
		if m.http != nil {
			// A push in the gateway ends within its deadline; a request
			// still open when the reserve is reached is one not yet read
			// (a slow client), which nothing was promised to: close it.
			sctx, cancel := ctx, context.CancelFunc(func() {})
			if d, ok := ctx.Deadline(); ok {
				sctx, cancel = context.WithDeadline(ctx, d.Add(-closeReserve))
			}
			if err := m.http.Shutdown(sctx); err != nil {
				m.Log.Warn("requests still open at shutdown; closing their connections", "err", err)
				m.http.Close()
			}
			cancel()
		} else if m.ln != nil {
			m.ln.Close() // Run failed after listening
		}
		if m.Gateway != nil {
			// Handlers that overran their request get until shortly before
			// the budget ends; then their contexts are cancelled.
			wctx, cancel := ctx, context.CancelFunc(func() {})
			if d, ok := ctx.Deadline(); ok {
				wctx, cancel = context.WithDeadline(ctx, d.Add(-closeReserve))
			}
			err := m.Gateway.Wait(wctx)
			cancel()
			if err != nil {
				m.Log.Warn("handlers still running at shutdown; cancelling them")
				m.Gateway.Abort()
				if err := m.Gateway.Wait(ctx); err != nil {
					errs = append(errs, fmt.Errorf("late replies: %w", err))
				}
			}
		}
		if m.Sim != nil && m.SharedSim == nil {
			_ = m.Sim.SaveState() // logged by the simulator
		}
		// Matching may still queue alerts: stop it before the stores close.
		if err := m.stopAlerts(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := m.stopBroadcast(ctx); err != nil {
			errs = append(errs, err)
		}
		if m.pusherDone != nil {
			select {
			case <-m.pusherDone:
			case <-ctx.Done():
				errs = append(errs, fmt.Errorf("push workers: %w", ctx.Err()))
			}
		}
		if m.Redis != nil {
			m.Redis.Close()
		}
		if m.Mongo != nil {
			if err := m.Mongo.Close(ctx); err != nil {
				errs = append(errs, fmt.Errorf("mongo: %w", err))
			}
		}
		if m.EmbeddedRedis != nil {
			if err := m.EmbeddedRedis.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		if m.EmbeddedMongo != nil {
			m.EmbeddedMongo.Close()
		}
	})
	return errors.Join(errs...)
}
