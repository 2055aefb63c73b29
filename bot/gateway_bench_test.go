package bot

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkGatewayAgainstEcho is the gateway's own cost per safe-mode push
// (signature, envelope, decryption, dedupe on an in-memory KV, the reply's
// encryption), with a handler that answers at once, beside the SDK's bare
// echo server on the same push. No network, no Redis: what is left is what
// the gateway adds. go test ./bot -run '^$' -bench GatewayAgainstEcho
func BenchmarkGatewayAgainstEcho(b *testing.B) {
	h := newHarness(b, GatewayConfig{Mode: ModeSafe}, 0)
	s := testSigner(ModeSafe)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"echo", EchoHandler(testToken, testAppID, testAESKey)},
		{"gateway", h.gw},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			reqs := make([]*http.Request, b.N) // signed ahead: the signer's cost is not the server's
			for i := range reqs {
				req, err := s.Request("http://bot/wechat", TextXML("bench-user", "帮助", int64(i+1)+int64(b.N)*7))
				if err != nil {
					b.Fatal(err)
				}
				reqs[i] = req
			}
			b.ResetTimer()
			for _, req := range reqs {
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<Encrypt>") {
					b.Fatalf("status %d: %q", w.Code, w.Body.String())
				}
			}
		})
	}
}
