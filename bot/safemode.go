package bot

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// serveEncrypted answers an encrypted push (safe mode, or the encrypted
// part of a compatible-mode push) whose Encrypt was read from the envelope
// and whose msg_signature was checked. It does what the SDK's server does
// with one, with the SDK's own crypto and message types: util.DecryptMsg
// (which checks the AppID), the message read into a MixMessage, the
// passive reply marshalled as the SDK's message.Text, encrypted with
// util.EncryptMsg under the push's random and signed with its timestamp
// and nonce. What it leaves out is the server's second read of the
// envelope and its reflection: a third of the SDK's cost per push.
func (g *Gateway) serveEncrypted(w http.ResponseWriter, r *http.Request, encrypt string, ts int64, nonce string, start time.Time) {
	random, raw, err := util.DecryptMsg(g.cfg.AppID, encrypt, g.cfg.EncodingAESKey)
	if err != nil {
		g.log.WarnContext(r.Context(), "unreadable push", "err", err)
		g.reject(w, http.StatusBadRequest, "malformed")
		return
	}
	mix, err := readMessage(raw)
	if err != nil {
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
	body, err := encryptedReply(g.cfg, random, mix, reply, ts, nonce)
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
func encryptedReply(cfg GatewayConfig, random []byte, mix *message.MixMessage, text string, ts int64, nonce string) ([]byte, error) {
	raw := textReplyXML(nil, string(mix.FromUserName), string(mix.ToUserName), time.Now().Unix(), text)
	enc, err := util.EncryptMsg(random, raw, cfg.AppID, cfg.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	stamp := strconv.FormatInt(ts, 10) // as the SDK signs it
	return encryptedXML(make([]byte, 0, len(enc)+len(nonce)+192), string(enc), util.Signature(cfg.Token, stamp, nonce, string(enc)), stamp, nonce), nil
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

// encryptedXML appends what xml.Marshal writes for the SDK's
// ResponseEncryptedXMLMsg. enc is base64 and signature hex, which XML
// writes as they are; ts is a formatted int64; nonce, the push's, may hold
// anything.
func encryptedXML(b []byte, enc, signature, ts, nonce string) []byte {
	b = append(b, "<xml><Encrypt>"...)
	b = append(b, enc...)
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
