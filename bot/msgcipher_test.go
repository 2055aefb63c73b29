package bot

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// msgCipher encrypts to the SDK's bytes and opens what the SDK opens, to
// the same random and message, and refuses what it refuses.
func TestMsgCipherIsTheSDKs(t *testing.T) {
	key := replyKey(testAESKey)
	c := newMsgCipher(key, testAppID)
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 200 {
		size := n
		if n >= 100 {
			size = r.IntN(5000)
		}
		raw := make([]byte, size)
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		random := make([]byte, 16)
		for i := range random {
			random[i] = byte(r.IntN(256))
		}
		want := util.AESEncryptMsg(random, raw, testAppID, key)
		got := c.sealAppend(append(make([]byte, 20), raw...), random)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: sealed differs from the SDK's", size)
		}
		enc := base64.StdEncoding.EncodeToString(want)
		gotRandom, gotRaw, err := c.open(nil, enc)
		if err != nil || !bytes.Equal(gotRandom, random) || !bytes.Equal(gotRaw, raw) {
			t.Fatalf("%d bytes: opened %x %x (%v)", size, gotRandom, gotRaw, err)
		}
	}
	// Another account's push is refused, as by the SDK.
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg(make([]byte, 16), []byte("<xml/>"), "wxOther", key))
	if _, _, err := c.open(nil, enc); err == nil {
		t.Error("a push for another AppID was opened")
	}
	if _, _, err := (*msgCipher)(nil).open(nil, enc); err == nil {
		t.Error("a gateway without a key opened a push")
	}
}

// Whatever Encrypt holds, msgCipher opens it exactly when the SDK does,
// to the same bytes.
func FuzzMsgCipherOpen(f *testing.F) {
	key := replyKey(testAESKey)
	c := newMsgCipher(key, testAppID)
	f.Add(base64.StdEncoding.EncodeToString(util.AESEncryptMsg(make([]byte, 16), []byte("<xml>hi</xml>"), testAppID, key)))
	f.Add(base64.StdEncoding.EncodeToString(util.AESEncryptMsg(make([]byte, 16), nil, testAppID, key)))
	f.Add(base64.StdEncoding.EncodeToString(make([]byte, 64)))
	f.Add("not base64!")
	f.Add("")
	f.Fuzz(func(t *testing.T, enc string) {
		wantRandom, wantRaw, wantErr := util.DecryptMsg(testAppID, enc, testAESKey)
		random, raw, err := c.open(nil, enc)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, the SDK's %v", enc, err, wantErr)
		}
		if err == nil && (!bytes.Equal(random, wantRandom) || !bytes.Equal(raw, wantRaw)) {
			t.Fatalf("%q: opened %x %x, the SDK %x %x", enc, random, raw, wantRandom, wantRaw)
		}
	})
}
