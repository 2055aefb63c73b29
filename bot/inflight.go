package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"supplybot/bot/jsonstr"
)

// inflight records in the KV what happened to each push, so that WeChat's
// retries (up to three, possibly reaching other instances) run the handler
// once and the reply reaches the user once.
//
// State per dedupe key:
//
//	dd:<key> = {"s":"running","m":"<nonce>"} → {"s":"done","r":"<reply>"}
//	           (running lives runningTTL, renewed while the handler runs;
//	           done, with the reply if there is one, lives replyTTL,
//	           which outlasts WeChat's retries)
//	dn:<minute> = set of doneID(key)  (written with done; the pushes
//	           done whose CreateTime falls in that minute, kept the dedupe
//	           window: a replay of a push done long ago is known here)
//	dl:<key> = "passive" | "followup"  (who delivers a late reply; first wins)
//
// A done record of an earlier version may keep its reply apart, as
// dr:<key> = "<reply>" for as long as the mark; state still reads it.
//
// The dedupe window's marks are members of one set a minute, not keys of
// their own: at 300 messages/s the window holds 180,000 of them, and a
// member costs the embedded Redis about a fifth of what a key with a TTL
// does (64 bytes against 317, docs/BENCHMARKS.md). begin asks the set in
// the round trip that sets the running mark, so a push costs no more
// round trips than before.
//
// The request whose handler finishes within the deadline answers passively
// and claims nothing. When the deadline passes first, the finished handler
// claims "followup" and the reply goes out as a customer-service message —
// unless a retry waiting on the same key claimed "passive" first and
// answers it.
type inflight struct {
	kv  KV
	ttl time.Duration
	// runningTTL is how long a running mark lives unless its handler
	// renews it (Gateway.keepRunning).
	runningTTL time.Duration
	// replyTTL is how long a reply is kept for a retry once written.
	replyTTL time.Duration

	// setMu guards the key of the latest minute's done set (doneSet) and
	// the minute whose set's expiry this process last sent, and when
	// (doneSetTTL).
	setMu     sync.Mutex
	setMinute int64
	setKey    string
	expMinute int64
	expSent   time.Time
}

type flightState struct {
	State string `json:"s"`
	Reply string `json:"r,omitempty"`
	Mark  string `json:"m,omitempty"` // which delivery wrote "running"
}

const (
	viaPassive  = "passive"
	viaFollowup = "followup"
)

// begin reports whether this delivery is the first of key. running is the
// value it tried to set: when begin fails, the write may still land later
// (a hung Redis runs what it was sent once it resumes), and dropRunning
// removes exactly that value. ahead are sent in the same round trip, after
// the mark (see readahead.go).
//
// at is the push's CreateTime: a push that was done more than replyTTL ago,
// whose done mark is gone, is found in the set of its minute (doneSet);
// begin then writes its done mark back and reports it is not the first.
func (f *inflight) begin(ctx context.Context, key string, at time.Time, ahead []*Op) (first bool, running string, err error) {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	// flightState{State: "running", Mark: <hex>} as json.Marshal writes
	// it, without its reflection on every message.
	b := `{"s":"running","m":"` + hex.EncodeToString(nonce[:]) + `"}`
	mark := &Op{Kind: OpSetNX, Key: "dd:" + key, Value: b, TTL: f.runningTTL}
	set, _ := f.doneSet(at)
	done := &Op{Kind: OpIsMember, Key: set, Value: doneID(key)}
	if err := f.kv.Batch(ctx, append([]*Op{mark, done}, ahead...)...); err != nil {
		return false, b, err
	}
	if mark.Err != nil || done.Err != nil {
		return false, b, cmp.Or(mark.Err, done.Err)
	}
	if mark.Found && done.Found {
		// A replay of a push done long ago: its mark is back to done,
		// in place of the running one set just now.
		if err := f.kv.Set(ctx, "dd:"+key, doneMark, f.doneTTL()); err != nil {
			return false, b, err
		}
		return false, b, nil
	}
	return mark.Found, b, nil
}

// doneSet returns the set holding the done marks of pushes created at at,
// and its minute. A CreateTime further than half the window (the age past
// which the gateway refuses a signed request) from now is not what WeChat
// sends; such a push goes by the minute it arrives in.
func (f *inflight) doneSet(at time.Time) (key string, minute int64) {
	now := time.Now()
	if d := now.Sub(at); d > f.ttl/2 || d < -f.ttl/2 {
		at = now
	}
	minute = at.Unix() / 60
	f.setMu.Lock()
	defer f.setMu.Unlock()
	if f.setMinute != minute || f.setKey == "" {
		f.setMinute, f.setKey = minute, "dn:"+strconv.FormatInt(minute, 10)
	}
	return f.setKey, minute
}

// doneSetTTL returns how long the set of minute is to live from now (the
// dedupe window after the minute's end), or 0 when this process set that
// expiry less than setExpiryRefresh ago: the end is fixed, so one PEXPIRE
// per set and process does (a command fewer per message); it is sent
// again now and then in case the set was lost and made again without it
// (a Redis flushed or failed over). A finish whose write failed forgets
// it was sent (expiryLost).
func (f *inflight) doneSetTTL(minute int64) time.Duration {
	now := time.Now()
	f.setMu.Lock()
	defer f.setMu.Unlock()
	if minute == f.expMinute && now.Sub(f.expSent) < setExpiryRefresh {
		return 0
	}
	f.expMinute, f.expSent = minute, now
	return time.Unix((minute+1)*60, 0).Add(f.ttl).Sub(now)
}

// expiryLost makes the next doneSetTTL of minute send the expiry again.
func (f *inflight) expiryLost(minute int64) {
	f.setMu.Lock()
	defer f.setMu.Unlock()
	if minute == f.expMinute {
		f.expSent = time.Time{}
	}
}

const setExpiryRefresh = 10 * time.Second

// doneID is key's member of a done set: 64 bits of FNV-1a, in hex. Two
// pushes of one minute share one with odds of about 1 in 10^11 at 300
// messages/s; key itself, the user's openid and the message id, would
// take three times the memory.
func doneID(key string) string {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= prime
	}
	var b [8]byte
	var out [16]byte
	binary.BigEndian.PutUint64(b[:], h)
	hex.Encode(out[:], b[:])
	return string(out[:])
}

// doneTTL is how long a done mark, with its reply, is kept as a key.
func (f *inflight) doneTTL() time.Duration { return min(f.replyTTL, f.ttl) }

// keepRunning renews key's running mark, running.
func (f *inflight) keepRunning(ctx context.Context, key, running string) error {
	return f.kv.Set(ctx, "dd:"+key, running, f.runningTTL)
}

// dropRunning removes key's mark if it is still running, the value a
// failed begin tried to set; it reports whether it removed it.
func (f *inflight) dropRunning(ctx context.Context, key, running string) (bool, error) {
	return f.kv.DelIfEqual(ctx, "dd:"+key, running)
}

// forget drops key's mark, for a delivery that ran no handler after all.
func (f *inflight) forget(ctx context.Context, key string) error {
	return f.kv.Del(ctx, "dd:"+key)
}

// finish records the handler's reply, after the writes it left for the
// reply (SetWithReply), in one round trip. A request whose handler finished
// within its deadline records it so and answers it passively, claiming no
// delivery: only a handler that overran its request follows up (claim,
// viaFollowup), so the only other answer can be a retry's passive one
// (await), which WeChat takes in place of it, not beside it. Sparing the
// claim spares a key per message for the dedupe window.
func (f *inflight) finish(ctx context.Context, key string, at time.Time, reply string, later []*Op) error {
	mark := doneMark
	if reply != "" {
		// flightState{State: "done", Reply: reply} as json.Marshal
		// writes it, without its reflection on every message.
		b := make([]byte, 0, len(`{"s":"done","r":""}`)+len(reply)+len(reply)/8)
		b = append(jsonstr.Append(append(b, `{"s":"done","r":`...), reply), '}')
		mark = unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again: no copy
	}
	set, minute := f.doneSet(at)
	add := &Op{Kind: OpAddMember, Key: set, Value: doneID(key), TTL: f.doneSetTTL(minute)}
	ops := append(later, add, &Op{Kind: OpSet, Key: "dd:" + key, Value: mark, TTL: f.doneTTL()})
	err := f.kv.Batch(ctx, ops...)
	if err == nil {
		err = firstErr(ops)
	}
	if add.TTL > 0 && (err != nil || add.Err != nil) {
		f.expiryLost(minute)
	}
	return err
}

func firstErr(ops []*Op) error {
	for _, op := range ops {
		if op.Err != nil {
			return op.Err
		}
	}
	return nil
}

// doneMark is the value of a done record without a reply.
const doneMark = `{"s":"done"}`

// state returns the recorded state of key ("" when unknown), with its
// reply when it is done ("" once the reply is no longer kept).
func (f *inflight) state(ctx context.Context, key string) (flightState, error) {
	v, ok, err := f.kv.Lookup(ctx, "dd:"+key)
	if err != nil || !ok {
		return flightState{}, err
	}
	var s flightState
	if err = json.Unmarshal([]byte(v), &s); err != nil || s.State != "done" || s.Reply != "" {
		return s, err
	}
	s.Reply, _, err = f.kv.Lookup(ctx, "dr:"+key)
	return s, err
}

// claim tries to become the deliverer of key's reply by way of via and
// returns who the deliverer is.
func (f *inflight) claim(ctx context.Context, key, via string) (string, error) {
	ok, err := f.kv.SetNX(ctx, "dl:"+key, via, f.ttl)
	if err != nil {
		return "", err
	}
	if ok {
		return via, nil
	}
	v, _, err := f.kv.Lookup(ctx, "dl:"+key)
	return v, err
}

const pollInterval = 50 * time.Millisecond

// waiting reports whether a retry of key is waiting for its reply.
func (f *inflight) waiting(ctx context.Context, key string) bool {
	_, ok, err := f.kv.Lookup(ctx, "wt:"+key)
	return err == nil && ok
}

// await polls key until its handler is done or ctx ends; it returns the
// reply to answer this retry with, or "" to answer "success". gone
// reports that the mark disappeared meanwhile: the delivery that wrote it
// ran no handler (see dropRunning), and this one may begin again.
func (f *inflight) await(ctx context.Context, key string) (reply string, gone bool) {
	// Tell a handler that overran its own request that a retry is waiting
	// and can answer passively (see waiting).
	if dl, ok := ctx.Deadline(); ok {
		_ = f.kv.Set(ctx, "wt:"+key, "1", time.Until(dl)+time.Second)
	}
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		s, err := f.state(ctx, key)
		if err == nil && s.State == "" {
			return "", true
		}
		if err == nil && s.State == "done" {
			if s.Reply == "" {
				return "", false
			}
			// Another attempt's passive answer did not reach WeChat (it
			// retried), so answering the same reply again is not a
			// duplicate; a follow-up already on its way is.
			if via, err := f.claim(ctx, key, viaPassive); err == nil && via == viaPassive {
				return s.Reply, false
			}
			return "", false
		}
		select {
		case <-ctx.Done():
			return "", false
		case <-t.C:
		}
	}
}

// handled is what a handler hands the request waiting for it: the reply,
// and the writes left to be sent with its record (SetWithReply).
type handled struct {
	text  string
	later []*Op
}

// begin runs the dedupe check on its own budget. When it fails, the mark
// it tried to set may still be written (a hung Redis runs what it was sent
// once it resumes) and would make every retry of the push wait for a
// handler that never runs; it is removed in the background once Redis
// answers again, so that a retry is handled.
func (g *Gateway) begin(ctx context.Context, key string, at time.Time, ahead []*Op) (first bool, running string, err error) {
	dctx, dcancel := context.WithTimeout(ctx, g.cfg.DedupeTimeout)
	first, running, err = g.flights.begin(dctx, key, at, ahead)
	dcancel()
	if err != nil {
		go g.dropRunning(key, running)
	}
	return first, running, err
}

// keepRunning renews key's running mark while its handler runs (see
// RunningTTL). The returned func stops the renewal and returns once it
// has stopped, so that no renewal lands after the reply is recorded. The
// renewal is a timer's, not a goroutine's: a message answered within the
// first RunningTTL/4 (nearly all) starts and wakes nothing for it.
func (g *Gateway) keepRunning(key, running string) (stop func()) {
	var (
		mu      sync.Mutex // held by a renewal, so stop waits for it
		stopped bool
		t       *time.Timer
	)
	every := g.cfg.RunningTTL / 4
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), g.cfg.DedupeTimeout)
		defer cancel()
		if err := g.flights.keepRunning(ctx, key, running); err != nil {
			g.log.WarnContext(ctx, "renew the running mark", "key", key, "err", err)
		}
		t.Reset(every)
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// dropRunning removes the mark a failed begin may have left, trying until
// WeChat has stopped retrying the push or the gateway is aborted.
func (g *Gateway) dropRunning(key, running string) {
	t := time.NewTicker(dropRunningEvery)
	defer t.Stop()
	for end := time.Now().Add(dropRunningFor); time.Now().Before(end); {
		ctx, cancel := context.WithTimeout(g.stop, g.cfg.DedupeTimeout)
		dropped, _ := g.flights.dropRunning(ctx, key, running)
		cancel()
		if dropped {
			return
		}
		select {
		case <-g.stop.Done():
			return
		case <-t.C:
		}
	}
}

// A failed begin's mark is looked for every dropRunningEvery for
// dropRunningFor: WeChat retries a push for about 15 s.
const (
	dropRunningEvery = 200 * time.Millisecond
	dropRunningFor   = 30 * time.Second
)
