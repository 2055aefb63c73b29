package bot

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// TestEncryptedReplyIsTheSDKs: the gateway builds the safe-mode passive
// reply itself (serveEncrypted); for the same push it must send what the
// SDK's own server sends, field by field: same content type, the push's
// timestamp and nonce, a msg_signature over them and Encrypt, and inside
// the same random, addressing and text, whatever the text holds.
func TestEncryptedReplyIsTheSDKs(t *testing.T) {
	h := newHarness(t, GatewayConfig{Mode: ModeSafe}, 0)
	echo := EchoHandler(testToken, testAppID, testAESKey)
	s := testSigner(ModeSafe)
	for i, text := range []string{"帮助", "a]]>b<c>&d", "<![CDATA[x]]>", "😀 查供应 PCB\n第二行", "\"'`"} {
		req, err := s.Request("http://bot/wechat", TextXML("u-safe", text, int64(100+i)))
		if err != nil {
			t.Fatal(err)
		}
		pushBody, _ := io.ReadAll(req.Body)
		var push struct {
			Encrypt string `xml:"Encrypt"`
		}
		if err := xml.Unmarshal(pushBody, &push); err != nil {
			t.Fatal(err)
		}
		pushRandom, _, err := util.DecryptMsg(testAppID, push.Encrypt, testAESKey)
		if err != nil {
			t.Fatal(err)
		}
		answer := func(hd http.Handler) (http.Header, reply) {
			r := req.Clone(req.Context())
			r.Body = io.NopCloser(bytes.NewReader(pushBody))
			w := httptest.NewRecorder()
			hd.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("%q: status %d %q", text, w.Code, w.Body.String())
			}
			return w.Header(), readReply(t, w.Body.Bytes(), req.URL.Query().Get("timestamp"), req.URL.Query().Get("nonce"))
		}
		sdkHeader, sdk := answer(echo)
		gwHeader, gw := answer(h.gw)
		if got, want := gwHeader.Get("Content-Type"), sdkHeader.Get("Content-Type"); got != want {
			t.Errorf("%q: content type %q, the SDK's %q", text, got, want)
		}
		if !bytes.Equal(gw.random, pushRandom) || !bytes.Equal(sdk.random, pushRandom) {
			t.Errorf("%q: reply random %x (SDK %x), want the push's %x", text, gw.random, sdk.random, pushRandom)
		}
		if gw.text.Content != message.CDATA("echo:"+text) || sdk.text.Content != message.CDATA(text) {
			t.Errorf("%q: content %q (SDK %q)", text, gw.text.Content, sdk.text.Content)
		}
		if gw.text.ToUserName != sdk.text.ToUserName || gw.text.FromUserName != sdk.text.FromUserName ||
			gw.text.MsgType != sdk.text.MsgType || gw.text.ToUserName != "u-safe" || gw.text.FromUserName != "gh_supplybot" {
			t.Errorf("%q: addressed %+v, the SDK %+v", text, gw.text.CommonToken, sdk.text.CommonToken)
		}
		if d := gw.text.CreateTime - sdk.text.CreateTime; d < -2 || d > 2 {
			t.Errorf("%q: CreateTime %d, the SDK's %d", text, gw.text.CreateTime, sdk.text.CreateTime)
		}
	}
}

type reply struct {
	random []byte
	text   message.Text
}

// readReply checks a safe-mode reply's envelope against the push's
// timestamp and nonce and returns what it carries.
func readReply(t *testing.T, body []byte, ts, nonce string) reply {
	t.Helper()
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if env.TimeStamp != ts || env.Nonce != nonce {
		t.Errorf("reply stamped %s/%s, want the push's %s/%s", env.TimeStamp, env.Nonce, ts, nonce)
	}
	if want := util.Signature(testToken, ts, nonce, env.Encrypt); env.MsgSignature != want {
		t.Errorf("reply msg_signature %q, want %q", env.MsgSignature, want)
	}
	random, raw, err := util.DecryptMsg(testAppID, env.Encrypt, testAESKey)
	if err != nil {
		t.Fatal(err)
	}
	var r reply
	r.random = random
	if err := xml.Unmarshal(raw, &r.text); err != nil {
		t.Fatalf("inner %q: %v", raw, err)
	}
	return r
}

// FuzzReplyXMLIsTheSDKs: the passive reply written directly is, byte for
// byte, what xml.Marshal writes for the SDK's types.
func FuzzReplyXMLIsTheSDKs(f *testing.F) {
	f.Add("u-1", "gh_supplybot", int64(1700000000), "帮助", "abc", "1700000000", "123")
	f.Add("", "", int64(-1), "", "", "", "")
	f.Add("a]]>b", "]]>", int64(0), "x]]]>]]>y\x00\n\r\t<&>\"'", "sig\n", "+12", "a\"b<c>&\xff")
	f.Fuzz(func(t *testing.T, to, from string, at int64, content, sig, ts, nonce string) {
		txt := message.NewText(content)
		txt.SetToUserName(message.CDATA(to))
		txt.SetFromUserName(message.CDATA(from))
		txt.SetMsgType(message.MsgTypeText)
		txt.SetCreateTime(at)
		want, err := xml.Marshal(txt)
		if err != nil {
			t.Skip(err)
		}
		if got := textReplyXML([]byte("kept"), to, from, at, content); string(got) != "kept"+string(want) {
			t.Fatalf("text reply\n got %q\nwant %q", got[4:], want)
		}
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return
		}
		enc := base64.StdEncoding.EncodeToString([]byte(content))
		sig = util.Signature(sig) // a signature is hex, as the gateway's are
		want, err = xml.Marshal(message.ResponseEncryptedXMLMsg{EncryptedMsg: enc, MsgSignature: sig, Timestamp: sec, Nonce: nonce})
		if err != nil {
			t.Skip(err)
		}
		if got := appendEnvelopeTail([]byte(encryptOpen+enc), sig, strconv.FormatInt(sec, 10), nonce); string(got) != string(want) {
			t.Fatalf("envelope\n got %q\nwant %q", got, want)
		}
	})
}
