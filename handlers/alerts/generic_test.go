package alerts

import (
	"testing"
	"time"

	"supplybot/handlers/match"
	"supplybot/handlers/parse"
	"supplybot/store"
)

// Records as the chat stores them (parser keywords, which carry the
// taxonomy's branch names 汽车, 底盘, 电子信息 … for search) match by what
// users mean: synonyms meet, unrelated parts of one industry do not.
func TestParsedPostsMatchAsUsersMean(t *testing.T) {
	p, err := parse.New()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{d: Deps{Parser: p}}
	now := time.Now()
	post := func(kind, text, ent string) store.Post {
		pp := p.Parse(text, now)
		sp := store.Post{ID: text, Kind: kind, Product: pp.Product, Keywords: pp.Keywords, EnterpriseID: ent,
			Status: store.StatusOpen, ExpiresAt: now.Add(24 * time.Hour),
			Region: store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"}}
		if pp.Category != nil {
			sp.CategoryCode, sp.Category, sp.CategoryPath = pp.Category.Code, pp.Category.Name, pp.Category.Path
		}
		return sp
	}
	pairs := []struct{ demand, offer string }{
		{"求购 汽车座椅骨架 2000套 重庆", "供应 铝合金轮毂 月产能1万件 重庆"},
		{"求购 汽车线束 3000套 重庆", "供应 汽车玻璃 月产能1万件 重庆"},
		{"求购 MCU芯片 10万只 成都", "供应 液晶屏 月产能5万片 成都"},
	}
	for _, pr := range pairs {
		d, o := post(store.KindDemand, pr.demand, "e1"), post(store.KindOffer, pr.offer, "e2")
		score, reasons, ok := match.Score(s.toRecord(&d), s.toRecord(&o), now)
		if ok && score >= match.DefaultThreshold {
			t.Errorf("%s ~ %s: score %.2f %v, want no match", pr.demand, pr.offer, score, reasons)
		}
	}
	// The same path finds what users mean by different words.
	same := []struct{ demand, offer string }{
		{"求购 变速箱 500台 重庆璧山", "供应 变速器 月产能2000台 重庆"},
		{"求购 轮圈 2000套 成都", "供应 铝合金轮毂 月产能1万套 重庆"},
		{"求购 电路板 5000片 重庆", "供应 6层PCB 月产能2万片 成都"},
		{"求购 贴片电容 100万只 重庆", "供应 MLCC 月产能5000万只 成都"},
	}
	for _, pr := range same {
		d, o := post(store.KindDemand, pr.demand, "e1"), post(store.KindOffer, pr.offer, "e2")
		score, reasons, ok := match.Score(s.toRecord(&d), s.toRecord(&o), now)
		if !ok || score < match.DefaultThreshold {
			t.Errorf("%s ~ %s: score %.2f ok=%v %v, want a match", pr.demand, pr.offer, score, ok, reasons)
		}
	}
}
