package bot

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Push modes of the WeChat admin console.
const (
	ModePlain      = "plain"
	ModeCompatible = "compatible"
	ModeSafe       = "safe"
)

// PushSigner builds POST requests exactly as WeChat pushes them, for the
// simulator page and for tests.
type PushSigner struct {
	Token, AppID, EncodingAESKey string
	// Mode is plain, compatible or safe; empty means safe when
	// EncodingAESKey is set (what a gateway with a key accepts by default),
	// plain otherwise.
	Mode string
}

func (s PushSigner) mode() string {
	if s.Mode == "" && s.EncodingAESKey != "" {
		return ModeSafe
	}
	return s.Mode
}

// Request returns a signed POST to target (e.g. "/wechat") carrying xmlBody.
func (s PushSigner) Request(target string, xmlBody []byte) (*http.Request, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	q := url.Values{}
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("signature", util.Signature(s.Token, ts, nonce))
	body := xmlBody
	mode := s.mode()
	if mode == ModeSafe || mode == ModeCompatible {
		random := make([]byte, 16)
		_, _ = rand.Read(random)
		enc, err := util.EncryptMsg(random, xmlBody, s.AppID, s.EncodingAESKey)
		if err != nil {
			return nil, fmt.Errorf("encrypt push: %w", err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(s.Token, ts, nonce, string(enc)))
		var buf bytes.Buffer
		buf.WriteString("<xml><ToUserName><![CDATA[" + s.AppID + "]]></ToUserName>")
		if mode == ModeCompatible {
			// Compatible mode carries the plaintext fields too.
			inner := bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(xmlBody), []byte("<xml>")), []byte("</xml>"))
			buf.Write(inner)
		}
		buf.WriteString("<Encrypt><![CDATA[" + string(enc) + "]]></Encrypt></xml>")
		body = buf.Bytes()
	}
	req, err := http.NewRequest(http.MethodPost, target+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// TextXML is the push of a text message from openid.
func TextXML(openid, text string, msgID int64) []byte {
	return pushXML(openid, TypeText, msgID, "<Content><![CDATA["+cdata(text)+"]]></Content>")
}

// EventXML is the push of an event from openid (key for CLICK events).
func EventXML(openid, event, key string, at time.Time) []byte {
	inner := "<Event><![CDATA[" + cdata(event) + "]]></Event>"
	if key != "" {
		inner += "<EventKey><![CDATA[" + cdata(key) + "]]></EventKey>"
	}
	return pushXMLAt(openid, TypeEvent, 0, inner, at)
}

func pushXML(openid, typ string, msgID int64, inner string) []byte {
	return pushXMLAt(openid, typ, msgID, inner, time.Now())
}

func pushXMLAt(openid, typ string, msgID int64, inner string, at time.Time) []byte {
	s := "<xml><ToUserName><![CDATA[gh_supplybot]]></ToUserName><FromUserName><![CDATA[" + cdata(openid) +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(at.Unix(), 10) + "</CreateTime><MsgType><![CDATA[" + typ + "]]></MsgType>" + inner
	if msgID != 0 {
		s += "<MsgId>" + strconv.FormatInt(msgID, 10) + "</MsgId>"
	}
	return []byte(s + "</xml>")
}

// cdata keeps a CDATA section from being closed early by the text.
func cdata(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte("]]>"), []byte("]]]]><![CDATA[>")))
}

// ReplyText reads the text of a passive reply, decrypting a safe-mode one.
// It returns "" for "success" or an empty body.
func (s PushSigner) ReplyText(body []byte) (string, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || string(b) == "success" {
		return "", nil
	}
	var env struct {
		Encrypt string `xml:"Encrypt"`
		Content string `xml:"Content"`
	}
	if err := xml.Unmarshal(b, &env); err != nil {
		return "", fmt.Errorf("reply is not XML: %q", b)
	}
	if env.Encrypt == "" {
		return env.Content, nil
	}
	_, plain, err := util.DecryptMsg(s.AppID, env.Encrypt, s.EncodingAESKey)
	if err != nil {
		return "", fmt.Errorf("decrypt reply: %w", err)
	}
	var inner struct {
		Content string `xml:"Content"`
	}
	if err := xml.Unmarshal(plain, &inner); err != nil {
		return "", fmt.Errorf("decrypted reply is not XML: %w", err)
	}
	return inner.Content, nil
}

// Post sends xmlBody to url as WeChat would and returns the HTTP status and,
// for 200, the text of the passive reply ("" for success).
func (s PushSigner) Post(url string, xmlBody []byte) (int, string, error) {
	req, err := s.Request(url, xmlBody)
	if err != nil {
		return 0, "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, "", err
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, string(b), nil
	}
	text, err := s.ReplyText(b)
	return res.StatusCode, text, err
}
