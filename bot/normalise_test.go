package bot

import (
	"encoding/xml"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// MASSSENDJOBFINISH names its mass send as MsgID (which the SDK reads
// into TemplateMsgID) and carries WeChat's final counts.
func TestNormaliseMassSendFinish(t *testing.T) {
	const body = `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oAdmin]]></FromUserName>
<CreateTime>1394524295</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[MASSSENDJOBFINISH]]></Event>
<MsgID>1988</MsgID><Status><![CDATA[send success]]></Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount>
<SentCount>75</SentCount><ErrorCount>5</ErrorCount></xml>`
	var mix message.MixMessage
	if err := xml.Unmarshal([]byte(body), &mix); err != nil {
		t.Fatal(err)
	}
	m := normalise(&mix)
	if m.MsgID != 1988 || m.Status != "send success" || m.TotalCount != 100 || m.FilterCount != 80 || m.SentCount != 75 || m.ErrorCount != 5 {
		t.Errorf("got %+v", m)
	}
}
