package jsonstr

import (
	"encoding/json"
	"strings"
	"testing"
)

var cases = []string{
	"", "帮助", "这里是成渝汽车电子产业链供需对接平台。\n· 发布求购：求购 变速箱电磁阀 5000件",
	`quote " backslash \ slash /`, "<b>markup</b> & more", "\b\f\n\r\t\x00\x01\x1f\x7f",
	"line\u2028para\u2029end", "emoji 😀 and 供需", "bad \xff\xfe utf-8 \xe4\xb8", "\xe2\x80", "🔥\xf0\x9f",
	strings.Repeat("供需对接", 200),
}

// TestAppendIsMarshals: Append writes what json.Marshal
// writes of a string, byte for byte.
func TestAppendIsMarshals(t *testing.T) {
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := Append(nil, s); string(got) != string(want) {
			t.Errorf("%q: wrote %s, json.Marshal %s", s, got, want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := Append([]byte("x"), s); string(got[1:]) != string(want) {
			t.Errorf("%q: wrote %s, json.Marshal %s", s, got[1:], want)
		}
	})
}
