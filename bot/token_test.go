package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestTokenRefreshOn40001(t *testing.T) {
	for _, code := range []int{CodeInvalidToken, CodeTokenNotLatest, CodeTokenExpired} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			h := newHarness(t, GatewayConfig{}, 0)
			h.sim.Follow("tok-user")
			ctx := context.Background()
			if err := h.client.SendText(ctx, "tok-user", "第一条"); err != nil {
				t.Fatal(err)
			}
			h.sim.InjectError("custom", code, 1)
			if err := h.client.SendText(ctx, "tok-user", "第二条"); err != nil {
				t.Fatalf("send after %d: got %v, want success after one refresh", code, err)
			}
			if got := h.sim.TokenFetches(); got != 2 {
				t.Fatalf("token fetches: got %d, want 2", got)
			}
			if got := len(h.sim.Pushes("tok-user")); got != 2 {
				t.Fatalf("pushes: got %d, want 2", got)
			}
		})
	}
}

func TestTokenRefreshRetriesOnlyOnce(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	h.sim.Follow("u")
	h.sim.InjectError("custom", CodeInvalidToken, 5)
	err := h.client.SendText(context.Background(), "u", "x")
	if ErrorCode(err) != CodeInvalidToken {
		t.Fatalf("got %v, want errcode 40001 after the single retry", err)
	}
	if got := h.sim.Calls("custom"); got != 2 {
		t.Fatalf("custom calls: got %d, want 2", got)
	}
}

func TestTokenExpiredAtWeChatIsRefetched(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	h.sim.Follow("u")
	ctx := context.Background()
	if err := h.client.SendText(ctx, "u", "a"); err != nil {
		t.Fatal(err)
	}
	h.sim.ExpireTokens()
	if err := h.client.SendText(ctx, "u", "b"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if got := h.sim.TokenFetches(); got != 2 {
		t.Fatalf("token fetches: got %d, want 2", got)
	}
}

func TestTokenSharedAcrossInstances(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	h.sim.Follow("u")
	// A second instance on the same KV.
	other := NewClient(ClientConfig{AppID: testAppID, AppSecret: testSecret, Token: testToken, Transport: h.sim.RoundTripper(), KV: h.kv})
	ctx := context.Background()
	for _, c := range []*Client{h.client, other, h.client, other} {
		if err := c.SendText(ctx, "u", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.sim.TokenFetches(); got != 1 {
		t.Fatalf("token fetches: got %d, want 1 shared by both instances", got)
	}
}

func TestTokenCacheOutageIsNotAMiss(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	h.sim.Follow("u")
	h.kv.fail = errKVDown
	err := h.client.SendText(context.Background(), "u", "x")
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v, want the cache error", err)
	}
	if got := h.sim.TokenFetches(); got != 0 {
		t.Fatalf("token fetches during the outage: got %d, want 0", got)
	}
}

func TestSecretNotInTokenErrors(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	// A transport error quotes the whole URL, secret included.
	NewClient(ClientConfig{AppID: testAppID, AppSecret: testSecret, Token: testToken, KV: h.kv,
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("boom") })})
	_, err := h.client.tokens.GetAccessTokenContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "boom") || strings.Contains(err.Error(), testSecret) {
		t.Fatalf("got %v, want the transport error without the secret", err)
	}
}

// TestAccessTokenNotInSendErrors: a failed send's error, which the pusher
// logs and stores in the outbox, does not quote the access token.
func TestAccessTokenNotInSendErrors(t *testing.T) {
	h := newHarness(t, GatewayConfig{}, 0)
	h.sim.Follow("u")
	tok, err := h.client.tokens.GetAccessTokenContext(context.Background())
	if err != nil || tok == "" {
		t.Fatalf("token: %q %v", tok, err)
	}
	NewClient(ClientConfig{AppID: testAppID, AppSecret: testSecret, Token: testToken, KV: h.kv,
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("boom") })})
	for name, send := range map[string]func() error{
		"custom": func() error { return h.client.SendText(context.Background(), "u", "x") },
		"template": func() error {
			return h.client.SendTemplate(context.Background(), TemplateMessage{OpenID: "u", TemplateID: "t"})
		},
		"mass": func() error { return h.client.MassSend(context.Background(), nil, "x", "m1") },
	} {
		err := send()
		if err == nil || !strings.Contains(err.Error(), "boom") || strings.Contains(err.Error(), tok) {
			t.Errorf("%s: got %v, want the transport error without the token %s", name, err, tok)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
