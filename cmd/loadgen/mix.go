package main

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// kind is what a simulated user keeps sending.
type kind int

const (
	kindHelp   kind = iota // 帮助
	kindSearch             // 查供应 PCB
	kindPost               // register once, then post offers: a dialog
	kindMine               // 我的发布
	kinds
)

var kindNames = [kinds]string{"help", "search", "post", "mine"}

// mix is the share of users of each kind.
type mix [kinds]int

func parseMix(s string) (mix, error) {
	var m mix
	for _, part := range strings.Split(s, ",") {
		name, w, found := strings.Cut(strings.TrimSpace(part), "=")
		weight := 1
		if found {
			n, err := strconv.Atoi(w)
			if err != nil || n < 0 || n > 1000 {
				return m, fmt.Errorf("-mix %q: weight of %s is not 0..1000", s, name)
			}
			weight = n
		}
		k := -1
		for i, kn := range kindNames {
			if kn == name {
				k = i
			}
		}
		if k < 0 {
			return m, fmt.Errorf("-mix %q: unknown %q (help, search, post, mine)", s, name)
		}
		m[k] += weight
	}
	if m[kindHelp]+m[kindSearch]+m[kindPost]+m[kindMine] == 0 {
		return m, errors.New("-mix: all weights are 0")
	}
	return m, nil
}

func (m mix) String() string {
	var parts []string
	for k, w := range m {
		if w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", kindNames[k], w))
		}
	}
	return strings.Join(parts, ",")
}

// kindOf spreads the kinds over user numbers by their weights.
func (m mix) kindOf(n int) kind {
	total := 0
	for _, w := range m {
		total += w
	}
	r := n % total
	for k, w := range m {
		if r < w {
			return kind(k)
		}
		r -= w
	}
	return kindHelp
}

// user is one simulated WeChat user and where it is in its dialog.
type user struct {
	openid     string
	n          int
	kind       kind
	registered bool
	step       int // messages sent in the current posting dialog
	posts      int
	last       string // the last reply
	readyAt    time.Time
	index      int // in the pool's heap
}

var products = []string{"6层PCB 月产能2万平米 成都", "汽车线束 月产能5万套 重庆璧山", "铝合金轮毂 月产能3万件 重庆江津", "车规级MCU 月产能10万片 成都高新区"}

// next is the message the user sends now.
func (u *user) next() string {
	switch u.kind {
	case kindSearch:
		return "查供应 PCB"
	case kindMine:
		return "我的发布"
	case kindPost:
		if u.step > 0 {
			// Answer the question the bot asked.
			switch {
			case strings.Contains(u.last, "回复“同意”"):
				return "同意"
			case strings.Contains(u.last, "确认"):
				return "确认"
			case strings.Contains(u.last, "跳过"):
				return "跳过"
			}
		}
		if !u.registered {
			return fmt.Sprintf("注册 成渝压测%d号汽车零部件有限公司 零部件 重庆璧山 联系人张伟 139%08d", u.n, u.n)
		}
		return "供应 " + products[u.posts%len(products)]
	}
	return "帮助"
}

// answered moves the user's dialog on after reply.
func (u *user) answered(reply string) {
	u.last = reply
	if u.kind != kindPost {
		return
	}
	u.step++
	switch {
	case strings.Contains(reply, "已发布"):
		u.posts++
		u.step = 0
	case strings.Contains(reply, "登记成功") || strings.Contains(reply, "已登记") || strings.Contains(reply, "接着发布"):
		u.registered = true
	}
	if u.step > 6 { // lost: start over
		u.step = 0
	}
}

// pool hands out users that may send now: never two messages of one user
// at once, and at least gap between two sends of one user.
type pool struct {
	mu    sync.Mutex
	ready userHeap
	free  *sync.Cond
	gap   time.Duration
}

func newPool(prefix string, n int, m mix, gap time.Duration, now time.Time) *pool {
	p := &pool{gap: gap}
	p.free = sync.NewCond(&p.mu)
	p.ready = make(userHeap, 0, n)
	for i := 0; i < n; i++ {
		p.ready = append(p.ready, &user{openid: prefix + "-" + strconv.Itoa(i), n: i, kind: m.kindOf(i), readyAt: now, index: i})
	}
	heap.Init(&p.ready)
	return p
}

// get returns the user who may send soonest, waiting until it may; nil
// when none may before end or ctx ends.
func (p *pool) get(ctx context.Context, end time.Time) *user {
	p.mu.Lock()
	for len(p.ready) == 0 {
		if ctx.Err() != nil || !time.Now().Before(end) {
			p.mu.Unlock()
			return nil
		}
		p.free.Wait() // every put signals; all users in flight end by the request timeout
	}
	u := heap.Pop(&p.ready).(*user)
	p.mu.Unlock()
	if wait := time.Until(u.readyAt); wait > 0 {
		if !u.readyAt.Before(end) {
			p.put(u, u.readyAt.Add(-p.gap))
			return nil
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			p.put(u, u.readyAt.Add(-p.gap))
			return nil
		case <-t.C:
		}
	}
	return u
}

// put returns u, who last sent at sent.
func (p *pool) put(u *user, sent time.Time) {
	p.mu.Lock()
	u.readyAt = sent.Add(p.gap)
	heap.Push(&p.ready, u)
	p.mu.Unlock()
	p.free.Signal()
}

// userHeap orders users by readyAt.
type userHeap []*user

func (h userHeap) Len() int           { return len(h) }
func (h userHeap) Less(i, j int) bool { return h[i].readyAt.Before(h[j].readyAt) }
func (h userHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *userHeap) Push(x any) {
	u := x.(*user)
	u.index = len(*h)
	*h = append(*h, u)
}
func (h *userHeap) Pop() any {
	old := *h
	u := old[len(old)-1]
	*h = old[:len(old)-1]
	return u
}
