package console

import (
	"context"
	"errors"
	"time"

	"supplybot/store"
)

// Actor says who acts; the task-force service writes it to the audit log.
type Actor struct {
	Via  string // "console" or "api"
	ID   string // console user or openid
	Name string
}

// Error codes of the services, as the console maps them to HTTP.
const (
	EInvalid   = "invalid"
	ENotFound  = "not_found"
	EConflict  = "conflict"
	EForbidden = "forbidden"
)

// Error is a service error whose Msg is a short Chinese sentence fit to
// show; any other error is internal and shown as a generic failure.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// TaskForce is the task-force service (verification, disputes,
// moderation, statistics, help desk, audit) as the console uses it.
type TaskForce interface {
	// Queue returns verification requests and name disputes, oldest first.
	Queue(ctx context.Context) ([]QueueItem, error)
	Approve(ctx context.Context, a Actor, enterpriseID string) (store.Enterprise, error)
	Reject(ctx context.Context, a Actor, enterpriseID, reason string) error
	ResolveDispute(ctx context.Context, a Actor, disputeID string, move bool, reason string) error
	TakeDown(ctx context.Context, a Actor, no, reason string) (store.Post, error)
	// Restore puts a record taken down back; reason goes to the audit log.
	Restore(ctx context.Context, a Actor, no, reason string) (store.Post, error)
	// Stats of a period: 今天, 本周, 本月 or 全部.
	Stats(ctx context.Context, period string, now time.Time) (Stats, error)
	// Series counts per China day, the oldest first, ending today.
	Series(ctx context.Context, days int, now time.Time) ([]DayCount, error)
	Tickets(ctx context.Context, open bool, limit int) ([]Ticket, error)
	Answer(ctx context.Context, a Actor, ticketN int, text string) error
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// RecordView logs that a whole mobile number of the enterprise was shown.
	RecordView(ctx context.Context, a Actor, enterpriseID string) error
}

// QueueItem is a verification request or a name dispute.
type QueueItem struct {
	Kind         string // "verify" or "dispute"
	N            int    // the short number the chat uses: 通过 N
	ID           string // the dispute's id; the enterprise id for a verification
	EnterpriseID string
	Enterprise   store.Enterprise
	USCC         string
	USCCValid    bool
	RequestedAt  time.Time
	// A dispute's claimant and reason.
	Claimant       string
	ClaimantMobile string
	Reason         string
	// History: earlier decisions about the enterprise, oldest first.
	History []AuditEntry
}

// Count is a labelled number of a chart.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Stats are the numbers of a period.
type Stats struct {
	Period              string  `json:"period"`
	Enterprises         int     `json:"enterprises"`
	NewEnterprises      int     `json:"new_enterprises"`
	VerifiedEnterprises int     `json:"verified_enterprises"`
	ByRole              []Count `json:"by_role"`
	ByProvince          []Count `json:"by_province"`
	NewDemands          int     `json:"new_demands"`
	NewOffers           int     `json:"new_offers"`
	OpenDemands         int     `json:"open_demands"`
	OpenOffers          int     `json:"open_offers"`
	Matches             int     `json:"matches"`
	Contacts            int     `json:"contacts"`
	Deals               int     `json:"deals"`
	TopCategories       []Count `json:"top_categories"`
	RecordsByRegion     []Count `json:"records_by_region"`
}

// DayCount is what one China day brought.
type DayCount struct {
	Day         time.Time `json:"day"`
	Enterprises int       `json:"enterprises"`
	Demands     int       `json:"demands"`
	Offers      int       `json:"offers"`
}

// Ticket is a help-desk message and its replies.
type Ticket struct {
	N        int       `json:"n"`
	OpenID   string    `json:"-"`
	From     string    `json:"from"` // name and enterprise, as known
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
	Open     bool      `json:"open"`
	Replies  []Reply   `json:"replies"`
	Category string    `json:"category,omitempty"`
}

// Reply is one answer to a ticket.
type Reply struct {
	By   string    `json:"by"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// AuditFilter selects audit entries; empty fields do not filter.
type AuditFilter struct {
	Actor, Action, Target string
	From, To              time.Time
	Offset, Limit         int
}

// AuditEntry is one task-force action.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Via    string    `json:"via"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// Broadcasts is the broadcast service (handlers/broadcast).
type Broadcasts interface {
	Audience(ctx context.Context, seg Segment) (Audience, error)
	// Create stores the job and its audience; Start sends it.
	Create(ctx context.Context, a Actor, seg Segment, text string) (Job, error)
	Start(ctx context.Context, a Actor, jobID string) error
	Progress(ctx context.Context, jobID string) (Progress, error)
	Jobs(ctx context.Context, limit int) ([]Job, error)
}

// Segment selects the followers a broadcast reaches.
type Segment struct {
	All                            bool
	Role, Province, City, District string
	Category                       string
	Verified                       *bool
	ActiveDays                     int
}

// Audience is the size of a segment.
type Audience struct {
	Size           int    `json:"size"`
	OverMonthlyCap int    `json:"over_monthly_cap"`
	Via            string `json:"via"` // mass or push
}

// Job is one broadcast.
type Job struct {
	ID        string    `json:"id"`
	Segment   Segment   `json:"-"`
	Text      string    `json:"text"`
	By        string    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
	State     string    `json:"state"`
	Audience  Audience  `json:"audience"`
}

// Progress is how far a broadcast got.
type Progress struct {
	Total      int        `json:"total"`
	Sent       int        `json:"sent"`
	Failed     int        `json:"failed"`
	Pending    int        `json:"pending"`
	State      string     `json:"state"` // draft, sending, done, …
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Done reports whether nothing is left to send.
func (p Progress) Done() bool {
	return p.State == "done" || (p.Total > 0 && p.Pending == 0 && p.Sent+p.Failed >= p.Total)
}

// Records reads demands and offers (store.Posts of both kinds).
type Records interface {
	List(ctx context.Context, kind string, f store.PostFilter) ([]store.Post, bool, error)
	ByNo(ctx context.Context, no string) (store.Post, error)
	Matches(ctx context.Context, recordID string) ([]store.Match, error)
	AllMatches(ctx context.Context, limit int) ([]store.Match, error)
	ContactRequests(ctx context.Context, recordID string) ([]store.ContactRequest, error)
}

// Enterprises reads enterprises (store.Enterprises).
type Enterprises interface {
	List(ctx context.Context, f store.EnterpriseFilter) ([]store.Enterprise, bool, error)
	Get(ctx context.Context, id string) (store.Enterprise, error)
}

// QRIssuer asks WeChat for a temporary parametric QR code (bot.Client).
type QRIssuer interface {
	TempQR(ctx context.Context, scene string, expire time.Duration) (content string, err error)
}

// User is a console user of the password fallback: a name and its bcrypt hash.
type User struct {
	Name string
	Hash string
}
