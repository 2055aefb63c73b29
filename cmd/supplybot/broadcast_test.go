package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/broadcast"
	"supplybot/store"
)

const taskForce = "u-taskforce"

// broadcastMain runs a Main whose task force is taskForce, with a runner
// that polls and gives up waiting for WeChat's counts quickly.
func broadcastMain(t *testing.T, cfg broadcast.Config) *Main {
	t.Helper()
	c := testConfig(t)
	c.Admin.OpenIDs = []string{taskForce}
	m := NewMain(c, nil)
	if cfg.Poll == 0 {
		cfg.Poll = 50 * time.Millisecond
	}
	if cfg.ReconcileWait == 0 {
		cfg.ReconcileWait = 2 * time.Second
	}
	if cfg.MassPerMinute == 0 {
		cfg.MassPerMinute = 6000
	}
	m.Broadcast.Config = cfg
	return start(t, m)
}

func lastPushWith(t *testing.T, m *Main, openid, kind, text string) bool {
	for _, p := range pushes(t, m, openid) {
		if p.Type == kind && strings.Contains(p.Text, text) {
			return true
		}
	}
	return false
}

func TestBroadcastThroughTheChat(t *testing.T) {
	m := broadcastMain(t, broadcast.Config{MinMass: 2})
	for i, company := range []string{"重庆青山工业有限公司", "重庆蓝黛科技股份有限公司", "重庆秋田齿轮有限责任公司"} {
		newChat(t, m, fmt.Sprintf("u-bc-%d", i)).register(company)
	}
	tf := newChat(t, m, taskForce)

	// Not a member: the words are ordinary text, and the help hides them.
	other := newChat(t, m, "u-bc-0")
	other.refuse("群发 零部件 周六开会", "将群发给", "确认群发")
	other.refuse("群发进度", "最近的群发", "还没有群发")
	other.refuse("帮助", "群发")

	tf.expect("群发进度", "还没有群发")
	tf.expect("群发 零部件", "请写群发的内容")
	// 取消 sends nothing.
	tf.expect("群发 电子信息 四川 明天开会", "没有可以发送的用户")
	tf.expect("群发 零部件 重庆 周六在璧山召开供需对接会", "将群发给重庆市零部件的用户，共3人", "预览已发给您", "确认群发")
	eventually(t, "the preview", func() bool { return lastPushWith(t, m, taskForce, "custom", "【群发预览】") })
	tf.expect("帮助", "每人每月最多收到4条群发", "确认群发")
	tf.expect("取消", "群发未发送")
	if lastPushWith(t, m, "u-bc-1", "mass", "对接会") {
		t.Fatal("a broadcast called off was sent")
	}

	tf.expect("群发 零部件 重庆 周六在璧山召开供需对接会", "共3人")
	tf.expect("确认", "已开始群发")
	for i := range 3 {
		id := fmt.Sprintf("u-bc-%d", i)
		eventually(t, "the broadcast to "+id, func() bool { return lastPushWith(t, m, id, "mass", "周六在璧山召开供需对接会") })
	}
	eventually(t, "the report", func() bool { return lastPushWith(t, m, taskForce, "custom", "【群发完成】") })
	eventually(t, "the job done", func() bool {
		js, err := m.Broadcast.Service.Jobs(context.Background(), 1)
		return err == nil && len(js) == 1 && js[0].State == store.BroadcastDone
	})
	reply := tf.expect("群发进度", "最近的群发", "已完成", "共3人：已发送3，失败0，待发送0", "未确认")
	if strings.Count(reply, "重庆市零部件的用户") != 2 || strings.Contains(reply, "四川") {
		t.Fatalf("群发进度 lists %q, want the sent job and the one called off (not the one that reached nobody)", reply)
	}
	for i := range 3 {
		n := 0
		for _, p := range pushes(t, m, fmt.Sprintf("u-bc-%d", i)) {
			if p.Type == "mass" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("u-bc-%d got %d mass messages, want 1", i, n)
		}
	}
}

// A segment too small for mass send goes by customer-service messages.
func TestBroadcastSmallSegmentByPush(t *testing.T) {
	m := broadcastMain(t, broadcast.Config{})
	newChat(t, m, "u-bcp-0").register("重庆青山工业有限公司")
	tf := newChat(t, m, taskForce)
	tf.expect("群发 已认证 明天开会", "没有可以发送的用户")
	tf.expect("群发 未认证 明天上午九点开会", "共1人", "以客服消息逐个发送")
	tf.expect("确认", "已开始群发")
	eventually(t, "the push", func() bool { return lastPushWith(t, m, "u-bcp-0", "custom", "明天上午九点开会") })
	eventually(t, "the report", func() bool { return lastPushWith(t, m, taskForce, "custom", "送达1，未送达0") })
}

// crashingSender is WeChat's mass send for a runner that dies: the call
// numbered at reaches WeChat, and then the process is gone (its context
// cancelled) before it records anything.
type crashingSender struct {
	next  broadcast.MassSender
	at    int32
	calls atomic.Int32
	kill  context.CancelFunc
}

func (c *crashingSender) MassSendID(ctx context.Context, ids []string, text, id string) (int64, error) {
	n := c.calls.Add(1)
	msgID, err := c.next.MassSendID(ctx, ids, text, id)
	if n == c.at {
		c.kill()
		return 0, context.Canceled
	}
	return msgID, err
}

// Kill -9 at any point of a broadcast: the runner that takes the job over
// after the lease sends every chunk once. Nobody receives it twice,
// nobody is skipped, and the task force gets one report.
func TestBroadcastResumesAfterACrash(t *testing.T) {
	for _, crashAt := range []int32{1, 3, 5, 6} { // 6: after the last chunk, while waiting for WeChat's counts
		t.Run(fmt.Sprint("call ", crashAt), func(t *testing.T) {
			m := broadcastMain(t, broadcast.Config{})
			if err := m.stopBroadcast(context.Background()); err != nil { // this test runs its own runners
				t.Fatal(err)
			}
			prefix := fmt.Sprintf("crash%d-", crashAt)
			m.Sim.SeedFollowers(prefix, 10)
			m.Sim.Follow(taskForce)
			var ids []string
			for i := 1; i <= 10; i++ {
				ids = append(ids, fmt.Sprintf("%s%06d", prefix, i))
			}
			deps := broadcast.Deps{Store: m.Mongo.Broadcasts(), Notify: m.notifier, Outbox: m.Outbox, IsMember: m.isMember, Log: m.Log}
			cfg := broadcast.Config{ChunkSize: 2, MinMass: 2, MassPerMinute: 6000, Lease: 300 * time.Millisecond,
				Poll: 20 * time.Millisecond, ReconcileWait: 500 * time.Millisecond, Admins: []string{taskForce}}

			ctxA, killA := context.WithCancel(context.Background())
			crash := &crashingSender{next: m.Client, at: crashAt, kill: killA}
			depsA := deps
			depsA.Mass = crash
			cfgA := cfg
			cfgA.Owner, cfgA.KeepLeaseOnStop = "runner-A", true
			if crashAt > 5 {
				cfgA.ReconcileWait = time.Hour // dies while it waits
				go func() {
					for crash.calls.Load() < 5 {
						time.Sleep(10 * time.Millisecond)
					}
					time.Sleep(100 * time.Millisecond)
					killA()
				}()
			}
			a := broadcast.New(cfgA, depsA)
			ctx := context.Background()
			j, err := a.CreateList(ctx, broadcast.Actor{Via: "console", ID: "tester"}, "测试名单", "停电通知"+prefix, ids)
			if err != nil {
				t.Fatal(err)
			}
			if j.Chunks != 5 || j.Via != broadcast.ViaMass {
				t.Fatalf("job %+v, want 5 chunks by mass send", j)
			}
			if err := a.Start(ctx, broadcast.Actor{Via: "console", ID: "tester"}, j.ID); err != nil {
				t.Fatal(err)
			}
			doneA := make(chan struct{})
			go func() { defer close(doneA); a.Run(ctxA) }()
			<-doneA
			if p, _ := a.Progress(ctx, j.ID); p.State == store.BroadcastDone {
				t.Fatalf("runner A finished the job before it died: %+v", p)
			}

			cfgB := cfg
			cfgB.Owner = "runner-B"
			depsB := deps
			depsB.Mass = m.Client
			b := broadcast.New(cfgB, depsB)
			ctxB, stopB := context.WithCancel(context.Background())
			doneB := make(chan struct{})
			go func() { defer close(doneB); b.Run(ctxB) }()
			defer func() { stopB(); <-doneB }()
			eventually(t, "runner B finishing the job", func() bool {
				p, err := b.Progress(ctx, j.ID)
				return err == nil && p.State == store.BroadcastDone
			})
			p, _ := b.Progress(ctx, j.ID)
			if p.Total != 10 || p.Sent != 10 || p.Failed != 0 || p.Pending != 0 {
				t.Errorf("progress %+v, want 10 sent", p)
			}
			for _, id := range ids {
				n := 0
				for _, p := range m.Sim.Pushes(id) {
					if p.Type == "mass" && p.Text == "停电通知"+prefix {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%s received the broadcast %d times, want once", id, n)
				}
			}
			eventually(t, "the report", func() bool { return lastPushWith(t, m, taskForce, "custom", "【群发完成】测试名单") })
			reports := 0
			for _, p := range m.Sim.Pushes(taskForce) {
				if strings.Contains(p.Text, "【群发完成】测试名单") {
					reports++
				}
			}
			if reports != 1 {
				t.Errorf("%d reports, want 1", reports)
			}
		})
	}
}

// MASSSENDJOBFINISH folds WeChat's counts into the progress: a member
// filtered out by the four-a-month rule is not counted as reached.
func TestBroadcastReconcilesMassSendJobFinish(t *testing.T) {
	m := broadcastMain(t, broadcast.Config{MinMass: 2, ReconcileWait: time.Minute})
	m.Sim.SeedFollowers("rec-", 3)
	m.Sim.Follow(taskForce)
	ids := []string{"rec-000001", "rec-000002", "rec-000003"}
	// rec-000001 had its four mass messages this month already.
	for i := range 4 {
		if _, err := m.Client.MassSendID(context.Background(), []string{"rec-000001", "nobody"}, "旧消息", fmt.Sprint("old-", i)); err != nil {
			t.Fatal(err)
		}
	}
	svc := m.Broadcast.Service
	ctx := context.Background()
	j, err := svc.CreateList(ctx, broadcast.Actor{Via: "chat", ID: taskForce}, "测试名单", "新消息", ids)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx, broadcast.Actor{Via: "chat", ID: taskForce}, j.ID); err != nil {
		t.Fatal(err)
	}
	var job bot.Message
	eventually(t, "the mass send", func() bool {
		jobs := m.Sim.MassJobs()
		if len(jobs) < 5 {
			return false
		}
		last := jobs[len(jobs)-1]
		job = bot.Message{Type: bot.TypeEvent, Event: bot.EventMassEnd, MsgID: last.MsgID, Status: last.Status,
			TotalCount: int64(last.TotalCount), FilterCount: int64(last.FilterCount), SentCount: int64(last.SentCount)}
		return true
	})
	if job.SentCount != 2 || job.TotalCount != 3 {
		t.Fatalf("WeChat reports %+v, want 2 of 3 sent (one over the monthly cap)", job)
	}
	// The gateway hands the event to the feature's handler (with its MsgID).
	if _, err := svc.Events()[bot.EventMassEnd](ctx, &job); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the reconciled report", func() bool { return lastPushWith(t, m, taskForce, "custom", "共3人：送达2，未送达1") })
	if p, _ := svc.Progress(ctx, j.ID); p.Sent != 2 || p.Failed != 1 {
		t.Fatalf("progress %+v, want 2 sent and 1 failed", p)
	}
}

func TestSeedFollowersCommand(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	cfg := m.Config
	cfg.Server.Addr = m.Addr()
	var out strings.Builder
	if err := seedFollowers(context.Background(), cfg, []string{"1500", "seed-"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added 1500 followers") || len(m.Sim.Followers()) < 1500 {
		t.Fatalf("output %q, %d followers", out.String(), len(m.Sim.Followers()))
	}
	if err := seedFollowers(context.Background(), cfg, []string{"many"}, &out); err == nil {
		t.Fatal("N not a number: no error")
	}
}
