package record

import (
	"strings"
	"time"

	"supplybot/store"
)

// Field is one labelled value of a record, as the chat shows it on a line
// of its own (数量：1.23万件).
type Field struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Fields are the values a record has, labelled, in the order 详情 lists
// them: 产品, 品类, 规格, then 数量 for a demand or 月产能 and 起订量 for
// an offer, 价格, 地区, 截止, 交期, 认证. Values the record lacks are left
// out. Contacts are not fields of a record and never appear.
func Fields(p store.Post, now time.Time) []Field {
	var fs []Field
	add := func(label, text string) {
		if text != "" {
			fs = append(fs, Field{Label: label, Text: text})
		}
	}
	add("产品", p.Product)
	add("品类", strings.Join(p.CategoryPath, "/"))
	add("规格", p.Spec)
	if p.Kind == store.KindDemand {
		add("数量", Quantity(p.Quantity))
	} else {
		add("月产能", Quantity(p.Capacity))
		add("起订量", Quantity(p.MOQ))
	}
	add("价格", Price(p.Price))
	add("地区", Region(p.Region))
	if p.Deadline != nil {
		add("截止", Date(*p.Deadline, now)+"前")
	}
	if p.LeadTimeDays != nil {
		add("交期", Lead(*p.LeadTimeDays))
	}
	add("认证", strings.Join(p.Certifications, "、"))
	return fs
}

// Amount is a quantity with its text.
type Amount struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Text  string  `json:"text"` // 1.23万件
}

// PriceRange is a unit price range with its text; Min 0 means "at most
// Max", Max 0 "at least Min".
type PriceRange struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Unit string  `json:"unit"`
	Text string  `json:"text"` // 30-35元
}

// Place is a region with its full and short text.
type Place struct {
	Province string `json:"province,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	Text     string `json:"text"`  // 四川省成都市龙泉驿区
	Short    string `json:"short"` // 成都龙泉驿区
}

// View is a record as the console and the JSON API show it: what 详情
// shows to anyone, values beside their Chinese text, times in China. It
// holds no contact, openid, enterprise id or raw message (which may carry
// a phone number); free text is as stored, see Mask.
type View struct {
	No             string      `json:"no"`
	Kind           string      `json:"kind"`      // demand or offer
	KindName       string      `json:"kind_name"` // 求购 or 供应
	Product        string      `json:"product"`
	CategoryCode   string      `json:"category_code,omitempty"`
	Category       string      `json:"category,omitempty"` // path, 汽车零部件/底盘系统/轮毂
	Spec           string      `json:"spec,omitempty"`
	Quantity       *Amount     `json:"quantity,omitempty"` // demand
	Capacity       *Amount     `json:"capacity,omitempty"` // offer, per month
	MOQ            *Amount     `json:"moq,omitempty"`      // offer
	Price          *PriceRange `json:"price,omitempty"`
	Region         *Place      `json:"region,omitempty"`
	Deadline       *time.Time  `json:"deadline,omitempty"`       // demand
	LeadTimeDays   *int        `json:"lead_time_days,omitempty"` // offer; 0 is 现货
	Certifications []string    `json:"certifications,omitempty"`
	Images         int         `json:"images,omitempty"`
	Verified       bool        `json:"verified"`
	Publisher      string      `json:"publisher,omitempty"` // see Publisher; never a person
	Status         string      `json:"status"`              // open, closed, expired, removed
	StatusName     string      `json:"status_name"`         // 进行中, 已关闭·已成交 …
	CreatedAt      time.Time   `json:"created_at"`
	ExpiresAt      time.Time   `json:"expires_at"`
	Fields         []Field     `json:"fields,omitempty"` // the lines of 详情, see Fields
}

// NewView is the view of p at now (which decides 已过期 and whether dates
// carry their year).
func NewView(p store.Post, now time.Time) View {
	v := View{
		No: p.No, Kind: p.Kind, KindName: KindName(p.Kind),
		Product: p.Product, CategoryCode: p.CategoryCode, Category: strings.Join(p.CategoryPath, "/"), Spec: p.Spec,
		Quantity: amount(p.Quantity), Capacity: amount(p.Capacity), MOQ: amount(p.MOQ),
		Certifications: append([]string(nil), p.Certifications...),
		Images:         len(p.MediaIDs), Verified: p.Verified, Publisher: Publisher(p),
		Status: p.Status, StatusName: StatusName(p, now),
		CreatedAt: p.CreatedAt.In(China), ExpiresAt: p.ExpiresAt.In(China),
		Fields: Fields(p, now),
	}
	if pr := p.Price; pr != nil {
		v.Price = &PriceRange{Min: pr.Min, Max: pr.Max, Unit: pr.Unit, Text: Price(pr)}
	}
	if r := p.Region; r != (store.Region{}) {
		v.Region = &Place{Province: r.Province, City: r.City, District: r.District, Text: Region(r), Short: RegionShort(r)}
	}
	if p.Deadline != nil {
		d := p.Deadline.In(China)
		v.Deadline = &d
	}
	if p.LeadTimeDays != nil {
		d := *p.LeadTimeDays
		v.LeadTimeDays = &d
	}
	return v
}

func amount(q *store.Quantity) *Amount {
	if q == nil || q.Value <= 0 {
		return nil
	}
	return &Amount{Value: q.Value, Unit: q.Unit, Text: Quantity(q)}
}

// Mask returns v with mask applied to the free text a poster typed
// (product, spec, certifications and the field lines), for showing the
// record to other users: the chat masks phone numbers this way.
func (v View) Mask(mask func(string) string) View {
	v.Product, v.Spec = mask(v.Product), mask(v.Spec)
	certs := make([]string, len(v.Certifications))
	for i, c := range v.Certifications {
		certs[i] = mask(c)
	}
	v.Certifications = certs
	fs := make([]Field, len(v.Fields))
	for i, f := range v.Fields {
		fs[i] = Field{Label: f.Label, Text: mask(f.Text)}
	}
	v.Fields = fs
	return v
}
