package bot

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// What the process keeps of a message (its sender's openid, as the key of
// a cache) keeps no more than that value: not the whole message, as a
// substring of one copy of it did. Two thousand messages of 2 KB each,
// whose openids alone are kept, held about 4 MB that way.
func TestReadTextMessageKeepsNoCopyOfTheMessage(t *testing.T) {
	const n = 2000
	filler := strings.Repeat("需求", 340) // about 2 KB
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = fmt.Appendf(nil, "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-user-%06d]]></FromUserName>"+
			"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
			"<MsgId>%d</MsgId></xml>", i, filler, 1000+i)
	}
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	kept := make([]message.CDATA, n)
	before := live()
	for i, raw := range raws {
		var mix message.MixMessage
		if !readTextMessage(raw, &mix) {
			t.Fatalf("message %d not read directly", i)
		}
		kept[i] = mix.FromUserName
	}
	grew := int64(live()) - int64(before)
	if grew > 512<<10 {
		t.Errorf("keeping %d openids holds %d kB (the messages were %d kB)", n, grew>>10, n*len(raws[0])>>10)
	}
	// Nor does a value read share raw's memory: the caller may reuse it.
	raw := bytes.Clone(raws[0])
	var mix message.MixMessage
	readTextMessage(raw, &mix)
	clear(raw)
	if mix.FromUserName != "o-user-000000" || mix.Content != filler || mix.ToUserName != "gh_1" || mix.MsgType != message.MsgTypeText {
		t.Errorf("the values changed with raw: %q %q %q", mix.ToUserName, mix.FromUserName, mix.MsgType)
	}
	runtime.KeepAlive(kept)
	runtime.KeepAlive(raws)
}
