package match

import (
	"fmt"
	"sync/atomic"
	"time"
)

// testNow is the fixed clock of all tests.
var testNow = time.Date(2025, 6, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type opt func(*Record)

var (
	rgBishan    = Region{"重庆市", "重庆市", "璧山区"}
	rgYubei     = Region{"重庆市", "重庆市", "渝北区"}
	rgLongquan  = Region{"四川省", "成都市", "龙泉驿区"}
	rgMianyang  = Region{"四川省", "绵阳市", "涪城区"}
	rgShenzhen  = Region{"广东省", "深圳市", ""}
	rgGuangzhou = Region{"广东省", "广州市", "番禺区"}
	rgHarbin    = Region{"黑龙江省", "哈尔滨市", "南岗区"}
	rgSuzhou    = Region{"江苏省", "苏州市", "昆山市"}
)

var idSeq atomic.Int64

func rec(side Side, ent, code, name, product string, kws []string, opts ...opt) Record {
	n := idSeq.Add(1)
	prefix := "D"
	if side == Offer {
		prefix = "O"
	}
	r := Record{
		ID:           fmt.Sprintf("%s-%04d", prefix, n),
		No:           fmt.Sprintf("%s%d", prefix, 1000+n),
		Side:         side,
		EnterpriseID: ent,
		CategoryCode: code,
		CategoryName: name,
		Product:      product,
		Keywords:     kws,
		LeadTimeDays: -1,
		Status:       StatusOpen,
		ExpiresAt:    testNow.Add(30 * 24 * time.Hour),
	}
	if side == Demand {
		r.Region = rgBishan
	} else {
		r.Region = rgLongquan
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func dem(code, name, product string, kws []string, opts ...opt) Record {
	return rec(Demand, "ent-buyer", code, name, product, kws, opts...)
}

func off(code, name, product string, kws []string, opts ...opt) Record {
	return rec(Offer, "ent-supplier", code, name, product, kws, opts...)
}

func ws(w ...string) []string { return w }

func withID(id string) opt  { return func(r *Record) { r.ID = id } }
func ent(id string) opt     { return func(r *Record) { r.EnterpriseID = id } }
func region(g Region) opt   { return func(r *Record) { r.Region = g } }
func verified() opt         { return func(r *Record) { r.Verified = true } }
func spec(s string) opt     { return func(r *Record) { r.Spec = s } }
func certs(c ...string) opt { return func(r *Record) { r.Certifications = c } }
func status(s string) opt   { return func(r *Record) { r.Status = s } }
func lead(days int) opt     { return func(r *Record) { r.LeadTimeDays = days } }
func qty(v float64, u string) opt {
	return func(r *Record) { r.Quantity = &Quantity{Value: v, Unit: u} }
}
func capac(v float64, u string) opt {
	return func(r *Record) { r.Capacity = &Quantity{Value: v, Unit: u} }
}
func moq(v float64, u string) opt   { return func(r *Record) { r.MOQ = &Quantity{Value: v, Unit: u} } }
func expiresIn(d time.Duration) opt { return func(r *Record) { r.ExpiresAt = testNow.Add(d) } }
func deadlineIn(days int) opt {
	return func(r *Record) {
		t := testNow.Add(time.Duration(days) * 24 * time.Hour)
		r.Deadline = &t
	}
}

// Common keyword sets, expanded with synonyms as the caller would.
var (
	kwGearboxValve = ws("变速箱", "变速器", "电磁阀")
	kwBrakePad     = ws("刹车片", "制动片", "摩擦片")
	kwWheel        = ws("轮毂", "铝合金轮毂", "轮圈")
	kwHarness      = ws("线束", "汽车线束", "电线束")
	kwMotor        = ws("驱动电机", "电机", "电动机")
	kwCell         = ws("电芯", "磷酸铁锂", "动力电池", "锂电池")
	kwStamping     = ws("冲压件", "钣金件", "冲压")
	kwCasting      = ws("压铸件", "铸件", "铝压铸")
	kwMCU          = ws("mcu", "单片机", "微控制器")
	kwIGBT         = ws("igbt", "igbt模块", "功率模块")
	kwMLCC         = ws("mlcc", "贴片电容", "多层陶瓷电容", "电容")
	kwPCB          = ws("pcb", "多层板", "线路板", "电路板")
	kwFPC          = ws("fpc", "柔性板", "软板")
	kwModule       = ws("通讯模组", "通信模组", "4g模组", "模组")
	kwLCD          = ws("液晶屏", "lcd", "显示屏", "液晶显示屏")
	kwSeatFrame    = ws("座椅骨架", "座椅", "骨架")
	kwConnector    = ws("连接器", "接插件")
)

const (
	catTrans     = "auto.powertrain.transmission"
	catBrake     = "auto.chassis.brake"
	catSteering  = "auto.chassis.steering"
	catWheel     = "auto.chassis.wheel"
	catTire      = "auto.chassis.tire"
	catSusp      = "auto.chassis.suspension"
	catHarness   = "auto.electrical.harness"
	catSeat      = "auto.interior.seat"
	catBattery   = "auto.ev.battery"
	catBMS       = "auto.ev.bms"
	catMotor     = "auto.ev.motor"
	catCasting   = "auto.body.casting"
	catStamping  = "auto.body.stamping"
	catGlass     = "auto.body.glass"
	catFastener  = "auto.general.fastener"
	catECU       = "auto.electronics.ecu"
	catMCU       = "elec.ic.mcu"
	catPMIC      = "elec.ic.pmic"
	catIGBT      = "elec.power.igbt"
	catMOSFET    = "elec.power.mosfet"
	catCapacitor = "elec.passive.capacitor"
	catResistor  = "elec.passive.resistor"
	catCrystal   = "elec.passive.crystal"
	catInductor  = "elec.passive.inductor"
	catConnector = "elec.connector.board"
	catPCB       = "elec.pcb.multilayer"
	catFlex      = "elec.pcb.flex"
	catComm      = "elec.module.comm"
	catLCD       = "elec.display.lcd"
	catOLED      = "elec.display.oled"
	catCoinCell  = "elec.battery.coin"
)
