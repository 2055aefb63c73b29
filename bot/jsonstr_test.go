package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var jsonStringCases = []string{
	"", "帮助", "这里是成渝汽车电子产业链供需对接平台。\n· 发布求购：求购 变速箱电磁阀 5000件",
	`quote " backslash \ slash /`, "<b>markup</b> & more", "\b\f\n\r\t\x00\x01\x1f\x7f",
	"line\u2028para\u2029end", "emoji 😀 and 供需", "bad \xff\xfe utf-8 \xe4\xb8", "\xe2\x80", "🔥\xf0\x9f",
	strings.Repeat("供需对接", 200),
}

// TestAppendJSONStringIsMarshals: appendJSONString writes what json.Marshal
// writes of a string, byte for byte.
func TestAppendJSONStringIsMarshals(t *testing.T) {
	for _, s := range jsonStringCases {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: wrote %s, json.Marshal %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString([]byte("x"), s); string(got[1:]) != string(want) {
			t.Errorf("%q: wrote %s, json.Marshal %s", s, got[1:], want)
		}
	})
}

// TestDoneRecordIsItsStateInJSON: the done record, written by hand on
// every message, is what json.Marshal writes of its flightState, and state
// reads the reply back.
func TestDoneRecordIsItsStateInJSON(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	ctx := context.Background()
	for i, reply := range jsonStringCases[1:] {
		key := "m:u-done:" + string(rune('a'+i))
		if err := h.gw.flights.finish(ctx, key, time.Now(), reply, nil); err != nil {
			t.Fatal(err)
		}
		got, _, _ := h.kv.Lookup(ctx, "dd:"+key)
		want, _ := json.Marshal(flightState{State: "done", Reply: reply})
		if got != string(want) {
			t.Errorf("reply %q: record %s, want %s", reply, got, want)
		}
		var read string // reply as JSON carries it: invalid bytes replaced
		_ = json.Unmarshal(want[len(`{"s":"done","r":`):len(want)-1], &read)
		s, err := h.gw.flights.state(ctx, key)
		if err != nil || s.State != "done" || s.Reply != read {
			t.Errorf("reply %q: state %+v, %v", reply, s, err)
		}
	}
}
