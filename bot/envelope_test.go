package bot

import (
	"encoding/xml"
	"testing"
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
