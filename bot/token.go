package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/credential"
)

// tokenSource is the access-token handle shared by every instance through
// the KV. One instance at a time fetches (a KV lock), because a fetch
// invalidates the previous token after WeChat's overlap. Unlike the SDK's
// default handle, a KV error is returned, not treated as a miss: a Redis
// outage must not become a token fetch per call that invalidates the tokens
// of the other instances.
type tokenSource struct {
	kv        KV
	appID     string
	appSecret string
	wait      time.Duration // how long a caller waits for another instance's fetch
	onFetch   func(err error)
}

var errTokenBusy = errors.New("access token: another instance is fetching it; try again")

func (t *tokenSource) key() string  { return "wechat:token:" + t.appID }
func (t *tokenSource) lock() string { return "wechat:token-lock:" + t.appID }

// GetAccessToken implements credential.AccessTokenHandle for the SDK.
func (t *tokenSource) GetAccessToken() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return t.GetAccessTokenContext(ctx)
}

// GetAccessTokenContext implements credential.AccessTokenContextHandle.
func (t *tokenSource) GetAccessTokenContext(ctx context.Context) (string, error) {
	deadline := time.Now().Add(t.wait)
	for {
		tok, ok, err := t.kv.Lookup(ctx, t.key())
		if err != nil {
			return "", fmt.Errorf("access token cache: %w", err)
		}
		if ok && tok != "" {
			return tok, nil
		}
		owner := randomID()
		got, err := t.kv.SetNX(ctx, t.lock(), owner, 30*time.Second)
		if err != nil {
			return "", fmt.Errorf("access token lock: %w", err)
		}
		if got {
			return t.fetch(ctx, owner)
		}
		if time.Now().After(deadline) {
			return "", errTokenBusy
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (t *tokenSource) fetch(ctx context.Context, owner string) (string, error) {
	defer t.kv.DelIfEqual(context.WithoutCancel(ctx), t.lock(), owner)
	// Another instance may have stored one between our miss and our lock.
	if tok, ok, err := t.kv.Lookup(ctx, t.key()); err == nil && ok && tok != "" {
		return tok, nil
	}
	u := apiBase + "/cgi-bin/token?grant_type=client_credential&appid=" + url.QueryEscape(t.appID) + "&secret=" + url.QueryEscape(t.appSecret)
	res, err := credential.GetTokenFromServerContext(ctx, u)
	if t.onFetch != nil {
		t.onFetch(err)
	}
	if err != nil {
		return "", fmt.Errorf("fetch access token: %w", redactSecret(err, t.appSecret))
	}
	// Keep a margin so a token is never used in its last minutes.
	ttl := time.Duration(res.ExpiresIn)*time.Second - 5*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := t.kv.Set(ctx, t.key(), res.AccessToken, ttl); err != nil {
		return "", fmt.Errorf("store access token: %w", err)
	}
	return res.AccessToken, nil
}

// invalidate drops the cached token if it is still the one that failed, so
// a token another instance already refreshed is kept.
func (t *tokenSource) invalidate(ctx context.Context, failed string) error {
	_, err := t.kv.DelIfEqual(ctx, t.key(), failed)
	return err
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// redactSecret keeps the app secret out of errors (the SDK puts the URL in them).
func redactSecret(err error, secret string) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, secret: secret}
}

// redactedError hides the access token, and the app secret when set, in
// the text of err.
type redactedError struct {
	err    error
	secret string
}

func (e *redactedError) Error() string {
	s := tokenInURL.ReplaceAllString(e.err.Error(), "access_token=xxxxx")
	if e.secret != "" {
		for _, v := range []string{e.secret, url.QueryEscape(e.secret)} {
			s = strings.ReplaceAll(s, v, "xxxxx")
		}
	}
	return s
}

func (e *redactedError) Unwrap() error { return e.err }
