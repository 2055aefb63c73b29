package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestShowPrintsTheDataWithoutPersonalDetails(t *testing.T) {
	m := mustRun(t, testConfig(t), nil)
	c := newChat(t, m, "u-show")
	c.register("重庆青山工业有限公司")
	c.expect("求购 变速箱电磁阀 5000件 重庆璧山", "请核对")
	no := noIn(t, c.expect("确认", "已发布"))

	var out bytes.Buffer
	if err := m.Show(context.Background(), []string{"demands", "5"}, &out); err != nil {
		t.Fatal(err)
	}
	var view map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(out.String(), "\n", 2)[0]), &view); err != nil {
		t.Fatalf("not a JSON line: %v: %s", err, out.String())
	}
	if view["no"] != no || view["product"] != "变速箱电磁阀" {
		t.Errorf("got %v, want %s 变速箱电磁阀", view, no)
	}
	if strings.Contains(out.String(), "u-show") {
		t.Errorf("a record shows its openid: %s", out.String())
	}
	out.Reset()
	if err := m.Show(context.Background(), []string{"enterprises"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "重庆青山工业有限公司") || strings.Contains(out.String(), "13800001111") || !strings.Contains(out.String(), "138****1111") {
		t.Errorf("enterprises: %s", out.String())
	}
	for _, bad := range [][]string{{}, {"users"}, {"demands", "0"}, {"demands", "x"}} {
		if err := m.Show(context.Background(), bad, &out); err == nil {
			t.Errorf("show %v: no error", bad)
		}
	}
}
