package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCreateTempQR(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	ctx := context.Background()
	qr, err := h.client.CreateTempQR(ctx, "console-abc", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if qr.Ticket == "" || !strings.HasPrefix(qr.URL, "http://weixin.qq.com/q/") || qr.ExpireSeconds != 300 {
		t.Errorf("got %+v, want a ticket, a weixin.qq.com/q URL and 300 s", qr)
	}
	content, err := h.client.TempQR(ctx, "console-abc", time.Second)
	if err != nil || content != qr.URL {
		t.Errorf("TempQR: got %q %v, want %q", content, err, qr.URL)
	}
	if _, err := h.client.CreateTempQR(ctx, strings.Repeat("x", 65), time.Minute); err == nil {
		t.Errorf("a 65-byte scene: got no error")
	}
	h.sim.InjectError("qrcode", CodeDailyQuota, 1)
	if _, err := h.client.CreateTempQR(ctx, "console-abc", time.Minute); ErrorCode(err) != CodeDailyQuota {
		t.Errorf("injected 45009: got %v", err)
	}
}
