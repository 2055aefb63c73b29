package bot

import (
	"context"
	"testing"
	"time"
)

// TestReadAheadKV: a turn's reads are answered from what was read ahead,
// once; a write drops the result read ahead, so the next read sees the
// store; a write left for the reply is seen by the turn's own reads and
// reaches the store only when the turn ends and the gateway sends it.
func TestReadAheadKV(t *testing.T) {
	mem := newMemKV()
	kv := ReadAheadKV(mem)
	ctx := context.Background()
	_ = mem.Set(ctx, "sess:u", "old", 0)
	ahead := []*Op{{Kind: OpLookup, Key: "sess:u"}, {Kind: OpIncr, Key: "rl:u", TTL: time.Minute}, {Kind: OpLookup, Key: "gone"}}
	if err := mem.Batch(ctx, ahead...); err != nil {
		t.Fatal(err)
	}
	tctx, tn := withTurn(ctx, ahead)
	_ = mem.Set(ctx, "sess:u", "changed meanwhile", 0)
	if v, ok, _ := kv.Lookup(tctx, "sess:u"); !ok || v != "old" {
		t.Fatalf("first lookup: %q %v, want the value read ahead", v, ok)
	}
	if v, _, _ := kv.Lookup(tctx, "sess:u"); v != "changed meanwhile" {
		t.Fatalf("second lookup: %q, want the store's (a result is used once)", v)
	}
	if n, _ := kv.Incr(tctx, "rl:u", time.Hour); n != 2 {
		t.Fatalf("incr with another ttl: %d, want a real increment (2)", n)
	}
	if _, ok, _ := kv.Lookup(tctx, "gone"); ok {
		t.Fatal("a key missing when read ahead was found")
	}

	tctx, tn = withTurn(ctx, []*Op{{Kind: OpLookup, Key: "k", Result: "ahead", Found: true}})
	_ = kv.Set(tctx, "k", "written", 0)
	if v, _, _ := kv.Lookup(tctx, "k"); v != "written" {
		t.Fatalf("lookup after a write: %q, want the write", v)
	}
	if err := SetWithReply(tctx, kv, "search:u", "page 1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := mem.Lookup(ctx, "search:u"); ok {
		t.Fatal("a write left for the reply reached the store before the turn ended")
	}
	if v, _, _ := kv.Lookup(tctx, "search:u"); v != "page 1" {
		t.Fatalf("the turn's own lookup: %q, want the write left for the reply", v)
	}
	later := tn.end()
	if len(later) != 1 || later[0].Value != "page 1" {
		t.Fatalf("left for the reply: %+v", later)
	}
	if err := SetWithReply(tctx, kv, "search:u", "page 2", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := mem.Lookup(ctx, "search:u"); v != "page 2" {
		t.Fatalf("after the turn ended: %q, want written at once", v)
	}
}

// TestReadAheadOfOneKeyTwice: of two results read ahead for one key (two
// owners declared it), the last listed answers, once; the other is not
// used after it.
func TestReadAheadOfOneKeyTwice(t *testing.T) {
	mem := newMemKV()
	kv := ReadAheadKV(mem)
	ctx := context.Background()
	_ = mem.Set(ctx, "k", "store", 0)
	tctx, _ := withTurn(ctx, []*Op{
		{Kind: OpLookup, Key: "k", Result: "first", Found: true},
		{Kind: OpLookup, Key: "other", Result: "o", Found: true},
		{Kind: OpLookup, Key: "k", Result: "last", Found: true},
	})
	for i, want := range []string{"last", "store"} {
		if v, _, _ := kv.Lookup(tctx, "k"); v != want {
			t.Errorf("lookup %d: %q, want %q", i+1, v, want)
		}
	}
	if v, _, _ := kv.Lookup(tctx, "other"); v != "o" {
		t.Errorf("the other key: %q, want its result read ahead", v)
	}
}
