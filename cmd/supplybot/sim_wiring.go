package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"supplybot/bot"
	"supplybot/bot/sim"
	"supplybot/handlers/scenario"
	"supplybot/store"
)

// simWiring is the simulator page's part of a Main: its event streams end
// when the server shuts down, and 场景演示 / 重置 run one at a time.
type simWiring struct {
	once sync.Once
	done chan struct{}
	busy sync.Mutex
}

func (w *simWiring) doneChan() chan struct{} {
	w.once.Do(func() { w.done = make(chan struct{}) })
	return w.done
}

// stopSimStreams ends the page's event streams, which would otherwise
// hold the HTTP server's shutdown until its deadline.
func (m *Main) stopSimStreams() {
	d := m.sim.doneChan()
	select {
	case <-d:
	default:
		close(d)
	}
}

// simPersonas are the page's first windows; the task-force member's is
// the first of admin.openids.
func (m *Main) simPersonas() []scenario.Persona {
	tf := ""
	if len(m.Config.Admin.OpenIDs) > 0 {
		tf = m.Config.Admin.OpenIDs[0]
	}
	return scenario.Personas(tf)
}

// simFront is the simulator page with the bot's hooks.
func (m *Main) simFront() *sim.Front {
	var personas []sim.Persona
	for _, p := range m.simPersonas() {
		personas = append(personas, sim.Persona{OpenID: p.OpenID, Name: p.Name, Role: p.Role})
	}
	return &sim.Front{Send: m.simSend, Scenario: m.simScenario, Reset: m.simReset, Personas: personas, Done: m.sim.doneChan()}
}

// simPushXML is the push WeChat sends for one of the simulator page's
// messages (see sim.ChatHandler for msgType and content).
func simPushXML(openid, msgType, content string, now time.Time) []byte {
	id := now.UnixNano()
	switch msgType {
	case "event":
		event, key := content, ""
		if k, ok := cutPrefix(content, "CLICK:"); ok {
			event, key = bot.EventClick, k
		} else if k, ok := cutPrefix(content, "SCAN:"); ok {
			event, key = bot.EventScan, k
		}
		return bot.EventXML(openid, event, key, now)
	case "voice":
		return bot.VoiceXML(openid, content, "sim-voice-"+strconv.FormatInt(id, 36), id)
	case "image":
		media := "sim-image-" + strconv.FormatInt(id, 36)
		if content == "" {
			content = "http://mmbiz.qpic.cn/sim/" + media + "/0"
		}
		return bot.ImageXML(openid, content, media, id)
	default:
		return bot.TextXML(openid, content, id)
	}
}

// simScenario seeds the demonstration through the real /wechat path: the
// scenario's enterprises register and publish as users would.
func (m *Main) simScenario(ctx context.Context) (string, error) {
	m.sim.busy.Lock()
	defer m.sim.busy.Unlock()
	if _, err := m.Mongo.Enterprises().ByOpenID(ctx, scenario.Purchaser); err == nil {
		return "场景已经演示过，企业和记录都在。要重来，请先点“重置”。", nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	// The windows' users follow the account, so the task-force member's
	// window gets the members' notices too.
	for _, p := range m.simPersonas() {
		m.Sim.Follow(p.OpenID)
	}
	return scenario.Run(ctx, func(ctx context.Context, openid, text string) (string, error) {
		m.Sim.Follow(openid) // as the page does: only followers write to an account
		return m.simSend(ctx, openid, "text", text)
	})
}

// errNotLocal refuses 重置 against stores that are not this machine's own.
var errNotLocal = errors.New("重置只清空本机内置的数据库：mongo.uri 和 redis.addr 都是 embedded 时才可用")

// simReset clears the local data: the simulator's users and pushes, the
// database and Redis. It refuses unless both stores are the embedded ones
// (or a test's, which allowSimReset marks).
func (m *Main) simReset(ctx context.Context) error {
	if !m.allowSimReset && (m.Config.Mongo.URI != embedded || m.Config.Redis.Addr != embedded || m.EmbeddedMongo == nil) {
		return errNotLocal
	}
	m.sim.busy.Lock()
	defer m.sim.busy.Unlock()
	m.awaitMatching(ctx)
	// The matching engine forgets the open records before they go.
	for _, posts := range []*store.Posts{m.Mongo.Demands(), m.Mongo.Offers()} {
		open, err := posts.Open(ctx, time.Now())
		if err != nil {
			return err
		}
		for _, p := range open {
			m.Alerts.Service.PostClosed(ctx, p)
		}
	}
	if err := m.Mongo.DropDatabase(ctx); err != nil {
		return fmt.Errorf("drop database: %w", err)
	}
	// Opening it again creates the indexes the dropped database had. A
	// push worker writing meanwhile creates its collection anew, which
	// FerretDB may refuse to index at that moment: try again shortly.
	uri := m.Config.Mongo.URI
	if m.EmbeddedMongo != nil {
		uri = m.EmbeddedMongo.URI()
	}
	var err error
	for try := 0; try < 5; try++ {
		var again *store.Mongo
		if again, err = store.OpenMongo(ctx, uri, m.Config.Mongo.Database); err == nil {
			_ = again.Close(ctx)
			break
		}
		if !sleepCtx(ctx, 200*time.Millisecond) {
			break
		}
	}
	if err != nil {
		return err
	}
	if err := m.clearRedis(ctx); err != nil {
		return err
	}
	m.Log.Info("simulator: local data reset")
	return nil
}

// awaitMatching waits a while for the matching of the records saved so
// far (the scenario's, typically) to finish: its writes would otherwise
// land in the database being dropped.
func (m *Main) awaitMatching(ctx context.Context) {
	for range 100 {
		owed := 0
		for _, posts := range []*store.Posts{m.Mongo.Demands(), m.Mongo.Offers()} {
			p, err := posts.MatchOwed(ctx, time.Now().Add(time.Minute), 1)
			if err != nil {
				return
			}
			owed += len(p)
		}
		if owed == 0 || !sleepCtx(ctx, 50*time.Millisecond) {
			return
		}
	}
}

// sleepCtx waits d, or less when ctx ends (then it reports false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// clearRedis deletes this instance's keys (those under its prefix).
func (m *Main) clearRedis(ctx context.Context) error {
	c := m.Redis.Client()
	iter := c.Scan(ctx, 0, m.Redis.Key("*"), 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("redis scan: %w", err)
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("redis del: %w", err)
		}
		keys = keys[n:]
	}
	return nil
}
