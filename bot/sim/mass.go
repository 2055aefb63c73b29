package sim

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MassMonthlyCap is how many mass messages a follower of a service
// account receives a month; later ones are filtered out for them.
const MassMonthlyCap = 4

// massHelper is the sender WeChat names in MASSSENDJOBFINISH (the
// account's mass-send assistant).
const massHelper = "mphelper"

// massState is what the mass-send rules keep: the calls of the current
// rate window, each follower's mass messages per month, and where the
// MASSSENDJOBFINISH events go.
type massState struct {
	limit  int           // calls per window to both mass endpoints; 0: none
	window time.Duration // default a minute
	calls  []time.Time   // accepted calls within the window, oldest first

	monthly map[string]int // month (yyyymm, China time) + "\x00" + openid

	sink        func(ctx context.Context, xmlBody []byte) error
	finishDelay time.Duration
	events      sync.WaitGroup
	finished    []MassJob
}

// MassJob is what MASSSENDJOBFINISH reported for one accepted mass send.
type MassJob struct {
	MsgID                                          int64
	TotalCount, FilterCount, SentCount, ErrorCount int
	Status                                         string
}

func (s *Server) massLocked() *massState {
	if s.mass == nil {
		s.mass = &massState{window: time.Minute, monthly: map[string]int{}, finishDelay: 100 * time.Millisecond}
	}
	return s.mass
}

// SetMassRate limits the two mass endpoints together to n calls per
// window (WeChat: 60 a minute); a call over it answers 45011. n <= 0
// removes the limit (the default, so that tests are not slowed).
func (s *Server) SetMassRate(n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.massLocked()
	m.limit = n
	if window > 0 {
		m.window = window
	}
	m.calls = nil
}

// SetEventSink makes the simulator push events to the bot as WeChat does:
// sink gets the plain XML of the event and posts it, signed, to the bot's
// /wechat (the bot supplies it, as it does the chat page's send).
// MASSSENDJOBFINISH follows each accepted mass send after delay.
func (s *Server) SetEventSink(sink func(ctx context.Context, xmlBody []byte) error, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.massLocked()
	m.sink, m.finishDelay = sink, delay
}

// WaitEvents waits until the events scheduled so far were pushed.
func (s *Server) WaitEvents() {
	s.mu.Lock()
	m := s.massLocked()
	s.mu.Unlock()
	m.events.Wait()
}

// MassJobs returns what MASSSENDJOBFINISH reported so far, oldest first.
func (s *Server) MassJobs() []MassJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]MassJob(nil), s.massLocked().finished...)
}

// MassCount is how many mass messages openid received in the China month
// of t.
func (s *Server) MassCount(openid string, t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.massLocked().monthly[monthKey(t)+"\x00"+openid]
}

var chinaTZ = time.FixedZone("CST", 8*3600)

func monthKey(t time.Time) string { return t.In(chinaTZ).Format("200601") }

// apiMassSendRules and apiMassSendAllRules are the mass endpoints with the
// account's rules around them: the rate limit before, the four-a-month
// rule and the MASSSENDJOBFINISH event after.
func (s *Server) apiMassSendRules(r *http.Request, body []byte) (obj, *apiError) {
	return s.massRules(r, body, (*Server).apiMassSend)
}

func (s *Server) apiMassSendAllRules(r *http.Request, body []byte) (obj, *apiError) {
	return s.massRules(r, body, (*Server).apiMassSendAll)
}

func (s *Server) massRules(r *http.Request, body []byte, send func(*Server, *http.Request, []byte) (obj, *apiError)) (obj, *apiError) {
	m := s.massLocked()
	now := s.now()
	if m.limit > 0 {
		cut := 0
		for cut < len(m.calls) && !m.calls[cut].After(now.Add(-m.window)) {
			cut++
		}
		m.calls = m.calls[cut:]
		if len(m.calls) >= m.limit {
			return nil, fail(45011)
		}
	}
	first := len(s.pushes)
	res, e := send(s, r, body)
	if e != nil || res["errcode"] != nil {
		return res, e // refused, or a repeated clientmsgid (45065): nothing sent
	}
	if m.limit > 0 {
		m.calls = append(m.calls, now)
	}
	// The four-a-month rule: followers who had their four are filtered out.
	month := monthKey(now)
	kept := s.pushes[:first]
	total := len(s.pushes) - first
	for _, p := range s.pushes[first:] {
		k := month + "\x00" + p.OpenID
		if m.monthly[k] >= MassMonthlyCap {
			continue
		}
		m.monthly[k]++
		kept = append(kept, p)
	}
	s.pushes = kept
	sent := len(kept) - first
	msgID, _ := res["msg_id"].(int64)
	job := MassJob{MsgID: msgID, TotalCount: total, FilterCount: sent, SentCount: sent, Status: "send success"}
	m.finished = append(m.finished, job)
	if m.sink != nil {
		sink, delay := m.sink, m.finishDelay
		m.events.Add(1)
		time.AfterFunc(delay, func() {
			defer m.events.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = sink(ctx, massFinishXML(job, s.now()))
		})
	}
	return res, nil
}

// massFinishXML is the MASSSENDJOBFINISH push, as WeChat words it.
func massFinishXML(j MassJob, at time.Time) []byte {
	return []byte("<xml><ToUserName><![CDATA[gh_supplybot]]></ToUserName><FromUserName><![CDATA[" + massHelper +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(at.Unix(), 10) + "</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
		"<Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>" + strconv.FormatInt(j.MsgID, 10) + "</MsgID>" +
		"<Status><![CDATA[" + j.Status + "]]></Status><TotalCount>" + strconv.Itoa(j.TotalCount) + "</TotalCount>" +
		"<FilterCount>" + strconv.Itoa(j.FilterCount) + "</FilterCount><SentCount>" + strconv.Itoa(j.SentCount) + "</SentCount>" +
		"<ErrorCount>" + strconv.Itoa(j.ErrorCount) + "</ErrorCount></xml>")
}

// SeedFollowers adds n followers named prefix000001 … at once (a load
// test's audience), subscribed now; existing ones stay as they are. It
// returns how many are new.
func (s *Server) SeedFollowers(prefix string, n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	added := 0
	for i := 1; i <= n; i++ {
		id := prefix + pad6(i)
		if u := s.users[id]; u != nil && u.following {
			continue
		}
		u := s.userLocked(id)
		u.following, u.subscribeTime = true, now
		added++
	}
	return added
}

func pad6(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}

// SeedHandler serves POST /sim/api/followers {"prefix":…,"count":N}:
// SeedFollowers over HTTP, for `supplybot seed followers N` against a
// running server.
func (s *Server) SeedHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeJSON(w, http.StatusMethodNotAllowed, obj{"error": "method not allowed"})
			return
		}
		var req struct {
			Prefix string `json:"prefix"`
			Count  int    `json:"count"`
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, obj{"error": err.Error()})
			return
		}
		if e := decode(b, &req); e != nil || req.Count < 0 || req.Count > 1_000_000 || len(req.Prefix) > 40 {
			writeJSON(w, http.StatusBadRequest, obj{"error": "want {\"prefix\":\"sim-f-\",\"count\":1..1000000}"})
			return
		}
		if req.Prefix == "" {
			req.Prefix = "sim-f-"
		}
		added := s.SeedFollowers(req.Prefix, req.Count)
		writeJSON(w, http.StatusOK, obj{"added": added, "followers": len(s.Followers())})
	})
}
