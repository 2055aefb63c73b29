package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"supplybot/bot/browsertest"
)

// simBrowser starts the headless chromium of the browser tests, in Chinese.
func simBrowser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	return browsertest.Start(t, 1360, 860, chromedp.Flag("lang", "zh-CN"))
}

// js quotes s for a script.
func js(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestBrowserSimulator drives the simulator page in a real browser: it
// runs the scenario, registers two new users by typing, posts an offer in
// one window and a matching demand in the other, and sees the match alert
// arrive in both windows.
func TestBrowserSimulator(t *testing.T) {
	ctx, browserErrors := simBrowser(t)
	m := mustRun(t, testConfig(t), nil)
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			logs, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.phone')).map(p => p.getAttribute('data-openid') + ': ' + p.querySelector('.log').innerText)`))
			t.Fatalf("%s: %v (browser errors: %v)\nwindows:\n%s", step, err, browserErrors(), strings.Join(logs, "\n"))
		}
	}
	phone := func(openid string) string { return `.phone[data-openid="` + openid + `"]` }
	// shows waits until a node matching sel in openid's window holds want.
	shows := func(openid, sel, want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`Array.from(document.querySelectorAll(`+js(phone(openid)+" "+sel)+`)).some(e => e.textContent.includes(`+js(want)+`))`,
			chromedp.WithPollingTimeout(45*time.Second))
	}
	// say types text in openid's window and waits for a reply holding want.
	say := func(openid, text, want string) {
		t.Helper()
		run(openid+": "+text,
			chromedp.SendKeys(chromedp.CSS(phone(openid)+" input.text"), text),
			chromedp.Click(chromedp.CSS(phone(openid)+" button.send")),
			shows(openid, ".row.bot:not(.push)", want))
	}

	run("open the page", chromedp.Navigate(m.URL()+"/sim/"),
		chromedp.WaitVisible(chromedp.CSS(phone("sim-caigou")+" .menubar button.menu")))
	run("the menu's sub-menu", chromedp.Click(chromedp.CSS(phone("sim-caigou")+" .menubar .item:nth-child(3) button.menu")),
		chromedp.WaitVisible(chromedp.CSS(phone("sim-caigou")+" .menubar .item:nth-child(3) .sub")),
		chromedp.Click(chromedp.CSS(phone("sim-caigou")+" .menubar .item:nth-child(3) .sub button:last-child")),
		shows("sim-caigou", ".row.me", "点击菜单：帮助"), shows("sim-caigou", ".row.bot", "发布"))

	run("voice", chromedp.SendKeys(chromedp.CSS(phone("sim-dianzi")+" input.text"), "帮助"),
		chromedp.Click(chromedp.CSS(phone("sim-dianzi")+" button.toggle")),
		chromedp.Click(chromedp.CSS(phone("sim-dianzi")+" button.voice")),
		shows("sim-dianzi", ".row.me", "语音：帮助"), shows("sim-dianzi", ".row.bot", "发布求购"))
	run("scan the console's login code", chromedp.SendKeys(chromedp.CSS(phone("sim-dianzi")+" input.text"), m.URL()+"/admin/login/qr.svg?s=no-such-login"),
		chromedp.Click(chromedp.CSS(phone("sim-dianzi")+" button.scan")),
		shows("sim-dianzi", ".row.me", "扫码："), chromedp.Poll[chromedp.Void](`document.querySelectorAll(`+js(phone("sim-dianzi")+" .row")+`).length >= 4`, chromedp.WithPollingTimeout(20*time.Second)))

	run("场景演示", chromedp.Click(chromedp.CSS(`#scenario`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('status').textContent.includes('场景已就绪')`, chromedp.WithPollingTimeout(90*time.Second)),
		shows("sim-lingjian", ".row.push", "为您找到匹配"), shows("sim-caigou", ".row.push", "为您找到匹配"))

	run("two new users", chromedp.Click(chromedp.CSS(`#add`)), chromedp.Click(chromedp.CSS(`#add`)),
		chromedp.WaitVisible(chromedp.CSS(phone("sim-user-2")+" input.text")))
	rename := func(openid, name string) {
		t.Helper()
		run("rename "+openid, chromedp.Click(chromedp.CSS(phone(openid)+" button.rename")),
			chromedp.SendKeys(chromedp.CSS(phone(openid)+" header input"), name+kb.Enter),
			chromedp.Poll[chromedp.Void](`document.querySelector(`+js(phone(openid)+" header .name")+`).textContent === `+js(name), chromedp.WithPollingTimeout(10*time.Second)))
	}
	rename("sim-user-1", "两江齿轮 赵云")
	rename("sim-user-2", "山城汽车 钱进")
	run("add and remove a user", chromedp.Click(chromedp.CSS(`#add`)), chromedp.WaitVisible(chromedp.CSS(phone("sim-user-3"))),
		chromedp.Click(chromedp.CSS(phone("sim-user-3")+" button.remove")),
		chromedp.Poll[chromedp.Void](`!document.querySelector(`+js(phone("sim-user-3"))+`)`, chromedp.WithPollingTimeout(10*time.Second)))
	say("sim-user-1", "注册 重庆两江齿轮有限公司 零部件 重庆两江新区 联系人赵云 13800000021", "同意")
	say("sim-user-1", "同意", "登记成功")
	say("sim-user-2", "注册 重庆山城汽车有限公司 整车 重庆九龙坡 联系人钱进 13800000022", "同意")
	say("sim-user-2", "同意", "登记成功")
	say("sim-user-1", "供应 离合器片 月产能2万件 重庆两江新区", "请核对")
	say("sim-user-1", "确认", "已发布")
	say("sim-user-2", "求购 离合器片 3000件 重庆九龙坡", "请核对")
	say("sim-user-2", "确认", "已发布")
	run("the alert in both windows",
		shows("sim-user-1", ".row.push", "为您找到匹配"), shows("sim-user-2", ".row.push", "为您找到匹配"),
		shows("sim-user-2", ".row.push", "重庆两江齿轮有限公司"))

	if p := os.Getenv("SUPPLYBOT_SCREENSHOT"); p != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.WriteFile(p, png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if errs := browserErrors(); len(errs) > 0 {
		t.Errorf("the browser reported errors (CSP or script): %v", errs)
	}
	// One stream serves every window (a browser keeps six connections to
	// a host); the streams of earlier window lists were closed.
	eventually(t, "one event stream for the page", func() bool { return m.Sim.Streams() == 1 })
}
