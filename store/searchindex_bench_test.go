package store_test

import (
	"fmt"
	"testing"
	"time"

	"supplybot/store"
)

// BenchmarkSearchIndex: one search (a keyword of about one record in eight,
// as 查供应 PCB over the seeded offers, and the newest records without a
// keyword; limited to a province, a city, a district where nothing is, to
// a category without a keyword, and to two of 500 enterprises) over 1,000 to 100,000 open offers held in
// memory, half in Sichuan and half in Chongqing. The cost follows the
// window ranked (500 records), not the records held: a search limited to
// a place or to enterprises walks their lists only. The memo of searches
// is emptied before each (BenchmarkSearchMemo measures it):
//
//	go test ./store -run '^$' -bench SearchIndex
func BenchmarkSearchIndex(b *testing.B) {
	products := [][]string{
		{"6层PCB", "PCB", "线路板", "电路板", "电子"}, {"铝合金轮毂", "轮毂", "轮圈", "汽车", "底盘"},
		{"汽车线束", "线束", "汽车", "电气"}, {"刹车片", "制动", "汽车", "底盘"}, {"车规MCU", "MCU", "芯片", "电子"},
		{"减震器", "悬架", "汽车", "底盘"}, {"高压连接器", "连接器", "电子"}, {"座椅骨架", "座椅", "汽车", "内饰"},
	}
	codes := []string{"elec.pcb", "auto.chassis.wheel", "auto.electric.harness", "auto.chassis.brake", "elec.chip.mcu",
		"auto.chassis.suspension", "elec.connector", "auto.interior.seat"}
	regions := []store.Region{{Province: "四川省", City: "成都市"}, {Province: "重庆市", City: "重庆市", District: "璧山区"}}
	now := time.Now().UTC()
	for _, n := range []int{1000, 10000, 100000} {
		ix := store.NewSearchIndex()
		for i := range n {
			kw := products[i%len(products)]
			ix.Put(store.Post{ID: fmt.Sprintf("%024d", i), No: fmt.Sprintf("O%d", 1001+i), Kind: store.KindOffer,
				Status: store.StatusOpen, Product: kw[0], Keywords: kw, Region: regions[(i/8)%2], EnterpriseID: fmt.Sprintf("e%d", i%500),
				CategoryCode: codes[i%len(codes)],
				CreatedAt:    now.Add(-time.Duration(i*7919%n) * time.Minute), ExpiresAt: now.Add(time.Hour)})
		}
		for _, c := range []struct {
			name string
			q    store.SearchQuery
		}{
			{"PCB", store.SearchQuery{Keywords: []string{"PCB", "线路板", "电路板"}}},
			{"newest", store.SearchQuery{}},
			{"PCB-in-Chongqing", store.SearchQuery{Keywords: []string{"PCB"}, Province: "重庆市"}},
			{"PCB-in-Chengdu", store.SearchQuery{Keywords: []string{"PCB"}, Province: "四川省", City: "成都市"}},
			{"PCB-in-Wuhou", store.SearchQuery{Keywords: []string{"PCB"}, Province: "四川省", City: "成都市", District: "武侯区"}},
			{"category-MCU", store.SearchQuery{CategoryPrefix: "elec.chip.mcu"}},
			{"PCB-of-two-companies", store.SearchQuery{Keywords: []string{"PCB"}, EnterpriseIDs: []string{"e8", "e16"}}},
		} {
			c.q.Now, c.q.Limit = now, 5
			b.Run(fmt.Sprintf("%s/offers=%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					ix.ForgetMemo() // the search itself, not its memo
					if res := ix.Search(store.KindOffer, c.q); len(res.Posts) == 0 && c.q.District == "" {
						b.Fatal("nothing found")
					}
				}
			})
		}
	}
}

// BenchmarkSearchMemo: 查供应 PCB over 10,000 offers asked again, as its
// memo answers it (the index unchanged, no record of the page expired),
// after a save of a record it shows, which the memo does not survive, and
// after a save of one it does not show (an offer of wheels), which it does.
func BenchmarkSearchMemo(b *testing.B) {
	now := time.Now().UTC()
	kws := [][]string{{"6层PCB", "PCB", "线路板", "电子"}, {"铝合金轮毂", "轮毂", "汽车"}, {"汽车线束", "线束", "汽车"}}
	ix := store.NewSearchIndex()
	post := func(i int) store.Post {
		kw := kws[i%len(kws)]
		return store.Post{ID: fmt.Sprintf("%024d", i), No: fmt.Sprintf("O%d", 1001+i), Kind: store.KindOffer,
			Status: store.StatusOpen, Product: kw[0], Keywords: kw, Region: store.Region{Province: "四川省"},
			CreatedAt: now.Add(-time.Duration(i) * time.Minute), ExpiresAt: now.Add(time.Hour)}
	}
	for i := range 10000 {
		ix.Put(post(i))
	}
	q := store.SearchQuery{Keywords: []string{"PCB", "线路板"}, Now: now, Limit: 5}
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			if len(ix.Search(store.KindOffer, q).Posts) == 0 {
				b.Fatal("nothing found")
			}
		}
	})
	for _, c := range []struct {
		name string
		save int
	}{{"after-a-save", 6}, {"after-an-unrelated-save", 7}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ix.Put(post(c.save))
				if len(ix.Search(store.KindOffer, q).Posts) == 0 {
					b.Fatal("nothing found")
				}
			}
		})
	}
}
