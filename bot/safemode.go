package bot

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// serveEncrypted answers an encrypted push (safe mode, or the encrypted
// part of a compatible-mode push) whose Encrypt was read from the envelope
// and whose msg_signature was checked. It does what the SDK's server does
// with one, with the SDK's message types and its crypto's exact bytes
// (msgCipher, compared with util.DecryptMsg and util.AESEncryptMsg by its
// tests): decrypted (the AppID checked), the message read into a
// MixMessage, the passive reply written as the SDK's message.Text,
// encrypted under the push's random and signed with its timestamp and
// nonce. What it leaves out is the server's second read of the envelope,
// its reflection and its copies: most of the SDK's cost per push.
//
// Its buffers are bufs' (pushBufs): the plaintext, the message it is read
// into and the reply; nothing read from them outlives the call.
func (g *Gateway) serveEncrypted(w http.ResponseWriter, r *http.Request, bufs *pushBufs, encrypt string, ts int64, nonce string, start time.Time) {
	random, raw, err := g.cipher.open(&bufs.plain, encrypt)
	if err != nil {
		g.log.WarnContext(r.Context(), "unreadable push", "err", err)
		g.reject(w, http.StatusBadRequest, "malformed")
		return
	}
	mix := &bufs.mix
	if err := readMessage(raw, mix); err != nil {
		g.log.WarnContext(r.Context(), "unreadable push", "err", err)
		g.reject(w, http.StatusBadRequest, "malformed")
		return
	}
	reply := g.handleMix(r.Context(), mix, start)
	defer func() { g.metrics.ReplyLatency.Observe(time.Since(start).Seconds()) }()
	if reply == "" {
		io.WriteString(w, "success")
		return
	}
	body, err := encryptedReply(bufs, g.cfg, g.cipher, random, mix, reply, ts, nonce)
	if err != nil {
		// Not reached in practice: the key just decrypted this push. The
		// empty answer tells WeChat there is nothing to say, so the user
		// would get no reply.
		g.log.ErrorContext(r.Context(), "send passive reply", "err", err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(body)
}

// encryptedReply is the safe-mode passive reply to mix carrying text, as
// the SDK's server builds it: the same bytes, written directly (the SDK's
// xml.Marshal of both, by reflection, was half of this function's cost).
// c is the cipher of cfg.EncodingAESKey made once (msgCipher), which
// encrypts as the SDK's AESEncryptMsg does; util.EncryptMsg would decode
// the key again for every reply and copy its base64 twice more. The reply
// is written after room for the random and its length, and encrypted
// where it was written, in bufs.seal; the envelope returned is written in
// bufs.out, valid until bufs is used again.
func encryptedReply(bufs *pushBufs, cfg GatewayConfig, c *msgCipher, random []byte, mix *message.MixMessage, text string, ts int64, nonce string) ([]byte, error) {
	if c == nil {
		return nil, errNoKey
	}
	user, account := string(mix.FromUserName), string(mix.ToUserName)
	// The plaintext, encrypted where it lies, is read by the base64 below
	// and by nothing after.
	if need := 20 + len(text) + len(user) + len(account) + len(cfg.AppID) + 256 + msgBlock; cap(bufs.seal) < need {
		bufs.seal = make([]byte, 0, need)
	}
	raw := textReplyXML(bufs.seal[:20], user, account, time.Now().Unix(), text)
	sealed := c.sealAppend(raw, random)
	bufs.seal = sealed[:0]             // the larger array, if the append grew it
	stamp := strconv.FormatInt(ts, 10) // as the SDK signs it
	// The base64 is written in place and signed there.
	b := slices.Grow(bufs.out[:0], len(encryptOpen)+base64.StdEncoding.EncodedLen(len(sealed))+len(nonce)+192)
	b = base64.StdEncoding.AppendEncode(append(b, encryptOpen...), sealed)
	enc := b[len(encryptOpen):]
	// enc is read as a string where it lies: the signature is made before
	// the tail is appended behind it.
	b = appendEnvelopeTail(b, signature(cfg.Token, stamp, nonce, unsafe.String(unsafe.SliceData(enc), len(enc))), stamp, nonce)
	bufs.out = b[:0]
	return b, nil
}

// pushBufs are the buffers of one push, from its body to its reply, taken
// from pushPool for the push and given back when its answer is written
// (Gateway.ServeHTTP). Nothing the push leaves behind reads them: the
// Message handed to the handler holds copies of the values read
// (readTextMessage), and the envelope's Encrypt, read where it lies in
// body, is decrypted into plain. Reused, they spared about a third of
// the bytes the bot allocated per 帮助 message (1.4 KB the MixMessage,
// 1.5 KB the reply's envelope), and the collections that cost.
type pushBufs struct {
	body  []byte // the request's body (readBody)
	plain []byte // the decrypted push (msgCipher.open)
	seal  []byte // the reply's plaintext, encrypted in place
	out   []byte // the reply's envelope
	mix   message.MixMessage
}

var pushPool = sync.Pool{New: func() any { return new(pushBufs) }}

// maxPushBuf bounds a buffer kept for the next push: one that grew past
// it (a long reply, a large body refused) is let go, so that a rare large
// push does not keep its memory (a passive reply is at most about 2 KB).
const maxPushBuf = 16 << 10

func getPushBufs() *pushBufs { return pushPool.Get().(*pushBufs) }

// release gives b back to pushPool; b must not be used after.
func (b *pushBufs) release() {
	for _, buf := range []*[]byte{&b.body, &b.plain, &b.seal, &b.out} {
		if cap(*buf) > maxPushBuf {
			*buf = nil
		}
	}
	pushPool.Put(b)
}

// replyKey decodes an EncodingAESKey as the SDK does (43 characters of
// base64 for 32 bytes); nil when it is not one.
func replyKey(encodingAESKey string) []byte {
	if len(encodingAESKey) != 43 {
		return nil
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil
	}
	return key
}

// textReplyXML appends what xml.Marshal writes for the SDK's message.Text
// addressed to, from, stamped at, carrying content.
func textReplyXML(b []byte, to, from string, at int64, content string) []byte {
	b = append(b, "<xml><ToUserName>"...)
	b = appendCDATA(b, to)
	b = append(b, "</ToUserName><FromUserName>"...)
	b = appendCDATA(b, from)
	b = append(b, "</FromUserName><CreateTime>"...)
	b = strconv.AppendInt(b, at, 10)
	b = append(b, "</CreateTime><MsgType>"+message.MsgTypeText+"</MsgType><Content>"...)
	b = appendCDATA(b, content)
	return append(b, "</Content></xml>"...)
}

// The reply's envelope is what xml.Marshal writes for the SDK's
// ResponseEncryptedXMLMsg: encryptOpen, the base64 of Encrypt, then
// appendEnvelopeTail. Base64 and a hex signature are written as they are;
// ts is a formatted int64; nonce, the push's, may hold anything.
const encryptOpen = "<xml><Encrypt>"

// appendEnvelopeTail appends what follows Encrypt's value in the envelope.
func appendEnvelopeTail(b []byte, signature, ts, nonce string) []byte {
	b = append(b, "</Encrypt><MsgSignature>"...)
	b = append(b, signature...)
	b = append(b, "</MsgSignature><TimeStamp>"...)
	b = append(b, ts...)
	b = append(b, "</TimeStamp><Nonce>"...)
	b = appendEscaped(b, nonce)
	return append(b, "</Nonce></xml>"...)
}

// appendCDATA appends s as encoding/xml writes a ",cdata" field: one
// section, split where s holds "]]>"; nothing for "".
func appendCDATA(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, "<![CDATA["...)
	for {
		i := strings.Index(s, "]]>")
		if i < 0 {
			break
		}
		b = append(b, s[:i+2]...)
		b = append(b, "]]><![CDATA["...)
		s = s[i+2:]
	}
	b = append(b, s...)
	return append(b, "]]>"...)
}

// appendEscaped appends s as encoding/xml writes character data.
func appendEscaped(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x7f, c == '"', c == '&', c == '\'', c == '<', c == '>':
			plain = false
		}
	}
	if plain {
		return append(b, s...)
	}
	w := bytes.NewBuffer(b)
	xml.EscapeText(w, []byte(s))
	return w.Bytes()
}
