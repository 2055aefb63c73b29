package bot

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// The published vectors of docs/WECHAT.md, through the functions the
// gateway and the SDK's server use.
func TestCryptoVectors(t *testing.T) {
	const key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	t.Run("encrypt WXBizMsgCrypt sample", func(t *testing.T) {
		got, err := util.EncryptMsg([]byte("aaaabbbbccccdddd"), []byte("我是中文abcd123"), "wxb11529c136998cb6", key)
		if err != nil {
			t.Fatal(err)
		}
		want := "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
		if string(got) != want {
			t.Fatalf("got %s, want %s", got, want)
		}
		c := newMsgCipher(replyKey(key), "wxb11529c136998cb6")
		if mine := base64.StdEncoding.EncodeToString(c.sealAppend(append(make([]byte, 20), "我是中文abcd123"...), []byte("aaaabbbbccccdddd"))); mine != want {
			t.Fatalf("msgCipher: got %s, want %s", mine, want)
		}
	})
	t.Run("decrypt Python sample", func(t *testing.T) {
		const enc = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
		if got := util.Signature("spamtest", "1409735669", "1320562132", enc); got != "5d197aaffba7e9b25a30732f161a50dee96bd5fa" {
			t.Fatalf("msg_signature: got %s, want 5d197aaffba7e9b25a30732f161a50dee96bd5fa", got)
		}
		if got := signature("spamtest", "1409735669", "1320562132", enc); got != "5d197aaffba7e9b25a30732f161a50dee96bd5fa" {
			t.Fatalf("msg_signature (signature): got %s", got)
		}
		random, plain, err := util.DecryptMsg("wx2c2769f8efd9abc2", enc, key)
		if err != nil {
			t.Fatal(err)
		}
		c := newMsgCipher(replyKey(key), "wx2c2769f8efd9abc2")
		if r2, p2, err := c.open(nil, enc); err != nil || !bytes.Equal(r2, random) || !bytes.Equal(p2, plain) {
			t.Fatalf("msgCipher opened %q (%v), the SDK %q", p2, err, plain)
		}
		if sealed := c.sealAppend(append(make([]byte, 20), plain...), random); base64.StdEncoding.EncodeToString(sealed) != enc {
			t.Error("msgCipher's sealing of the plaintext differs from the sample")
		}
		if string(random) != "89465c840c5f116f" {
			t.Errorf("random: got %q, want 89465c840c5f116f", random)
		}
		if len(plain) != 280 {
			t.Errorf("plaintext: got %d bytes, want 280", len(plain))
		}
		for _, want := range []string{"<Content><![CDATA[abcdteT]]></Content>", "<MsgId>6054768590064713728</MsgId>"} {
			if !strings.Contains(string(plain), want) {
				t.Errorf("plaintext lacks %s: %q", want, plain)
			}
		}
		// Every byte: encrypting the plaintext again with the same random
		// gives the sample's ciphertext exactly (a trimmed or re-encoded
		// plaintext would not).
		again, err := util.EncryptMsg(random, plain, "wx2c2769f8efd9abc2", key)
		if err != nil || string(again) != enc {
			t.Errorf("re-encrypted plaintext differs from the sample (err %v)", err)
		}
	})
	t.Run("plain signature", func(t *testing.T) {
		if got := util.Signature("AAAAA", "1714036504", "1514711492"); got != "f464b24fc39322e44b38aa78f5edd27bd1441696" {
			t.Fatalf("got %s, want f464b24fc39322e44b38aa78f5edd27bd1441696", got)
		}
	})
}
