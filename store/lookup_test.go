package store_test

import (
	"context"
	"errors"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// ByNo and ByMsgKey find a record through its claims (read by _id), find
// records saved before the claims kept the record's id, and keep the kinds
// apart; a repeat of a message is refused either way.
func TestLookupsByNumberAndMessageKey(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	offers, demands := m.Offers(), m.Demands()
	o := &store.Post{Product: "线束", OpenID: "u1", MsgKey: "m:u1:1"}
	if err := offers.Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	d := &store.Post{Product: "线束", OpenID: "u1", MsgKey: "m:u1:1"}
	if err := demands.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		if got, err := offers.ByNo(ctx, " "+lower(o.No)); err != nil || got.ID != o.ID {
			t.Errorf("%s: ByNo(%s): got %q %v, want %s", when, o.No, got.ID, err, o.ID)
		}
		if _, err := offers.ByNo(ctx, d.No); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: offers.ByNo(%s): got %v, want ErrNotFound", when, d.No, err)
		}
		if _, err := offers.ByNo(ctx, "O99999"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: ByNo of no record: got %v, want ErrNotFound", when, err)
		}
		if got, err := demands.ByMsgKey(ctx, "m:u1:1"); err != nil || got.ID != d.ID {
			t.Errorf("%s: ByMsgKey: got %q %v, want %s", when, got.ID, err, d.ID)
		}
		if _, err := offers.ByMsgKey(ctx, "m:u1:2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: ByMsgKey of no record: got %v, want ErrNotFound", when, err)
		}
		if err := offers.Create(ctx, &store.Post{Product: "线束", OpenID: "u1", MsgKey: "m:u1:1"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: repeat: got %v, want ErrConflict", when, err)
		}
	}
	check("with claims")
	if err := m.ForgetRecordIDs(ctx); err != nil {
		t.Fatal(err)
	}
	check("saved before the claims")
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
