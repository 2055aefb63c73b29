package bot

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestEchoHandlerRepeatsTheText(t *testing.T) {
	s := PushSigner{Token: "echo-token", AppID: "wxecho", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", Mode: ModeSafe}
	srv := httptest.NewServer(EchoHandler(s.Token, s.AppID, s.EncodingAESKey))
	defer srv.Close()
	status, reply, err := s.Post(srv.URL+"/wechat", TextXML("u1", "查供应 PCB", 1))
	if err != nil || status != http.StatusOK || reply != "查供应 PCB" {
		t.Fatalf("echo: got %d %q %v, want 200 %q", status, reply, err, "查供应 PCB")
	}
	bad := s
	bad.Token = "other"
	if status, _, _ := bad.Post(srv.URL+"/wechat", TextXML("u1", "帮助", 2)); status != http.StatusBadRequest {
		t.Fatalf("wrong signature: got %d, want 400", status)
	}
}
