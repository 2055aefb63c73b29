package alerts

import (
	"strings"
	"testing"

	"supplybot/store"
)

// An alert reads a quantity as the chat does: 12300件 is 1.23万件 in both
// (alerts used to write 12300件).
func TestAlertQuantityReadsAsInChat(t *testing.T) {
	about := &store.Post{No: "D1024", Kind: store.KindDemand, Product: "铝合金轮毂",
		Quantity: &store.Quantity{Value: 12300, Unit: "件"}}
	a := alertSpec{Kind: kindMatch, MyNo: "O2048", About: about}
	if got := alertText(a); !strings.Contains(got, "D1024 铝合金轮毂 · 1.23万件") {
		t.Errorf("alert text: got %q, want it to contain %q", got, "D1024 铝合金轮毂 · 1.23万件")
	}
	if got := alertFields(a)["keyword2"]; got != "1.23万件" {
		t.Errorf("template keyword2: got %q, want %q", got, "1.23万件")
	}
}
