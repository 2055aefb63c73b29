package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// jsonSamples are strings a snapshot meets or could: keys, session JSON,
// replies in Chinese with emoji, and what must be escaped.
var jsonSamples = []string{
	"", "sb:dd:m:oAbc-123_x:24681357902468", `{"s":"done"}`, `{"state":"{\"flow\":\"post\"}"}`,
	"发送 查供应 PCB 找供应商 😀", "a\"b", `back\slash`, "tab\there", "nl\nhere", "nul\x00", "\x1f",
	"bad utf-8 \xff\xfe", "cut \xe5\x8f", "line sep \u2028 para \u2029", "<b>&amp;</b>", "\x7f", "\uFFFD",
}

// An entry written by hand reads back as encoding/json's own encoding of
// it does (the snapshot's reader is encoding/json).
func TestSnapshotEntryJSONReadsBackAsEncodingJSONs(t *testing.T) {
	for _, k := range jsonSamples {
		for _, v := range jsonSamples {
			checkEntryJSON(t, snapshotEntry{Key: k, Value: v, Expires: 1_790_000_000_123})
		}
	}
	checkEntryJSON(t, snapshotEntry{Key: "old", Value: "x", TTL: 90 * time.Second})
	checkEntryJSON(t, snapshotEntry{Key: "dn:1", Members: jsonSamples, Expires: 1_790_000_000_123})
	checkEntryJSON(t, snapshotEntry{Key: "dn:2", Members: []string{"0123456789abcdef"}})
}

func FuzzSnapshotEntryJSON(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add(s, s, int64(0))
	}
	f.Fuzz(func(t *testing.T, k, v string, exp int64) {
		checkEntryJSON(t, snapshotEntry{Key: k, Value: v, Expires: exp})
		checkEntryJSON(t, snapshotEntry{Key: k, Members: []string{v, k}, Expires: exp})
	})
}

func checkEntryJSON(t *testing.T, en snapshotEntry) {
	t.Helper()
	b := en.appendJSON(nil)
	var got snapshotEntry
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	ref, _ := json.Marshal(en)
	var want snapshotEntry
	if err := json.Unmarshal(ref, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v wrote %q, read back %+v; encoding/json's reads back %+v", en, b, got, want)
	}
}

// BenchmarkEmbeddedRedisSave is one save of a snapshot of 100,000 string
// keys as the five-minute mix leaves them: dedupe marks, a reply beside
// one in four, sessions.
//
//	go test ./store -run '^$' -bench EmbeddedRedisSave -benchtime 20x
func BenchmarkEmbeddedRedisSave(b *testing.B) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", filepath.Join(b.TempDir(), "redis.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	m := e.Server()
	reply := strings.Repeat("发送 查供应 PCB 找供应商\n", 12)
	for i := range 100_000 {
		key := "sb:dd:m:oBench" + strconv.Itoa(i%20000) + ":" + strconv.Itoa(1e9+i)
		_ = m.Set(key, `{"s":"done"}`)
		m.SetTTL(key, 10*time.Minute)
		if i%4 == 0 {
			_ = m.Set("sb:dr:"+key[6:], reply)
			m.SetTTL("sb:dr:"+key[6:], 30*time.Second)
		}
		if i < 20000 {
			_ = m.Set("sb:sess:oBench"+strconv.Itoa(i), `{"data":{"state":"{\"flow\":\"post\",\"vals\":{\"product\":\"PCB\"}}"}}`)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := e.save(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if fi, err := os.Stat(e.snapshot); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "MB/save")
	}
}
