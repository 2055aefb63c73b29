package console

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"supplybot/bot/browsertest"

	"supplybot/bot"
)

// browser starts the headless chromium of the browser tests.
func browser(t *testing.T) (context.Context, *browserLog) {
	t.Helper()
	ctx, errs := browsertest.Start(t, 1280, 1000)
	return ctx, &browserLog{errs}
}

// browserLog is what the pages reported as errors.
type browserLog struct{ errs func() []string }

func (b *browserLog) all() []string { return b.errs() }

// TestBrowserEndToEnd drives the console in a real browser against the
// fakes of the task-force and broadcast services: log in, approve an
// enterprise, take a record down, send a broadcast and watch its progress
// reach the end, and see the dashboard's chart drawn.
func TestBrowserEndToEnd(t *testing.T) {
	ctx, blog := browser(t)
	h := newHarness(t)
	base := h.srv.URL
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		step1, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(step1, actions...); err != nil {
			t.Fatalf("%s: %v (browser errors: %v)", step, err, blog.all())
		}
	}
	value := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return strings.TrimSpace(v)
	}
	text := func(sel string) string { t.Helper(); return value("read "+sel, chromedp.Text(chromedp.CSS(sel))) }
	location := func() string { t.Helper(); return value("location", chromedp.Location()) }

	run("open the console", chromedp.Navigate(base+"/admin/records"), chromedp.WaitVisible(chromedp.CSS(`input[name=password]`)))
	loc := location()
	if !strings.Contains(loc, "/admin/login?next=") {
		t.Fatalf("anonymous browser at %s, want the login page", loc)
	}
	run("log in",
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), testUser),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.filters`)))
	loc = location()
	if !strings.HasSuffix(loc, "/admin/records") {
		t.Fatalf("after login at %s, want /admin/records", loc)
	}

	run("approve", chromedp.Navigate(base+"/admin/queue"), chromedp.Click(chromedp.CSS(`#q-1 button.approve`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if got := text(`p.notice`); got != "已通过认证。" {
		t.Errorf("after 通过: notice %q", got)
	}
	if e, _ := (fakeEnterprises{h.f}).Get(context.Background(), "e1"); !e.Verified {
		t.Errorf("enterprise not verified after 通过")
	}

	run("take down", chromedp.Navigate(base+"/admin/records/D1001"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/takedown"] input[name=reason]`), "重复发布"),
		chromedp.Click(chromedp.CSS(`form[action$="/takedown"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/restore"]`)))
	if got := text(`#status`); got != "已下架" {
		t.Errorf("after 下架: status %q", got)
	}

	run("compose a broadcast", chromedp.Navigate(base+"/admin/broadcasts"),
		chromedp.Click(chromedp.CSS(`input[name=all]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('audience-size').textContent === '120'`, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text]`), "12月10日 成渝汽车电子对接会，回复 报名 参加"),
		chromedp.Submit(chromedp.CSS(`textarea[name=text]`)),
		chromedp.WaitVisible(chromedp.CSS(`#send`)))
	if got := text(`.preview`); !strings.Contains(got, "成渝汽车电子对接会") {
		t.Errorf("preview shows %q", got)
	}
	run("send", chromedp.Click(chromedp.CSS(`#send`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	run("watch the progress", chromedp.Poll[chromedp.Void](`document.getElementById('progress-state').textContent === 'done'`, chromedp.WithPollingTimeout(20*time.Second)))
	if sent, total := text(`#progress-sent`), text(`#progress-total`); sent != "120" || total != "120" {
		t.Errorf("progress at the end: %s/%s, want 120/120", sent, total)
	}

	run("dashboard chart", chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(chromedp.CSS(`#series-chart polyline`)))
	points, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#series-chart polyline')).map(p => p.getAttribute('points'))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 3 || strings.Count(points[0], ",") != 30 {
		t.Errorf("series chart: %d lines, first with points %q; want 3 lines of 30 days", len(points), points)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const p = document.querySelector('#series-chart polyline'); return p.getBBox().width > 100 && getComputedStyle(p).stroke !== 'none'; })()`))
	if err != nil || !drawn {
		t.Errorf("the series chart is not drawn (no width or no stroke: the stylesheet did not apply)")
	}
	if p := os.Getenv("SUPPLYBOT_SCREENSHOT"); p != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// On a phone the pages fit the screen: nothing wider than it but the
	// tables, which scroll inside their own box.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(3)))
	for _, p := range []string{"/admin/", "/admin/queue", "/admin/records", "/admin/records/D1001", "/admin/broadcasts", "/admin/enterprises"} {
		run("phone "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth + 1`))
		if err != nil || !fits {
			w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			t.Errorf("phone: %s is %d px wide for a 390 px screen", p, w)
		}
	}
	if p := os.Getenv("SUPPLYBOT_SCREENSHOT_PHONE"); p != "" {
		run("phone queue", chromedp.Navigate(base+"/admin/records"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(p, png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	run("desktop", chromedp.ResetViewport())

	run("log out", chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=password]`)),
		chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(chromedp.CSS(`input[name=password]`)))
	out := location()
	if !strings.Contains(out, "/admin/login") {
		t.Errorf("after logout /admin/ is at %s, want the login page", out)
	}
	if errs := blog.all(); len(errs) > 0 {
		t.Errorf("the browser reported errors (CSP or script): %v", errs)
	}
	if got := strings.Join(h.f.auditActions(), ";"); got != "approve e1;takedown D1001;broadcast b1" {
		t.Errorf("audit: got %q", got)
	}
}

// TestBrowserQRLogin: the login page waits on its scene; when a member's
// SCAN of it arrives, the page (login.js) goes on by itself.
func TestBrowserQRLogin(t *testing.T) {
	ctx, blog := browser(t)
	h := newHarness(t, func(d *Deps) { d.Users = nil })
	if err := chromedp.Do(ctx, chromedp.Navigate(h.srv.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS(`#qr img`))); err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#qr img').naturalWidth > 0`))
	if err != nil || !loaded {
		t.Errorf("the QR code image did not load")
	}
	scene, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new URL(document.querySelector('#qr img').src).searchParams.get('s')`))
	if err != nil || !strings.HasPrefix(scene, scenePrefix) {
		t.Fatalf("scene %q %v", scene, err)
	}
	rep, err := h.c.onScan(context.Background(), &bot.Message{OpenID: "o-member", Type: bot.TypeEvent, Event: bot.EventScan, EventKey: scene})
	if err != nil || !strings.Contains(rep.Text, "已登录") {
		t.Fatalf("scan: %q %v", rep.Text, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(`form.filters input[name=actor]`))); err != nil {
		t.Fatalf("the page did not log in after the scan: %v (browser errors: %v)", err, blog.all())
	}
	if errs := blog.all(); len(errs) > 0 {
		t.Errorf("browser errors: %v", errs)
	}
}
