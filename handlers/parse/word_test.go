package parse

import (
	"reflect"
	"testing"
	"time"
)

// ParseWord reads every term of the taxonomy and the synonyms, in the
// spellings users type, as Parse does, the first time and once kept; and
// what it returns is the caller's own.
func TestParseWordReadsAsParse(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, c := range p.Categories() {
		words = append(words, c.Name)
	}
	for _, g := range p.groups {
		words = append(words, g...)
	}
	words = append(words, "pcb", "Ｐｃｂ", " 轮毂 ", "6层PCB", "重庆", "富临精工", "不存在的东西", "M8", "")
	kept := 0
	for _, w := range words {
		want := p.Parse(w, time.Time{})
		for round := range 2 {
			got := p.ParseWord(w)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseWord(%q), call %d: got %+v, want %+v", w, round+1, got, want)
			}
			sharesNothing(t, w, got, p.ParseWord(w))
		}
		if _, ok := p.kept.m.Load(w); ok {
			kept++
		}
	}
	if kept == 0 {
		t.Fatal("no term kept")
	}
	for _, w := range []string{"不存在的东西", "6层PCB", ""} {
		if _, ok := p.kept.m.Load(w); ok {
			t.Errorf("%q kept: it is no term", w)
		}
	}
}

// sharesNothing fails when two readings share a pointer or a slice's array.
func sharesNothing(t *testing.T, w string, a, b Post) {
	t.Helper()
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		switch fa.Kind() {
		case reflect.Pointer, reflect.Slice:
			if !fa.IsNil() && fa.Pointer() == fb.Pointer() && (fa.Kind() == reflect.Pointer || fa.Len() > 0) {
				t.Fatalf("ParseWord(%q): two readings share %s", w, va.Type().Field(i).Name)
			}
			if fa.Kind() == reflect.Pointer && !fa.IsNil() && fa.Elem().Kind() == reflect.Struct {
				for j := range fa.Elem().NumField() {
					if sa, sb := fa.Elem().Field(j), fb.Elem().Field(j); sa.Kind() == reflect.Slice && sa.Len() > 0 && sa.Pointer() == sb.Pointer() {
						t.Fatalf("ParseWord(%q): two readings share %s.%s", w, va.Type().Field(i).Name, fa.Elem().Type().Field(j).Name)
					}
				}
			}
		}
	}
}
