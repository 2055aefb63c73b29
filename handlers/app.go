package handlers

import (
	"context"
	"log/slog"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/store"
)

// SessionStore is the per-user dialog state the flows keep between messages.
type SessionStore interface {
	Load(ctx context.Context, openid string) (*bot.Session, error)
	Save(ctx context.Context, openid string, s *bot.Session) error
	Clear(ctx context.Context, openid string) error
}

// EnterpriseStore is what the conversation needs of the enterprises
// repository (store.Enterprises).
type EnterpriseStore interface {
	Create(ctx context.Context, e *store.Enterprise) error
	ByOpenID(ctx context.Context, openid string) (store.Enterprise, error)
	ByInviteCode(ctx context.Context, code string) (store.Enterprise, error)
	// ByName finds a company already registered under name, or ErrNotFound.
	ByName(ctx context.Context, name string) (store.Enterprise, error)
	// NameContains finds enterprises by a part of their name (search).
	NameContains(ctx context.Context, fragment string, limit int) ([]store.Enterprise, error)
	AddContact(ctx context.Context, id string, c store.Contact) error
	RemoveContact(ctx context.Context, openid string) (deleted bool, err error)
	SetFollowAlerts(ctx context.Context, openid string, follow bool) error
}

// PostStore is what the conversation needs of a demands or offers
// repository (store.Posts).
type PostStore interface {
	Create(ctx context.Context, p *store.Post) error
	ByNo(ctx context.Context, no string) (store.Post, error)
	Replace(ctx context.Context, p *store.Post) error
	Close(ctx context.Context, id, status, reason string, viaPlatform *bool) error
	Renew(ctx context.Context, id string, expiresAt time.Time) error
	ByOpenID(ctx context.Context, openid string, limit int) ([]store.Post, error)
	ByEnterprise(ctx context.Context, enterpriseID string, limit int) ([]store.Post, error)
	// ByMsgKey returns the record the message msgKey created.
	ByMsgKey(ctx context.Context, msgKey string) (store.Post, error)
	Note(ctx context.Context, id string, c store.PostChange) error
	RemoveByOpenID(ctx context.Context, openid string) (int64, error)
	Search(ctx context.Context, q store.SearchQuery) (store.SearchResult, error)
}

// UserEraser erases what other features keep about a user who deregisters
// (注销): subscriptions and pushes not sent yet. store.Mongo is one.
type UserEraser interface {
	ForgetUser(ctx context.Context, openid string) error
}

// PostEvents hears about demands and offers that were saved (created,
// edited, renewed) or closed (closed, withdrawn, removed on deregistration),
// so that matching can follow. It is called after the write succeeded, on
// the request's goroutine: implementations must return quickly and do
// their work asynchronously.
type PostEvents interface {
	PostSaved(ctx context.Context, p store.Post)
	PostClosed(ctx context.Context, p store.Post)
}

// RecordIndex answers searches from the open records held in memory (the
// alerts service), with the filters and ranking of PostStore.Search; ok is
// false when it holds none yet (the store answers then).
type RecordIndex interface {
	Search(kind string, q store.SearchQuery) (res store.SearchResult, ok bool)
}

// EnterpriseEvents hears of enterprises registered (the task force files
// the verification of one registered with a credit code) and of users who
// joined one with its invite code (its other contacts are told). Called
// after the write succeeded, on the request's goroutine.
type EnterpriseEvents interface {
	Registered(ctx context.Context, e store.Enterprise)
	Joined(ctx context.Context, enterpriseID string, c store.Contact)
}

// Deps are what the conversation needs from the rest of the process.
// Sessions, KV, Enterprises, Demands and Offers are required.
type Deps struct {
	Sessions    SessionStore
	KV          bot.KV // drafts, saved searches, rate limits
	Enterprises EnterpriseStore
	Demands     PostStore
	Offers      PostStore
	Parser      *parse.Parser // nil: the embedded default data
	Events      PostEvents    // nil: nobody listens
	Index       RecordIndex   // nil: searches read the store
	Forget      UserEraser    // nil: nothing else to erase on 注销
	Now         func() time.Time
	Log         *slog.Logger

	// Joins hears of registrations and joins; nil: nobody is told.
	Joins EnterpriseEvents

	// DraftTTL is how long an unfinished form can be resumed after its
	// session timed out (default 7 days).
	DraftTTL time.Duration
	// DailyPostCap is how many records one enterprise may publish per
	// China day (0: no cap); more are kept as a draft for tomorrow.
	DailyPostCap int
	// RateLimit messages per RateWindow are answered; more get a polite
	// "slow down" (defaults 8 per 5 s).
	RateLimit  int
	RateWindow time.Duration
}

// App holds the conversation's handlers.
type App struct {
	d     Deps
	p     *parse.Parser
	cmds  *bot.Commands   // every feature's commands (commands.go)
	flows map[string]flow // every flow (flow.go)

	closeConf, quitConf, leaveConf *Confirmation
}

// New returns the conversation. It panics only if the parser's embedded
// data files are broken, which the parse package's tests rule out.
func New(d Deps) *App {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.DraftTTL <= 0 {
		d.DraftTTL = 7 * 24 * time.Hour
	}
	if d.RateLimit <= 0 {
		d.RateLimit = 8
	}
	if d.RateWindow <= 0 {
		d.RateWindow = 5 * time.Second
	}
	p := d.Parser
	if p == nil {
		var err error
		if p, err = parse.New(); err != nil {
			panic("handlers: embedded parser data: " + err.Error())
		}
	}
	a := &App{d: d, p: p, cmds: &bot.Commands{Normalize: clean}}
	a.cmds.Resolve = a.command // matched once a message, kept in its turn
	a.registerFlows()
	a.cmds.Add(a.commands()...)
	return a
}

// Menu keys of config.yaml that start the conversation's flows. MY_MATCHES
// belongs to matching and is not registered here.
const (
	MenuPostDemand   = "POST_DEMAND"
	MenuPostOffer    = "POST_OFFER"
	MenuSearchDemand = "SEARCH_DEMAND"
	MenuSearchOffer  = "SEARCH_OFFER"
	MenuMyPosts      = "MY_POSTS"
	MenuHelp         = "HELP"
)

func (a *App) now() time.Time { return a.d.Now() }

func (a *App) posts(kind string) PostStore {
	if kind == store.KindOffer {
		return a.d.Offers
	}
	return a.d.Demands
}

func (a *App) saved(ctx context.Context, p store.Post) {
	if a.d.Events != nil {
		a.d.Events.PostSaved(ctx, p)
	}
}

func (a *App) closed(ctx context.Context, p store.Post) {
	if a.d.Events != nil {
		a.d.Events.PostClosed(ctx, p)
	}
}
