package bot

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// TestReplyKeyIsTheSDKs: the key decoded once is the one the SDK decodes
// for every message, and a key that is not one leaves the gateway without
// a reply key, so that a reply fails with an error instead of being
// encrypted under garbage.
func TestReplyKeyIsTheSDKs(t *testing.T) {
	if k := replyKey(testAESKey); len(k) != 32 {
		t.Fatalf("key of %d bytes", len(k))
	}
	for _, bad := range []string{"", testAESKey[:42], testAESKey + "A", "!" + testAESKey[1:]} {
		if k := replyKey(bad); k != nil {
			t.Errorf("%q: key %x, want none", bad, k)
		}
	}
	mix := &message.MixMessage{}
	if _, err := encryptedReply(new(pushBufs), GatewayConfig{AppID: testAppID, Token: testToken}, nil, make([]byte, 16), mix, "x", 1, "n"); err == nil {
		t.Error("a reply without a key was encrypted")
	}
}

// TestEncryptedRepliesAtOnce: replies encrypted at the same time, in
// buffers and CBC modes that are reused (pushPool, msgCipher's pools),
// each open to their own text under their own random, whatever lengths
// came before them.
func TestEncryptedRepliesAtOnce(t *testing.T) {
	cfg := GatewayConfig{AppID: testAppID, Token: testToken, EncodingAESKey: testAESKey}
	c := newMsgCipher(replyKey(testAESKey), testAppID)
	mix := &message.MixMessage{}
	mix.FromUserName, mix.ToUserName = "u-many", "gh_supplybot"
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				text := fmt.Sprintf("%d-%d:%s", w, i, strings.Repeat("供需", (w*100+i)%700))
				random := []byte(fmt.Sprintf("%016d", w*1000+i))
				bufs := getPushBufs()
				body, err := encryptedReply(bufs, cfg, c, random, mix, text, 1796180000, "n")
				if err != nil {
					t.Error(err)
					return
				}
				r := readReply(t, body, "1796180000", "n")
				bufs.release()
				if string(r.random) != string(random) || string(r.text.Content) != text {
					t.Errorf("reply %d-%d opened to %q under %q", w, i, r.text.Content, r.random)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkEncryptedReply is a passive reply of 帮助's length (623 bytes).
func BenchmarkEncryptedReply(b *testing.B) {
	cfg := GatewayConfig{AppID: testAppID, Token: testToken, EncodingAESKey: testAESKey}
	c := newMsgCipher(replyKey(testAESKey), testAppID)
	mix := &message.MixMessage{}
	mix.FromUserName, mix.ToUserName = "oUser0123456789abcdefghijklm", "gh_0123456789ab"
	text := strings.Repeat("这里是成渝汽车电子产业链供需对接平台。", 11) // 627 bytes
	random := make([]byte, 16)
	b.ReportAllocs()
	for b.Loop() {
		bufs := getPushBufs()
		if _, err := encryptedReply(bufs, cfg, c, random, mix, text, 1796180000, "123456789"); err != nil {
			b.Fatal(err)
		}
		bufs.release()
	}
}
