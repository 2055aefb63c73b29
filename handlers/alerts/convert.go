package alerts

import (
	"strings"

	"supplybot/handlers/match"
	"supplybot/store"
)

// toRecord is what the engine sees of a stored record. Keywords carry the
// synonyms the parser added when the record was posted; a record without
// keywords (created outside the chat) gets its product's synonym group.
func (s *Service) toRecord(p *store.Post) match.Record {
	r := match.Record{
		ID:             p.ID,
		No:             p.No,
		Side:           match.Demand,
		EnterpriseID:   p.EnterpriseID,
		Verified:       p.Verified,
		CategoryCode:   p.CategoryCode,
		CategoryName:   p.Category,
		Product:        p.Product,
		Keywords:       p.Keywords,
		Spec:           p.Spec,
		Quantity:       toQty(p.Quantity),
		Capacity:       toQty(p.Capacity),
		MOQ:            toQty(p.MOQ),
		Region:         match.Region{Province: p.Region.Province, City: p.Region.City, District: p.Region.District},
		LeadTimeDays:   -1,
		Certifications: p.Certifications,
		Status:         p.Status,
		ExpiresAt:      p.ExpiresAt,
	}
	if p.Kind == store.KindOffer {
		r.Side = match.Offer
	}
	if p.Deadline != nil {
		d := *p.Deadline
		r.Deadline = &d
	}
	if p.LeadTimeDays != nil {
		r.LeadTimeDays = *p.LeadTimeDays
	}
	if len(r.Keywords) == 0 && strings.TrimSpace(p.Product) != "" {
		r.Keywords = s.d.Parser.Synonyms(p.Product)
	}
	return r
}

func toQty(q *store.Quantity) *match.Quantity {
	if q == nil {
		return nil
	}
	return &match.Quantity{Value: q.Value, Unit: q.Unit}
}
