package alerts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supplybot/bot"
	"supplybot/handlers/alerts"
	"supplybot/handlers/parse"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var parser = func() *parse.Parser {
	p, err := parse.New()
	if err != nil {
		panic(err)
	}
	return p
}()

// recOutbox is the real outbox that also remembers what was queued.
type recOutbox struct {
	*store.Outbox
	mu    sync.Mutex
	items []store.OutboxItem
}

func (o *recOutbox) Enqueue(ctx context.Context, it store.OutboxItem) error {
	err := o.Outbox.Enqueue(ctx, it)
	if err == nil {
		o.mu.Lock()
		o.items = append(o.items, it)
		o.mu.Unlock()
	}
	return err
}

func (o *recOutbox) to(openid string) []store.OutboxItem {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []store.OutboxItem
	for _, it := range o.items {
		if it.OpenID == openid {
			out = append(out, it)
		}
	}
	return out
}

type env struct {
	t     *testing.T
	mongo *store.Mongo
	out   *recOutbox
	svc   *alerts.Service
	now   atomic.Pointer[time.Time]
	r     *bot.Router
	msgID int64
}

// daytime is 10:00 China time today: outside the quiet hours and within a
// day of the wall clock (the engine checks expiry by the wall clock).
func daytime() time.Time {
	c := time.Now().In(cst)
	return time.Date(c.Year(), c.Month(), c.Day(), 10, 0, 0, 0, cst)
}

var cst = time.FixedZone("CST", 8*3600)

func newEnv(t *testing.T, cfg alerts.Config) *env {
	t.Helper()
	return startEnv(t, cfg, nil)
}

// startEnv starts the service on a recording outbox; wrap, when set, puts
// another outbox (fault injection) between the service and that one.
func startEnv(t *testing.T, cfg alerts.Config, wrap func(*recOutbox) alerts.Outbox) *env {
	t.Helper()
	e := &env{t: t, mongo: storetest.Mongo(t)}
	e.out = &recOutbox{Outbox: e.mongo.Outbox()}
	var ob alerts.Outbox = e.out
	if wrap != nil {
		ob = wrap(e.out)
	}
	e.setNow(daytime())
	cfg.Now = func() time.Time { return *e.now.Load() }
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = -1
	}
	e.svc = alerts.New(cfg, alerts.Deps{Mongo: e.mongo, Outbox: ob, Parser: parser, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.svc.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	e.r = bot.NewRouter(nil)
	cs := &bot.Commands{}
	cs.Add(e.svc.Commands()...)
	e.r.Commands(cs)
	for k, h := range e.svc.MenuKeys() {
		e.r.MenuKey(k, h)
	}
	e.r.Default(func(context.Context, *bot.Message) (bot.Reply, error) { return bot.Text("DEFAULT"), nil })
	return e
}

func (e *env) setNow(t time.Time) { e.now.Store(&t) }
func (e *env) clock() time.Time   { return *e.now.Load() }

// enterprise registers a company with one contact.
func (e *env) enterprise(name, role, openid, person, mobile, place string, verified bool) store.Enterprise {
	e.t.Helper()
	r, _ := parser.ParseRegion(place)
	ent := store.Enterprise{Name: name, Role: role, Verified: verified,
		Region:   store.Region{Province: r.Province, City: r.City, District: r.District},
		Contacts: []store.Contact{{OpenID: openid, Name: person, Mobile: mobile}}}
	if err := e.mongo.Enterprises().Create(context.Background(), &ent); err != nil {
		e.t.Fatal(err)
	}
	return ent
}

// post parses text as the chat would and stores the record for ent's contact.
func (e *env) post(kind string, ent store.Enterprise, text string, mods ...func(*store.Post)) store.Post {
	e.t.Helper()
	pp := parser.Parse(text, e.clock())
	p := store.Post{Kind: kind, Product: pp.Product, Spec: pp.Spec, Keywords: pp.Keywords,
		Certifications: pp.Certifications, RawText: text, EnterpriseID: ent.ID, Verified: ent.Verified,
		OpenID: ent.Contacts[0].OpenID}
	if pp.Category != nil {
		p.CategoryCode, p.Category, p.CategoryPath = pp.Category.Code, pp.Category.Name, pp.Category.Path
	}
	if pp.Region != nil {
		p.Region = store.Region{Province: pp.Region.Province, City: pp.Region.City, District: pp.Region.District}
	}
	if q := pp.Quantity; q != nil {
		p.Quantity = &store.Quantity{Value: q.Value, Unit: q.Unit}
	}
	if q := pp.Capacity; q != nil {
		p.Capacity = &store.Quantity{Value: q.Value, Unit: q.Unit}
	}
	if q := pp.MOQ; q != nil {
		p.MOQ = &store.Quantity{Value: q.Value, Unit: q.Unit}
	}
	p.Deadline = pp.Deadline
	if kind == store.KindOffer && (pp.LeadTimeDays > 0 || pp.InStock) {
		d := pp.LeadTimeDays
		p.LeadTimeDays = &d
	}
	for _, m := range mods {
		m(&p)
	}
	if err := e.mongo.Posts(kind).Create(context.Background(), &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// saved runs the matching of p synchronously.
func (e *env) saved(p store.Post) {
	e.t.Helper()
	if err := e.svc.MatchNow(context.Background(), p); err != nil {
		e.t.Fatalf("match %s: %v", p.No, err)
	}
}

// send routes a text message from openid and returns the reply.
func (e *env) send(openid, text string) string {
	e.t.Helper()
	e.msgID++
	rep, err := e.r.Handle(context.Background(), &bot.Message{OpenID: openid, Type: bot.TypeText, Text: text, MsgID: e.msgID, CreateTime: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rep.Text) > 2048 {
		e.t.Errorf("reply to %q is %d bytes, over 2048", text, len(rep.Text))
	}
	return rep.Text
}

func contains(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s: %q lacks %q", what, s, w)
		}
	}
}

func lacks(t *testing.T, what, s string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Errorf("%s: %q contains %q", what, s, w)
		}
	}
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// Two enterprises that fit: a Chongqing vehicle maker buying solenoid
// valves and a Chongqing parts maker offering them.
func (e *env) buyerSeller() (buyer, seller store.Enterprise) {
	buyer = e.enterprise("重庆长安汽车股份有限公司", store.RoleVehicle, "buyer", "王强", "13800000001", "重庆渝北", true)
	seller = e.enterprise("重庆青山工业有限公司", store.RoleParts, "seller", "李娜", "13900000002", "重庆璧山", true)
	return buyer, seller
}

const (
	demandText = "求购 变速箱电磁阀 5000件 重庆璧山"
	offerText  = "供应 变速箱电磁阀 月产能2万件 重庆璧山 交期15天"
)
