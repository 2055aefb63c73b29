package handlers

import (
	"context"
	"testing"
	"time"

	"supplybot/store"
)

// looksLikePost reads dates against the app's clock, not the wall clock,
// like every other parse of the conversation.
func TestLooksLikePostReadsTheAppClock(t *testing.T) {
	calls := 0
	a := New(Deps{Now: func() time.Time {
		calls++
		return time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	}})
	calls = 0
	if got := a.looksLikePost(context.Background(), "求购 轮毂 2000套 重庆璧山 12月底前"); got != store.KindDemand {
		t.Fatalf("looksLikePost: got %q, want %q", got, store.KindDemand)
	}
	if calls == 0 {
		t.Error("looksLikePost did not read Deps.Now")
	}
}
