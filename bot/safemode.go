package bot

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
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
	mix := &message.MixMessage{}
	if err := xml.Unmarshal(raw, mix); err != nil {
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
		// Nothing the user sent causes this: the reply is recorded, and a
		// retry of the push answers it from there.
		g.log.ErrorContext(r.Context(), "send passive reply", "err", err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(body)
}

// encryptedReply is the safe-mode passive reply to mix carrying text, as
// the SDK's server builds it.
func encryptedReply(cfg GatewayConfig, random []byte, mix *message.MixMessage, text, ts, nonce string) ([]byte, error) {
	t := message.NewText(text)
	t.SetToUserName(mix.FromUserName)
	t.SetFromUserName(mix.ToUserName)
	t.SetMsgType(message.MsgTypeText)
	t.SetCreateTime(time.Now().Unix())
	raw, err := xml.Marshal(t)
	if err != nil {
		return nil, err
	}
	enc, err := util.EncryptMsg(random, raw, cfg.AppID, cfg.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, err
	}
	return xml.Marshal(message.ResponseEncryptedXMLMsg{
		EncryptedMsg: string(enc),
		MsgSignature: util.Signature(cfg.Token, ts, nonce, string(enc)),
		Timestamp:    sec,
		Nonce:        nonce,
	})
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
