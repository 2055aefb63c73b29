package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
)

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "help", want: "help=1"},
		{in: "help=2,search=1,post=1,mine=1", want: "help=2,search=1,post=1,mine=1"},
		{in: "search, search", want: "search=2"},
		{in: "chat", bad: true},
		{in: "help=0", bad: true},
		{in: "help=x", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			m, err := parseMix(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("got %s, want an error", m)
				}
				return
			}
			if err != nil || m.String() != tc.want {
				t.Fatalf("got %s, %v, want %s", m, err, tc.want)
			}
		})
	}
}

// TestPostingDialog follows the bot's questions as they read today.
func TestPostingDialog(t *testing.T) {
	u := &user{kind: kindPost, n: 7}
	steps := []struct{ reply, wantNext string }{
		{"请确认登记信息：…同意请回复“同意”；要改请发“修改 手机 13900001111”；回复“取消”不保存。", "同意"},
		{"登记成功！企业邀请码：MQBEQR…现在可以发布了", "供应 6层PCB 月产能2万平米 成都"},
		{"请核对您的供应：…回复“确认”发布；要改就发“修改 产能 3万件”这样的话；回复“取消”放弃。", "确认"},
		{"已发布！编号 O1001，有效期30天", "供应 汽车线束 月产能5万套 重庆璧山"},
	}
	if got := u.next(); !strings.HasPrefix(got, "注册 成渝压测7号") {
		t.Fatalf("first message: got %q, want the registration", got)
	}
	for _, s := range steps {
		u.answered(s.reply)
		if got := u.next(); got != s.wantNext {
			t.Fatalf("after %q: got %q, want %q", s.reply, got, s.wantNext)
		}
	}
}

// TestPoolNeverHandsOutAUserTwice: a user in flight is not handed out, and
// one returned is handed out again only after the gap.
func TestPoolNeverHandsOutAUserTwice(t *testing.T) {
	now := time.Now()
	p := newPool("u", 2, mix{1}, time.Hour, now)
	ctx := context.Background()
	end := now.Add(time.Minute)
	a, b := p.get(ctx, end), p.get(ctx, end)
	if a == nil || b == nil || a == b {
		t.Fatalf("got %v and %v, want two users", a, b)
	}
	p.put(a, time.Now())
	if u := p.get(ctx, end); u != nil {
		t.Fatalf("got %s again within the gap, want none before the run ends", u.openid)
	}
}

func TestRunAgainstTheEchoServer(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-target", "", "-workers", "2", "-max", "40", "-runs", "1",
		"-duration", "5s", "-warmup", "0s", "-user-gap", "0", "-mix", "help,search"}, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "sent 40, errors 0") {
		t.Fatalf("got %s, want 40 messages sent without errors", out.String())
	}
	// Each step of the mix is printed apart, so the messages that make
	// the tail can be told; a step not sent has no line.
	for _, want := range []string{"    help ", "    search "} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("got %s, want a line starting %q", out.String(), want)
		}
	}
	if strings.Contains(out.String(), "    mine ") {
		t.Fatalf("got %s, want no line for a step not sent", out.String())
	}
}

// TestBusyAnswersAreNoReplies: the bot's 系统繁忙 (a shed message) is
// counted apart and left out of the throughput, like "success" and "slow
// down"; it counted as a real reply, so a bot shedding load looked fast.
func TestBusyAnswersAreNoReplies(t *testing.T) {
	var r result
	r.tally(false, "帮助", http.StatusOK, bot.DefaultBusyText, nil, true)
	r.tally(false, "帮助", http.StatusOK, "这里是成渝汽车电子产业链供需对接平台。", nil, true)
	r.tally(false, "帮助", http.StatusOK, "", nil, true)
	if r.busy != 1 || r.answered != 1 || r.inWindow != 1 || r.late != 1 {
		t.Fatalf("busy %d, answered %d, in window %d, late %d; want 1 each", r.busy, r.answered, r.inWindow, r.late)
	}
}
