package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// QRCode is a temporary parametric QR code: scanning it sends the account
// a SCAN event (subscribe, for a new follower) whose EventKey is the scene.
type QRCode struct {
	Ticket        string `json:"ticket"`
	ExpireSeconds int    `json:"expire_seconds"`
	// URL is what the code encodes; draw it as a QR code to show it.
	URL string `json:"url"`
}

// maxQRExpire is WeChat's limit for a temporary code: 30 days.
const maxQRExpire = 30 * 24 * time.Hour

// CreateTempQR asks WeChat for a temporary QR code with a string scene
// (QR_STR_SCENE, 1–64 characters) that lasts expire (60 s to 30 days).
func (c *Client) CreateTempQR(ctx context.Context, scene string, expire time.Duration) (QRCode, error) {
	if len(scene) == 0 || len(scene) > 64 {
		return QRCode{}, fmt.Errorf("qrcode: scene must be 1 to 64 bytes")
	}
	expire = min(max(expire, time.Minute), maxQRExpire)
	req := map[string]any{
		"expire_seconds": int(expire.Seconds()),
		"action_name":    "QR_STR_SCENE",
		"action_info":    map[string]any{"scene": map[string]string{"scene_str": scene}},
	}
	var qr QRCode
	err := c.call(ctx, "qrcode", func(ctx context.Context, tok string) error {
		body, err := util.PostJSONContext(ctx, apiBase+"/cgi-bin/qrcode/create?access_token="+tok, req)
		if err != nil {
			return err
		}
		var res struct {
			util.CommonError
			QRCode
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return fmt.Errorf("qrcode: bad answer: %w", err)
		}
		if res.ErrCode != 0 {
			return &APIError{API: "qrcode", Code: int(res.ErrCode), Msg: res.ErrMsg}
		}
		if res.URL == "" {
			return fmt.Errorf("qrcode: answer without url")
		}
		qr = res.QRCode
		return nil
	})
	return qr, err
}

// TempQR returns only what a temporary code for scene encodes (the
// console draws it itself).
func (c *Client) TempQR(ctx context.Context, scene string, expire time.Duration) (string, error) {
	qr, err := c.CreateTempQR(ctx, scene, expire)
	return qr.URL, err
}
