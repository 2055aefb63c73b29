package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"supplybot/bot"
)

// TestConcurrentConfirmCreatesOneOffer is issue 8's finding: with
// server.reply_deadline=2ms, ten concurrent deliveries of one 确认 saved
// eight offers. Dedupe now has a budget of its own, and the offer carries
// the message's key, unique in MongoDB.
func TestConcurrentConfirmCreatesOneOffer(t *testing.T) {
	cfg := testConfig(t)
	a := mustRun(t, cfg, nil)
	fast := cfg
	fast.Server.ReplyDeadline = 2 * time.Millisecond
	b := mustRun(t, fast, a.Sim) // same database and Redis

	c := newChat(t, a, "dup-confirm")
	c.register("成都蓉电科技有限公司")
	c.expect("供应 汽车线束 月产能10万套 重庆长寿", "请核对")
	body := bot.TextXML("dup-confirm", "确认", msgSeq.Add(1))
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send(t, b, bot.ModeSafe, body)
		}()
	}
	wg.Wait()
	ctx := context.Background()
	if err := b.Gateway.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	offers, err := a.Mongo.Offers().ByOpenID(ctx, "dup-confirm", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 {
		t.Fatalf("offers: got %d, want 1", len(offers))
	}
	if offers[0].MsgKey == "" {
		t.Fatal("the offer carries no message key")
	}
	eventually(t, "the reply as a follow-up", func() bool {
		for _, p := range pushes(t, a, "dup-confirm") {
			if strings.Contains(p.Text, "已发布") {
				return true
			}
		}
		return false
	})
	n := 0
	for _, p := range pushes(t, a, "dup-confirm") {
		if strings.Contains(p.Text, "已发布") || strings.Contains(p.Text, "太快") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("follow-ups: got %d, want the one 已发布", n)
	}
}

// dedupeDown is the Redis of m with the dedupe marks failing, as during
// an outage.
type dedupeDown struct{ bot.KV }

func (d dedupeDown) SetNX(ctx context.Context, key, v string, ttl time.Duration) (bool, error) {
	if strings.HasPrefix(key, "dd:") {
		return false, errors.New("dial tcp: connection refused")
	}
	return d.KV.SetNX(ctx, key, v, ttl)
}

func (d dedupeDown) Batch(ctx context.Context, ops ...*bot.Op) error {
	for _, op := range ops {
		if op.Kind == bot.OpSetNX && strings.HasPrefix(op.Key, "dd:") {
			return errors.New("dial tcp: connection refused")
		}
	}
	return d.KV.Batch(ctx, ops...)
}

// TestDedupeDownAnswersBusyAndSavesNothing: 确认 while dedupe cannot be
// checked answers 系统繁忙 and saves nothing; the draft is kept for the
// next 确认.
func TestDedupeDownAnswersBusyAndSavesNothing(t *testing.T) {
	cfg := testConfig(t)
	m := mustRun(t, cfg, nil)
	c := newChat(t, m, "dedupe-down")
	c.register("重庆青山工业有限公司")
	c.expect("求购 汽车线束 2万套 重庆 12月底前交货", "请核对")

	gw := bot.NewGateway(bot.GatewayConfig{Token: cfg.WeChat.Token, AppID: cfg.WeChat.AppID, EncodingAESKey: cfg.WeChat.EncodingAESKey},
		m.Client, dedupeDown{m.Redis}, m.Router.Handle, m.followUp, nil, nil)
	srv := httptest.NewServer(gw)
	defer srv.Close()
	s := bot.PushSigner{Token: cfg.WeChat.Token, AppID: cfg.WeChat.AppID, EncodingAESKey: cfg.WeChat.EncodingAESKey}
	status, reply, err := s.Post(srv.URL+"/wechat", bot.TextXML("dedupe-down", "确认", msgSeq.Add(1)))
	if err != nil || status != 200 || !strings.Contains(reply, "系统繁忙") {
		t.Fatalf("got %d %q %v, want 系统繁忙", status, reply, err)
	}
	gw.Wait(context.Background())
	if got, _ := m.Mongo.Demands().ByOpenID(context.Background(), "dedupe-down", 10); len(got) != 0 {
		t.Fatalf("demands saved while dedupe was down: %d", len(got))
	}
	c.expect("确认", "已发布")
}

// TestConfirmWhileRedisIsDownAnswersBusy: 确认 on a pending draft while
// Redis is down answers 系统繁忙 (it answered 没看懂: the session could not
// be read) and saves nothing; once Redis is back the draft is published.
func TestConfirmWhileRedisIsDownAnswersBusy(t *testing.T) {
	cfg := testConfig(t)
	proxy := newTCPProxy(t, cfg.Redis.Addr)
	cfg.Redis.Addr = proxy.addr
	m := mustRun(t, cfg, nil)
	c := newChat(t, m, "redis-down")
	c.register("重庆长风机器有限公司")
	c.expect("求购 汽车线束 2万套 重庆 12月底前交货", "请核对")
	proxy.down()
	status, reply := send(t, m, bot.ModeSafe, bot.TextXML("redis-down", "确认", msgSeq.Add(1)))
	if status != 200 || !strings.Contains(reply, "系统繁忙") {
		t.Fatalf("确认 while Redis is down: got %d %q, want 系统繁忙", status, reply)
	}
	if got, _ := m.Mongo.Demands().ByOpenID(context.Background(), "redis-down", 10); len(got) != 0 {
		t.Fatalf("demands saved while Redis was down: %d", len(got))
	}
	proxy.up(t)
	eventually(t, "Redis back", func() bool { return m.Redis.Ping(context.Background()) == nil })
	c.expect("确认", "已发布")
}
