// Command loadgen sends signed safe-mode WeChat pushes to supplybot from
// many simulated users and reports latency percentiles and throughput,
// alternating its runs with a bare silenceper/wechat echo server, started
// in a process of its own as the bot runs in its own (-echo-process), and
// loaded identically, so that the figures of one machine under varying
// load come out as ratios.
//
//	go run ./cmd/loadgen -mix help -workers 16 -duration 10s -runs 3
//	go run ./cmd/loadgen -mix help=2,search=1,post=1,mine=1 -rate 300 -duration 20s
//
// Closed loop (the default): -workers users each send their next message
// when the last answer arrived; the figure is throughput. Open loop
// (-rate R): messages leave on a fixed schedule whatever the answers, and
// latency runs from the scheduled time, so a stalled server is charged for
// every message it held back (no coordinated omission).
//
// No simulated user sends faster than one message per -user-gap (1s), well
// under the bot's rate limit of 8 per 5 s even when the embedded Redis
// expires its counters a little late; -user-gap 0 lets users trip it.
// Everything is bounded: -max messages and -duration per run, -runs runs
// per target, -timeout per request. The echo server listens on 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"supplybot/bot"
)

type config struct {
	target   string
	echo     bool
	echoProc bool
	token    string
	appID    string
	aesKey   string
	mix      mix
	workers  int
	rate     float64
	duration time.Duration
	warmup   time.Duration
	runs     int
	max      int
	users    int
	userGap  time.Duration
	timeout  time.Duration
	trace    bool
	label    string
}

// idleConnTimeout is how long loadgen keeps an idle connection for reuse.
const idleConnTimeout = 5 * time.Second

func main() {
	if os.Getenv(echoChildEnv) != "" {
		os.Exit(serveEchoChild())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.target, "target", "http://127.0.0.1:8080/wechat", "the bot's push URL (empty: the echo server only)")
	fs.BoolVar(&c.echo, "echo", true, "start the echo server and alternate runs with it")
	fs.BoolVar(&c.echoProc, "echo-process", true, "run the echo server in a process of its own, as the bot (false: in this process, which favours it about 1.2×)")
	fs.StringVar(&c.token, "token", "supplybot-local", "wechat.token of the bot")
	fs.StringVar(&c.appID, "appid", "wx0000000000simulator", "wechat.app_id of the bot")
	fs.StringVar(&c.aesKey, "aeskey", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wechat.encoding_aes_key of the bot")
	mixFlag := fs.String("mix", "help", "messages: help, search, post, mine, or weights such as help=2,search=1,post=1,mine=1")
	fs.IntVar(&c.workers, "workers", 16, "closed loop: concurrent users")
	fs.Float64Var(&c.rate, "rate", 0, "open loop: messages per second (0: closed loop)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "length of each run")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "first part of each run left out of the figures")
	fs.IntVar(&c.runs, "runs", 3, "runs per target, alternating")
	fs.IntVar(&c.max, "max", 1_000_000, "at most this many messages per run")
	fs.IntVar(&c.users, "users", 20000, "simulated users (openids lg-<run>-<n>)")
	fs.DurationVar(&c.userGap, "user-gap", time.Second, "least time between two messages of one user (0: no limit)")
	fs.DurationVar(&c.timeout, "timeout", 6*time.Second, "per-request timeout (WeChat gives up after 5 s)")
	fs.BoolVar(&c.trace, "trace", false, "print every message and reply (use with -workers 1 -max 10)")
	fs.StringVar(&c.label, "label", "", "a note printed with the summary (backend, seeded records)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := parseMix(*mixFlag)
	if err != nil {
		return err
	}
	c.mix = m
	if c.runs < 1 || c.runs > 100 || c.duration <= 0 || c.duration > time.Hour || c.max < 1 {
		return errors.New("need 1 ≤ -runs ≤ 100, 0 < -duration ≤ 1h, -max ≥ 1")
	}
	if c.rate == 0 && (c.workers < 1 || c.workers > 10000) {
		return errors.New("need 1 ≤ -workers ≤ 10000")
	}
	if c.rate < 0 || c.rate > 100000 {
		return errors.New("need 0 ≤ -rate ≤ 100000")
	}
	signer := bot.PushSigner{Token: c.token, AppID: c.appID, EncodingAESKey: c.aesKey, Mode: bot.ModeSafe}

	type target struct{ name, url string }
	var targets []target
	if c.target != "" {
		targets = append(targets, target{"supplybot", c.target})
	}
	if c.echo {
		start := func() (string, func(), error) { return startEcho(c.token, c.appID, c.aesKey) }
		if c.echoProc {
			start = func() (string, func(), error) { return startEchoProcess(ctx, c.token, c.appID, c.aesKey) }
		}
		url, closeEcho, err := start()
		if err != nil {
			return err
		}
		defer closeEcho()
		targets = append(targets, target{"echo", url})
	}
	if len(targets) == 0 {
		return errors.New("nothing to load: give -target or -echo")
	}

	client := &http.Client{
		Timeout: c.timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        4096,
			MaxIdleConnsPerHost: 4096,
			// Below the bot's 10 s (its server's ReadTimeout, which
			// bounds a kept-alive connection's wait for the next
			// request): a connection the bot is closing must not be
			// reused, or the request sent on it is reset and counted
			// as an error of the bot's.
			IdleConnTimeout: idleConnTimeout,
		},
	}
	mode := fmt.Sprintf("closed loop, %d workers", c.workers)
	if c.rate > 0 {
		mode = fmt.Sprintf("open loop, %.0f msgs/s", c.rate)
	}
	fmt.Fprintf(stdout, "loadgen: mix %s; %s; %s per run (%s warm-up), %d run(s) per target; %s\n",
		c.mix, mode, c.duration, c.warmup, c.runs, c.label)
	results := map[string][]result{}
	for i := 0; i < c.runs; i++ {
		for _, t := range targets {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			g := &generator{cfg: c, url: t.url, signer: signer, client: client,
				prefix: fmt.Sprintf("lg%d%s%d", time.Now().Unix()%100000, t.name[:1], i), echo: t.name == "echo", out: stdout}
			r := g.run(ctx)
			results[t.name] = append(results[t.name], r)
			fmt.Fprintf(stdout, "run %d %-9s %s\n", i+1, t.name, r)
			if len(r.steps) > 1 {
				fmt.Fprint(stdout, r.breakdown())
			}
		}
	}
	summarize(stdout, c, results)
	return nil
}

// summarize prints the median run of each target and, with both, the ratios.
func summarize(w io.Writer, c config, results map[string][]result) {
	med := map[string]result{}
	for name, rs := range results {
		s := slices.Clone(rs)
		slices.SortFunc(s, func(a, b result) int {
			switch {
			case a.throughput() < b.throughput():
				return -1
			case a.throughput() > b.throughput():
				return 1
			}
			return 0
		})
		med[name] = s[len(s)/2]
	}
	for _, name := range []string{"supplybot", "echo"} {
		if r, ok := med[name]; ok {
			fmt.Fprintf(w, "median    %-9s %s\n", name, r)
		}
	}
	b, okB := med["supplybot"]
	e, okE := med["echo"]
	if !okB || !okE || e.throughput() == 0 {
		return
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("throughput %.3g×", b.throughput()/e.throughput()))
	if b.p(0.50) > 0 {
		parts = append(parts, fmt.Sprintf("p50 %.1f×", float64(b.p(0.50))/float64(max(e.p(0.50), time.Microsecond))))
		parts = append(parts, fmt.Sprintf("p99 %.1f×", float64(b.p(0.99))/float64(max(e.p(0.99), time.Microsecond))))
	}
	// Each run of the bot against the echo run right after it: the load
	// of the machine changes less within a pair than across the session.
	var pairs []float64
	for i, r := range results["supplybot"] {
		if i < len(results["echo"]) && results["echo"][i].throughput() > 0 {
			pairs = append(pairs, r.throughput()/results["echo"][i].throughput())
		}
	}
	slices.Sort(pairs)
	fmt.Fprintf(w, "ratio     supplybot/echo: %s (medians); throughput per pair of runs %.3g, median %.3g×\n",
		strings.Join(parts, ", "), pairs, pairs[len(pairs)/2])
}
