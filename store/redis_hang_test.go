package store_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

// stallProxy forwards to a Redis server and, while stalled, holds what
// clients send instead of passing it on, as a server stopped with SIGSTOP
// leaves commands queued in its socket.
type stallProxy struct {
	target  string
	ln      net.Listener
	mu      sync.Mutex
	stalled bool
	conns   []*stallConn
}

type stallConn struct {
	up      net.Conn
	held    []byte
	replied chan struct{} // a byte came back from the server
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{target: target, ln: ln}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.up.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			sc := &stallConn{up: up, replied: make(chan struct{}, 1)}
			p.mu.Lock()
			p.conns = append(p.conns, sc)
			p.mu.Unlock()
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						p.mu.Lock()
						if p.stalled {
							sc.held = append(sc.held, buf[:n]...)
						} else {
							up.Write(buf[:n])
						}
						p.mu.Unlock()
					}
					if err != nil {
						return // the upstream stays open for what is held
					}
				}
			}()
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := up.Read(buf)
					if n > 0 {
						select {
						case sc.replied <- struct{}{}:
						default:
						}
						c.Write(buf[:n])
					}
					if err != nil {
						c.Close()
						return
					}
				}
			}()
		}
	}()
	return p
}

func (p *stallProxy) stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}

// resume passes on what was held and waits until the server answered it.
func (p *stallProxy) resume(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	p.stalled = false
	var flushed []*stallConn
	for _, c := range p.conns {
		if len(c.held) > 0 {
			select { // drop the signal of earlier answers
			case <-c.replied:
			default:
			}
			c.up.Write(c.held)
			c.held = nil
			flushed = append(flushed, c)
		}
	}
	p.mu.Unlock()
	if len(flushed) == 0 {
		t.Fatal("nothing was held while stalled")
	}
	for _, c := range flushed {
		select {
		case <-c.replied:
		case <-time.After(5 * time.Second):
			t.Fatal("the server did not answer the held commands")
		}
	}
}

// TestIncrQueuedDuringAHangDoesNotCount: a rate counter increment whose
// caller gave up while Redis hung is not applied when Redis resumes, so
// the user is not punished for it afterwards.
func TestIncrQueuedDuringAHangDoesNotCount(t *testing.T) {
	srv := storetest.RedisAddr(t)
	proxy := newStallProxy(t, srv.Addr)
	ctx := context.Background()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: proxy.ln.Addr().String(), Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := r.Incr(ctx, "rl:hang-user", time.Minute); err != nil || n != 1 {
		t.Fatalf("first Incr: %d %v", n, err)
	}
	proxy.stall()
	for range 3 {
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		if _, err := r.Incr(cctx, "rl:hang-user", time.Minute); err == nil {
			t.Fatal("Incr answered while Redis hung")
		}
		cancel()
	}
	time.Sleep(time.Second) // the hang outlasts the callers' patience
	proxy.resume(t)
	direct, err := store.OpenRedis(ctx, store.RedisOptions{Addr: srv.Addr, Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if v, err := direct.Get(ctx, "rl:hang-user"); err != nil || v != "1" {
		t.Fatalf("counter after the hang: got %q %v, want 1", v, err)
	}
}
