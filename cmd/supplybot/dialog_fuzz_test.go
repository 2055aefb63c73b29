package main

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers"
	"supplybot/store/storetest"
)

// FuzzDialog sends random message sequences from three users through the
// real conversation (the router of a running Main, with every feature:
// posts, lists, search, alerts, contacts, company accounts, the task
// force) and checks what must hold for any of them: no handler panics or
// fails (nor logs an error about these users), and every text or voice message gets a non-empty answer within
// WeChat's 2048 bytes. Its seeds (testdata/fuzz/FuzzDialog) run with every
// go test; .ci/run fuzzes it for a short time:
//
//	go test ./cmd/supplybot -run '^$' -fuzz '^FuzzDialog$' -fuzztime 5m
//
// An input is a list of steps of two bytes or more (see dialogStep).
func FuzzDialog(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 2, 1, 3, 2, 4, 2, 5})
	f.Add([]byte{0, 0, 0, 1, 0, 6, 0, 7, 12, 3, 1, 0, 1, 1, 1, 8, 1, 7, 1, 9})
	f.Add([]byte{16, 5, 'a', '<', 'b', '>', 0xff, 20, 0, 24, 2, 28, 1, 29, 0})

	fz := startDialogFuzz(f)
	f.Fuzz(fz.run)
}

// dialogVocab is what users type: commands, posts, answers, numbers,
// emoji, markup, traditional characters and slips.
var dialogVocab = []string{
	"注册 重庆青山工业有限公司 零部件 重庆市璧山区 联系人张伟 13800001111", // 0
	"同意", // 1
	"求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货", // 2
	"确认", // 3
	"供应 6层PCB 月产能2万平米 成都", // 4
	"查供应 电磁阀",             // 5
	"注册 成都蓉电科技有限公司 电子 成都市高新区 联系人李娜 13900002222", // 6
	"我的发布",     // 7
	"联系 D1001", // 8
	"我的匹配",     // 9
	"求购：轮毂 2000套；轮胎 8000条；刹车片 5000套 重庆",
	"修改 数量 4000", "上一步", "取消", "继续", "放弃", "帮助", "help", "菜单",
	"发布需求", "发布供应", "查需求 轮毂 只看重庆", "查供应 富临精工", "下一页", "地区 成都", "只看已认证",
	"详情 D1001", "D1001", "O1001", "关闭 D1001", "续期 D1001", "修改 D1001 价格 30元",
	"订阅 轮毂 重庆", "我的订阅", "退订 1", "拒绝", "关注企业提醒", "取消关注企业提醒",
	"退出企业", "注销", "确认注销", "申请认证 91500227MA5U7G2X4T", "申诉 重庆长安汽车股份有限公司 名称被占用",
	"移除同事 1111", "人工客服", "留言 请问怎么发布", "加入 ABC123", "匿名", "修改 匿名 是",
	"球购 轮毂 2000套", "求購 變速箱電磁閥 5000件 重慶", "供應 線束 月產能10萬套", "查詢需求",
	"18寸", "10万套/年", "春节前", "1", "2", "0", "-1", "99999999999999999999", "是", "否", "好的", "嗯",
	"👍", "🚗🔧 求购 🛞", "<script>alert(1)</script>", "]]><xml>", "&amp;&lt;", "%s %d %!", "'; drop table demands; --",
	"专班帮助", "审核", "通过 1", "统计", "值班", "下班", "下架 D1001 违规", "恢复 D1001",
	"　", " ", "\n", "求购", "供应", "联系", "修改", "删除 2", "修改 2 数量 8000条",
}

// dialogMenu is the menu's keys and a few that are not.
var dialogMenu = []string{"POST_DEMAND", "POST_OFFER", "SEARCH_DEMAND", "SEARCH_OFFER", "MY_POSTS", "MY_MATCHES", "HELP", "NO_SUCH_KEY", ""}

// dialogFuzz is one running bot shared by the inputs of a fuzzing process.
type dialogFuzz struct {
	m    *Main
	errs *errorLog
	n    atomic.Int64 // inputs run: each has users of its own
}

// startDialogFuzz runs a bot on the test stores for the inputs of f.
func startDialogFuzz(f *testing.F) *dialogFuzz {
	cfg, err := LoadConfig("../../config.yaml", nil)
	if err != nil {
		f.Fatal(err)
	}
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.DataDir = f.TempDir()
	cfg.Mongo.URI = storetest.MongoURI(f)
	cfg.Mongo.Database = storetest.UniqueName("fuzz_")
	r := storetest.RedisAddr(f)
	cfg.Redis.Addr, cfg.Redis.Prefix = r.Addr, r.Prefix
	fz := &dialogFuzz{errs: &errorLog{}}
	fz.m = NewMain(cfg, slog.New(fz.errs))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := fz.m.Run(ctx); err != nil {
		fz.m.Close(context.Background())
		f.Fatalf("run: %v", err)
	}
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = fz.m.Mongo.DropDatabase(ctx)
		_ = fz.m.Close(ctx)
	})
	return fz
}

// run sends the steps of data and checks every answer.
func (fz *dialogFuzz) run(t *testing.T, data []byte) {
	input := fz.n.Add(1)
	prefix := "fz" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + "-" + strconv.FormatInt(input, 10) + "-"
	users := [3]string{prefix + "a", prefix + "b", prefix + "c"}
	for step := 0; len(data) >= 2 && step < 16; step++ {
		var msg *bot.Message
		msg, data = dialogStep(users, data)
		fz.errs.reset(users[:]...)
		if err := fz.m.Redis.Del(context.Background(), handlers.RateLimitKey(msg.OpenID)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(bot.WithMessageKey(context.Background(), msg.DedupeKey()), 30*time.Second)
		reply, err := fz.m.Router.Handle(ctx, msg)
		cancel()
		what := msg.Type + " " + strconv.Quote(msg.Text+msg.Event+msg.EventKey)
		if err != nil {
			t.Fatalf("step %d, %s: %v", step, what, err)
		}
		if e := fz.errs.first(); e != "" {
			t.Fatalf("step %d, %s: logged an error: %s (reply %q)", step, what, e, reply.Text)
		}
		if (msg.Type == bot.TypeText || msg.Type == bot.TypeVoice) && strings.TrimSpace(reply.Text) == "" {
			t.Fatalf("step %d, %s: no answer", step, what)
		}
		if len(reply.Text) > 2048 {
			t.Fatalf("step %d, %s: reply is %d bytes, over WeChat's 2048", step, what, len(reply.Text))
		}
		for _, bad := range []string{"goroutine", "panic", "<nil>", "%!", "store:", "mongo", "redis"} {
			if strings.Contains(reply.Text, bad) && !strings.Contains(msg.Text, bad) {
				t.Fatalf("step %d, %s: reply leaks %q: %s", step, what, bad, reply.Text)
			}
		}
	}
}

// dialogStep reads one step from data: a byte whose low two bits choose
// the user and whose next three the kind, then the kind's argument.
func dialogStep(users [3]string, data []byte) (*bot.Message, []byte) {
	op, arg := data[0], int(data[1])
	data = data[2:]
	msg := &bot.Message{OpenID: users[int(op&3)%3], Type: bot.TypeText, MsgID: msgSeq.Add(1), CreateTime: time.Now()}
	vocab := func(i int) string { return dialogVocab[i%len(dialogVocab)] }
	switch (op >> 2) % 8 {
	case 0, 1, 2:
		msg.Text = vocab(arg)
	case 3: // two phrases in one message
		next := 0
		if len(data) > 0 {
			next, data = int(data[0]), data[1:]
		}
		msg.Text = vocab(arg) + " " + vocab(next)
	case 4: // arbitrary text, as much of it as the argument says
		n := min(arg%64, len(data))
		msg.Text, data = xmlText(string(data[:n])), data[n:]
	case 5:
		msg.Type, msg.MediaID, msg.PicURL = bot.TypeImage, "media-"+strconv.Itoa(arg), "http://img.example/"+strconv.Itoa(arg)+".jpg"
	case 6:
		msg.Type, msg.Event, msg.EventKey, msg.MsgID = bot.TypeEvent, bot.EventClick, dialogMenu[arg%len(dialogMenu)], 0
	case 7:
		switch arg % 5 {
		case 0:
			msg.Type, msg.Event, msg.MsgID = bot.TypeEvent, bot.EventSubscribe, 0
		case 1:
			msg.Type, msg.Event, msg.MsgID = bot.TypeEvent, bot.EventUnsubscribe, 0
		case 2:
			msg.Type, msg.Event, msg.EventKey, msg.MsgID = bot.TypeEvent, bot.EventScan, "login-"+strconv.Itoa(arg), 0
		case 3:
			msg.Type, msg.Event, msg.EventKey, msg.MsgID = bot.TypeEvent, bot.EventView, "http://127.0.0.1/r/D1001", 0
		default:
			msg.Type, msg.Text, msg.MediaID = bot.TypeVoice, vocab(arg/5), "voice-1"
		}
	}
	if msg.Type == bot.TypeEvent {
		// Events dedupe on their time; each step is a push of its own.
		msg.CreateTime = time.Unix(msgSeq.Add(1), 0)
	}
	return msg, data
}

// xmlText is s as WeChat could deliver it: valid UTF-8 without the
// control characters XML cannot carry.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// errorLog is a slog handler that keeps the first error logged since
// reset by a handler (failed or panicked) or about one of the watched
// users; errors of background work about others (a push to a stranger)
// are not the dialog's.
type errorLog struct {
	mu      sync.Mutex
	watched map[string]bool
	error   string
}

func (l *errorLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler               { return l }
func (l *errorLog) WithGroup(string) slog.Handler                    { return l }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.error != "" {
		return nil
	}
	text, ours := r.Message, r.Message == "handler panic" || r.Message == "handler failed"
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "openid" && l.watched[a.Value.String()] {
			ours = true
		}
		if a.Key != "stack" {
			text += " " + a.Key + "=" + a.Value.String()
		}
		return true
	})
	if ours {
		l.error = text
	}
	return nil
}

// reset forgets what was logged and watches users.
func (l *errorLog) reset(users ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.error = ""
	l.watched = map[string]bool{}
	for _, u := range users {
		l.watched[u] = true
	}
}

func (l *errorLog) first() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.error
}
