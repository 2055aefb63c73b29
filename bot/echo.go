package bot

import (
	"net/http"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// EchoHandler is the bare silenceper/wechat push handler, the yardstick of
// load tests: the SDK's own server checks the signature, decrypts a
// safe-mode push and encrypts the passive reply, which repeats the text
// (events are answered "success"). Nothing else happens: no dedupe, no
// session, no store.
func EchoHandler(token, appID, encodingAESKey string) http.Handler {
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: appID, AppSecret: "echo", Token: token, EncodingAESKey: encodingAESKey,
		Cache: cache.NewMemory(),
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(mix *message.MixMessage) *message.Reply {
			if mix == nil || mix.MsgType != message.MsgTypeText {
				return nil
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(mix.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, "bad push", http.StatusBadRequest)
			return
		}
		_ = srv.Send()
	})
}
