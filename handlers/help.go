package handlers

import (
	"context"
	"strings"

	"supplybot/bot"
)

const helpText = `这里是成渝汽车电子产业链供需对接平台。您可以：
· 发布求购：求购 变速箱电磁阀 5000件 重庆璧山
· 发布供应：供应 6层PCB 月产能2万平米 成都
· 查找：查需求 轮毂 / 查供应 PCB 只看重庆
· 我的：我的发布 / 我的匹配 / 我的订阅
· 管理：详情 D1024 / 关闭 D1024 / 续期 D1024
· 订阅提醒：订阅 轮毂 重庆；对接：联系 D1024
· 企业：注册 / 加入 邀请码 / 注销
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

func (a *App) welcome(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Text(welcomeText), nil
}

// silent acknowledges events that need no answer.
func (a *App) silent(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	return bot.Reply{}, nil
}

func (a *App) unknown(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	switch m.Type {
	case bot.TypeEvent:
		// Events no route claimed (template or mass-send reports, VIEW,
		// unknown menu keys) need no answer.
		return bot.Reply{}, nil
	case bot.TypeText, bot.TypeVoice:
		t := clean(m.Text)
		if t == "" {
			if m.Type == bot.TypeVoice {
				return bot.Text("没有听清，请再说一遍或直接打字。\n" + nextHint), nil
			}
			return bot.Text(helpText), nil
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
