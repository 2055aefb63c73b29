package store

import (
	"strconv"
	"testing"
	"time"
)

// TestEmbeddedRedisForgetsVersionsOfKeysGone: miniredis's per-key version
// counters of keys that expired are dropped by the embedded server's loop,
// so that a day of messages, each writing a key of its own, does not leave
// a map of every key ever written (which slowed writes and grew by about
// 120 bytes a message); the live keys keep theirs and stay readable.
func TestEmbeddedRedisForgetsVersionsOfKeysGone(t *testing.T) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.versions == nil {
		t.Fatal("miniredis's key version counters are no longer where keyVersionsOf looks: see embedded_versions.go")
	}
	m := e.Server()
	for i := range 100 {
		k := "sb:sess:u" + strconv.Itoa(i)
		_ = m.Set(k, "kept")
		m.SetTTL(k, time.Hour)
	}
	for i := range 20000 {
		k := "sb:dd:m:u" + strconv.Itoa(i%100) + ":" + strconv.Itoa(i)
		_ = m.Set(k, "done")
		m.SetTTL(k, 2*time.Second)
	}
	if v, live := e.versions.counts(); v < 20100 || live != 20100 {
		t.Fatalf("before expiry: %d counters, %d live keys; want 20,100 of each", v, live)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, live := e.versions.counts()
		if live == 100 && v == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after expiry: %d counters for %d live keys", v, live)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v, err := m.Get("sb:sess:u7"); err != nil || v != "kept" {
		t.Fatalf("a live key after the prune: %q %v", v, err)
	}
}
