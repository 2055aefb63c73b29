package bot

import (
	"encoding/xml"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// encryptOf reads WeChat's envelope shape directly and anything else as
// encoding/xml does.
func TestEncryptOf(t *testing.T) {
	const b64 = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bg=="
	for _, c := range []struct {
		name, body, want string
		ok               bool
	}{
		{"WeChat's shape", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[" + b64 + "]]></Encrypt></xml>", b64, true},
		{"with newlines", "<xml>\n<ToUserName><![CDATA[gh_1]]></ToUserName>\n<Encrypt><![CDATA[" + b64 + "]]></Encrypt>\n</xml>", b64, true},
		{"compatible mode's plaintext beside it", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[你好]]></Content><Encrypt><![CDATA[" + b64 + "]]></Encrypt></xml>", b64, true},
		{"no CDATA", "<xml><Encrypt>" + b64 + "</Encrypt></xml>", b64, true},
		{"a second Encrypt in a comment", "<xml><!-- <Encrypt><![CDATA[AAAA]]></Encrypt> --><Encrypt><![CDATA[" + b64 + "]]></Encrypt></xml>", b64, true},
		{"CDATA split by text", "<xml><Encrypt><![CDATA[AB]]>&amp;<![CDATA[CD]]></Encrypt></xml>", "AB&CD", true},
		{"empty", "<xml><Encrypt><![CDATA[]]></Encrypt></xml>", "", false},
		{"none", "<xml><ToUserName>gh_1</ToUserName></xml>", "", false},
		{"not XML", "<xml><Encrypt><![CDATA[" + b64, "", false},
	} {
		got, ok := encryptOf([]byte(c.body))
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// FuzzEncryptOf: whenever the SDK's reading of an envelope finds an
// Encrypt, encryptOf finds the same one.
func FuzzEncryptOf(f *testing.F) {
	f.Add([]byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>"))
	f.Add([]byte("<xml><Encrypt><![CDATA[AB]]>x<![CDATA[CD]]></Encrypt></xml>"))
	f.Add([]byte("<xml><a><Encrypt><![CDATA[QUJD]]></Encrypt></a></xml>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		var sdk struct { // the SDK's message.EncryptedXMLMsg
			XMLName    struct{} `xml:"xml"`
			ToUserName string   `xml:"ToUserName"`
			Encrypt    string   `xml:"Encrypt"`
		}
		if xml.Unmarshal(body, &sdk) != nil || sdk.Encrypt == "" {
			return
		}
		if got, ok := encryptOf(body); !ok || got != sdk.Encrypt {
			t.Fatalf("encryptOf(%q) = %q, %v; the SDK reads %q", body, got, ok, sdk.Encrypt)
		}
	})
}

// readMessage reads WeChat's text push directly and anything else as
// xml.Unmarshal does.
func TestReadMessage(t *testing.T) {
	const text = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[u-1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[查供应 <PCB> & 😀]]></Content>" +
		"<MsgId>1234567890123456</MsgId></xml>"
	got := &message.MixMessage{}
	for _, c := range []struct {
		name, raw string
		direct    bool
	}{
		{"WeChat's text push", text, true},
		{"newlines inside every element", strings.ReplaceAll(strings.Replace(text, "<xml>", "<xml>\n", 1), "><", ">\n<"), false},
		{"a newline after each CDATA", strings.ReplaceAll(text, "]]></", "]]>\n</"), false},
		{"with newlines between elements", regexp.MustCompile(`(</\w+>)<`).ReplaceAllString(strings.Replace(text, "<xml>", "<xml>\n", 1), "$1\n<"), true},
		{"an event", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[u-1]]></FromUserName>" +
			"<CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>", false},
		{"a carriage return", strings.Replace(text, "查供应", "查\r\n供应", 1), false},
		{"an entity outside CDATA", strings.Replace(text, "<![CDATA[u-1]]>", "u&amp;1", 1), false},
		{"a MsgId twice", strings.Replace(text, "</xml>", "<MsgId>1</MsgId></xml>", 1), false},
		{"no MsgId", strings.Replace(text, "<MsgId>1234567890123456</MsgId>", "", 1), false},
		{"a signed number", strings.Replace(text, "1700000000", "+1700000000", 1), false},
		{"a 19-digit MsgId", strings.Replace(text, "1234567890123456", "9223372036854775807", 1), true},
		{"a MsgId past int64, refused by both", strings.Replace(text, "1234567890123456", "9223372036854775808", 1), false},
	} {
		direct := readTextMessage([]byte(c.raw), &message.MixMessage{})
		// Read into one reused MixMessage (pushBufs.mix), left holding an
		// event push: nothing of it may remain.
		got.Event, got.EventKey, got.Latitude, got.TemplateMsgID = "subscribe", "qrscene_1", "30.6", 42
		err := readMessage([]byte(c.raw), got)
		var want message.MixMessage
		if werr := xml.Unmarshal([]byte(c.raw), &want); werr != nil || err != nil {
			if werr == nil || err == nil || direct {
				t.Errorf("%s: %v (direct %v), xml.Unmarshal: %v", c.name, err, direct, werr)
			}
			continue
		}
		if direct != c.direct || !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: direct %v (want %v), read %+v, xml.Unmarshal %+v", c.name, direct, c.direct, *got, want)
		}
	}
}

// FuzzReadMessage: wherever the direct read answers, xml.Unmarshal reads
// the same message.
func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[u-1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content>" +
		"<MsgId>1234567890123456</MsgId></xml>"))
	f.Add([]byte("<xml><MsgId>1</MsgId><CreateTime>2</CreateTime><Content><![CDATA[]]></Content><MsgType><![CDATA[]]></MsgType>" +
		"<FromUserName><![CDATA[\xef\xbf\xbd]]></FromUserName><ToUserName><![CDATA[a]]]]></ToUserName></xml> \n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var got message.MixMessage
		if !readTextMessage(raw, &got) {
			return
		}
		var want message.MixMessage
		if err := xml.Unmarshal(raw, &want); err != nil {
			t.Fatalf("read %q directly; xml.Unmarshal: %v", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n direct %+v\n    xml %+v", raw, got, want)
		}
	})
}

// TestIsBase64 checks the table against the alphabet, byte by byte.
func TestIsBase64(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	for c := 0; c < 256; c++ {
		want := strings.IndexByte(alphabet, byte(c)) >= 0
		if got := isBase64([]byte{'Q', byte(c), 'Q'}); got != want {
			t.Errorf("isBase64 with byte %#x: %v, want %v", c, got, want)
		}
	}
	if !isBase64(nil) {
		t.Error("isBase64(nil) = false, want true")
	}
}

// BenchmarkIsBase64: the check runs over every push's Encrypt (about
// 1.4 KB for a short text).
func BenchmarkIsBase64(b *testing.B) {
	v := []byte(strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLz0=", 30))
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		if !isBase64(v) {
			b.Fatal("not base64")
		}
	}
}
