package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis/v8"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// apiBase is where the SDK sends every call; the simulator is reached by
// routing this host to it in the HTTP transport.
const apiBase = "https://api.weixin.qq.com"

// WeChat error codes the engine reacts to (see docs/WECHAT.md).
const (
	CodeSystemBusy        = -1
	CodeInvalidToken      = 40001
	CodeTokenNotLatest    = 40014
	CodeTokenExpired      = 42001
	CodeUserRefused       = 43101
	CodeNotSubscribed     = 43004
	CodeDailyQuota        = 45009
	CodeMinuteQuota       = 45011
	CodeOutsideWindow     = 45015
	CodeTooManyCustomMsgs = 45047
	CodeClientMsgIDExists = 45065
	CodeUnauthorized      = 48001
)

// APIError is a WeChat API answer with a non-zero errcode.
type APIError struct {
	API  string
	Code int
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode %d: %s", e.API, e.Code, e.Msg)
}

// ErrorCode returns the WeChat errcode carried by err, or 0.
func ErrorCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

var errcodeRE = regexp.MustCompile(`errcode[=:]\s*(-?\d+)`)

// asAPIError turns the SDK's errors — a *util.CommonError or a plain string
// such as "customer msg send error : errcode=45015 , errmsg=…" — into an
// *APIError. Other errors (network, timeouts) are returned as they are.
func asAPIError(api string, err error) error {
	if err == nil {
		return nil
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return &APIError{API: api, Code: int(ce.ErrCode), Msg: ce.ErrMsg}
	}
	if m := errcodeRE.FindStringSubmatch(err.Error()); m != nil {
		code, _ := strconv.Atoi(m[1])
		return &APIError{API: api, Code: code, Msg: err.Error()}
	}
	return err
}

var tokenInURL = regexp.MustCompile(`access_token=[^&\s"]*`)

// redactToken keeps the access token out of err's text: Go's HTTP errors
// and some of the SDK's quote the whole URL, and these errors are logged
// and stored in the outbox.
func redactToken(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err}
}

func isTokenError(code int) bool {
	return code == CodeInvalidToken || code == CodeTokenNotLatest || code == CodeTokenExpired
}

// ClientConfig configures the WeChat API client.
type ClientConfig struct {
	AppID, AppSecret, Token, EncodingAESKey string
	// Transport carries the calls; nil uses http.DefaultTransport. The
	// simulator supplies one that answers api.weixin.qq.com in-process.
	Transport http.RoundTripper
	Timeout   time.Duration // per call; default 10 s
	Redis     *redis.Client // for the SDK's cache; the token itself is kept through KV
	KV        KV
	Metrics   *Metrics
	Log       *slog.Logger
}

// Client calls the WeChat API through the SDK with the shared token, and
// reacts to token errors by dropping the failed token and retrying once.
type Client struct {
	oa      *officialaccount.OfficialAccount
	tokens  *tokenSource
	metrics *Metrics
	log     *slog.Logger
	timeout time.Duration // per call
}

var _ Sender = (*Client)(nil) // the push workers send through a Client

// NewClient builds the SDK's official account on our token source. The
// SDK sends through one process-wide HTTP client (it has no per-account
// one); NewClient points it, once, at a client with a timeout whose
// transport each NewClient may swap atomically, so building a client never
// races with the sends of another. The last client built picks the
// transport, which only tests running several simulators in one process
// notice.
func NewClient(cfg ClientConfig) *Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	tr := cfg.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	sdkHTTP.once.Do(func() {
		// A backstop for the SDK's calls that take no context (menu);
		// call bounds each send by Timeout through its context.
		util.DefaultHTTPClient = &http.Client{Transport: &sdkHTTP.tr, Timeout: 2 * cfg.Timeout}
	})
	sdkHTTP.tr.rt.Store(&tr)
	// The SDK's cache on our own go-redis pool; cache.NewRedis would open
	// a second, idle one.
	var sdkCache cache.Cache = cache.NewMemory()
	if cfg.Redis != nil {
		rc := &cache.Redis{}
		rc.SetConn(cfg.Redis)
		rc.SetRedisCtx(context.Background())
		sdkCache = rc
	}
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: cfg.AppID, AppSecret: cfg.AppSecret, Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey,
		Cache: sdkCache,
	})
	c := &Client{oa: oa, metrics: cfg.Metrics, log: cfg.Log, timeout: cfg.Timeout}
	c.tokens = &tokenSource{kv: cfg.KV, appID: cfg.AppID, appSecret: cfg.AppSecret, wait: 5 * time.Second,
		onFetch: func(err error) { c.count("token", err) }}
	oa.SetAccessTokenHandle(c.tokens)
	return c
}

// sdkHTTP is the SDK's process-wide HTTP client, set up once.
var sdkHTTP struct {
	once sync.Once
	tr   swapTransport
}

// swapTransport forwards to the transport last stored in it.
type swapTransport struct {
	rt atomic.Pointer[http.RoundTripper]
}

func (s *swapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return (*s.rt.Load()).RoundTrip(r)
}

func (c *Client) count(api string, err error) {
	if c.metrics == nil {
		return
	}
	result := "ok"
	if err != nil {
		if code := ErrorCode(asAPIError(api, err)); code != 0 {
			result = strconv.Itoa(code)
		} else {
			result = "error"
		}
	}
	c.metrics.WeChatCalls.WithLabelValues(api, result).Inc()
}

// call runs one API call; on a token error it drops the token that failed
// (if it is still the cached one), and runs the call once more.
func (c *Client) call(ctx context.Context, api string, fn func(ctx context.Context, token string) error) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.GetAccessTokenContext(ctx)
		if err != nil {
			c.count(api, err)
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, c.timeout)
		err = asAPIError(api, redactToken(fn(cctx, tok)))
		cancel()
		c.count(api, err)
		if code := ErrorCode(err); attempt == 0 && isTokenError(code) {
			c.log.WarnContext(ctx, "access token rejected; refreshing", "api", api, "errcode", code)
			if ierr := c.tokens.invalidate(ctx, tok); ierr != nil {
				return err
			}
			continue
		}
		return err
	}
}

// SendText sends a customer-service text message.
func (c *Client) SendText(ctx context.Context, openid, text string) error {
	msg := message.NewCustomerTextMessage(openid, text)
	return c.call(ctx, "custom", func(ctx context.Context, tok string) error {
		return postAPI(ctx, "custom", "/cgi-bin/message/custom/send", tok, msg)
	})
}

// TemplateMessage is a template message; Fields maps the template's keys
// (first, keyword1, …, remark) to values of at most 20 characters.
type TemplateMessage struct {
	OpenID, TemplateID, URL, ClientMsgID string
	Fields                               map[string]string
}

// SendTemplate sends a template message; ClientMsgID makes WeChat drop a
// repeat for the same user within 10 minutes.
func (c *Client) SendTemplate(ctx context.Context, t TemplateMessage) error {
	data := make(map[string]*message.TemplateDataItem, len(t.Fields))
	for k, v := range t.Fields {
		data[k] = &message.TemplateDataItem{Value: v}
	}
	msg := &message.TemplateMessage{ToUser: t.OpenID, TemplateID: t.TemplateID, URL: t.URL, Data: data, ClientMsgID: t.ClientMsgID}
	return c.call(ctx, "template", func(ctx context.Context, tok string) error {
		return postAPI(ctx, "template", "/cgi-bin/message/template/send", tok, msg)
	})
}

// postAPI posts req as JSON to the API at path with the token call hands
// it. The SDK's own Send methods fetch a token of their own and take no
// context, so a token error could not be matched to the token that failed
// and a send could not be cut short at shutdown.
func postAPI(ctx context.Context, api, path, tok string, req any) error {
	body, err := util.PostJSONContext(ctx, apiBase+path+"?access_token="+tok, req)
	if err != nil {
		return err
	}
	var res util.CommonError
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("%s: bad answer: %w", api, err)
	}
	if res.ErrCode != 0 {
		return &APIError{API: api, Code: int(res.ErrCode), Msg: res.ErrMsg}
	}
	return nil
}

// MassSend sends a text to 2–10,000 followers (or to all when openids is
// nil). The SDK's broadcast request has no clientmsgid, so the request is
// built here; clientMsgID (≤ 64 bytes) makes a repeat within 24 h fail with
// 45065 instead of reaching the users twice.
func (c *Client) MassSend(ctx context.Context, openids []string, text, clientMsgID string) error {
	_, err := c.MassSendID(ctx, openids, text, clientMsgID)
	return err
}

// MassSendID is MassSend returning WeChat's msg_id, which the event
// MASSSENDJOBFINISH names when the send is done. A repeat answered with
// 45065 returns the error with the msg_id of the first send when WeChat
// gives it (0 otherwise).
func (c *Client) MassSendID(ctx context.Context, openids []string, text, clientMsgID string) (int64, error) {
	api, path := "mass_send", "/cgi-bin/message/mass/send"
	req := map[string]any{"msgtype": "text", "text": map[string]string{"content": text}, "clientmsgid": clientMsgID}
	if openids == nil {
		api, path = "mass_sendall", "/cgi-bin/message/mass/sendall"
		req["filter"] = map[string]any{"is_to_all": true}
	} else {
		req["touser"] = openids
	}
	var msgID int64
	err := c.call(ctx, api, func(ctx context.Context, tok string) error {
		body, err := util.PostJSONContext(ctx, apiBase+path+"?access_token="+tok, req)
		if err != nil {
			return err
		}
		var res struct {
			util.CommonError
			MsgID json.Number `json:"msg_id"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return fmt.Errorf("%s: bad answer: %w", api, err)
		}
		msgID, _ = res.MsgID.Int64()
		if res.ErrCode != 0 {
			return &APIError{API: api, Code: int(res.ErrCode), Msg: res.ErrMsg}
		}
		return nil
	})
	return msgID, err
}

// MenuButton is one custom-menu button; Sub holds at most five sub-buttons.
type MenuButton struct {
	Name string       `yaml:"name"`
	Key  string       `yaml:"key"`
	URL  string       `yaml:"url"`
	Sub  []MenuButton `yaml:"sub"`
}

// ValidateMenu checks buttons against WeChat's rules, naming the button at
// fault: 1–3 buttons with names of at most 16 bytes, each either a leaf or
// 1–5 sub-buttons with names of at most 60 bytes; a leaf has a key of at
// most 128 bytes or a URL.
func ValidateMenu(buttons []MenuButton) error {
	if len(buttons) < 1 || len(buttons) > 3 {
		return fmt.Errorf("%d buttons; WeChat takes 1 to 3", len(buttons))
	}
	leaf := func(b MenuButton) error {
		switch {
		case b.URL != "":
			return nil
		case b.Key == "":
			return fmt.Errorf("button %q has neither key nor url", b.Name)
		case len(b.Key) > 128:
			return fmt.Errorf("button %q: key longer than 128 bytes", b.Name)
		}
		return nil
	}
	for _, b := range buttons {
		if b.Name == "" || len(b.Name) > 16 {
			return fmt.Errorf("button %q: name must be 1 to 16 bytes (5 Chinese characters)", b.Name)
		}
		if len(b.Sub) == 0 {
			if err := leaf(b); err != nil {
				return err
			}
			continue
		}
		if len(b.Sub) > 5 {
			return fmt.Errorf("button %q has %d sub-buttons; WeChat takes at most 5", b.Name, len(b.Sub))
		}
		for _, sb := range b.Sub {
			if sb.Name == "" || len(sb.Name) > 60 {
				return fmt.Errorf("sub-button %q: name must be 1 to 60 bytes", sb.Name)
			}
			if err := leaf(sb); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateMenu pushes the custom menu.
func (c *Client) CreateMenu(ctx context.Context, buttons []MenuButton) error {
	var bs []*menu.Button
	for _, b := range buttons {
		bs = append(bs, toSDKButton(b))
	}
	return c.call(ctx, "menu_create", func(context.Context, string) error {
		return menu.NewMenu(c.oa.GetContext()).SetMenu(bs)
	})
}

func toSDKButton(b MenuButton) *menu.Button {
	out := &menu.Button{Name: b.Name}
	switch {
	case len(b.Sub) > 0:
		for _, s := range b.Sub {
			out.SubButtons = append(out.SubButtons, toSDKButton(s))
		}
	case b.URL != "":
		out.Type, out.URL = "view", b.URL
	default:
		out.Type, out.Key = "click", b.Key
	}
	return out
}
