package bot

import (
	"testing"
	"time"
)

// Two MASSSENDJOBFINISH events in one second differ only by MsgID; the
// dedupe must not take the second for a retry of the first.
func TestDedupeKeyTellsMassEventsApart(t *testing.T) {
	at := time.Unix(1767225600, 0)
	a := Message{OpenID: "mphelper", Type: TypeEvent, Event: EventMassEnd, MsgID: 1000001, CreateTime: at}
	b := a
	b.MsgID = 1000002
	if a.DedupeKey() == b.DedupeKey() {
		t.Fatalf("both events have dedupe key %q", a.DedupeKey())
	}
	// Events without MsgID keep their key (stored in Redis across versions).
	c := Message{OpenID: "u1", Type: TypeEvent, Event: EventClick, EventKey: "K", CreateTime: at}
	if got, want := c.DedupeKey(), "e:u1:1767225600:CLICK:K"; got != want {
		t.Fatalf("click key %q, want %q", got, want)
	}
}
