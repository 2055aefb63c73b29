//go:build faults

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
	"supplybot/store/storetest"
)

// The fault suite's machinery: a private redis-server that the test stops
// and hangs, and the bot as a child process that the test kills. See
// faults_test.go and docs/RELIABILITY.md.

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// redisServer is a private redis-server on loopback, appending every write
// to its file so that a stop and a start keep the data (as a production
// Redis with persistence would).
type redisServer struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed (.ci/run installs it)")
		}
		t.Skip("redis-server is not installed: the fault suite needs a real Redis (apt-get install redis-server)")
	}
	r := &redisServer{t: t, port: freePort(t), dir: t.TempDir()}
	r.start()
	t.Cleanup(func() {
		if r.cmd != nil {
			_ = r.cmd.Process.Signal(syscall.SIGCONT)
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

func (r *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// start runs redis-server and waits until it answers.
func (r *redisServer) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--dir", r.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(r.cmd, r.done)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", r.addr(), 200*time.Millisecond)
		if err == nil {
			_, _ = c.Write([]byte("PING\r\n"))
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			b := make([]byte, 5)
			n, _ := c.Read(b)
			c.Close()
			if string(b[:n]) == "+PONG" {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %s does not answer: %v", r.addr(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hang freezes the server (SIGSTOP): connections stay open and nothing answers.
func (r *redisServer) hang() {
	if err := r.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		r.t.Fatal(err)
	}
}

// resume thaws a hung server (SIGCONT); it then runs what it was sent meanwhile.
func (r *redisServer) resume() {
	if err := r.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		r.t.Fatal(err)
	}
}

// stop ends the server with SIGTERM and waits for it.
func (r *redisServer) stop() {
	r.t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
	}
	r.cmd = nil
}

// botBinary is the supplybot binary, built once for the suite.
type botBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

func (b *botBinary) get(t *testing.T, dir string) string {
	t.Helper()
	b.once.Do(func() {
		b.path = filepath.Join(dir, "supplybot")
		b.out, b.err = exec.Command("go", "build", "-o", b.path, ".").CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("go build: %v\n%s", b.err, b.out)
	}
	return b.path
}

// botProcess is supplybot running as a child process on a data_dir, a
// database and a Redis that outlive it.
type botProcess struct {
	t      *testing.T
	bin    string
	env    []string
	dir    string
	cfg    Config // what the child reads, for signing pushes
	mongo  *store.Mongo
	cmd    *exec.Cmd
	url    string
	done   chan struct{}
	exit   int
	starts int
	// pushes seen by the simulators of the earlier lives (each life's
	// simulator forgets them when it dies), by openid
	seen map[string][]simPush
}

// newBotProcess prepares a child on redisAddr with the suite's short
// catch-up; extra are more SUPPLYBOT_ settings.
func newBotProcess(t *testing.T, bin, redisAddr string, extra ...string) *botProcess {
	t.Helper()
	dir := t.TempDir()
	db := storetest.UniqueName("faults_")
	uri := storetest.MongoURI(t)
	env := append([]string{
		"SUPPLYBOT_SERVER_ADDR=127.0.0.1:0",
		"SUPPLYBOT_DATA_DIR=" + dir,
		"SUPPLYBOT_MONGO_URI=" + uri,
		"SUPPLYBOT_MONGO_DATABASE=" + db,
		"SUPPLYBOT_REDIS_ADDR=" + redisAddr,
		"SUPPLYBOT_ALERTS_CATCH_UP_EVERY=300ms",
		"SUPPLYBOT_ALERTS_MATCH_GRACE=1s",
	}, extra...)
	cfg, err := LoadConfig("../../config.yaml", env)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mg, err := store.OpenMongo(ctx, uri, db)
	if err != nil {
		t.Fatal(err)
	}
	p := &botProcess{t: t, bin: bin, env: env, dir: dir, cfg: cfg, mongo: mg, seen: map[string][]simPush{}}
	t.Cleanup(func() {
		if p.cmd != nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = mg.DropDatabase(ctx)
		_ = mg.Close(ctx)
	})
	return p
}

// start runs the child and waits until it serves.
func (p *botProcess) start() {
	p.t.Helper()
	p.starts++
	logPath := filepath.Join(p.dir, "log-"+strconv.Itoa(p.starts)+".json")
	logf, err := os.Create(logPath)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd := exec.Command(p.bin, "-config", mustAbs(p.t, "../../config.yaml"))
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() {
		err := cmd.Wait()
		logf.Close()
		p.exit = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.exit = ee.ExitCode()
		}
		close(p.done)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for p.url = ""; p.url == ""; p.url = readyURL(logPath) {
		select {
		case <-p.done:
			p.t.Fatalf("supplybot exited at start (%d):\n%s", p.exit, tail(logPath))
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("supplybot did not start:\n%s", tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustAbs(t *testing.T, path string) string {
	a, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// readyURL is the base URL the child's "supplybot is ready" line names.
func readyURL(logPath string) string {
	f, err := os.Open(logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg       string `json:"msg"`
			WeChatURL string `json:"wechat_url"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "supplybot is ready" {
			return strings.TrimSuffix(line.WeChatURL, "/wechat")
		}
	}
	return ""
}

// tail is the end of a log file, for failure messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 12000 {
		b = b[len(b)-12000:]
	}
	return string(b)
}

// kill9 kills the child with SIGKILL, keeping what its simulator had sent.
func (p *botProcess) kill9(openids ...string) {
	p.t.Helper()
	p.remember(openids...)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.cmd = nil
}

// remember copies what the live simulator sent to openids.
func (p *botProcess) remember(openids ...string) {
	p.t.Helper()
	for _, id := range openids {
		p.seen[id] = append(p.seen[id], p.livePushes(id)...)
	}
}

// term sends SIGTERM and returns the exit code.
func (p *botProcess) term(openids ...string) int {
	p.t.Helper()
	p.remember(openids...)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("supplybot did not stop within 30 s of SIGTERM:\n%s", tail(filepath.Join(p.dir, "log-"+strconv.Itoa(p.starts)+".json")))
	}
	p.cmd = nil
	return p.exit
}

// send posts a safe-mode push as WeChat would and returns the status and
// the passive reply.
func (p *botProcess) send(body []byte) (int, string) {
	p.t.Helper()
	s := bot.PushSigner{Token: p.cfg.WeChat.Token, AppID: p.cfg.WeChat.AppID, EncodingAESKey: p.cfg.WeChat.EncodingAESKey, Mode: bot.ModeSafe}
	status, text, err := s.Post(p.url+"/wechat", body)
	if err != nil {
		p.t.Fatalf("push: %v", err)
	}
	return status, text
}

// say sends text from openid and returns the reply, which must be 200.
func (p *botProcess) say(openid, text string) string {
	p.t.Helper()
	status, reply := p.send(bot.TextXML(openid, text, msgSeq.Add(1)))
	if status != http.StatusOK {
		p.t.Fatalf("%s %q: status %d %s", openid, text, status, reply)
	}
	return reply
}

// expect sends text and checks the reply holds every want.
func (p *botProcess) expect(openid, text string, wants ...string) string {
	p.t.Helper()
	reply := p.say(openid, text)
	for _, w := range wants {
		if !strings.Contains(reply, w) {
			p.t.Fatalf("%s: reply to %q lacks %q:\n%s", openid, text, w, reply)
		}
	}
	return reply
}

// register takes openid through one-shot registration of company.
func (p *botProcess) register(openid, company, mobile string) {
	p.t.Helper()
	p.expect(openid, "注册 "+company+" 零部件 重庆市璧山区 联系人张伟 "+mobile, "同意", company)
	p.expect(openid, "同意", "登记成功")
}

// livePushes reads what the running child's simulator sent to openid.
func (p *botProcess) livePushes(openid string) []simPush {
	p.t.Helper()
	res, err := http.Get(p.url + "/sim/api/pushes?openid=" + openid)
	if err != nil {
		p.t.Fatalf("pushes: %v", err)
	}
	defer res.Body.Close()
	var out []simPush
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		p.t.Fatalf("pushes: %v", err)
	}
	return out
}

// pushes is everything sent to openid over the child's lives.
func (p *botProcess) pushes(openid string) []simPush {
	p.t.Helper()
	out := append([]simPush(nil), p.seen[openid]...)
	if p.cmd != nil {
		out = append(out, p.livePushes(openid)...)
	}
	return out
}

// countPushes counts the pushes to openid whose text holds every want.
func (p *botProcess) countPushes(openid string, wants ...string) int {
	p.t.Helper()
	n := 0
next:
	for _, ps := range p.pushes(openid) {
		for _, w := range wants {
			if !strings.Contains(ps.Text, w) {
				continue next
			}
		}
		n++
	}
	return n
}

// waitPushes waits up to d until openid got n pushes holding every want.
func (p *botProcess) waitPushes(d time.Duration, openid string, n int, wants ...string) {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for p.countPushes(openid, wants...) < n {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s got %d pushes with %q, want %d; all: %+v\nlog:\n%s", openid, p.countPushes(openid, wants...), wants, n, p.pushes(openid),
				tail(filepath.Join(p.dir, "log-"+strconv.Itoa(p.starts)+".json"))+"\nfollowers: "+tail(filepath.Join(p.dir, "sim-followers.json")))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stallProxy forwards a loopback port to target; while paused it moves no
// bytes, as a server that stopped answering would.
type stallProxy struct {
	addr   string
	mu     sync.Mutex
	paused bool
	resume *sync.Cond
	ln     net.Listener
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{addr: ln.Addr().String(), ln: ln}
	p.resume = sync.NewCond(&p.mu)
	t.Cleanup(func() { p.unpause(); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go p.pipe(u, c)
			go p.pipe(c, u)
		}
	}()
	return p
}

func (p *stallProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		for p.paused {
			p.resume.Wait()
		}
		p.mu.Unlock()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) pause() { p.mu.Lock(); p.paused = true; p.mu.Unlock() }

func (p *stallProxy) unpause() {
	p.mu.Lock()
	p.paused = false
	p.mu.Unlock()
	p.resume.Broadcast()
}
