// Package bot is the chat engine of supplybot, free of supply-chain words:
// the WeChat gateway (signature checks, safe-mode decryption, body limits),
// the normalised Message, the router and its middleware, retry dedupe and
// the reply deadline, sessions, the shared access token, the WeChat API
// sender and the push workers that drain the outbox.
//
// The WeChat SDK (silenceper/wechat) is used only inside this package. It
// must not import store or handlers: it declares the small interfaces it
// needs (KV, Outbox) and the caller wires concrete stores in.
package bot
