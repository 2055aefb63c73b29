package handlers

import (
	"context"
	"errors"
	"strings"

	"supplybot/bot"
	"supplybot/store"
)

const helpText = `这里是成渝汽车电子产业链供需对接平台。您可以：
· 发布求购：求购 变速箱电磁阀 5000件 重庆璧山
· 发布供应：供应 6层PCB 月产能2万平米 成都
· 查找：查需求 轮毂 / 查供应 PCB 只看重庆
· 我的：我的发布 / 我的匹配 / 我的订阅
· 管理：详情 D1024 / 关闭 D1024 / 续期 D1024
· 订阅提醒：订阅 轮毂 重庆；对接：联系 D1024
· 企业：注册 / 加入 邀请码 / 注销 / 申请认证
· 找工作专班：人工客服，或 留言 您的问题
请直接回复上面的文字，随时回复“帮助”再看本说明。`

const welcomeText = `欢迎关注成渝产业链供需对接平台！整车、零部件、电子信息企业在这里发布需求和供应，平台自动匹配并提醒双方。
第一步：回复“注册”登记您的企业。
也可以直接发：求购 轮毂 2000套 重庆璧山
回复“帮助”查看全部功能。`

// nextHint ends replies that finish something: what to type next.
const nextHint = "回复“帮助”查看全部功能。"

func (a *App) help(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Text(helpText), nil
}

// welcome greets a new follower; one who registered before and follows
// again is welcomed back rather than asked to register.
func (a *App) welcome(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	e, err := a.d.Enterprises.ByOpenID(ctx, m.OpenID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.d.Log.WarnContext(ctx, "welcome: enterprise", "openid", m.OpenID, "err", err)
		}
		return bot.Text(welcomeText), nil
	}
	return bot.Text("欢迎回来！您已登记为“" + e.Name + "”的联系人，无需再注册。\n直接发：求购 轮毂 2000套 重庆璧山\n或回复“我的发布”查看您的信息。\n" + nextHint), nil
}

// silent acknowledges events that need no answer.
func (a *App) silent(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Reply{}, nil
}

func (a *App) unknown(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	switch m.Type {
	case bot.TypeEvent:
		// A menu button this version does not know (an older menu still on
		// the user's phone) is answered; other events no route claimed
		// (template or mass-send reports, VIEW) need no answer.
		if m.IsEvent(bot.EventClick) {
			return bot.Text("这个菜单暂时用不了。请直接发文字，例如：查供应 PCB，或 求购 轮毂 2000套 重庆璧山\n" + nextHint), nil
		}
		return bot.Reply{}, nil
	case bot.TypeText, bot.TypeVoice:
		t := clean(m.Text)
		if t == "" {
			if m.Type == bot.TypeVoice {
				return bot.Text("没有听清，请再说一遍或直接打字。\n" + nextHint), nil
			}
			if strings.TrimSpace(m.Text) != "" {
				// only markup or symbols: nothing left to read
				return bot.Text("没看懂您发的内容，请直接打字。\n" + helpText), nil
			}
			return bot.Text(helpText), nil
		}
		if s := a.chatAnswer(ctx, t); s != "" {
			return bot.Text(s), nil
		}
		if s := suggest(t); s != "" {
			return bot.Text("没看懂“" + preview(t, 12) + "”。您是不是想发：" + s + "\n" + nextHint), nil
		}
		return bot.Text("没看懂“" + preview(t, 12) + "”。\n" + helpText), nil
	case bot.TypeImage:
		return bot.Text("收到图片。发布供应时可以附上产品图片：先发“供应 产品 地区”，再发图片。\n" + nextHint), nil
	case bot.TypeLocation:
		return bot.Text("收到位置。发布时请直接写地区，例如：求购 轮毂 2000套 重庆璧山\n" + nextHint), nil
	case bot.TypeLink:
		return bot.Text("收到链接，但暂时无法打开链接。请把要发布的内容直接打字发来。\n" + nextHint), nil
	case bot.TypeVideo, bot.TypeShort:
		return bot.Text("暂时不能处理视频。请用文字或语音告诉我您要做什么。\n" + nextHint), nil
	}
	return bot.Text("暂时只支持文字和语音消息。\n" + strings.TrimSpace(helpText)), nil
}

var greetings = []string{"你好", "您好", "你好啊", "您好啊", "hi", "hello", "哈喽", "嗨", "在吗", "在不在", "有人吗", "早上好", "下午好", "晚上好"}

// chatAnswer answers natural phrasing that names no command ("你好",
// "我想查一下需求", "有没有做线束的厂家") with the command it asks for, or "".
func (a *App) chatAnswer(ctx context.Context, t string) string {
	if inWords(t, greetings) {
		return "您好！这里是成渝产业链供需对接平台。可以直接发：\n求购 轮毂 2000套 重庆璧山\n查供应 PCB\n" + nextHint
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	// A product the taxonomy knows, for the example; 轮毂 otherwise.
	product, example := "", "轮毂"
	if p := a.parse(ctx, t).Product; p != "" {
		if _, ok := a.p.ParseCategory(p); ok {
			product, example = p, p
		}
	}
	seeking := has("查", "找", "搜", "看看", "有没有", "有谁", "哪家", "哪里有", "谁家", "推荐")
	switch {
	case seeking && has("需求", "求购", "采购", "买家", "客户", "订单"):
		return "您是想查需求吗？请发：查需求 " + example + "\n还可以加地区：查需求 " + example + " 只看重庆"
	case seeking && has("厂家", "厂商", "工厂", "供应商", "供货", "货源", "供应", "生产", "做"):
		return "您是想找供应商吗？请发：查供应 " + example + "\n还可以加地区：查供应 " + example + " 只看重庆"
	case has("想买", "要买", "想采购", "要采购", "需要采购"):
		return "要发布求购，请发：求购 " + example + " 数量 地区，例如：求购 " + example + " 2000套 重庆璧山"
	case has("想卖", "要卖", "想供货", "出售"):
		return "要发布供应，请发：供应 " + example + " 地区，例如：供应 " + example + " 成都"
	case product != "":
		return "想找“" + product + "”？查供应请发：查供应 " + product + "；发布求购请发：求购 " + product + " 数量 地区"
	}
	return ""
}
