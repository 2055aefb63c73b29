// Package subscriptions keeps what users asked to hear of: the chat
// commands 订阅 / 我的订阅 / 退订, and, for a record just saved, the
// subscribers it fits (Fitting), whom the alerts service then alerts.
//
// It imports bot, store and the handlers' parse package; it must not
// import the package handlers, the alerts service (which calls it) nor the
// other features (contacts, lifecycle), and it queues no push itself.
package subscriptions

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"supplybot/bot"
	"supplybot/handlers/parse"
	"supplybot/handlers/record"
	"supplybot/store"
)

// Config tunes the service. Zero values take the defaults.
type Config struct {
	// DailyCap is the alerts pushed per user and China day, as the reply
	// to 订阅 tells it; default 20 (the alerts service enforces it).
	DailyCap int
	Now      func() time.Time // default time.Now
}

// Deps are the stores and helpers the service uses.
type Deps struct {
	Mongo  *store.Mongo
	Parser *parse.Parser
}

// Service keeps the users' subscriptions.
type Service struct {
	cfg Config
	d   Deps
}

// New returns the service.
func New(cfg Config, d Deps) *Service {
	if cfg.DailyCap <= 0 {
		cfg.DailyCap = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, d: d}
}

func (s *Service) clock() time.Time { return s.cfg.Now() }

// Commands are 订阅 …, 我的订阅 and 退订 N; each passes an open form by.
func (s *Service) Commands() []bot.Command {
	return []bot.Command{
		{Name: "subscribe", Words: []string{"订阅"}, PassBy: bot.Always, Handle: bot.Plain(s.cmdSubscribe)},
		{Name: "my-subscriptions", Exact: []string{"我的订阅"}, PassBy: bot.Always, Handle: bot.Plain(s.cmdMySubscriptions)},
		{Name: "unsubscribe", Words: []string{"退订"}, PassBy: bot.Always, Handle: bot.Plain(s.cmdUnsubscribe)},
	}
}

// maxSubscriptions a user may hold.
const maxSubscriptions = 10

const subscribeHelp = "订阅后，有符合条件的新求购或供应时会通知您。例如：\n订阅 轮毂 重庆\n订阅 品类 PCB\n订阅 求购 线束 成都\n回复 我的订阅 查看已订阅的内容。"

// splitArgs splits a command's arguments on spaces and Chinese punctuation.
func splitArgs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\u3000' || r == '，' || r == ',' || r == '、' || r == '；' || r == ';'
	})
}

// parseSubscription reads "轮毂 重庆", "品类 PCB", "求购 线束 成都". The
// reply is the user's mistake, for an invalid input.
func (s *Service) parseSubscription(openid, args string) (store.Subscription, string) {
	sub := store.Subscription{OpenID: openid}
	toks := splitArgs(args)
	if len(toks) > 0 {
		switch toks[0] {
		case "求购", "需求", "采购":
			sub.Kind, toks = store.KindDemand, toks[1:]
		case "供应", "供货":
			sub.Kind, toks = store.KindOffer, toks[1:]
		}
	}
	if len(toks) > 0 && (toks[0] == "品类" || toks[0] == "类别") {
		if len(toks) < 2 {
			return sub, "请在“品类”后写上品类名，例如：订阅 品类 PCB"
		}
		c, ok := s.d.Parser.ParseCategory(toks[1])
		if !ok {
			return sub, fmt.Sprintf("没有找到品类“%s”。可以换个说法，例如：订阅 品类 PCB，或直接 订阅 %s", record.Clip(toks[1], 10), record.Clip(toks[1], 10))
		}
		sub.CategoryCode, sub.CategoryName, toks = c.Code, c.Name, toks[2:]
	}
	seen := map[string]bool{}
	for _, t := range toks {
		if _, isProduct := s.d.Parser.ParseCategory(t); !isProduct && sub.Region.Province == "" {
			if r, ok := s.d.Parser.ParseRegion(t); ok {
				sub.Region = store.Region{Province: r.Province, City: r.City, District: r.District}
				continue
			}
		}
		w := strings.ToLower(t)
		if seen[w] {
			continue
		}
		seen[w] = true
		sub.Words = append(sub.Words, t)
		for _, syn := range s.d.Parser.Synonyms(t) {
			sub.Keywords = append(sub.Keywords, strings.ToLower(syn))
		}
	}
	if len(sub.Words) == 0 && sub.CategoryCode == "" {
		return sub, "请写上产品或品类，例如：订阅 轮毂 重庆，或 订阅 品类 PCB"
	}
	if len(sub.Words) > 3 {
		return sub, "一条订阅最多写3个产品词，例如：订阅 轮毂 重庆"
	}
	sub.Keywords = dedupe(sub.Keywords)
	words := append([]string(nil), sub.Keywords...)
	sort.Strings(words)
	h := sha1.Sum([]byte(strings.Join([]string{openid, sub.Kind, strings.Join(words, ","), sub.CategoryCode,
		sub.Region.Province, sub.Region.City, sub.Region.District}, "|")))
	sub.ID = hex.EncodeToString(h[:12])
	return sub, ""
}

func dedupe(ws []string) []string {
	seen := map[string]bool{}
	out := ws[:0]
	for _, w := range ws {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// describe is how a subscription is shown: "求购 线束 · 成都".
func describe(sub *store.Subscription) string {
	var parts []string
	head := strings.Join(sub.Words, " ")
	if sub.CategoryName != "" {
		head = strings.TrimSpace("品类" + sub.CategoryName + " " + head)
	}
	if sub.Kind != "" {
		head = record.KindName(sub.Kind) + " " + head
	}
	parts = append(parts, head)
	if r := record.RegionShort(sub.Region); r != "" {
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

func (s *Service) cmdSubscribe(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	args := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m.Text), "订阅"))
	if args == "" {
		return bot.Text(subscribeHelp), nil
	}
	sub, problem := s.parseSubscription(m.OpenID, args)
	if problem != "" {
		return bot.Text(problem), nil
	}
	subs := s.d.Mongo.Subscriptions()
	have, err := subs.ByOpenID(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(have) >= maxSubscriptions {
		return bot.Text(fmt.Sprintf("您已有 %d 条订阅，达到上限。回复 我的订阅 查看，退订 编号 删掉不需要的。", len(have))), nil
	}
	if ent, err := s.d.Mongo.Enterprises().ByOpenID(ctx, m.OpenID); err == nil {
		sub.EnterpriseID = ent.ID
	} else if !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	sub.CreatedAt = s.clock().UTC()
	if err := subs.Create(ctx, sub); errors.Is(err, store.ErrConflict) {
		return bot.Text("您已经订阅过“" + describe(&sub) + "”。回复 我的订阅 查看全部。"), nil
	} else if err != nil {
		return bot.Reply{}, err
	}
	return bot.Text(fmt.Sprintf("已订阅：%s。有符合的新信息时会通知您（每天最多推送%d条，其余汇总）。\n回复 我的订阅 查看，退订 编号 取消。",
		describe(&sub), s.cfg.DailyCap)), nil
}

func (s *Service) cmdMySubscriptions(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	have, err := s.d.Mongo.Subscriptions().ByOpenID(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(have) == 0 {
		return bot.Text("您还没有订阅。例如回复：订阅 轮毂 重庆，或 订阅 品类 PCB"), nil
	}
	return bot.Text(listSubscriptions(have) + "\n回复 退订 编号 取消，例如 退订 1"), nil
}

func listSubscriptions(have []store.Subscription) string {
	var b strings.Builder
	b.WriteString("您的订阅：")
	for i := range have {
		fmt.Fprintf(&b, "\n%d. %s", i+1, describe(&have[i]))
	}
	return b.String()
}

func (s *Service) cmdUnsubscribe(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	arg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m.Text), "退订"))
	subs := s.d.Mongo.Subscriptions()
	have, err := subs.ByOpenID(ctx, m.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(have) == 0 {
		return bot.Text("您还没有订阅。例如回复：订阅 轮毂 重庆"), nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(have) {
		return bot.Text(listSubscriptions(have) + fmt.Sprintf("\n请回复 退订 编号（1–%d），例如 退订 1", len(have))), nil
	}
	sub := have[n-1]
	if err := subs.Delete(ctx, m.OpenID, sub.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return bot.Reply{}, err
	}
	return bot.Text("已退订：" + describe(&sub) + "。回复 我的订阅 查看其余订阅。"), nil
}

// fits reports whether record p fits subscription sub exactly.
func (s *Service) fits(sub *store.Subscription, p *store.Post) bool {
	if sub.Kind != "" && sub.Kind != p.Kind {
		return false
	}
	if c := sub.CategoryCode; c != "" && p.CategoryCode != c && !strings.HasPrefix(p.CategoryCode, c+".") {
		return false
	}
	if r := sub.Region; r.Province != "" && r.Province != p.Region.Province ||
		r.City != "" && r.City != p.Region.City || r.District != "" && r.District != p.Region.District {
		return false
	}
	kws := map[string]bool{}
	for _, k := range lowerKeywords(p) {
		kws[k] = true
	}
	product := strings.ToLower(p.Product)
	for _, w := range sub.Words {
		found := false
		for _, syn := range s.d.Parser.Synonyms(w) {
			syn = strings.ToLower(syn)
			if kws[syn] || strings.Contains(product, syn) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Subscriber is a user to tell of a record, and what they subscribed to
// ("求购 线束 · 成都").
type Subscriber struct {
	OpenID string
	Desc   string
}

// Fitting lists the subscribers that record p fits, once each (by their
// first fitting subscription), leaving out p's own enterprise (also when
// a subscriber joined it after subscribing) and those told says heard of
// p already.
func (s *Service) Fitting(ctx context.Context, p *store.Post, told func(openid string) bool) ([]Subscriber, error) {
	subs, err := s.d.Mongo.Subscriptions().Candidates(ctx, lowerKeywords(p), ancestorCodes(p.CategoryCode))
	if err != nil {
		return nil, err
	}
	var out []Subscriber
	seen := map[string]bool{}
	for i := range subs {
		sub := &subs[i]
		if seen[sub.OpenID] || told(sub.OpenID) || sub.EnterpriseID != "" && sub.EnterpriseID == p.EnterpriseID || !s.fits(sub, p) {
			continue
		}
		// The subscriber may have joined an enterprise since subscribing.
		if ent, err := s.d.Mongo.Enterprises().ByOpenID(ctx, sub.OpenID); err == nil && ent.ID == p.EnterpriseID {
			continue
		}
		seen[sub.OpenID] = true
		out = append(out, Subscriber{OpenID: sub.OpenID, Desc: describe(sub)})
	}
	return out, nil
}

// lowerKeywords is the record's keywords and product in lower case, for
// looking up subscriptions.
func lowerKeywords(p *store.Post) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.ToLower(strings.TrimSpace(w))
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, k := range p.Keywords {
		add(k)
	}
	add(p.Product)
	return out
}

// ancestorCodes is the category code and every code above it.
func ancestorCodes(code string) []string {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil
	}
	var out []string
	for {
		out = append(out, code)
		i := strings.LastIndexByte(code, '.')
		if i < 0 {
			return out
		}
		code = code[:i]
	}
}
