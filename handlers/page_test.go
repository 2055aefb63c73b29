package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

// pagePosts serves ByNo from a map; the page needs nothing else.
type pagePosts struct {
	PostStore
	byNo map[string]store.Post
}

func (s pagePosts) ByNo(_ context.Context, no string) (store.Post, error) {
	if p, ok := s.byNo[no]; ok {
		return p, nil
	}
	return store.Post{}, store.ErrNotFound
}

func TestRecordPage(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, record.China)
	deadline := time.Date(2026, 12, 31, 23, 59, 59, 0, record.China)
	posts := pagePosts{byNo: map[string]store.Post{
		"D1024": {
			No: "D1024", Kind: store.KindDemand, Product: "铝合金轮毂 13800000001", OpenID: "o-buyer",
			Quantity: &store.Quantity{Value: 12300, Unit: "件"}, Deadline: &deadline,
			Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
			Status: store.StatusOpen, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, 30),
		},
		"D1025": {No: "D1025", Kind: store.KindDemand, Product: "线束", Status: store.StatusRemoved},
	}}
	a := New(Deps{Demands: posts, Offers: posts, Now: func() time.Time { return now }})
	mux := http.NewServeMux()
	mux.Handle("GET /r/{no}", a.RecordPage())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	status, page := get("/r/d1024")
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200\n%s", status, page)
	}
	for _, want := range []string{"D1024 求购（进行中）", "数量：1.23万件", "地区：重庆市璧山区", "截止：12月31日前", "有效期到12月25日", "联系 D1024"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	// The title and heading mask a phone number typed into the product, as
	// the chat does.
	for _, secret := range []string{"13800000001", "o-buyer"} {
		if strings.Contains(page, secret) {
			t.Errorf("page shows %q:\n%s", secret, page)
		}
	}
	for _, no := range []string{"D1025", "D9999", "X1"} {
		if status, _ := get("/r/" + no); status != http.StatusNotFound {
			t.Errorf("/r/%s: got status %d, want 404", no, status)
		}
	}
}
