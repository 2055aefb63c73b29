package match

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

type benchLeaf struct {
	code, name string
	products   [][]string // each: product, then its (expanded) keywords
	unit       string
}

// benchCatalog is a realistic slice of the taxonomy: 40 leaves in 19 branches.
var benchCatalog = []benchLeaf{
	{"auto.powertrain.transmission", "变速器", [][]string{{"变速箱电磁阀", "变速箱", "变速器", "电磁阀"}, {"变速器齿轮", "齿轮", "变速器", "变速箱"}, {"变速器壳体", "壳体", "变速器", "变速箱"}}, "件"},
	{"auto.powertrain.engine", "发动机", [][]string{{"缸体", "缸体", "发动机缸体"}, {"曲轴", "曲轴", "发动机曲轴"}, {"凸轮轴", "凸轮轴"}}, "件"},
	{"auto.powertrain.exhaust", "排气系统", [][]string{{"排气管", "排气管", "尾管"}, {"三元催化器", "三元催化器", "催化器"}}, "套"},
	{"auto.chassis.brake", "制动", [][]string{{"刹车片", "刹车片", "制动片", "摩擦片"}, {"制动盘", "制动盘", "刹车盘"}, {"制动钳", "制动钳", "卡钳"}}, "套"},
	{"auto.chassis.steering", "转向", [][]string{{"转向机", "转向机", "转向器"}, {"转向拉杆", "转向拉杆", "拉杆"}}, "件"},
	{"auto.chassis.wheel", "轮毂", [][]string{{"铝合金轮毂", "轮毂", "铝合金轮毂", "轮圈"}, {"钢制轮毂", "轮毂", "钢轮毂", "钢圈"}}, "件"},
	{"auto.chassis.suspension", "悬架", [][]string{{"减震器", "减震器", "减振器", "避震器"}, {"螺旋弹簧", "弹簧", "悬架弹簧"}, {"控制臂", "控制臂", "摆臂"}}, "件"},
	{"auto.electrical.harness", "线束", [][]string{{"汽车线束", "线束", "汽车线束", "电线束"}, {"高压线束", "线束", "高压线束"}}, "套"},
	{"auto.electrical.lighting", "车灯", [][]string{{"LED大灯", "大灯", "led大灯", "前照灯"}, {"尾灯", "尾灯", "后组合灯"}}, "套"},
	{"auto.interior.seat", "座椅", [][]string{{"座椅骨架", "座椅骨架", "座椅", "骨架"}, {"座椅面套", "座椅", "面套", "座套"}}, "套"},
	{"auto.interior.trim", "内饰件", [][]string{{"仪表板", "仪表板", "仪表台"}, {"门板", "门板", "门内饰板"}}, "件"},
	{"auto.ev.battery", "动力电池", [][]string{{"磷酸铁锂电芯", "电芯", "磷酸铁锂", "动力电池"}, {"动力电池包", "电池包", "动力电池", "pack"}}, "只"},
	{"auto.ev.motor", "电机", [][]string{{"驱动电机", "驱动电机", "电机", "电动机"}, {"电机控制器", "电机控制器", "mcu控制器"}}, "台"},
	{"auto.ev.bms", "电池管理系统", [][]string{{"BMS", "bms", "电池管理系统"}}, "套"},
	{"auto.body.casting", "铸件", [][]string{{"铝合金压铸件", "压铸件", "铸件", "铝压铸"}, {"灰铁铸件", "灰铁铸件", "铸铁件", "铸件"}}, "件"},
	{"auto.body.stamping", "冲压", [][]string{{"车身冲压件", "冲压件", "钣金件", "冲压"}}, "件"},
	{"auto.body.glass", "玻璃", [][]string{{"前挡风玻璃", "挡风玻璃", "汽车玻璃"}}, "件"},
	{"auto.general.fastener", "紧固件", [][]string{{"螺栓", "螺栓", "紧固件", "螺丝"}, {"螺母", "螺母", "紧固件"}}, "件"},
	{"auto.electronics.sensor", "传感器", [][]string{{"轮速传感器", "轮速传感器", "传感器"}, {"温度传感器", "温度传感器", "传感器"}}, "只"},
	{"elec.ic.mcu", "MCU", [][]string{{"32位MCU", "mcu", "单片机", "微控制器"}}, "片"},
	{"elec.ic.pmic", "电源管理", [][]string{{"电源管理芯片", "电源管理芯片", "pmic", "电源芯片"}}, "片"},
	{"elec.ic.memory", "存储器", [][]string{{"NOR Flash", "nor flash", "闪存", "存储芯片"}, {"DRAM", "dram", "内存颗粒"}}, "片"},
	{"elec.power.igbt", "IGBT", [][]string{{"IGBT模块", "igbt", "igbt模块", "功率模块"}}, "只"},
	{"elec.power.mosfet", "MOSFET", [][]string{{"MOSFET", "mosfet", "场效应管"}}, "只"},
	{"elec.passive.capacitor", "电容", [][]string{{"贴片电容", "mlcc", "贴片电容", "电容"}, {"电解电容", "电解电容", "电容"}}, "只"},
	{"elec.passive.resistor", "电阻", [][]string{{"贴片电阻", "贴片电阻", "电阻"}}, "只"},
	{"elec.passive.inductor", "电感", [][]string{{"功率电感", "功率电感", "电感"}}, "只"},
	{"elec.passive.crystal", "晶振", [][]string{{"无源晶振", "晶振", "无源晶振", "晶体"}}, "只"},
	{"elec.connector.board", "连接器", [][]string{{"板对板连接器", "连接器", "板对板连接器", "接插件"}, {"FPC连接器", "连接器", "fpc连接器"}}, "只"},
	{"elec.connector.wire", "线对板", [][]string{{"线对板连接器", "连接器", "线对板连接器", "端子"}}, "只"},
	{"elec.pcb.multilayer", "多层PCB", [][]string{{"多层线路板", "pcb", "多层板", "线路板", "电路板"}}, "平米"},
	{"elec.pcb.flex", "柔性板", [][]string{{"FPC柔性板", "fpc", "柔性板", "软板"}}, "平米"},
	{"elec.pcb.hdi", "HDI板", [][]string{{"HDI板", "hdi", "hdi板", "高密度板"}}, "平米"},
	{"elec.module.comm", "通讯模组", [][]string{{"4G模组", "4g模组", "通信模组", "通讯模组", "模组"}, {"5G模组", "5g模组", "通信模组", "模组"}}, "只"},
	{"elec.module.wifi", "WiFi模组", [][]string{{"WiFi模组", "wifi模组", "无线模组", "模组"}}, "只"},
	{"elec.display.lcd", "液晶屏", [][]string{{"TFT液晶屏", "液晶屏", "lcd", "tft", "显示屏"}}, "片"},
	{"elec.display.oled", "OLED", [][]string{{"OLED显示屏", "oled", "有机发光屏", "显示屏"}}, "片"},
	{"elec.display.touch", "触摸屏", [][]string{{"电容触摸屏", "触摸屏", "触控屏", "电容屏"}}, "片"},
	{"elec.battery.coin", "纽扣电池", [][]string{{"纽扣电池", "纽扣电池", "电池"}}, "只"},
	{"elec.power.supply", "电源", [][]string{{"开关电源", "开关电源", "电源适配器", "电源"}}, "台"},
}

var benchRegions = []Region{
	{"重庆市", "重庆市", "璧山区"}, {"重庆市", "重庆市", "渝北区"}, {"重庆市", "重庆市", "两江新区"},
	{"重庆市", "重庆市", "永川区"}, {"四川省", "成都市", "龙泉驿区"}, {"四川省", "成都市", "双流区"},
	{"四川省", "绵阳市", "涪城区"}, {"四川省", "宜宾市", "翠屏区"}, {"广东省", "深圳市", ""},
	{"江苏省", "苏州市", "昆山市"}, {"浙江省", "宁波市", "北仑区"}, {"湖北省", "武汉市", "经开区"},
}

var benchCerts = [][]string{nil, {"ISO 9001"}, {"IATF 16949", "ISO 9001"}, {"IATF 16949"}, {"ISO 14001", "ISO 9001"}}

func benchRecord(rng *rand.Rand, i int, side Side, now time.Time) Record {
	leaf := benchCatalog[rng.Intn(len(benchCatalog))]
	p := leaf.products[rng.Intn(len(leaf.products))]
	r := Record{
		ID:           fmt.Sprintf("%c%07d", "DO"[side], i),
		Side:         side,
		EnterpriseID: fmt.Sprintf("ent-%04d", rng.Intn(5000)),
		Verified:     rng.Intn(10) < 3,
		CategoryCode: leaf.code,
		CategoryName: leaf.name,
		Product:      p[0],
		Keywords:     p[1:],
		Region:       benchRegions[rng.Intn(len(benchRegions))],
		LeadTimeDays: -1,
		Status:       StatusOpen,
		ExpiresAt:    now.Add(time.Duration(1+rng.Intn(60)) * 24 * time.Hour),
	}
	r.No = r.ID
	if rng.Intn(20) == 0 { // 5% unknown category
		r.CategoryCode, r.CategoryName = "", ""
	}
	if rng.Intn(3) == 0 {
		r.Spec = []string{"M8x20", "6层 FR4", "0402 100nF", "A356", "IP67", "车规级"}[rng.Intn(6)]
	}
	if side == Demand {
		r.Quantity = &Quantity{Value: float64(100 * (1 + rng.Intn(200))), Unit: leaf.unit}
		if rng.Intn(2) == 0 {
			d := now.Add(time.Duration(5+rng.Intn(90)) * 24 * time.Hour)
			r.Deadline = &d
		}
		if rng.Intn(3) == 0 {
			r.Certifications = benchCerts[2+rng.Intn(2)][:1]
		}
	} else {
		r.Capacity = &Quantity{Value: float64(500 * (1 + rng.Intn(100))), Unit: leaf.unit}
		if rng.Intn(2) == 0 {
			r.MOQ = &Quantity{Value: float64(50 * (1 + rng.Intn(20))), Unit: leaf.unit}
		}
		if rng.Intn(4) != 0 {
			r.LeadTimeDays = 3 + rng.Intn(40)
		}
		r.Certifications = benchCerts[rng.Intn(len(benchCerts))]
	}
	return r
}

func buildBenchEngine(n int, now time.Time) *Engine {
	rng := rand.New(rand.NewSource(20250602))
	e := NewEngine(Options{})
	e.now = func() time.Time { return now }
	for i := 0; i < n; i++ {
		side := Offer
		if rng.Intn(5) < 2 { // 40% demands, 60% offers
			side = Demand
		}
		e.Upsert(benchRecord(rng, i, side, now))
	}
	return e
}

func BenchmarkMatch(b *testing.B) {
	now := testNow
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			e := buildBenchEngine(n, now)
			qrng := rand.New(rand.NewSource(7))
			queries := make([]Record, 64)
			for i := range queries {
				queries[i] = benchRecord(qrng, 9000000+i, Demand, now)
			}
			b.ReportAllocs()
			b.ResetTimer()
			found := 0
			for i := 0; i < b.N; i++ {
				found += len(e.Match(queries[i%len(queries)], now))
			}
			b.ReportMetric(float64(found)/float64(b.N), "results/op")
		})
	}
}

// BenchmarkMatchOffer is the other direction: a new offer against N open records.
func BenchmarkMatchOffer(b *testing.B) {
	now := testNow
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			e := buildBenchEngine(n, now)
			qrng := rand.New(rand.NewSource(8))
			queries := make([]Record, 64)
			for i := range queries {
				queries[i] = benchRecord(qrng, 9000000+i, Offer, now)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.Match(queries[i%len(queries)], now)
			}
		})
	}
}

func TestBenchEngineSanity(t *testing.T) {
	e := buildBenchEngine(2000, testNow)
	if e.Len() != 2000 {
		t.Fatalf("Len=%d", e.Len())
	}
	q := benchRecord(rand.New(rand.NewSource(7)), 1, Demand, testNow)
	rs := e.Match(q, testNow)
	if len(rs) == 0 || len(rs) > DefaultLimit {
		t.Fatalf("%d results", len(rs))
	}
}
