package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/store"
	"supplybot/store/storetest"
)

// TestBatch: one round trip runs every kind of op in order, with the
// results of each; a missing key is no error.
func TestBatch(t *testing.T) {
	r := storetest.Redis(t)
	ctx := context.Background()
	if err := r.Set(ctx, "b:there", "v", time.Minute); err != nil {
		t.Fatal(err)
	}
	// A real Redis holds the increment's script once an Incr loaded it (a
	// batch does not load it: TestBatchIncrAfterAScriptFlush); run alone,
	// this test found none.
	if _, err := r.Incr(ctx, "b:warm", time.Minute); err != nil {
		t.Fatal(err)
	}
	ops := []*bot.Op{
		{Kind: bot.OpLookup, Key: "b:there"},
		{Kind: bot.OpLookup, Key: "b:missing"},
		{Kind: bot.OpSetNX, Key: "b:there", Value: "x", TTL: time.Minute},
		{Kind: bot.OpSetNX, Key: "b:new", Value: "n", TTL: time.Minute},
		{Kind: bot.OpIncr, Key: "b:count", TTL: time.Minute},
		{Kind: bot.OpIncr, Key: "b:count", TTL: time.Minute},
		{Kind: bot.OpSet, Key: "b:set", Value: "s", TTL: time.Minute},
		{Kind: bot.OpLookup, Key: "b:set"},
		{Kind: bot.OpIsMember, Key: "b:members", Value: "m1"},
		{Kind: bot.OpAddMember, Key: "b:members", Value: "m1", TTL: time.Minute},
		{Kind: bot.OpIsMember, Key: "b:members", Value: "m1"},
		{Kind: bot.OpIsMember, Key: "b:members", Value: "m2"},
	}
	cctx, cost := store.CountCost(ctx)
	if err := r.Batch(cctx, ops...); err != nil {
		t.Fatal(err)
	}
	if trips := cost.RedisTrips(); len(trips) != 1 {
		t.Errorf("round trips %q, want 1", trips)
	}
	for i, op := range ops {
		if op.Err != nil {
			t.Fatalf("op %d: %v", i, op.Err)
		}
	}
	if !ops[0].Found || ops[0].Result != "v" || ops[1].Found {
		t.Errorf("lookups: %+v %+v", ops[0], ops[1])
	}
	if ops[2].Found || !ops[3].Found {
		t.Errorf("setnx: existing set=%v, new set=%v", ops[2].Found, ops[3].Found)
	}
	if ops[4].N != 1 || ops[5].N != 2 {
		t.Errorf("incr: %d then %d, want 1 then 2", ops[4].N, ops[5].N)
	}
	if !ops[7].Found || ops[7].Result != "s" {
		t.Errorf("lookup after set in the same batch: %+v", ops[7])
	}
	if ops[8].Found || !ops[10].Found || ops[11].Found {
		t.Errorf("members: before the add %v, after %v, another %v; want false, true, false", ops[8].Found, ops[10].Found, ops[11].Found)
	}
	for _, k := range []string{"b:count", "b:members"} {
		if ttl, err := r.Client().PTTL(ctx, r.Key(k)).Result(); err != nil || ttl <= 0 || ttl > time.Minute {
			t.Errorf("%s's expiry: %v %v", k, ttl, err)
		}
	}
}

// TestMembers: AddMember adds to a set and sets its expiry from now, each
// time; IsMember finds what was added, in that set only.
func TestMembers(t *testing.T) {
	r := storetest.Redis(t)
	ctx := context.Background()
	if err := r.AddMember(ctx, "mem:a", "x", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := r.AddMember(ctx, "mem:a", "y", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, member string
		want        bool
	}{{"mem:a", "x", true}, {"mem:a", "y", true}, {"mem:a", "z", false}, {"mem:b", "x", false}} {
		if got, err := r.IsMember(ctx, c.key, c.member); err != nil || got != c.want {
			t.Errorf("IsMember(%s, %s) = %v, %v; want %v", c.key, c.member, got, err, c.want)
		}
	}
	if ttl, err := r.Client().PTTL(ctx, r.Key("mem:a")).Result(); err != nil || ttl <= time.Minute || ttl > 2*time.Minute {
		t.Errorf("the set's expiry: %v %v, want the last add's 2 min", ttl, err)
	}
	// An add without a TTL, alone or batched, leaves the expiry as it is.
	if err := r.AddMember(ctx, "mem:a", "z", 0); err != nil {
		t.Fatal(err)
	}
	if err := r.Batch(ctx, &bot.Op{Kind: bot.OpAddMember, Key: "mem:a", Value: "w"}); err != nil {
		t.Fatal(err)
	}
	if ttl, err := r.Client().PTTL(ctx, r.Key("mem:a")).Result(); err != nil || ttl <= time.Minute || ttl > 2*time.Minute {
		t.Errorf("the set's expiry after adds without one: %v %v, want the 2 min set before", ttl, err)
	}
	if ok, err := r.IsMember(ctx, "mem:a", "w"); err != nil || !ok {
		t.Errorf("the batched member: %v %v", ok, err)
	}
}

// TestBatchIncrAfterAScriptFlush: a real Redis that restarted has lost the
// rate-limit script; the batched increment reports NOSCRIPT on its own op
// (the rest of the batch is answered) and Incr loads the script again.
// The embedded Redis increments with a command of its own and has no
// script to lose.
func TestBatchIncrAfterAScriptFlush(t *testing.T) {
	r := storetest.Redis(t)
	ctx := context.Background()
	if _, err := r.Incr(ctx, "bf:count", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := r.Client().ScriptFlush(ctx).Err(); err != nil {
		t.Skipf("SCRIPT FLUSH: %v", err)
	}
	ops := []*bot.Op{{Kind: bot.OpIncr, Key: "bf:count", TTL: time.Minute}, {Kind: bot.OpLookup, Key: "bf:count"}}
	if err := r.Batch(ctx, ops...); err != nil {
		t.Fatal(err)
	}
	want := int64(2)
	if ops[0].Err != nil {
		if !strings.Contains(ops[0].Err.Error(), "NOSCRIPT") {
			t.Fatalf("batched incr: %v, want NOSCRIPT or a count", ops[0].Err)
		}
		want = 1 + 1 // the failed op did not count; Incr below does
		if n, err := r.Incr(ctx, "bf:count", time.Minute); err != nil || n != want {
			t.Fatalf("Incr after NOSCRIPT: %d %v, want %d", n, err, want)
		}
	} else if ops[0].N != want {
		t.Fatalf("batched incr: %d, want %d", ops[0].N, want)
	}
	if !ops[1].Found {
		t.Fatalf("the rest of the batch was not answered: %+v", ops[1])
	}
}

// TestEmbeddedRedisInProcess: a client dialling the embedded server
// in-process works like one on its TCP address, including a batch whose
// commands and replies each outgrow the in-memory pipe's buffer.
func TestEmbeddedRedisInProcess(t *testing.T) {
	e, err := store.StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: e.Addr(), Dialer: e.Dial})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	big := strings.Repeat("大", 40<<10) // 120 KB, twice the pipe's buffer
	var ops []*bot.Op
	for i := range 3 {
		k := "big:" + strconv.Itoa(i)
		ops = append(ops, &bot.Op{Kind: bot.OpSet, Key: k, Value: big}, &bot.Op{Kind: bot.OpLookup, Key: k})
	}
	ops = append(ops, &bot.Op{Kind: bot.OpIncr, Key: "n", TTL: time.Minute})
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.Batch(bctx, ops...); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 6; i += 2 {
		if ops[i].Err != nil || ops[i].Result != big {
			t.Fatalf("lookup %d: %d bytes, %v", i, len(ops[i].Result), ops[i].Err)
		}
	}
	if ops[6].N != 1 {
		t.Fatalf("incr: %d %v", ops[6].N, ops[6].Err)
	}
	// The same data over TCP: one server.
	tcp, err := store.OpenRedis(ctx, store.RedisOptions{Addr: e.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	if v, err := tcp.Get(ctx, "big:0"); err != nil || v != big {
		t.Fatalf("over TCP: %d bytes, %v", len(v), err)
	}
}
