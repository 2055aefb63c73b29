package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"supplybot/store"
	"supplybot/store/storetest"
)

func TestEnterpriseContactsAreUnique(t *testing.T) {
	m := storetest.Mongo(t)
	ents := m.Enterprises()
	ctx := context.Background()
	a := &store.Enterprise{Name: "重庆青山工业有限公司", Role: store.RoleParts, Contacts: []store.Contact{{OpenID: "u1", Name: "张伟", Mobile: "13800001111"}}}
	if err := ents.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := &store.Enterprise{Name: "另一家", Role: store.RoleOther, Contacts: []store.Contact{{OpenID: "u1"}}}
	if err := ents.Create(ctx, b); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second enterprise with the same contact: got %v, want ErrConflict", err)
	}
	if err := ents.AddContact(ctx, a.ID, store.Contact{OpenID: "u2", Name: "李娜"}); err != nil {
		t.Fatal(err)
	}
	if err := ents.AddContact(ctx, a.ID, store.Contact{OpenID: "u2"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("adding a contact twice: got %v, want ErrConflict", err)
	}
	got, err := ents.ByInviteCode(ctx, a.InviteCode)
	if err != nil || got.ID != a.ID || len(got.Contacts) != 2 {
		t.Fatalf("by invite code: got %+v, %v", got, err)
	}
	if deleted, err := ents.RemoveContact(ctx, "u1"); err != nil || deleted {
		t.Fatalf("remove one of two contacts: deleted=%v err=%v", deleted, err)
	}
	if deleted, err := ents.RemoveContact(ctx, "u2"); err != nil || !deleted {
		t.Fatalf("remove the last contact: deleted=%v err=%v, want the enterprise deleted", deleted, err)
	}
	if _, err := ents.Get(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("enterprise after its last contact left: got %v, want ErrNotFound", err)
	}
}

func TestPostsNumberingSearchAndLifecycle(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC()
	d := m.Demands()
	mk := func(product, code string, kw []string, city string, age time.Duration) *store.Post {
		p := &store.Post{Product: product, CategoryCode: code, Keywords: kw, OpenID: "u1", EnterpriseID: "e1",
			Region: store.Region{Province: "重庆市", City: city}, CreatedAt: now.Add(-age)}
		if err := d.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1 := mk("轮毂", "auto.chassis.wheel", []string{"轮毂", "轮圈"}, "重庆市", 3*time.Hour)
	p2 := mk("铝合金轮毂", "auto.chassis.wheel", []string{"轮毂", "铝合金"}, "重庆市", 2*time.Hour)
	p3 := mk("制动盘", "auto.chassis.brake", []string{"制动盘"}, "重庆市", time.Hour)
	if p1.No != "D1001" || p2.No != "D1002" || p3.No != "D1003" {
		t.Fatalf("numbers: got %s %s %s, want D1001 D1002 D1003", p1.No, p2.No, p3.No)
	}
	o := &store.Post{Product: "PCB"}
	if err := m.Offers().Create(ctx, o); err != nil || o.No != "O1001" {
		t.Fatalf("offer number: got %s, %v, want O1001", o.No, err)
	}
	if got, err := d.ByNo(ctx, "d1002"); err != nil || got.ID != p2.ID {
		t.Fatalf("ByNo lower case: got %+v, %v", got, err)
	}

	res, err := d.Search(ctx, store.SearchQuery{Keywords: []string{"轮毂", "铝合金"}, Now: now, Limit: 1})
	if err != nil || len(res.Posts) != 1 || res.Posts[0].ID != p2.ID || !res.More {
		t.Fatalf("search page 1: got %+v, %v; want D1002 (two keywords) and more", res, err)
	}
	res, _ = d.Search(ctx, store.SearchQuery{Keywords: []string{"轮毂", "铝合金"}, Now: now, Offset: 1, Limit: 1})
	if len(res.Posts) != 1 || res.Posts[0].ID != p1.ID || res.More {
		t.Fatalf("search page 2: got %+v, want D1001 and no more", res)
	}
	res, _ = d.Search(ctx, store.SearchQuery{CategoryPrefix: "auto.chassis", Now: now, Limit: 10})
	if len(res.Posts) != 3 || res.Posts[0].ID != p3.ID {
		t.Fatalf("search by branch: got %d posts, want 3 newest first", len(res.Posts))
	}
	res, _ = d.Search(ctx, store.SearchQuery{CategoryPrefix: "auto.chassis.wheel", Now: now, Limit: 10})
	if len(res.Posts) != 2 {
		t.Fatalf("search by leaf: got %d posts, want 2", len(res.Posts))
	}

	if err := d.Close(ctx, p1.ID, store.StatusClosed, "已成交", nil); err != nil {
		t.Fatal(err)
	}
	due, err := d.ExpireDue(ctx, now.Add(31*24*time.Hour))
	if err != nil || len(due) != 2 {
		t.Fatalf("expire: got %d, %v, want the two open ones", len(due), err)
	}
	if open, _ := d.Open(ctx, now); len(open) != 0 {
		t.Fatalf("open after expiry: got %d, want 0", len(open))
	}
	if err := d.Renew(ctx, p2.ID, now.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if open, _ := d.Open(ctx, now); len(open) != 1 {
		t.Fatalf("open after renewal: got %d, want 1", len(open))
	}
}

// FerretDB runs findAndModify as a query then an update, so an $inc
// counter handed the same number to concurrent posts. Concurrent posts of
// one process also must not collide with each other: after a few
// collisions a post reads the highest number from the database, which
// sorts every number on FerretDB, and in the five-minute mix that read
// kept posts waiting until the bot fell behind.
func TestPostNumbersUniqueUnderConcurrency(t *testing.T) {
	m := storetest.Mongo(t)
	ctx := context.Background()
	first := &store.Post{Product: "并发"}
	if err := m.Offers().Create(ctx, first); err != nil {
		t.Fatal(err)
	}
	reads := m.HighestNoReads()
	const n = 16
	errs := make(chan error, n)
	nos := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			p := &store.Post{Product: "并发"}
			err := m.Offers().Create(ctx, p)
			errs <- err
			nos <- p.No
		}()
	}
	seen := map[string]bool{first.No: true}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Errorf("create %d: %v", i, err)
		}
		no := <-nos
		if seen[no] {
			t.Errorf("number %s handed out twice", no)
		}
		seen[no] = true
	}
	for i := range n + 1 {
		if no := "O" + strconv.Itoa(1001+i); !seen[no] {
			t.Errorf("number %s skipped (got %v)", no, seen)
		}
	}
	if got := m.HighestNoReads() - reads; got != 0 {
		t.Errorf("the highest number was read %d times for %d concurrent posts of one process, want 0", got, n)
	}
}

// processesOfOneDatabase returns open, which connects another client, as
// another process would, to one new database dropped after the test.
func processesOfOneDatabase(t *testing.T) (open func() *store.Mongo) {
	uri, name := storetest.MongoURI(t), storetest.UniqueName("nos_")
	return func() *store.Mongo {
		m, err := store.OpenMongo(context.Background(), uri, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = m.DropDatabase(context.Background())
			_ = m.Close(context.Background())
		})
		return m
	}
}

// Each process remembers the highest number it claimed instead of reading
// it before every save. Two processes taking turns still hand out unique
// numbers, in sequence: the one behind catches up after a few collisions.
func TestPostNumbersAcrossProcesses(t *testing.T) {
	open := processesOfOneDatabase(t)
	ms := []*store.Mongo{open(), open()}
	ctx := context.Background()
	var got []string
	for _, turn := range []struct{ m, n int }{{0, 3}, {1, 20}, {0, 2}, {1, 1}, {0, 1}} {
		for range turn.n {
			p := &store.Post{Product: "轮毂"}
			if err := ms[turn.m].Demands().Create(ctx, p); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.No)
		}
	}
	for i, no := range got {
		if want := "D" + strconv.Itoa(1001+i); no != want {
			t.Fatalf("record %d got %s, want %s (all: %v)", i, no, want, got)
		}
	}
}

// A process learns the highest number at its first post. Posts that come
// at once after a start wait for one read instead of each sorting every
// number (seconds apiece at 100,000 records on FerretDB).
func TestFirstPostsAfterAStartReadTheHighestNumberOnce(t *testing.T) {
	open := processesOfOneDatabase(t)
	ctx := context.Background()
	before := open()
	for range 3 {
		if err := before.Offers().Create(ctx, &store.Post{Product: "轮毂"}); err != nil {
			t.Fatal(err)
		}
	}
	m := open() // the process after a restart
	const n = 12
	errs := make(chan error, n)
	for range n {
		go func() { errs <- m.Offers().Create(ctx, &store.Post{Product: "轮毂"}) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := m.HighestNoReads(); got != 1 {
		t.Errorf("%d concurrent first posts read the highest number %d times, want 1", n, got)
	}
	p := &store.Post{Product: "轮毂"}
	if err := m.Offers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	if want := "O" + strconv.Itoa(1001+3+n); p.No != want {
		t.Errorf("next number %s, want %s", p.No, want)
	}

	// Serving the embedded store alone, the bot reads both kinds' highest
	// numbers in WarmUp, before the first post.
	if storetest.Embedded() == nil {
		return // ServeAlone and WarmUp do nothing on MongoDB
	}
	warm := open()
	warm.ServeAlone()
	if err := warm.WarmUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := warm.HighestNoReads(); got != 2 {
		t.Errorf("WarmUp read the highest numbers %d times, want 2 (demands, offers)", got)
	}
	p = &store.Post{Product: "轮毂"}
	if err := warm.Offers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := warm.HighestNoReads(); got != 2 || p.No != "O"+strconv.Itoa(1001+4+n) {
		t.Errorf("a post after WarmUp: %d reads, number %s; want 2 and O%d", got, p.No, 1001+4+n)
	}
}
