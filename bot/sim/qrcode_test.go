package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestQRCodeCreateAndScan(t *testing.T) {
	s := New(Options{})
	api := httptest.NewServer(s.APIHandler())
	defer api.Close()
	res, err := http.Get(api.URL + "/cgi-bin/token?grant_type=client_credential&appid=wxqr&secret=s")
	if err != nil {
		t.Fatal(err)
	}
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tk)
	res.Body.Close()
	tok := tk.AccessToken
	post := func(body string) map[string]any {
		res, err := http.Post(api.URL+"/cgi-bin/qrcode/create?access_token="+tok, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return m
	}
	ok := post(`{"expire_seconds":300,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"console-x1"}}}`)
	if ok["errcode"].(float64) != 0 || ok["expire_seconds"].(float64) != 300 || !strings.HasPrefix(ok["url"].(string), qrURLPrefix) {
		t.Fatalf("create: %v", ok)
	}
	if bad := post(`{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":""}}}`); bad["errcode"].(float64) != 40009 {
		t.Errorf("empty scene: %v", bad)
	}
	if bad := post(`{"action_name":"QR_NOPE"}`); bad["errcode"].(float64) != 40053 {
		t.Errorf("bad action: %v", bad)
	}

	var got []string
	h := s.ScanHandler(func(_ context.Context, openid, typ, content string) (string, error) {
		got = append(got, openid+"|"+typ+"|"+content)
		return "已确认", nil
	})
	for _, q := range []string{"openid=o1&scene=console-x1", "openid=o2&ticket=" + ok["ticket"].(string)} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/sim/api/scan?"+q, nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "已确认") {
			t.Errorf("scan %s: %d %s", q, rec.Code, rec.Body)
		}
	}
	if want := "o1|event|SCAN:console-x1,o2|event|SCAN:console-x1"; strings.Join(got, ",") != want {
		t.Errorf("events sent: got %v, want %s", got, want)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/sim/api/scan?openid=o1", nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("scan without scene: got %d, want 400", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/sim/api/scan?openid=o1&scene=x", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET scan: got %d, want 405", rec.Code)
	}
}
