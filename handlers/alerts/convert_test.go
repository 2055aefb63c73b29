package alerts

import (
	"reflect"
	"testing"
	"time"

	"supplybot/handlers/match"
	"supplybot/store"
)

// The engine sees the terms a record states: a price ceiling, the
// material, size, layers, voltage, and a demand stated as a rate.
func TestToRecordCarriesTerms(t *testing.T) {
	s := &Service{}
	p := store.Post{ID: "d1", No: "D1001", Kind: store.KindDemand, Product: "铝合金轮毂", Keywords: []string{"轮毂"},
		Quantity: &store.Quantity{Value: 100000, Unit: "套", Per: "年"},
		Price:    &store.Price{Max: 300, Unit: "元/套"},
		Material: "铝合金", Size: &store.Span{Min: 18, Max: 18}, Layers: &store.Span{Min: 6, Max: 6},
		Voltage: &store.Span{Min: 12, Max: 24}, Status: store.StatusOpen, ExpiresAt: time.Now()}
	r := s.toRecord(&p)
	if want := (&match.Quantity{Value: 100000, Unit: "套", Per: "年"}); !reflect.DeepEqual(r.Quantity, want) {
		t.Errorf("Quantity = %+v, want %+v", r.Quantity, want)
	}
	if want := (&match.Price{Max: 300, Unit: "元/套"}); !reflect.DeepEqual(r.Price, want) {
		t.Errorf("Price = %+v, want %+v", r.Price, want)
	}
	if r.Material != "铝合金" {
		t.Errorf("Material = %q, want 铝合金", r.Material)
	}
	for name, got := range map[string]*match.Span{"Size": r.Size, "Layers": r.Layers, "Voltage": r.Voltage} {
		if got == nil {
			t.Errorf("%s = nil, want a span", name)
		}
	}
	if r.Size != nil && *r.Size != (match.Span{Min: 18, Max: 18}) || r.Voltage != nil && *r.Voltage != (match.Span{Min: 12, Max: 24}) {
		t.Errorf("Size = %+v, Voltage = %+v, want 18-18 and 12-24", r.Size, r.Voltage)
	}
	empty := s.toRecord(&store.Post{Product: "轮毂", Keywords: []string{"轮毂"}})
	if empty.Price != nil || empty.Size != nil || empty.Layers != nil || empty.Voltage != nil || empty.Material != "" {
		t.Errorf("a record without terms got %+v", empty)
	}
}
