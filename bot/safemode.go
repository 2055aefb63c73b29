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
func (g *Gateway) serveEncrypted(w http.ResponseWriter, r *http.Request, encrypt, ts, nonce string, start time.Time) {
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
		// Not reached in practice: the key just decrypted this push and
		// ts was parsed by ServeHTTP. The empty answer tells WeChat there
		// is nothing to say, so the user would get no reply.
		g.log.ErrorContext(r.Context(), "send passive reply", "err", err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(body)
}

// encryptedReply is the safe-mode passive reply to mix carrying text, as
// the SDK's server builds it: the same bytes, written directly (the SDK's
// xml.Marshal of both, by reflection, was half of this function's cost).
func encryptedReply(cfg GatewayConfig, random []byte, mix *message.MixMessage, text, ts, nonce string) ([]byte, error) {
	raw := textReplyXML(nil, string(mix.FromUserName), string(mix.ToUserName), time.Now().Unix(), text)
	enc, err := util.EncryptMsg(random, raw, cfg.AppID, cfg.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, err
	}
	ts = strconv.FormatInt(sec, 10) // as the SDK signs it
	return encryptedXML(make([]byte, 0, len(enc)+len(nonce)+192), string(enc), util.Signature(cfg.Token, ts, nonce, string(enc)), ts, nonce), nil
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
// ResponseEncryptedXMLMsg; ts is a formatted int64.
func encryptedXML(b []byte, enc, signature, ts, nonce string) []byte {
	b = append(b, "<xml><Encrypt>"...)
	b = appendEscaped(b, enc) // base64: copied as it is, after one look
	b = append(b, "</Encrypt><MsgSignature>"...)
	b = appendEscaped(b, signature)
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

type countingWriter struct {
	http.ResponseWriter
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += n
	return n, err
}

func normalise(mix *message.MixMessage) *Message {
	m := &Message{
		OpenID:     string(mix.FromUserName),
		AppUser:    string(mix.ToUserName),
		Type:       string(mix.MsgType),
		Text:       mix.Content,
		MediaID:    mix.MediaID,
		PicURL:     mix.PicURL,
		Event:      string(mix.Event),
		EventKey:   mix.EventKey,
		MsgID:      mix.MsgID,
		CreateTime: time.Unix(mix.CreateTime, 0),
	}
	if m.Type == TypeVoice {
		m.Text = mix.Recognition
	}
	if m.MsgID == 0 {
		// Events name their message as MsgID, which the SDK reads into
		// TemplateMsgID (MASSSENDJOBFINISH: the mass send's msg_id).
		m.MsgID = mix.TemplateMsgID
	}
	m.Status = mix.Status
	m.TotalCount, m.FilterCount, m.SentCount, m.ErrorCount = mix.TotalCount, mix.FilterCount, mix.SentCount, mix.ErrorCount
	return m
}
