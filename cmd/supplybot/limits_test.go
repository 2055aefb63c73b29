package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"supplybot/bot"
)

// TestDefaultBodyLimit: with the shipped configuration a push over 1 MiB
// is answered 413 and one just under it is read.
func TestDefaultBodyLimit(t *testing.T) {
	cfg := testConfig(t)
	cfg.WeChat.MessageMode = bot.ModePlain // the sizes are of plaintext bodies
	m := mustRun(t, cfg, nil)
	if m.Config.Server.MaxBody != 1<<20 {
		t.Fatalf("shipped max_body %d, want 1 MiB", m.Config.Server.MaxBody)
	}
	s := bot.PushSigner{Token: m.Config.WeChat.Token, AppID: m.Config.WeChat.AppID}
	for _, c := range []struct {
		size int
		want int
	}{{1<<20 + 1, http.StatusRequestEntityTooLarge}, {1<<20 - 512, http.StatusOK}} {
		xml := bot.TextXML("big-u", "帮助", 9)
		pad := bytes.Repeat([]byte(" "), c.size-len(xml))
		req, err := s.Request(m.URL()+"/wechat", append(append([]byte{}, xml...), pad...))
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%d bytes: status %d, want %d", c.size, res.StatusCode, c.want)
		}
	}
}

// TestLogsAreJSONOffATerminal: logs written to a file or pipe are one JSON
// object a line, for the log collector.
func TestLogsAreJSONOffATerminal(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf).Info("hello", "openid", "u1")
	var rec map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &rec); err != nil {
		t.Fatalf("log line %q is not JSON: %v", buf.String(), err)
	}
	if rec["msg"] != "hello" || rec["openid"] != "u1" || !strings.Contains(buf.String(), `"level":"INFO"`) {
		t.Fatalf("log record %v", rec)
	}
}
