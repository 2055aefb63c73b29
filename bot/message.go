package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Message types as WeChat names them.
const (
	TypeText     = "text"
	TypeImage    = "image"
	TypeVoice    = "voice"
	TypeVideo    = "video"
	TypeShort    = "shortvideo"
	TypeLocation = "location"
	TypeLink     = "link"
	TypeEvent    = "event"
)

// Event names as WeChat sends them.
const (
	EventSubscribe   = "subscribe"
	EventUnsubscribe = "unsubscribe"
	EventClick       = "CLICK"
	EventView        = "VIEW"
	EventScan        = "SCAN"
	EventTemplateEnd = "TEMPLATESENDJOBFINISH"
	EventMassEnd     = "MASSSENDJOBFINISH"
)

// Message is one push from WeChat, normalised. Text holds the content of a
// text message or the speech recognition of a voice message.
type Message struct {
	OpenID     string
	AppUser    string // the official account's own id (ToUserName)
	Type       string
	Text       string
	MediaID    string
	PicURL     string
	Event      string
	EventKey   string
	MsgID      int64
	CreateTime time.Time
	// The outcome of a mass send (event MASSSENDJOBFINISH, whose MsgID
	// is the send's msg_id): WeChat's Status ("send success", "send
	// fail", "err(…)"), the followers aimed at, those left after its
	// filtering, and those it reached or failed.
	Status                                         string
	TotalCount, FilterCount, SentCount, ErrorCount int64
}

// Reply is what the bot answers. An empty Text answers "success" (nothing to say).
type Reply struct {
	Text string
}

// Text returns a text reply.
func Text(s string) Reply { return Reply{Text: s} }

// DedupeKey identifies one logical push across WeChat's retries:
// FromUserName+MsgId for messages (MsgId alone has collided across users)
// and FromUserName+CreateTime+Event+EventKey for events.
func (m *Message) DedupeKey() string {
	if m.Type == TypeEvent || m.MsgID == 0 {
		k := "e:" + m.OpenID + ":" + strconv.FormatInt(m.CreateTime.Unix(), 10) + ":" + m.Event + ":" + m.EventKey
		if m.MsgID != 0 {
			// Two MASSSENDJOBFINISH of one second share sender, time and
			// event; only their MsgID tells them apart.
			k += ":" + strconv.FormatInt(m.MsgID, 10)
		}
		return k
	}
	return "m:" + m.OpenID + ":" + strconv.FormatInt(m.MsgID, 10)
}

// IsEvent reports whether m is the event named (case-insensitive, as WeChat
// has sent both cases for some events).
func (m *Message) IsEvent(name string) bool {
	return m.Type == TypeEvent && strings.EqualFold(m.Event, name)
}

type messageKeyCtx struct{}

// WithMessageKey returns ctx carrying key, the dedupe key of the message
// being handled.
func WithMessageKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, messageKeyCtx{}, key)
}

// MessageKey is the dedupe key of the message ctx is handling ("" outside
// a handler). Writes that a message creates carry it, so that no repeat of
// the message can create them again even when dedupe fails.
func MessageKey(ctx context.Context) string {
	k, _ := ctx.Value(messageKeyCtx{}).(string)
	return k
}

// normalise is the Message of a push the SDK's MixMessage holds.
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
