package bot

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// The webhook fuzz targets post arbitrary pushes to a gateway and check
// what must hold for any input: no panic, a status WeChat understands, a
// passive reply that is "success" or reply XML carrying what the handler
// said, and a handler that only ever sees a message with a sender and a
// type. Their seeds (testdata/fuzz) run with every go test; .ci/run fuzzes
// each for a short time.

// fuzzGateway is a gateway in mode whose handler echoes the text.
type fuzzGateway struct {
	h   *harness
	bad atomic.Value // what a handler saw that it must not
}

func newFuzzGateway(f *testing.F, mode string) *fuzzGateway {
	fg := &fuzzGateway{h: newHarness(f, GatewayConfig{Mode: mode, Deadline: 4 * time.Second}, 0)}
	fg.h.gw.handle = func(ctx context.Context, m *Message) (Reply, error) {
		if m == nil || m.OpenID == "" || m.Type == "" || MessageKey(ctx) != m.DedupeKey() {
			fg.bad.Store(m)
			return Reply{}, nil
		}
		return Text("echo:" + m.Text), nil
	}
	return fg
}

// serve posts body with query and checks the answer.
func (fg *fuzzGateway) serve(t *testing.T, q url.Values, body []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), bytes.NewReader(body))
	rec := httptest.NewRecorder()
	fg.h.gw.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("status %d for %q", rec.Code, body)
	}
	if m := fg.bad.Load(); m != nil {
		t.Fatalf("handler saw %#v for %q", m, body)
	}
	if rec.Code != http.StatusOK {
		return
	}
	s := testSigner("")
	text, err := s.ReplyText(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("reply %q to %q: %v", rec.Body.String(), body, err)
	}
	if text != "" && text != DefaultBusyText && !bytes.HasPrefix([]byte(text), []byte("echo:")) {
		t.Fatalf("reply text %q is not the handler's", text)
	}
}

func signedQuery() url.Values {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return url.Values{"timestamp": {ts}, "nonce": {"7"}, "signature": {util.Signature(testToken, ts, "7")}}
}

// FuzzWebhookPlain: any body on a correctly signed plain-mode URL.
func FuzzWebhookPlain(f *testing.F) {
	f.Add(TextXML("u1", "求购 轮毂 2000套 重庆", 1))
	f.Add(EventXML("u1", EventSubscribe, "", time.Unix(1700000000, 0)))
	f.Add([]byte("<xml><FromUserName>u</FromUserName></xml>"))
	fg := newFuzzGateway(f, ModePlain)
	f.Fuzz(func(t *testing.T, body []byte) {
		fg.serve(t, signedQuery(), body)
	})
}

// FuzzWebhookSafe: any message, correctly encrypted and signed, as a
// safe-mode push.
func FuzzWebhookSafe(f *testing.F) {
	f.Add(TextXML("u1", "确认", 2))
	f.Add(EventXML("u1", EventClick, "MY_POSTS", time.Unix(1700000000, 0)))
	f.Add([]byte("<xml><MsgType>text</MsgType></xml>"))
	fg := newFuzzGateway(f, ModeSafe)
	s := testSigner(ModeSafe)
	f.Fuzz(func(t *testing.T, inner []byte) {
		req, err := s.Request("/wechat", inner)
		if err != nil {
			t.Skip()
		}
		body := new(bytes.Buffer)
		body.ReadFrom(req.Body)
		fg.serve(t, req.URL.Query(), body.Bytes())
	})
}

// FuzzWebhookEnvelope: any safe-mode envelope, its Encrypt (whatever it
// holds) correctly signed, so that decryption meets arbitrary ciphertext.
func FuzzWebhookEnvelope(f *testing.F) {
	f.Add([]byte("<xml><ToUserName>gh</ToUserName><Encrypt>jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==</Encrypt></xml>"))
	f.Add([]byte("<xml><Encrypt>AAAA</Encrypt></xml>"))
	f.Add([]byte("<xml><FromUserName>u-other</FromUserName><MsgType>text</MsgType><Content>同意 3</Content></xml>"))
	fg := newFuzzGateway(f, ModeSafe)
	f.Fuzz(func(t *testing.T, envelope []byte) {
		var env struct {
			Encrypt string `xml:"Encrypt"`
		}
		_ = xml.Unmarshal(envelope, &env)
		q := signedQuery()
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(testToken, q.Get("timestamp"), q.Get("nonce"), env.Encrypt))
		fg.serve(t, q, envelope)
		// The same envelope without encrypt_type is refused in safe mode.
		q.Del("encrypt_type")
		fg.serve(t, q, envelope)
	})
}

// FuzzWebhookEvent: any event name, key and time, as a safe-mode push.
func FuzzWebhookEvent(f *testing.F) {
	f.Add(EventSubscribe, "", int64(1700000000))
	f.Add(EventClick, "POST_DEMAND", int64(0))
	f.Add("unknown_event", "]]><x>", int64(-1))
	fg := newFuzzGateway(f, ModeSafe)
	s := testSigner(ModeSafe)
	f.Fuzz(func(t *testing.T, event, key string, at int64) {
		req, err := s.Request("/wechat", EventXML("u-event", event, key, time.Unix(at, 0)))
		if err != nil {
			t.Skip()
		}
		body := new(bytes.Buffer)
		body.ReadFrom(req.Body)
		fg.serve(t, req.URL.Query(), body.Bytes())
	})
}
