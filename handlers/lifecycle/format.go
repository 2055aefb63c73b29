package lifecycle

import (
	"fmt"
	"time"

	"supplybot/store"
)

// Copies of handlers/alerts/text.go's formatters, until the record
// vocabulary package (issue 7, part 4) serves every feature.

// kindWord is how users call a record kind.
func kindWord(kind string) string {
	if kind == store.KindOffer {
		return "供应"
	}
	return "求购"
}

func dateCN(t time.Time) string {
	c := t.In(cst)
	return fmt.Sprintf("%d月%d日", int(c.Month()), c.Day())
}

// cst is China time, in which dates are written.
var cst = time.FixedZone("CST", 8*3600)
