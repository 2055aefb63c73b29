package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"supplybot/bot"
)

// generator is one run against one target.
type generator struct {
	cfg    config
	url    string
	signer bot.PushSigner
	client *http.Client
	prefix string // of the run's openids, so runs never share users
	echo   bool
	out    io.Writer

	seq atomic.Int64 // MsgId
	mu  sync.Mutex
	res result
}

// result is what one run measured. Latencies are of every message
// scheduled after the warm-up, failed ones included; throughput counts the
// real replies (not "success", "slow down" or "busy") that arrived between the
// warm-up and the end of the run.
type result struct {
	sent, answered int
	errors         int // transport errors and statuses other than 200
	late           int // answered "success": the bot passed its reply deadline
	throttled      int // the bot's "slow down"
	busy           int // the bot's 系统繁忙: shed (handler slots full) or dedupe unavailable
	wrong          int // the echo server's reply differed from the text
	lat            []time.Duration
	steps          map[string][]time.Duration // lat by what the message was (step)
	window         time.Duration
	inWindow       int
	firstErr       string
}

func (r result) throughput() float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(r.inWindow) / r.window.Seconds()
}

// p is the q-quantile of the latencies (0 without any).
func (r result) p(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(q*float64(len(r.lat))+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

func (r result) String() string {
	s := fmt.Sprintf("%7.0f msgs/s  p50 %-8s p95 %-8s p99 %-8s max %-8s  sent %d, errors %d, late %d, busy %d, throttled %d",
		r.throughput(), round(r.p(0.50)), round(r.p(0.95)), round(r.p(0.99)), round(r.p(1)), r.sent, r.errors, r.late, r.busy, r.throttled)
	if r.wrong > 0 {
		s += fmt.Sprintf(", wrong %d", r.wrong)
	}
	if r.firstErr != "" {
		s += " (first error: " + r.firstErr + ")"
	}
	return s
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// run loads the target for cfg.duration (after which answers in flight are
// awaited, at most cfg.timeout) and returns the figures.
func (g *generator) run(ctx context.Context) result {
	c := g.cfg
	ctx, cancel := context.WithTimeout(ctx, c.duration+c.timeout+time.Second)
	defer cancel()
	start := time.Now()
	end := start.Add(c.duration)
	from := start.Add(min(c.warmup, c.duration/2))
	g.seq.Store(start.UnixNano() / 1000)
	users := newPool(g.prefix, c.users, c.mix, c.userGap, start)
	g.res = result{lat: make([]time.Duration, 0, 1<<16), window: end.Sub(from)}
	var sent atomic.Int64
	var wg sync.WaitGroup
	if c.rate == 0 {
		for range c.workers {
			wg.Add(1)
			go func() { // ends at the end of the run or after -max messages
				defer wg.Done()
				for time.Now().Before(end) && sent.Add(1) <= int64(c.max) {
					u := users.get(ctx, end)
					if u == nil {
						return
					}
					at := time.Now()
					g.send(ctx, u, at, from, end)
					users.put(u, at)
				}
			}()
		}
	} else {
		interval := time.Duration(float64(time.Second) / c.rate)
		inflight := make(chan struct{}, 10000)
		timer := time.NewTimer(0)
		defer timer.Stop()
	schedule:
		for i := 0; i < c.max; i++ {
			at := start.Add(time.Duration(i) * interval)
			if !at.Before(end) {
				break
			}
			if d := time.Until(at); d > 0 {
				timer.Reset(d)
				select {
				case <-ctx.Done():
					break schedule
				case <-timer.C:
				}
			}
			// Waiting here for a free user or slot delays the send, and
			// the latency, counted from at, shows it.
			u := users.get(ctx, end)
			if u == nil {
				break
			}
			select {
			case inflight <- struct{}{}:
			case <-ctx.Done():
				break schedule
			}
			sent.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				g.send(ctx, u, at, from, end)
				users.put(u, time.Now())
				<-inflight
			}()
		}
	}
	wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.res
	slices.Sort(r.lat)
	for _, l := range r.steps {
		slices.Sort(l)
	}
	return r
}

// stepNames are the steps of the mix, in the order breakdown prints them.
var stepNames = []string{"help", "search", "mine", "register", "post", "confirm", "other"}

// step names what text is in the mix: a message of its own kind, or a
// step of the posting dialog (confirm is the one that publishes).
func step(text string) string {
	switch {
	case text == "帮助":
		return "help"
	case strings.HasPrefix(text, "查供应"):
		return "search"
	case text == "我的发布":
		return "mine"
	case strings.HasPrefix(text, "注册"):
		return "register"
	case strings.HasPrefix(text, "供应"):
		return "post"
	case text == "确认":
		return "confirm"
	}
	return "other"
}

// breakdown is the latency quantiles of each step the run sent, one line
// each: which messages make the tail.
func (r result) breakdown() string {
	var b strings.Builder
	for _, name := range stepNames {
		l := r.steps[name]
		if len(l) == 0 {
			continue
		}
		q := result{lat: l}
		fmt.Fprintf(&b, "    %-9s %6d  p50 %-8s p95 %-8s p99 %-8s max %s\n",
			name, len(l), round(q.p(0.50)), round(q.p(0.95)), round(q.p(0.99)), round(q.p(1)))
	}
	return b.String()
}

// send posts u's next message, scheduled at at, and records the outcome.
func (g *generator) send(ctx context.Context, u *user, at, from, end time.Time) {
	text := u.next()
	id := g.seq.Add(1)
	req, err := g.signer.Request(g.url, bot.TextXML(u.openid, text, id))
	var status int
	var reply string
	if err == nil {
		var res *http.Response
		res, err = g.client.Do(req.WithContext(ctx))
		if err == nil {
			var body []byte
			body, err = io.ReadAll(res.Body)
			res.Body.Close()
			status = res.StatusCode
			if err == nil && status == http.StatusOK {
				reply, err = g.signer.ReplyText(body)
			}
		}
	}
	done := time.Now()
	u.answered(reply)
	if g.cfg.trace {
		fmt.Fprintf(g.out, "%s > %s\n%s < %d %q %v\n", u.openid, text, u.openid, status, reply, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	r := &g.res
	r.sent++
	// Every message counts in the latencies, a timeout or an error too
	// (as the time it took to fail), so a server that stalls cannot look
	// fast by answering only some.
	if !at.Before(from) {
		r.lat = append(r.lat, done.Sub(at))
		if r.steps == nil {
			r.steps = map[string][]time.Duration{}
		}
		st := step(text)
		r.steps[st] = append(r.steps[st], done.Sub(at))
	}
	r.tally(g.echo, text, status, reply, err, !done.Before(from) && !done.After(end))
}

// tally counts one answer to text: an error, a wrong echo, the bot's
// "success" (late), "slow down" or 系统繁忙, or a real reply (inWindow: it
// arrived within the measured window).
func (r *result) tally(echo bool, text string, status int, reply string, err error, inWindow bool) {
	switch {
	case err != nil || status != http.StatusOK:
		r.errors++
		if r.firstErr == "" {
			r.firstErr = fmt.Sprintf("status %d %v", status, err)
		}
	case echo && reply != text:
		r.wrong++
	case reply == "":
		r.late++
	case strings.Contains(reply, "太快"):
		r.throttled++
	case !echo && reply == bot.DefaultBusyText:
		r.busy++
	default:
		r.answered++
		if inWindow {
			r.inWindow++
		}
	}
}
