package handlers

import (
	"context"
	"strings"
	"unicode/utf8"

	"supplybot/bot"
)

const helpText = `这里是成渝汽车电子产业链供需对接平台。您可以：
· 发布求购：求购 变速箱电磁阀 5000件 重庆璧山
· 发布供应：供应 6层PCB 月产能2万平米 成都
· 查找：查需求 轮毂 / 查供应 PCB
· 我的：我的发布 / 我的匹配 / 我的订阅
· 注册企业：注册
请直接回复上面的文字，随时回复“帮助”再看本说明。`

const welcomeText = `欢迎关注成渝产业链供需对接平台！整车、零部件、电子信息企业在这里发布需求和供应，平台自动匹配并提醒双方。
第一步：回复“注册”登记您的企业。
也可以直接发：求购 轮毂 2000套 重庆璧山
回复“帮助”查看全部功能。`

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
	case bot.TypeText, bot.TypeVoice:
		t := strings.TrimSpace(m.Text)
		if t == "" {
			return bot.Text("没有听清，请再说一遍或直接打字。\n" + helpText), nil
		}
		return bot.Text("没看懂“" + preview(t, 12) + "”。\n" + helpText), nil
	case bot.TypeImage:
		return bot.Text("收到图片。发布供应时可以附上产品图片；现在请先回复“帮助”看看怎么发布。"), nil
	}
	return bot.Text("暂时只支持文字和语音消息。\n" + helpText), nil
}

// preview cuts s to n characters for echoing it back.
func preview(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
