package bot

import (
	"bytes"
	"encoding/xml"
)

// encryptOf returns the Encrypt of a safe-mode envelope, for the
// msg_signature check and the decryption; false when it has none. WeChat
// sends it once, as one CDATA section of base64: that shape is read
// directly (encoding/xml took ten times as long, on every message).
// Anything else is read by encoding/xml. The value returned is the one
// both checked and decrypted (serveEncrypted), so no second reader can see
// another.
func encryptOf(body []byte) (string, bool) {
	const open, end = "<Encrypt><![CDATA[", "]]></Encrypt>"
	if bytes.Count(body, []byte("Encrypt")) == 2 {
		if i := bytes.Index(body, []byte(open)); i >= 0 {
			v := body[i+len(open):]
			if j := bytes.Index(v, []byte(end)); j > 0 && isBase64(v[:j]) {
				return string(v[:j]), true
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
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
