package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The console's API reaches the same service as the chat.
func TestTaskForceThroughTheConsoleAPI(t *testing.T) {
	cfg := testConfig(t)
	cfg.Admin.OpenIDs = []string{tfAdmin}
	cfg.Admin.APIToken = "0123456789abcdef0123456789"
	m := mustRun(t, cfg, nil)
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, m.URL()+"/admin/api/"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+cfg.Admin.APIToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return res.StatusCode, out
	}
	c := newChat(t, m, "tf-console-owner")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))

	if status, out := call("POST", "records/"+no+"/takedown", `{"reason":"重复发布"}`); status != 200 || out["ok"] != true {
		t.Fatalf("take-down: %d %v", status, out)
	}
	waitPush(t, m, "tf-console-owner", "已被工作专班下架", "重复发布")
	if status, out := call("POST", "records/"+no+"/takedown", `{"reason":"再次"}`); status != 409 || out["error"] != "conflict" || out["message"] == "" {
		t.Fatalf("second take-down: %d %v", status, out)
	}
	if status, _ := call("POST", "records/"+no+"/restore", `{"reason":"误下架"}`); status != 200 {
		t.Fatalf("restore: %d", status)
	}
	es := auditOf(t, m, "restore", no)
	if len(es) != 1 || es[0].ActorVia != "api" || es[0].Note != "误下架" {
		t.Fatalf("audit of the restore: %+v", es)
	}
	status, out := call("GET", "stats?period=全部&days=7", "")
	stats, _ := out["stats"].(map[string]any)
	if status != 200 || stats["enterprises"] != float64(1) || stats["new_demands"] != float64(1) || stats["open_demands"] != float64(1) {
		t.Fatalf("stats: %d %v", status, out)
	}
	if series, _ := out["series"].([]any); len(series) != 7 {
		t.Fatalf("series: %v", out["series"])
	}
}
