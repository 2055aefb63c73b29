package taskforce

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/notify"
	"supplybot/store"
	"supplybot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const member = "m1"

var (
	chinaNoon = time.Date(2026, 12, 2, 12, 0, 0, 0, time.FixedZone("CST", 8*3600)) // a Wednesday
	admin     = Actor{Via: ViaChat, ID: member}
)

func newService(t *testing.T) (*Service, *store.Mongo) {
	t.Helper()
	m := storetest.Mongo(t)
	return New(Deps{Mongo: m, Notify: notify.New(m.Outbox(), nil), Members: []string{member},
		Now: func() time.Time { return chinaNoon }}), m
}

func registered(t *testing.T, m *store.Mongo, openid, name, uscc string) store.Enterprise {
	t.Helper()
	e := store.Enterprise{Name: name, Role: store.RoleParts, USCC: uscc,
		Region:   store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
		Contacts: []store.Contact{{OpenID: openid, Name: "张伟", Mobile: "13800001111"}}}
	if err := m.Enterprises().Create(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := ErrorCode(err); got != code {
		t.Fatalf("%s: got %v (code %q), want code %q", what, err, got, code)
	}
	if code != "" && ErrorMessage(err) == "" {
		t.Fatalf("%s: no message to show", what)
	}
}

func TestServiceRefusesWithCodes(t *testing.T) {
	s, m := newService(t)
	ctx := context.Background()
	_, err := s.RequestVerification(ctx, "nobody", "91500227MA5U7G2X4T")
	wantCode(t, "verification of a user without an enterprise", err, ENotFound)
	e := registered(t, m, "u1", "重庆青山工业有限公司", "")
	_, err = s.RequestVerification(ctx, "u1", "")
	wantCode(t, "verification without a code", err, EInvalid)
	_, err = s.RequestVerification(ctx, "u1", "91500227MA5U7G2X4A")
	wantCode(t, "a wrong check character", err, EInvalid)
	if _, err := s.RequestVerification(ctx, "u1", "91500227ma5u7g2x4t"); err != nil {
		t.Fatalf("a valid code in lower case: %v", err)
	}
	_, err = s.RequestVerification(ctx, "u1", "")
	wantCode(t, "a second request while one waits", err, EConflict)

	_, err = s.Approve(ctx, Actor{Via: ViaChat, ID: "u1"}, e.ID)
	wantCode(t, "approval by a non-member", err, EForbidden)
	if _, err := s.Approve(ctx, admin, e.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Approve(ctx, admin, e.ID)
	wantCode(t, "approval twice", err, EConflict)
	wantCode(t, "rejection of an approved one", s.Reject(ctx, admin, e.ID, "不符"), EConflict)
	wantCode(t, "rejection without a reason", s.Reject(ctx, admin, e.ID, " "), EInvalid)

	_, err = s.TakeDown(ctx, admin, "D1001", "")
	wantCode(t, "take-down without a reason", err, EInvalid)
	_, err = s.TakeDown(ctx, admin, "D1001", "虚假")
	wantCode(t, "take-down of no record", err, ENotFound)
	_, err = s.TakeDown(ctx, admin, "X1", "虚假")
	wantCode(t, "take-down of no number", err, EInvalid)
	p := store.Post{Product: "轮毂", EnterpriseID: e.ID, OpenID: "u1"}
	if err := m.Demands().Create(ctx, &p); err != nil {
		t.Fatal(err)
	}
	_, err = s.Restore(ctx, admin, p.No)
	wantCode(t, "restore of a record not taken down", err, EConflict)
	wantCode(t, "answer to no ticket", s.Answer(ctx, admin, 99, "你好"), ENotFound)
	_, _, err = s.Write(ctx, "u1", "  ")
	wantCode(t, "an empty help-desk message", err, EInvalid)
	_, err = s.Stats(ctx, "去年", chinaNoon)
	wantCode(t, "statistics of an unknown period", err, EInvalid)
	_, err = s.Dispute(ctx, "u1", "重庆青山工业有限公司", "我的")
	wantCode(t, "a dispute of one's own name", err, EConflict)
	wantCode(t, "record view by a non-member", s.RecordView(ctx, Actor{Via: ViaChat, ID: "u1"}, e.ID), EForbidden)
	if ErrorCode(nil) != "" || ErrorMessage(context.Canceled) != "" {
		t.Fatal("internal errors have codes")
	}
}

func TestTakeDownKeepsAndRestoresTheFormerStatus(t *testing.T) {
	s, m := newService(t)
	ctx := context.Background()
	e := registered(t, m, "u1", "重庆青山工业有限公司", "")
	via := true
	p := store.Post{Product: "轮毂", EnterpriseID: e.ID, OpenID: "u1"}
	if err := m.Offers().Create(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := m.Offers().Close(ctx, p.ID, store.StatusClosed, "已成交", &via); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TakeDown(ctx, admin, strings.ToLower(p.No), "违规"); err != nil {
		t.Fatal(err)
	}
	got, _ := m.Offers().Get(ctx, p.ID)
	if got.Status != store.StatusRemoved {
		t.Fatalf("status %q, want removed", got.Status)
	}
	r, err := s.Restore(ctx, admin, p.No)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusClosed || r.ClosedReason != "已成交" {
		t.Fatalf("restored as %q %q, want closed 已成交", r.Status, r.ClosedReason)
	}
}

func TestStatisticsCountEachEventOnce(t *testing.T) {
	s, m := newService(t)
	ctx := context.Background()
	registered(t, m, "u1", "重庆青山工业有限公司", "")
	e2 := registered(t, m, "u2", "成都银河电子有限公司", "")
	at := chinaNoon.UTC().Truncate(time.Millisecond)
	p := store.Post{ID: "p1", Kind: store.KindDemand, Category: "轮毂", CreatedAt: at, UpdatedAt: at, Status: store.StatusOpen,
		Region: store.Region{Province: "四川省"}}
	s.PostSaved(ctx, p)
	s.PostSaved(ctx, p) // heard twice
	edited := p
	edited.ID, edited.UpdatedAt = "p2", at.Add(time.Minute)
	s.PostSaved(ctx, edited) // an edit is no new record
	via := true
	deal := store.Post{ID: "p3", Kind: store.KindOffer, Status: store.StatusClosed, ClosedReason: "已成交", ViaPlatform: &via}
	s.PostClosed(ctx, deal)
	s.PostClosed(ctx, deal)
	s.PostClosed(ctx, store.Post{ID: "p4", Status: store.StatusClosed, ClosedReason: "撤回"})
	if _, err := m.Enterprises().RemoveContact(ctx, e2.Contacts[0].OpenID); err != nil {
		t.Fatal(err)
	}
	for _, period := range []string{PeriodToday, PeriodWeek, PeriodMonth, PeriodAll} {
		st, err := s.Stats(ctx, period, chinaNoon)
		if err != nil {
			t.Fatal(err)
		}
		if st.NewDemands != 1 || st.NewOffers != 0 || st.Deals != 1 || st.DealsViaPlatform != 1 || st.Enterprises != 1 {
			t.Fatalf("%s: %+v", period, st)
		}
		if len(st.TopCategories) != 1 || st.TopCategories[0] != (Named{"轮毂", 1}) {
			t.Fatalf("%s categories: %+v", period, st.TopCategories)
		}
		if len(st.RecordsByRegion) != 1 || st.RecordsByRegion[0] != (Named{"四川省", 1}) {
			t.Fatalf("%s records by region: %+v", period, st.RecordsByRegion)
		}
		if len(st.ByRole) != 1 || st.ByRole[0] != (Named{store.RoleParts, 1}) {
			t.Fatalf("%s roles: %+v", period, st.ByRole)
		}
	}
	if st, _ := s.Stats(ctx, PeriodToday, chinaNoon.AddDate(0, 0, 1)); st.NewDemands != 0 || st.Enterprises != 1 {
		t.Fatalf("the next day: %+v", st)
	}
	series, err := s.Series(ctx, 3, chinaNoon)
	if err != nil {
		t.Fatal(err)
	}
	days := []string{"2026-11-30", "2026-12-01", "2026-12-02"}
	for i, d := range series {
		if d.Day != days[i] || d.Demands != int64(i/2) || d.Offers != 0 {
			t.Fatalf("series: got %+v, want one demand on %s", series, days[2])
		}
	}
	// Enterprises count on the day the store registered them.
	if series, _ := s.Series(ctx, 1, time.Now()); len(series) != 1 || series[0].Enterprises != 2 {
		t.Fatalf("enterprises today: %+v", series)
	}
}

func TestAuditFilters(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	other := Actor{Via: ViaConsole, ID: "console-li"}
	for _, a := range []Actor{admin, admin, other} {
		if err := s.RecordView(ctx, a, "e1"); err != nil {
			t.Fatal(err)
		}
	}
	s.audit(ctx, admin, ActTakeDown, "D1001", map[string]string{"status": "open"}, map[string]string{"status": "removed"}, "")
	for _, c := range []struct {
		name string
		f    store.AuditFilter
		want int
	}{
		{"all", store.AuditFilter{}, 4},
		{"by actor", store.AuditFilter{ActorID: "console-li"}, 1},
		{"by action", store.AuditFilter{Action: ActRecordView}, 3},
		{"by target", store.AuditFilter{Target: "D1001"}, 1},
		{"in time", store.AuditFilter{From: chinaNoon.Add(-time.Minute), To: chinaNoon.Add(time.Minute)}, 4},
		{"before", store.AuditFilter{To: chinaNoon.Add(-time.Minute)}, 0},
		{"paged", store.AuditFilter{Offset: 1, Limit: 2}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			es, err := s.Audit(ctx, c.f)
			if err != nil || len(es) != c.want {
				t.Fatalf("got %d entries (%v), want %d", len(es), err, c.want)
			}
		})
	}
	es, _ := s.Audit(ctx, store.AuditFilter{Action: ActTakeDown})
	if e := es[0]; e.ActorVia != ViaChat || e.ActorID != member || e.Before["status"] != "open" || e.After["status"] != "removed" || !e.At.Equal(chinaNoon) {
		t.Fatalf("entry: %+v", e)
	}
}

func TestPeriodStart(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	sunday := time.Date(2026, 12, 6, 23, 30, 0, 0, cst)
	earlyUTC := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 1 December, 01:00 China time
	for _, c := range []struct {
		period string
		now    time.Time
		want   time.Time
	}{
		{PeriodToday, chinaNoon, time.Date(2026, 12, 2, 0, 0, 0, 0, cst)},
		{PeriodWeek, chinaNoon, time.Date(2026, 11, 30, 0, 0, 0, 0, cst)},
		{PeriodWeek, sunday, time.Date(2026, 11, 30, 0, 0, 0, 0, cst)},
		{PeriodMonth, chinaNoon, time.Date(2026, 12, 1, 0, 0, 0, 0, cst)},
		{PeriodToday, earlyUTC, time.Date(2026, 12, 1, 0, 0, 0, 0, cst)},
		{PeriodAll, chinaNoon, time.Time{}},
	} {
		got, err := periodStart(c.period, c.now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s at %v: got %v %v, want %v", c.period, c.now, got, err, c.want)
		}
	}
}

func TestRepliesFitAScreen(t *testing.T) {
	var st Stats
	st.Period, st.From = PeriodMonth, chinaNoon
	for i := range 40 {
		n := Named{Name: strings.Repeat("很长的名称", 3) + strconv.Itoa(i), Count: int64(1000 - i)}
		st.ByRole, st.ByProvince, st.TopCategories = append(st.ByRole, n), append(st.ByProvince, n), append(st.TopCategories, n)
	}
	st.Matches, st.Contacts, st.DealsViaPlatform = 1234567, 123456, 12345
	if got := statsText(st, chinaNoon); len(got) > 2000 || !strings.Contains(got, "匹配1234567 → 交换联系123456（9%）") {
		t.Fatalf("statistics: %d bytes:\n%s", len(got), got)
	}
	var items []QueueItem
	for i := range 100 {
		items = append(items, QueueItem{Kind: KindDispute, N: int64(i + 1), RequestedAt: chinaNoon, Reason: strings.Repeat("理由", 40),
			Enterprise: store.Enterprise{Name: strings.Repeat("重庆某某", 10) + "有限公司", Role: store.RoleParts}})
	}
	if got := queueText(items, chinaNoon); len(got) > 2000 || !strings.Contains(got, "还有") || !strings.HasPrefix(got, "待审核100项") {
		t.Fatalf("queue: %d bytes:\n%s", len(got), got)
	}
	var ts []store.Ticket
	for i := range 50 {
		ts = append(ts, store.Ticket{N: int64(i + 1), Messages: []store.TicketMessage{{Text: strings.Repeat("问题", 100), At: chinaNoon}}})
	}
	if got := ticketsText(ts, chinaNoon); len(got) > 2000 {
		t.Fatalf("tickets: %d bytes", len(got))
	}
}

func TestRawAfter(t *testing.T) {
	for _, c := range []struct {
		text, word string
		number     bool
		want       string
	}{
		{"回复 3 您好，已处理。", "回复", true, "您好，已处理。"},
		{"回复#12：好的！", "回复", true, "好的！"},
		{"  留言 怎么改名？ ", "留言", false, "怎么改名？"},
		{"留言：在吗", "留言", false, "在吗"},
		{"回复 您好", "回复", true, "fallback"},
		{"驳回 3", "驳回", true, ""},
		{"其他", "回复", true, "fallback"},
	} {
		if got := rawAfter(c.text, c.word, c.number, "fallback"); got != c.want {
			t.Errorf("rawAfter(%q): got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestAnswerExpected(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 2, 10, 0, 0, 0, cst), "2小时内"},
		{time.Date(2026, 12, 2, 7, 0, 0, 0, cst), "9:00起"},
		{time.Date(2026, 12, 2, 20, 0, 0, 0, cst), "下一个工作日"},
		{time.Date(2026, 12, 5, 10, 0, 0, 0, cst), "下一个工作日"}, // Saturday
	} {
		if got := AnswerExpected(c.at); !strings.Contains(got, c.want) {
			t.Errorf("%v: got %q, want %q in it", c.at, got, c.want)
		}
	}
}

func TestStatisticsCountsAreReadEveryFewMinutes(t *testing.T) {
	s, m := newService(t)
	ctx := context.Background()
	now := chinaNoon
	s.d.Now = func() time.Time { return now }
	open := func() {
		p := store.Post{Product: "轮毂", ExpiresAt: chinaNoon.AddDate(0, 1, 0)}
		if err := m.Demands().Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	open()
	st, err := s.Stats(ctx, PeriodToday, now)
	if err != nil || st.OpenDemands != 1 || !st.CountedAt.Equal(now) {
		t.Fatalf("first: %+v %v", st, err)
	}
	open()
	now = now.Add(time.Minute)
	if st, _ := s.Stats(ctx, PeriodToday, now); st.OpenDemands != 1 {
		t.Fatalf("within the TTL: %d open, want the counted 1", st.OpenDemands)
	}
	if got := statsText(st, now.Add(time.Minute)); !strings.Contains(got, "截至12:00") {
		t.Fatalf("old counts are not dated:\n%s", got)
	}
	now = now.Add(countsTTL)
	if st, _ := s.Stats(ctx, PeriodToday, now); st.OpenDemands != 1 {
		t.Fatalf("stale: %d open, want the counted 1 while the refresh runs", st.OpenDemands)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if st, _ := s.Stats(ctx, PeriodToday, now); st.OpenDemands == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the counts were not refreshed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
