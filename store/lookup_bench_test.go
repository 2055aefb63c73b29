package store_test

import (
	"context"
	"fmt"
	"testing"

	"supplybot/store"
	"supplybot/store/storetest"
)

// BenchmarkLookups: 详情 D1024's read by number, and the save of a record
// with its message key, with 100 and 2,000 records of the kind stored;
// "claims" reads and checks through claims keyed by _id, "scan" as before
// them (the records look saved before the claims kept their ids):
//
//	go test ./store -run '^$' -bench Lookups -benchtime 200x
func BenchmarkLookups(b *testing.B) {
	for _, n := range []int{100, 2000} {
		m := storetest.Mongo(b)
		ctx := context.Background()
		offers := m.Offers()
		rows := make([]store.Post, n)
		for i := range rows {
			rows[i] = realistic(i)
		}
		if err := offers.CreateSettled(ctx, rows); err != nil {
			b.Fatal(err)
		}
		for _, how := range []string{"claims", "scan"} {
			if how == "scan" {
				if err := m.ForgetRecordIDs(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.Run(fmt.Sprintf("ByNo/%s/records=%d", how, n), func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := offers.ByNo(ctx, rows[i%n].No); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run(fmt.Sprintf("CreateWithMsgKey/%s/records=%d", how, n), func(b *testing.B) {
				for b.Loop() {
					if err := offers.Create(ctx, func() *store.Post { p := realistic(0); p.MsgKey = store.NewID(); return &p }()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// realistic is an offer about the size of a posted one.
func realistic(i int) store.Post {
	lead := 15
	return store.Post{Product: "6层PCB", Category: "PCB", CategoryCode: "elec.pcb", CategoryPath: []string{"电子信息", "电子元器件", "PCB"},
		Spec: "FR-4 1.6mm 沉金", Capacity: &store.Quantity{Value: 20000, Unit: "平米", Per: "月"}, MOQ: &store.Quantity{Value: 100, Unit: "平米"},
		Region: store.Region{Province: "四川省", City: "成都市", District: "郫都区"}, LeadTimeDays: &lead,
		Certifications: []string{"IATF16949", "ISO9001"}, Keywords: []string{"6层PCB", "PCB", "线路板", "电路板", "印制板", "多层板", "电子信息", "电子元器件"},
		RawText: "供应 6层PCB FR-4 1.6mm 沉金 月产能2万平米 起订100平米 成都郫都 交期15天 IATF16949 ISO9001", EnterpriseID: fmt.Sprintf("e%d", i%50),
		EnterpriseName: "成都天府电路科技有限公司", Verified: i%2 == 0, OpenID: fmt.Sprintf("u%d", i%50), MsgKey: fmt.Sprintf("seed:%d", i)}
}
