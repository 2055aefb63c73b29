package record_test

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"supplybot/handlers/record"
	"supplybot/store"
)

func Example() {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, record.China)
	deadline := time.Date(2026, 12, 31, 23, 59, 59, 0, record.China)
	p := store.Post{
		No: "D1024", Kind: store.KindDemand, Product: "铝合金轮毂",
		Quantity: &store.Quantity{Value: 12300, Unit: "件"},
		Price:    &store.Price{Min: 300, Max: 350, Unit: "元/件"},
		Region:   store.Region{Province: "重庆市", City: "重庆市", District: "璧山区"},
		Deadline: &deadline, Status: store.StatusOpen,
		CreatedAt: now, ExpiresAt: now.AddDate(0, 0, 30),
	}
	fmt.Println(record.KindName(p.Kind), record.Quantity(p.Quantity), record.Price(p.Price))
	fmt.Println(record.Region(p.Region), record.RegionShort(p.Region), record.Date(deadline, now))
	fmt.Println(record.Summary(p))
	for _, f := range record.Fields(p, now) {
		fmt.Println(f.Label + "：" + f.Text)
	}
	v := record.NewView(p, now)
	v.Fields = nil // shown above
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	// Output:
	// 求购 1.23万件 300-350元/件
	// 重庆市璧山区 重庆璧山区 12月31日
	// 1.23万件 · 12月31日前 · 重庆璧山区
	// 产品：铝合金轮毂
	// 数量：1.23万件
	// 价格：300-350元/件
	// 地区：重庆市璧山区
	// 截止：12月31日前
	// {
	//   "no": "D1024",
	//   "kind": "demand",
	//   "kind_name": "求购",
	//   "product": "铝合金轮毂",
	//   "quantity": {
	//     "value": 12300,
	//     "unit": "件",
	//     "text": "1.23万件"
	//   },
	//   "price": {
	//     "min": 300,
	//     "max": 350,
	//     "unit": "元/件",
	//     "text": "300-350元/件"
	//   },
	//   "region": {
	//     "province": "重庆市",
	//     "city": "重庆市",
	//     "district": "璧山区",
	//     "text": "重庆市璧山区",
	//     "short": "重庆璧山区"
	//   },
	//   "deadline": "2026-12-31T23:59:59+08:00",
	//   "verified": false,
	//   "status": "open",
	//   "status_name": "进行中",
	//   "created_at": "2026-11-25T10:00:00+08:00",
	//   "expires_at": "2026-12-25T10:00:00+08:00"
	// }
}
