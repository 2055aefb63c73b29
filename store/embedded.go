package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
	"google.golang.org/grpc/test/bufconn"

	"supplybot/bot/jsonstr"
)

// EmbeddedMongo is FerretDB running in-process on SQLite files, reached over
// the MongoDB wire protocol by the ordinary mongo-driver.
type EmbeddedMongo struct {
	uri    string
	dir    string // absolute; one SQLite file per database
	cancel context.CancelFunc
	done   chan struct{}
}

// StartEmbeddedMongo starts FerretDB with its SQLite files under dir,
// listening on listen (host:port, port 0 picks a free one). The server runs
// until Close.
func StartEmbeddedMongo(dir, listen string, log *slog.Logger) (*EmbeddedMongo, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	// FerretDB logs every connection at info and unknown commands such as
	// the driver's endSessions as warnings; keep only its errors.
	//
	// synchronous(normal): in WAL mode a commit then writes the log without
	// waiting for the disk (fsync), which halved the time of a record's
	// save (BenchmarkCreateAfter2000, docs/BENCHMARKS.md). A crash of the
	// process loses nothing; a power loss or an OS crash may undo the last
	// commits, never corrupt the files (sqlite.org/pragma.html#pragma_synchronous).
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
		Logger:    slog.New(levelHandler{min: slog.LevelError, Handler: log.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")})}),
	})
	if err != nil {
		return nil, fmt.Errorf("start embedded FerretDB on %s: %w", listen, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	return &EmbeddedMongo{uri: f.MongoDBURI(), dir: abs, cancel: cancel, done: done}, nil
}

// URI is the mongodb:// address clients connect to.
func (e *EmbeddedMongo) URI() string { return e.uri }

// Close stops the server and waits until its files are closed.
func (e *EmbeddedMongo) Close() {
	e.cancel()
	<-e.done
}

// levelHandler drops records below min.
type levelHandler struct {
	min slog.Level
	slog.Handler
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelHandler{min: h.min, Handler: h.Handler.WithAttrs(attrs)}
}

func (h levelHandler) WithGroup(name string) slog.Handler {
	return levelHandler{min: h.min, Handler: h.Handler.WithGroup(name)}
}

// EmbeddedRedis is miniredis running in-process. miniredis does not expire
// keys by itself, so a loop advances its clock in real time. String keys
// are written to a snapshot file on Close and loaded on start, so sessions
// survive a restart of the local default.
//
// The expiry pass also drops the version counters miniredis keeps of keys
// that are gone (embedded_versions.go).
//
// Both chores cost time in proportion to the number of keys. miniredis's
// own FastForward and Keys sort every key under its one lock (FastForward
// took 54 ms at 100,000 keys on a 2-core machine, 290 ms at 400,000), so
// the expiry pass and the save's listing use its maps directly instead,
// unsorted (embedded_expiry.go): a walk of the TTLs and a copy of the
// string keys. Each chore also waits at least dutyFactor times as long as
// it last took, so it uses at most about 2.5% of the time at any key count,
// and keys expire up to that much late (the walk: about 0.2 s at 100,000
// keys, 2–3 s at 400,000; see docs/BENCHMARKS.md).
type EmbeddedRedis struct {
	m        *miniredis.Miniredis
	pipe     *bufconn.Listener // Dial's in-process connections
	snapshot string
	versions *keyVersions // nil if miniredis changed (embedded_versions.go)
	maps     *dbMaps      // nil if miniredis changed (embedded_expiry.go)
	writes   atomic.Int64 // commands received that may write (watchCommands)
	calls    atomic.Int64 // commands received (watchCommands)
	passes   atomic.Int64 // expiry passes run
	// tracked is set once a client sent WATCH or OBJECT, which read the
	// version counters and idle times the expiry pass otherwise empties
	// (dbMaps.dropTracking).
	tracked atomic.Bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

// StartEmbeddedRedis starts miniredis on listen. snapshot, when not empty,
// is the file string keys and sets are restored from and saved to.
func StartEmbeddedRedis(listen, snapshot string) (*EmbeddedRedis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr(listen); err != nil {
		return nil, fmt.Errorf("start embedded Redis on %s: %w", listen, err)
	}
	if err := registerNative(m); err != nil {
		m.Close()
		return nil, fmt.Errorf("embedded Redis: %w", err)
	}
	maps := dbMapsOf(m)
	e := &EmbeddedRedis{m: m, pipe: bufconn.Listen(pipeBuffer), snapshot: snapshot, stop: make(chan struct{}), versions: maps.keyVersions(), maps: maps}
	e.watchCommands()
	go e.servePipe()
	if snapshot != "" {
		if err := e.restore(); err != nil {
			m.Close()
			return nil, err
		}
	}
	e.wg.Add(1)
	go e.tick() // exits on Close
	return e, nil
}

var (
	// expireEvery is the shortest pause between two expiry passes.
	expireEvery = 100 * time.Millisecond
	// snapshotEvery is the shortest pause between two saves while running.
	snapshotEvery = 5 * time.Second
	// idleExpireEvery is the shortest pause between two expiry passes
	// after one during which no command came: with nobody reading, a key
	// can as well expire up to a second late, and the walk over every
	// TTL (2–4% of a core at 100,000 keys, for the ten minutes the dedupe
	// marks of a busy spell take to expire) runs a tenth as often.
	idleExpireEvery = time.Second
)

// dutyFactor: a chore that took d waits at least dutyFactor*d before it
// runs again.
const dutyFactor = 40

// paced is the pause after a chore that took cost.
func paced(least, cost time.Duration) time.Duration {
	return max(least, dutyFactor*cost)
}

func (e *EmbeddedRedis) tick() {
	defer e.wg.Done()
	last, saved := time.Now(), time.Now()
	saveWait := snapshotEvery
	savedWrites, failed := int64(0), false
	calls := e.calls.Load()
	t := time.NewTimer(expireEvery)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		// The time since the last pass, so TTLs follow the wall clock
		// however long the pause was.
		e.expire(now.Sub(last))
		e.passes.Add(1)
		last = now
		if e.maps != nil {
			e.maps.dropTracking(e.tracked.Load)
		}
		if e.versions != nil {
			e.versions.prune()
		}
		least := expireEvery
		if c := e.calls.Load(); c == calls {
			least = idleExpireEvery // no command since the last pass
		} else {
			calls = c
		}
		wait := paced(least, time.Since(now))
		// Also save now and then, so a killed process loses seconds of
		// sessions, not all since the start; but only after a write since
		// the last save, so that an idle bot does not encode every key
		// again every few seconds (the keys expiring meanwhile need no
		// save: the snapshot holds when each expires). A failed save is
		// retried next time and reported by Close.
		if e.snapshot != "" && now.Sub(saved) >= saveWait && (e.writes.Load() != savedWrites || failed) {
			start := time.Now()
			savedWrites = e.writes.Load()
			failed = e.save() != nil
			saved = time.Now()
			saveWait = paced(snapshotEvery, saved.Sub(start))
		}
		t.Reset(wait)
	}
}

// watchCommands counts the commands, for the expiry pass's pace, and
// those that may write, for the saves: every command but the read-only
// ones and those of the connection itself. It also notes a WATCH or an
// OBJECT, which read what the expiry pass otherwise drops
// (dbMaps.dropTracking).
func (e *EmbeddedRedis) watchCommands() {
	// The server itself, not Miniredis.IsReadOnlyCommand: that reads the
	// Miniredis's server unlocked, which Close clears while connections
	// still dispatch their last commands (a data race at shutdown).
	srv := e.m.Server()
	srv.SetPreHook(func(_ *server.Peer, cmd string, _ ...string) bool {
		e.calls.Add(1)
		switch cmd {
		case "WATCH", "OBJECT":
			e.tracked.Store(true)
		case "PING", "HELLO", "ECHO", "AUTH", "SELECT", "CLIENT", "QUIT", "COMMAND", "INFO", nativeHello:
			return false
		}
		if !srv.IsReadOnlyCommand(cmd) {
			e.writes.Add(1)
		}
		return false
	})
}

// expire advances the keys' TTLs by elapsed and drops those that ran out.
func (e *EmbeddedRedis) expire(elapsed time.Duration) {
	if e.maps != nil {
		if _, ok := e.maps.expire(elapsed); ok {
			return
		}
	}
	e.m.FastForward(elapsed)
}

// Addr is host:port of the server.
func (e *EmbeddedRedis) Addr() string { return e.m.Addr() }

// pipeBuffer is the buffer of each direction of an in-process connection.
// miniredis reads a pipeline's next command only once the reply to the
// one before is written, so a pipeline could stall only when both its
// commands and its replies outgrew this; Batch sends a handful of small
// ones.
const pipeBuffer = 64 << 10

// Dial connects to the server in-process, through buffered in-memory
// pipes instead of a socket: no system call per command, which is most of
// what a round trip costs on loopback. For RedisOptions.Dialer of the
// process that started the server; other processes use Addr.
func (e *EmbeddedRedis) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	return e.pipe.DialContext(ctx)
}

func (e *EmbeddedRedis) servePipe() {
	for {
		c, err := e.pipe.Accept()
		if err != nil {
			return // closed
		}
		e.m.Server().ServeConn(c)
	}
}

// Server exposes miniredis to tests (for example to stop it).
func (e *EmbeddedRedis) Server() *miniredis.Miniredis { return e.m }

// Close saves the snapshot and stops the server.
func (e *EmbeddedRedis) Close() error {
	_ = e.pipe.Close()
	close(e.stop)
	e.wg.Wait()
	var err error
	if e.snapshot != "" {
		err = e.save()
	}
	e.m.Close()
	return err
}

// snapshotEntry is a string key of the snapshot, or a set (Members; the
// dedupe window's done marks). A key with a TTL is saved with when it
// expires (Expires, unix ms), so that the time the process was down
// counts; TTL (the time left when saved) is what snapshots written before
// held, still read.
type snapshotEntry struct {
	Key     string        `json:"k"`
	Value   string        `json:"v"`
	Members []string      `json:"m,omitempty"`
	TTL     time.Duration `json:"ttl,omitempty"`
	Expires int64         `json:"exp,omitempty"`
}

// appendJSON appends en as encoding/json reads it back (restore), written
// by hand: encoding/json's reflection and escaping over every entry made a
// save of 100,000 keys take 114 ms instead of 80 (BenchmarkEmbeddedRedisSave),
// and the save after a load is most of the CPU the bot then uses.
func (en snapshotEntry) appendJSON(b []byte) []byte {
	b = append(b, `{"k":`...)
	b = jsonstr.Append(b, en.Key)
	b = append(b, `,"v":`...)
	b = jsonstr.Append(b, en.Value)
	if len(en.Members) > 0 {
		b = append(b, `,"m":[`...)
		for i, m := range en.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, m)
		}
		b = append(b, ']')
	}
	if en.TTL != 0 {
		b = append(b, `,"ttl":`...)
		b = strconv.AppendInt(b, int64(en.TTL), 10)
	}
	if en.Expires != 0 {
		b = append(b, `,"exp":`...)
		b = strconv.AppendInt(b, en.Expires, 10)
	}
	return append(b, '}')
}

// entries lists the string keys with their values and the sets with their
// members, with their TTLs.
func (e *EmbeddedRedis) entries() []snapshotEntry {
	if e.maps != nil {
		return e.maps.entries()
	}
	var out []snapshotEntry
	for _, k := range e.m.Keys() {
		switch e.m.Type(k) {
		case "string":
			if v, err := e.m.Get(k); err == nil {
				out = append(out, snapshotEntry{Key: k, Value: v, TTL: e.m.TTL(k)})
			}
		case "set":
			if ms, err := e.m.Members(k); err == nil {
				out = append(out, snapshotEntry{Key: k, Members: ms, TTL: e.m.TTL(k)})
			}
		}
	}
	return out
}

func (e *EmbeddedRedis) save() error {
	tmp := e.snapshot + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("save Redis snapshot: %w", err)
	}
	// The entries are listed under the server's lock (their strings are
	// shared, not copied) and encoded after it, streamed entry by entry:
	// the values are not copied into one buffer (16 MB of garbage every
	// few seconds in the 10,000-offer mix).
	w := bufio.NewWriterSize(f, 256<<10)
	_, err = w.WriteString("[")
	listed := time.Now()
	var buf []byte
	for i, en := range e.entries() {
		if err != nil {
			break
		}
		if en.TTL > 0 {
			en.Expires, en.TTL = listed.Add(en.TTL).UnixMilli(), 0
		}
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ",\n"...)
		}
		buf = en.appendJSON(buf)
		_, err = w.Write(buf)
	}
	if err == nil {
		_, err = w.WriteString("]")
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("save Redis snapshot: %w", err)
	}
	return os.Rename(tmp, e.snapshot)
}

func (e *EmbeddedRedis) restore() error {
	b, err := os.ReadFile(e.snapshot)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read Redis snapshot: %w", err)
	}
	var entries []snapshotEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return fmt.Errorf("read Redis snapshot %s: %w", e.snapshot, err)
	}
	now := time.Now()
	for _, en := range entries {
		ttl := en.TTL
		if en.Expires != 0 {
			if ttl = time.UnixMilli(en.Expires).Sub(now); ttl <= 0 {
				continue // expired while the process was down
			}
		}
		if en.Members != nil {
			if _, err := e.m.SetAdd(en.Key, en.Members...); err != nil {
				return err
			}
		} else if err := e.m.Set(en.Key, en.Value); err != nil {
			return err
		}
		if ttl > 0 {
			e.m.SetTTL(en.Key, ttl)
		}
	}
	return nil
}
