package bot

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// encryptOf returns the Encrypt of a safe-mode envelope, for the
// msg_signature check and the decryption; false when it has none. WeChat
// sends it once, as one CDATA section of base64: that shape is read
// directly (encoding/xml took ten times as long, on every message).
// Anything else is read by encoding/xml. The value returned is the one
// both checked and decrypted (serveEncrypted), so no second reader can see
// another. Read directly, it is a view of body, valid while body is not
// written (ServeHTTP reads it before the push's buffers are reused).
func encryptOf(body []byte) (string, bool) {
	const open, end = "<Encrypt><![CDATA[", "]]></Encrypt>"
	if bytes.Count(body, []byte("Encrypt")) == 2 {
		if i := bytes.Index(body, []byte(open)); i >= 0 {
			v := body[i+len(open):]
			if j := bytes.Index(v, []byte(end)); j > 0 && isBase64(v[:j]) {
				return unsafe.String(unsafe.SliceData(v), j), true
			}
		}
	}
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return "", false
	}
	return env.Encrypt, true
}

func isBase64(b []byte) bool {
	for _, c := range b {
		if !base64Chars[c] {
			return false
		}
	}
	return true
}

// base64Chars marks the bytes of standard base64 with padding. A table:
// the comparisons it replaces were 2% of the bot's CPU under 帮助.
var base64Chars = func() (t [256]bool) {
	for _, r := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=" {
		t[r] = true
	}
	return t
}()

// readMessage reads a decrypted push into the SDK's MixMessage as
// xml.Unmarshal does. A text message in WeChat's shape (ToUserName,
// FromUserName, CreateTime, MsgType, Content, MsgId, each once, as one
// CDATA section or digits) is read directly: encoding/xml's reflection
// over MixMessage's hundred fields was a fifth of the gateway's cost per
// push. Anything else goes to xml.Unmarshal; FuzzReadMessage checks that
// the two agree wherever the direct read answers. mix is cleared first
// (a reused one, pushBufs.mix, holds the push before); either way it keeps
// nothing of raw.
func readMessage(raw []byte, mix *message.MixMessage) error {
	*mix = message.MixMessage{}
	if readTextMessage(raw, mix) {
		return nil
	}
	*mix = message.MixMessage{}
	return xml.Unmarshal(raw, mix)
}

// readTextMessage fills mix from raw when raw is a text message in
// WeChat's shape; false (mix half filled) otherwise.
//
// The values are copies of their own, not substrings of one copy of raw:
// the sender's openid and the words of a message outlive it as keys of
// what the process keeps in memory (owner documents, the readings of
// searched words), and a substring would keep the whole message with it
// (12 MB of messages held that way after minutes of the mix; see
// TestReadTextMessageKeepsNoCopyOfTheMessage).
func readTextMessage(raw []byte, mix *message.MixMessage) bool {
	if len(raw) == 0 {
		return false
	}
	// Read through a view of raw, not a copy: nothing read is kept
	// but the values, copied as they are set, and raw is not written
	// meanwhile.
	s := unsafe.String(&raw[0], len(raw))
	var ok bool
	if s, ok = strings.CutPrefix(s, "<xml>"); !ok {
		return false
	}
	var seen uint8
	for {
		s = strings.TrimLeft(s, " \t\n")
		if rest, ok := strings.CutPrefix(s, "</xml>"); ok {
			// Both readers stop at the root's end; the six are needed.
			return strings.Trim(rest, " \t\n") == "" && seen == 1<<6-1
		}
		if len(s) < 2 || s[0] != '<' {
			return false
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return false
		}
		name := s[1:end]
		s = s[end+1:]
		// The value ends at the first closing tag, which must be name's
		// (a value holding "</" is left to encoding/xml).
		i := strings.Index(s, "</")
		if i < 0 || !strings.HasPrefix(s[i+2:], name) || !strings.HasPrefix(s[i+2+len(name):], ">") {
			return false
		}
		v := s[:i]
		s = s[i+2+len(name)+1:]
		var bit uint8
		switch name {
		case "ToUserName", "FromUserName", "MsgType", "Content":
			if v, ok = cdataOnly(v); !ok {
				return false
			}
			switch name {
			case "ToUserName":
				bit, mix.ToUserName = 1, message.CDATA(strings.Clone(v))
			case "FromUserName":
				bit, mix.FromUserName = 2, message.CDATA(strings.Clone(v))
			case "MsgType":
				if v == string(message.MsgTypeText) {
					bit, mix.MsgType = 4, message.MsgTypeText
				} else {
					bit, mix.MsgType = 4, message.MsgType(strings.Clone(v))
				}
			default:
				bit, mix.Content = 8, strings.Clone(v)
			}
		case "CreateTime", "MsgId":
			n, ok := digitsOnly(v)
			if !ok {
				return false
			}
			if name == "CreateTime" {
				bit, mix.CreateTime = 16, n
			} else {
				bit, mix.MsgID = 32, n
			}
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

// cdataOnly is the text of v when v is one CDATA section whose text
// encoding/xml would return unchanged: valid UTF-8 of XML characters, with
// no carriage return (which it turns into a newline).
func cdataOnly(v string) (string, bool) {
	v, ok := strings.CutPrefix(v, "<![CDATA[")
	if !ok {
		return "", false
	}
	if v, ok = strings.CutSuffix(v, "]]>"); !ok || strings.Contains(v, "]]>") {
		return "", false
	}
	for _, r := range v {
		if r == '\r' || r == utf8.RuneError || !(r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return "", false // utf8.RuneError: invalid UTF-8, or U+FFFD itself, which xml reads alike but is rare
		}
	}
	return v, true
}

// digitsOnly reads ASCII digits as encoding/xml reads an int64 (its
// ParseInt), refusing a sign, spaces and overflow.
func digitsOnly(v string) (int64, bool) {
	if len(v) == 0 || len(v) > 19 {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// readBody reads up to max+1 bytes of body (one more than max tells an
// oversized body) into a buffer of the size its Content-Length announces
// (length; -1 when unknown), plus the byte that finds its end: io.ReadAll
// starts at 512 bytes and doubles, allocating about three times a push's
// size. A length that lies only costs the buffer growing as ReadAll's.
// The body is read into dst's array when it has room (dst's length is
// ignored).
func readBody(dst []byte, body io.Reader, length, max int64) ([]byte, error) {
	size := int64(512)
	if length >= 0 && length <= max {
		size = length + 1
	}
	b := dst[:0]
	if int64(cap(b)) < size {
		b = make([]byte, 0, size)
	}
	r := io.LimitReader(body, max+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
