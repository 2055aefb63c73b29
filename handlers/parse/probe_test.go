package parse

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	in := os.Getenv("PROBE")
	if in == "" {
		t.Skip()
	}
	p := mustParser(t)
	for _, s := range strings.Split(in, "\n") {
		if s == "" {
			continue
		}
		x := p.Parse(s, corpusNow)
		cat := ""
		if x.Category != nil {
			cat = x.Category.Code
		}
		dl := ""
		if x.Deadline != nil {
			dl = x.Deadline.Format("2006-01-02")
		}
		fmt.Printf("%s\n  k=%v p=%q c=%s spec=%q q=%s cap=%s moq=%s pr=%s r=%s dl=%s lead=%s certs=%v kw=%v\n", s, x.Kind, x.Product, cat, x.Spec, fmtQty(x.Quantity), fmtQty(x.Capacity), fmtQty(x.MOQ), fmtPrice(x.Price), fmtRegion(x.Region), dl, fmtLead(x), x.Certifications, x.Keywords)
	}
}
