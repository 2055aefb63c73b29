package console

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"supplybot/bot"
)

// Login by scanning: the login page asks WeChat for a temporary QR code
// whose scene is a one-time value; the browser polls /admin/login/qr; the
// official account receives the SCAN event with the scene (any instance:
// the state is in the KV), and when the scanner is a task-force member the
// browser waiting on that scene is logged in.

const (
	scenePrefix = "console-"
	sceneKey    = "console:scene:"
	sceneTTL    = 5 * time.Minute
	sceneWait   = "wait"
	sceneOK     = "ok:"
)

func (c *Console) newScene(ctx context.Context) (scene, content string, err error) {
	scene = scenePrefix + randomToken()[:24]
	content, err = c.d.QR.TempQR(ctx, scene, sceneTTL)
	if err != nil {
		return "", "", err
	}
	if err := c.d.KV.Set(ctx, sceneKey+scene, sceneWait, sceneTTL); err != nil {
		return "", "", err
	}
	return scene, content, nil
}

// qrStatus answers the login page's poll: wait, expired, or ok (and the
// session cookie).
func (c *Console) qrStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := c.preSession(r)
	if p == nil || p.Scene == "" {
		writeJSON(w, http.StatusOK, map[string]string{"state": "expired"})
		return
	}
	v, ok, err := c.d.KV.Lookup(ctx, sceneKey+p.Scene)
	switch {
	case err != nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"state": "error"})
		return
	case !ok:
		writeJSON(w, http.StatusOK, map[string]string{"state": "expired"})
		return
	case !strings.HasPrefix(v, sceneOK):
		writeJSON(w, http.StatusOK, map[string]string{"state": "wait"})
		return
	}
	openid := strings.TrimPrefix(v, sceneOK)
	// One browser, once: whoever removes the mark logs in.
	if won, err := c.d.KV.DelIfEqual(ctx, sceneKey+p.Scene, v); err != nil || !won || !c.d.IsMember(ctx, openid) {
		writeJSON(w, http.StatusOK, map[string]string{"state": "expired"})
		return
	}
	if err := c.startSession(ctx, w, session{User: "微信 " + shortID(openid), OpenID: openid, Via: "qr"}); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"state": "error"})
		return
	}
	_ = c.d.KV.Del(ctx, preKey+hashID(p.id))
	c.d.Log.InfoContext(ctx, "console login", "openid", openid, "via", "qr")
	writeJSON(w, http.StatusOK, map[string]string{"state": "ok", "next": safeNext(r.URL.Query().Get("next"))})
}

func shortID(openid string) string {
	if len(openid) > 10 {
		return openid[:4] + "…" + openid[len(openid)-4:]
	}
	return openid
}

// qrImage draws the browser's QR code as SVG, here, so the page loads
// nothing from WeChat's servers.
func (c *Console) qrImage(w http.ResponseWriter, r *http.Request) {
	p := c.preSession(r)
	if p == nil || p.QR == "" {
		http.NotFound(w, r)
		return
	}
	q, err := qrcode.New(p.QR, qrcode.Medium)
	if err != nil {
		http.Error(w, "qr", http.StatusInternalServerError)
		return
	}
	bm := q.Bitmap()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, len(bm), len(bm))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, len(bm), len(bm))
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write([]byte(b.String()))
}

// Commands, MenuKeys and Events make the console a feature of the
// conversation (handlers.Feature, handlers.EventFeature): it answers the
// SCAN of its login codes.
func (c *Console) Commands() []bot.Command          { return nil }
func (c *Console) MenuKeys() map[string]bot.Handler { return nil }
func (c *Console) Events() map[string]bot.Handler {
	return map[string]bot.Handler{bot.EventScan: c.onScan}
}

func (c *Console) onScan(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	scene := m.EventKey
	if !strings.HasPrefix(scene, scenePrefix) {
		return bot.Reply{}, nil // another code's scan
	}
	v, ok, err := c.d.KV.Lookup(ctx, sceneKey+scene)
	if err != nil {
		return bot.Reply{}, err
	}
	if !ok || v != sceneWait {
		return bot.Text("这个登录二维码已失效，请在电脑上刷新控制台登录页后重新扫码。"), nil
	}
	if !c.d.IsMember(ctx, m.OpenID) {
		return bot.Text("您不是工作专班成员，不能登录控制台。"), nil
	}
	if err := c.d.KV.Set(ctx, sceneKey+scene, sceneOK+m.OpenID, 2*time.Minute); err != nil {
		return bot.Reply{}, err
	}
	return bot.Text("已确认，电脑上的控制台已登录。用完请在控制台点“退出”。"), nil
}
