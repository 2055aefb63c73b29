package handlers

import "testing"

// Audit items 5 and 12j: the scrub hides phone numbers only, and markup
// leaves no script text behind.
func TestScrubMasksPhonesOnly(t *testing.T) {
	for in, want := range map[string]string{
		"99999999件":           "99999999件",
		"1200000件":            "1200000件",
		"轮毂 电话13800001111":    "轮毂 电话***",
		"轮毂 023-68881234":     "轮毂 ***",
		"型号 ABC-1234567 规格M8": "型号 ABC-1234567 规格M8",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestCleanDropsScripts(t *testing.T) {
	for in, want := range map[string]string{
		"求购 轮毂 <script>alert(1)</script> 2000套": "求购 轮毂 2000套",
		"<style>b{}</style>供应 PCB":              "供应 PCB",
		"<b>求购</b> 轮毂":                          "求购 轮毂",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q): got %q, want %q", in, got, want)
		}
	}
}
