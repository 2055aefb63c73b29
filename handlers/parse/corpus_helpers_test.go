package parse

import (
	"fmt"
	"strconv"
)

func fmtQty(q *Quantity) string {
	if q == nil {
		return ""
	}
	return strconv.FormatFloat(q.Value, 'f', -1, 64) + q.Unit
}

func fmtPrice(p *Price) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(p.Min, 'f', -1, 64) + "-" + strconv.FormatFloat(p.Max, 'f', -1, 64) + p.Unit
}

func fmtRegion(r *Region) string {
	if r == nil {
		return ""
	}
	return r.Province + "/" + r.City + "/" + r.District
}

// fmtLead renders the lead time as "15" or "0 stock".
func fmtLead(p Post) string {
	if p.InStock {
		return fmt.Sprintf("%d stock", p.LeadTimeDays)
	}
	return strconv.Itoa(p.LeadTimeDays)
}
