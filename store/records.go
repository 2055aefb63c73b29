package store

import (
	"time"
)

// Enterprise roles.
const (
	RoleVehicle     = "整车"
	RoleParts       = "零部件"
	RoleElectronics = "电子信息"
	RoleOther       = "其他"
)

// Record kinds and statuses.
const (
	KindDemand = "demand"
	KindOffer  = "offer"

	StatusOpen    = "open"
	StatusClosed  = "closed"
	StatusExpired = "expired"
	StatusRemoved = "removed"
)

// Region is a place by its full official names: 重庆市/重庆市/璧山区, 四川省/绵阳市/"".
type Region struct {
	Province string `bson:"province,omitempty"`
	City     string `bson:"city,omitempty"`
	District string `bson:"district,omitempty"`
}

// Quantity is an amount with its unit (件, 套, 吨 …). Per is "月" or "年"
// for a rate (年需求10万套), "" for a one-off amount.
type Quantity struct {
	Value float64 `bson:"value"`
	Unit  string  `bson:"unit"`
	Per   string  `bson:"per,omitempty"`
}

// Span is a stated size (inches), layer count or voltage (volts): Min ==
// Max for one value, a range for what an offer covers (4-12层).
type Span struct {
	Min float64 `bson:"min"`
	Max float64 `bson:"max"`
}

// Price is a unit price range; Min == Max for one price, Min 0 for "at most".
type Price struct {
	Min  float64 `bson:"min"`
	Max  float64 `bson:"max"`
	Unit string  `bson:"unit"`
}

// Contact is one person of an enterprise who uses the bot.
type Contact struct {
	OpenID   string    `bson:"openid"`
	Name     string    `bson:"name"`
	Mobile   string    `bson:"mobile"`
	JoinedAt time.Time `bson:"joined_at"`
	// FollowAlerts: the contact hears the match alerts of the enterprise's
	// records posted by colleagues (关注企业提醒).
	FollowAlerts bool `bson:"follow_alerts,omitempty"`
}

// Enterprise is a registered company. Contacts hold personal data and are
// never shown in listings, search results or alerts.
type Enterprise struct {
	ID         string    `bson:"_id"`
	Name       string    `bson:"name"`
	Role       string    `bson:"role"`
	Region     Region    `bson:"region"`
	USCC       string    `bson:"uscc,omitempty"`
	Verified   bool      `bson:"verified"`
	InviteCode string    `bson:"invite_code"`
	Contacts   []Contact `bson:"contacts"`
	ConsentAt  time.Time `bson:"consent_at"`
	CreatedAt  time.Time `bson:"created_at"`
	UpdatedAt  time.Time `bson:"updated_at"`

	// Verification is the last request to verify the enterprise and its
	// outcome (enterprises.go); nil: never asked.
	Verification *Verification `bson:"verification,omitempty"`
}

// ContactOf returns the contact with openid.
func (e *Enterprise) ContactOf(openid string) (Contact, bool) {
	for _, c := range e.Contacts {
		if c.OpenID == openid {
			return c, true
		}
	}
	return Contact{}, false
}

// Post is a demand (求购) or an offer (供应). Demands live in the
// collection "demands" with numbers D1001…, offers in "offers" with O1001….
type Post struct {
	ID             string     `bson:"_id"`
	No             string     `bson:"no"`
	Kind           string     `bson:"kind"`
	Product        string     `bson:"product"`
	CategoryCode   string     `bson:"category_code,omitempty"`
	Category       string     `bson:"category,omitempty"`
	CategoryPath   []string   `bson:"category_path,omitempty"`
	Spec           string     `bson:"spec,omitempty"`
	Quantity       *Quantity  `bson:"quantity,omitempty"` // demand
	Capacity       *Quantity  `bson:"capacity,omitempty"` // offer, per month
	MOQ            *Quantity  `bson:"moq,omitempty"`      // offer
	Price          *Price     `bson:"price,omitempty"`
	Material       string     `bson:"material,omitempty"`    // material family: 铝合金, 钢, …
	Size           *Span      `bson:"size,omitempty"`        // inches
	Layers         *Span      `bson:"layers,omitempty"`      // PCB layers
	Voltage        *Span      `bson:"voltage,omitempty"`     // volts
	Application    string     `bson:"application,omitempty"` // what the product is for: ECU of "PCB 用于ECU"
	Region         Region     `bson:"region"`
	Deadline       *time.Time `bson:"deadline,omitempty"`       // demand
	LeadTimeDays   *int       `bson:"lead_time_days,omitempty"` // offer
	Certifications []string   `bson:"certifications"`
	Keywords       []string   `bson:"keywords"`
	MediaIDs       []string   `bson:"media_ids,omitempty"`
	Status         string     `bson:"status"`
	ClosedReason   string     `bson:"closed_reason,omitempty"` // 已成交 / 撤回 / …
	ViaPlatform    *bool      `bson:"via_platform,omitempty"`  // fulfilled through the platform, asked on closing
	RawText        string     `bson:"raw_text"`
	EnterpriseID   string     `bson:"enterprise_id"`
	EnterpriseName string     `bson:"enterprise_name,omitempty"` // as registered when last saved
	Anonymous      bool       `bson:"anonymous,omitempty"`       // the name shows only after consent
	Verified       bool       `bson:"verified"`                  // the enterprise was verified when last saved
	OpenID         string     `bson:"openid"`
	CreatedAt      time.Time  `bson:"created_at"`
	UpdatedAt      time.Time  `bson:"updated_at"`
	ExpiresAt      time.Time  `bson:"expires_at"`
	RemindedAt     *time.Time `bson:"reminded_at,omitempty"` // expiry reminder sent
	// Changes are who changed the record and how, oldest first: a
	// record belongs to the enterprise, and any contact may manage it.
	Changes []PostChange `bson:"changes,omitempty"`
	// MsgKey is the dedupe key of the message that created the record
	// (unique when set): a repeat of that message cannot create another.
	MsgKey string `bson:"msg_key,omitempty"`
}

// PostChange is one change of a record by a contact of its enterprise.
type PostChange struct {
	At     time.Time `bson:"at"`
	OpenID string    `bson:"openid"`
	Name   string    `bson:"name"`
	What   string    `bson:"what"` // 关闭（已成交）, 续期到1月15日, 修改 数量 4000件
}

// DefaultPostLifetime is how long a record stays open unless renewed.
const DefaultPostLifetime = 30 * 24 * time.Hour

// Collection is the collection of a kind.
func collectionOf(kind string) string {
	if kind == KindOffer {
		return "offers"
	}
	return "demands"
}

// NoPrefix is the letter of a kind's numbers.
func NoPrefix(kind string) string {
	if kind == KindOffer {
		return "O"
	}
	return "D"
}

// KindOfNo tells the kind from a record number such as D1024 or o2048.
func KindOfNo(no string) (string, bool) {
	if len(no) < 2 {
		return "", false
	}
	switch no[0] {
	case 'D', 'd':
		return KindDemand, true
	case 'O', 'o':
		return KindOffer, true
	}
	return "", false
}
