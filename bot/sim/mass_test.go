package sim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func massBody(text, id string, to ...string) map[string]any {
	return map[string]any{"touser": to, "msgtype": "text", "text": map[string]string{"content": text}, "clientmsgid": id}
}

// A follower receives at most four mass messages a month; the fifth is
// filtered out for them and MASSSENDJOBFINISH says so.
func TestMassMonthlyCap(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("f1")
	e.s.Follow("f2")
	url := "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token=" + e.token(t)
	for i := range 4 {
		if m := rawCall(t, http.MethodPost, url, massBody("m", fmt.Sprint("a", i), "f1", "x")); errcodeOf(m) != 0 {
			t.Fatalf("send %d: %v", i, m)
		}
	}
	if m := rawCall(t, http.MethodPost, url, massBody("fifth", "b", "f1", "f2")); errcodeOf(m) != 0 {
		t.Fatalf("fifth: %v", m)
	}
	if got := pushTexts(e.s.Pushes("f1")); strings.Contains(strings.Join(got, ","), "fifth") || len(got) != 4 {
		t.Fatalf("f1 read %v, want the first four only", got)
	}
	if got := pushTexts(e.s.Pushes("f2")); len(got) != 1 {
		t.Fatalf("f2 read %v, want the fifth", got)
	}
	jobs := e.s.MassJobs()
	if last := jobs[len(jobs)-1]; last.TotalCount != 2 || last.FilterCount != 1 || last.SentCount != 1 {
		t.Fatalf("MASSSENDJOBFINISH %+v, want 1 of 2 sent", last)
	}
	if n := e.s.MassCount("f1", e.clk.Now()); n != 4 {
		t.Fatalf("f1 count %d, want 4", n)
	}
	// A new China month starts afresh.
	e.clk.Advance(31 * 24 * time.Hour)
	tok := rawCall(t, http.MethodGet, "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid="+testAppID+"&secret="+testSecret, nil)
	url = "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token=" + tok["access_token"].(string)
	if m := rawCall(t, http.MethodPost, url, massBody("next month", "c", "f1", "f2")); errcodeOf(m) != 0 {
		t.Fatalf("next month: %v", m)
	}
	if got := pushTexts(e.s.Pushes("f1")); len(got) != 5 {
		t.Fatalf("f1 read %v next month, want a fifth", got)
	}
}

// The two mass endpoints share a rate limit; a call over it answers
// 45011 and sends nothing; a refused repeat (45065) is not counted.
func TestMassRateLimit(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("f1")
	e.s.Follow("f2")
	e.s.SetMassRate(2, time.Minute)
	url := "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token=" + e.token(t)
	all := "https://api.weixin.qq.com/cgi-bin/message/mass/sendall?access_token=" + e.token(t)
	want := []int{0, 45065, 0, 45011}
	bodies := []struct {
		url  string
		body any
	}{
		{url, massBody("1", "r1", "f1", "f2")},
		{url, massBody("1", "r1", "f1", "f2")},
		{all, map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "2"}, "clientmsgid": "r2"}},
		{url, massBody("3", "r3", "f1", "f2")},
	}
	for i, b := range bodies {
		if got := errcodeOf(rawCall(t, http.MethodPost, b.url, b.body)); got != want[i] {
			t.Fatalf("call %d: errcode %d, want %d", i, got, want[i])
		}
	}
	e.clk.Advance(61 * time.Second)
	if got := errcodeOf(rawCall(t, http.MethodPost, url, massBody("3", "r3", "f1", "f2"))); got != 0 {
		t.Fatalf("after the window: errcode %d, want 0", got)
	}
	if n := len(e.s.Pushes("f1")); n != 3 {
		t.Fatalf("f1 read %d, want 3", n)
	}
}

// MASSSENDJOBFINISH goes to the bot's sink as WeChat words it.
func TestMassJobFinishEvent(t *testing.T) {
	e := newEnv(t)
	e.s.Follow("f1")
	e.s.Follow("f2")
	var mu sync.Mutex
	var got []string
	e.s.SetEventSink(func(_ context.Context, b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(b))
		return nil
	}, time.Millisecond)
	m := rawCall(t, http.MethodPost, "https://api.weixin.qq.com/cgi-bin/message/mass/send?access_token="+e.token(t), massBody("hi", "e1", "f1", "f2"))
	e.s.WaitEvents()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d events, want 1", len(got))
	}
	for _, want := range []string{"<Event><![CDATA[MASSSENDJOBFINISH]]></Event>", fmt.Sprintf("<MsgID>%.0f</MsgID>", m["msg_id"]),
		"<TotalCount>2</TotalCount>", "<SentCount>2</SentCount>", "<ErrorCount>0</ErrorCount>", "<FromUserName><![CDATA[mphelper]]>"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("event lacks %s: %s", want, got[0])
		}
	}
}

func TestSeedFollowers(t *testing.T) {
	e := newEnv(t)
	if n := e.s.SeedFollowers("s-", 1000); n != 1000 {
		t.Fatalf("added %d", n)
	}
	if n := e.s.SeedFollowers("s-", 1001); n != 1 {
		t.Fatalf("added %d again, want 1", n)
	}
	if f := e.s.Followers(); len(f) != 1001 || f[0] != "s-000001" {
		t.Fatalf("followers %d, first %q", len(f), f[0])
	}
}
