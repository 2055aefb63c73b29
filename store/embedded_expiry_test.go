package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-redis/redis/v8"
)

// fillForExpiry writes the same keys to m: strings with and without TTLs,
// one to outlive each step, and keys of the other types with TTLs.
func fillForExpiry(t testing.TB, m *miniredis.Miniredis, n int) {
	t.Helper()
	for i := range n {
		k := "sb:dd:m:u" + strconv.Itoa(i)
		if err := m.Set(k, "v"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if i%5 != 0 { // every fifth has no TTL
			m.SetTTL(k, time.Duration(1+i%7)*time.Second)
		}
	}
	m.HSet("sb:hash", "f", "1")
	m.SetTTL("sb:hash", 2*time.Second)
	if _, err := m.Lpush("sb:list", "a"); err != nil {
		t.Fatal(err)
	}
	m.SetTTL("sb:list", 3*time.Second)
	if _, err := m.SetAdd("sb:set", "a"); err != nil {
		t.Fatal(err)
	}
	m.SetTTL("sb:set", 9*time.Second)
	if _, err := m.ZAdd("sb:zset", 1, "a"); err != nil {
		t.Fatal(err)
	}
	m.SetTTL("sb:zset", 1500*time.Millisecond)
}

// state is every key of m with its type, TTL and (for strings) value.
func state(m *miniredis.Miniredis) []string {
	var out []string
	for _, k := range m.Keys() {
		s := k + " " + m.Type(k) + " " + m.TTL(k).String()
		if m.Type(k) == "string" {
			v, _ := m.Get(k)
			s += " " + v
		}
		out = append(out, s)
	}
	return out
}

// TestEmbeddedExpiryAgreesWithFastForward: the expiry pass that walks
// miniredis's maps (instead of FastForward, which sorts every key under
// the server's lock) leaves exactly what FastForward leaves, step by step:
// the same keys of every type, the same TTLs and values; and a key written
// again after its TTL ran out lives.
func TestEmbeddedExpiryAgreesWithFastForward(t *testing.T) {
	ours, theirs := miniredis.NewMiniRedis(), miniredis.NewMiniRedis()
	maps := dbMapsOf(ours)
	if maps == nil {
		t.Fatal("miniredis's maps are no longer where dbMapsOf looks: see embedded_expiry.go")
	}
	fillForExpiry(t, ours, 2000)
	fillForExpiry(t, theirs, 2000)
	for step, d := range []time.Duration{500 * time.Millisecond, time.Second, 700 * time.Millisecond, 2 * time.Second, 5 * time.Second} {
		n, ok := maps.expire(d)
		if !ok {
			t.Fatalf("step %d: the pass fell back to FastForward", step)
		}
		theirs.FastForward(d)
		got, want := state(ours), state(theirs)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d (+%v, %d expired): %d keys, FastForward leaves %d; first difference %q",
				step, d, n, len(got), len(want), firstDiff(got, want))
		}
		if step == 1 && n == 0 {
			t.Fatal("nothing expired after 1.5 s; the keys of 1 s should have")
		}
	}
	if live := len(ours.Keys()); live != 400 { // the keys without a TTL
		t.Fatalf("%d keys live after every TTL ran out, want the 400 without one", live)
	}
	_ = ours.Set("sb:dd:m:u1", "again")
	ours.SetTTL("sb:dd:m:u1", time.Second)
	maps.expire(500 * time.Millisecond)
	if v, err := ours.Get("sb:dd:m:u1"); err != nil || v != "again" {
		t.Fatalf("a key written again: %q %v, want it live", v, err)
	}
	if v, live := keyVersionsOf(ours).counts(); v < live {
		t.Fatalf("%d version counters for %d live keys", v, live)
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	return "a missing key at the end"
}

// TestEmbeddedExpiryLeavesHashFieldTTLsToFastForward: a hash with field
// TTLs (which nothing here writes) makes the pass fall back to FastForward,
// which expires fields; the fields still expire.
func TestEmbeddedExpiryLeavesHashFieldTTLsToFastForward(t *testing.T) {
	e, err := StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	m := e.Server()
	m.HSet("sb:h", "a", "1", "b", "2")
	c := redis.NewClient(&redis.Options{Addr: e.Addr()})
	defer c.Close()
	if err := c.Do(context.Background(), "HEXPIRE", "sb:h", 1, "FIELDS", 1, "a").Err(); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.maps.expire(time.Second); ok {
		t.Fatal("the pass ran over a hash with field TTLs")
	}
	e.expire(time.Second)
	if fields, _ := m.HKeys("sb:h"); !slices.Equal(fields, []string{"b"}) {
		t.Fatalf("fields %v after the field TTL ran out, want [b]", fields)
	}
}

// TestEmbeddedSnapshotListsEveryStringKey: the listing the save writes,
// copied from the maps in one pass, is every string key with its value and
// every set with its members, with their TTLs, as Keys, Get, Members and
// TTL give them.
func TestEmbeddedSnapshotListsEveryStringKey(t *testing.T) {
	m := miniredis.NewMiniRedis()
	fillForExpiry(t, m, 300)
	if _, err := m.SetAdd("sb:set", "b", "c"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range dbMapsOf(m).entries() {
		if en.Members != nil {
			slices.Sort(en.Members)
			got = append(got, en.Key+" set "+en.TTL.String()+" "+strings.Join(en.Members, ","))
			continue
		}
		got = append(got, en.Key+" string "+en.TTL.String()+" "+en.Value)
	}
	slices.Sort(got)
	var want []string
	for _, k := range m.Keys() {
		switch m.Type(k) {
		case "string":
			v, _ := m.Get(k)
			want = append(want, k+" string "+m.TTL(k).String()+" "+v)
		case "set":
			ms, _ := m.Members(k)
			want = append(want, k+" set "+m.TTL(k).String()+" "+strings.Join(ms, ","))
		}
	}
	if len(want) != 301 || !slices.Equal(got, want) {
		t.Fatalf("listed %d keys, want %d; first difference %q", len(got), len(want), firstDiff(got, want))
	}
}

// BenchmarkEmbeddedExpiryPass is one expiry pass over a database of n
// string keys with TTLs, none due: the time every command waits while it
// runs. FastForward is miniredis's own; walk is the pass the server runs.
//
//	go test ./store -run '^$' -bench EmbeddedExpiryPass
func BenchmarkEmbeddedExpiryPass(b *testing.B) {
	for _, n := range []int{100_000, 400_000} {
		m := miniredis.NewMiniRedis()
		for i := range n {
			k := "baseline1234:dd:m:lg12345s0-" + strconv.Itoa(i%20000) + ":" + strconv.Itoa(i)
			_ = m.Set(k, `{"s":"done"}`)
			m.SetTTL(k, time.Hour)
		}
		maps := dbMapsOf(m)
		b.Run("keys="+strconv.Itoa(n)+"/FastForward", func(b *testing.B) {
			for b.Loop() {
				m.FastForward(time.Millisecond)
			}
		})
		b.Run("keys="+strconv.Itoa(n)+"/walk", func(b *testing.B) {
			for b.Loop() {
				maps.expire(time.Millisecond)
			}
		})
	}
}
