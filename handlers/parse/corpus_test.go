package parse

import (
	"slices"
	"testing"
	"time"
)

// corpusNow is the fixed "now" of the corpus: Wednesday 2026-11-25 10:00 CST.
var corpusNow = time.Date(2026, 11, 25, 10, 0, 0, 0, CST)

// none asserts that the parser finds nothing for a field.
const none = "-"

// corpusCase lists the fields an utterance really contains; empty strings
// mean "not asserted", none means "must be empty". Quantities are
// "<value><unit>", prices "<min>-<max><unit>", regions
// "<province>/<city>/<district>", deadlines "YYYY-MM-DD" (always 23:59:59
// CST), lead "N" or "N stock".
type corpusCase struct {
	name, text string
	kind       Kind
	product    string
	cat        string
	spec       string
	qty        string
	capacity   string
	moq        string
	price      string
	region     string
	deadline   string
	lead       string
	certs      []string
	mobile     string
}

var corpus = []corpusCase{
	{name: "spec_example_demand", text: "求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货 需IATF16949", kind: KindDemand, product: "变速箱电磁阀", cat: "auto.powertrain.solenoid_valve", qty: "5000件", region: "重庆市/重庆市/璧山区", deadline: "2026-12-31", certs: []string{"IATF 16949"}},
	{name: "spec_example_offer", text: "供应 6层PCB板 月产能2万平米 成都 交期7天 ISO9001", kind: KindOffer, product: "PCB板", cat: "electronics.pcb.multilayer", spec: "6层", capacity: "20000平米", region: "四川省/成都市/", lead: "7", certs: []string{"ISO 9001"}},
	{name: "no_spaces_demand", text: "求购变速箱电磁阀5000件重庆璧山12月底前交货需IATF16949", kind: KindDemand, product: "变速箱电磁阀", cat: "auto.powertrain.solenoid_valve", qty: "5000件", region: "重庆市/重庆市/璧山区", deadline: "2026-12-31", certs: []string{"IATF 16949"}},
	{name: "harness_jiangbei_range_price", text: "采购：汽车线束 2万套，重庆江北区，明年3月15日前，单价30-35元", kind: KindDemand, product: "汽车线束", cat: "auto.electrical.harness", qty: "20000套", price: "30-35元/套", region: "重庆市/重庆市/江北区", deadline: "2027-03-15"},
	{name: "brake_pads_ts16949", text: "需要 刹车片 一万套 要求ISO/TS 16949 交货地 重庆渝北", kind: KindDemand, product: "刹车片", cat: "auto.chassis.brake", qty: "10000套", region: "重庆市/重庆市/渝北区", certs: []string{"IATF 16949"}},
	{name: "hub_bearing_mianyang", text: "急求！！轮毂轴承 两千个 本月底前 绵阳", kind: KindDemand, product: "轮毂轴承", cat: "auto.general.bearing", qty: "2000个", region: "四川省/绵阳市/", deadline: "2026-11-30"},
	{name: "igbt_chengdu_hitech", text: "收 IGBT模块 500个 价格面议 成都高新区", kind: KindDemand, product: "IGBT模块", cat: "electronics.ic.igbt", qty: "500个", region: "四川省/成都市/"},
	{name: "injection_deyang", text: "找一家做注塑件的厂 月用量5万件 四川德阳 需ISO9001", kind: KindDemand, product: "注塑件", cat: "auto.material.injection", qty: "50000件", region: "四川省/德阳市/", certs: []string{"ISO 9001"}},
	{name: "cells_yibin_q1", text: "求购 动力电池电芯 10万只 2027年一季度交货 宜宾", kind: KindDemand, product: "动力电池电芯", cat: "auto.nev.cell", qty: "100000只", region: "四川省/宜宾市/", deadline: "2027-03-31"},
	{name: "mlcc_dongguan_30days", text: "采购 MLCC 0402 100nF 500万只 30天内到货 东莞", kind: KindDemand, product: "MLCC", cat: "electronics.component.capacitor", spec: "0402 100nF", qty: "5000000只", region: "广东省/东莞市/", deadline: "2026-12-25", lead: "30"},
	{name: "wheels_liangjiang_cap_price", text: "需要 铝合金轮毂 3000只 单价不超过500元/只 重庆两江新区", kind: KindDemand, product: "铝合金轮毂", cat: "auto.chassis.wheel", qty: "3000只", price: "0-500元/只", region: "重庆市/重庆市/渝北区"},
	{name: "seat_frame_5k", text: "求 汽车座椅骨架 5k套 下月中旬 重庆九龙坡", kind: KindDemand, product: "汽车座椅骨架", cat: "auto.trim.seat", qty: "5000套", region: "重庆市/重庆市/九龙坡区", deadline: "2026-12-20"},
	{name: "harness_changshou_district", text: "征集 线束供应商，年用量10万套，重庆长寿区，要求IATF 16949", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "100000套", region: "重庆市/重庆市/长寿区", certs: []string{"IATF 16949"}},
	{name: "mcu_aecq100_two_weeks", text: "询价：车规MCU 2000 pcs，AEC-Q100，两周内交货", kind: KindDemand, product: "车规MCU", cat: "electronics.ic.mcu", qty: "2000件", deadline: "2026-12-09", lead: "14", certs: []string{"AEC-Q100"}},
	{name: "connector_emoji", text: "急需🔥🔥 连接器 1.2万只 广安 3月15号前", kind: KindDemand, product: "连接器", cat: "electronics.component.connector", qty: "12000只", region: "四川省/广安市/", deadline: "2027-03-15"},
	{name: "markup_shock_absorber", text: "求购<b>减震器</b> 800套 南充 12月20日前 含税", kind: KindDemand, product: "减震器", cat: "auto.chassis.suspension", qty: "800套", region: "四川省/南充市/", deadline: "2026-12-20"},
	{name: "stamping_tons_iso_date", text: "采购冲压件 10吨 綦江 2027-01-15前交货", kind: KindDemand, product: "冲压件", cat: "auto.material.stamping", qty: "10吨", region: "重庆市/重庆市/綦江区", deadline: "2027-01-15"},
	{name: "die_casting_slash_date", text: "求购压铸件 5000件 2027/1/15 永川", kind: KindDemand, product: "压铸件", cat: "auto.material.casting", qty: "5000件", region: "重庆市/重庆市/永川区", deadline: "2027-01-15"},
	{name: "pcb_4layer_suining", text: "需要PCB板 4层 2000平米 交期15天 遂宁", kind: KindDemand, product: "PCB板", cat: "electronics.pcb.multilayer", spec: "4层", qty: "2000平米", region: "四川省/遂宁市/", lead: "15"},
	{name: "relay_q2_14001", text: "求购继电器 三万五千只 二季度交货 ISO 14001", kind: KindDemand, product: "继电器", cat: "electronics.component.relay", qty: "35000只", deadline: "2027-06-30", certs: []string{"ISO 14001"}},
	{name: "cells_next_month_end", text: "采购 电芯 两万只 下月底 江津", kind: KindDemand, product: "电芯", cat: "auto.nev.cell", qty: "20000只", region: "重庆市/重庆市/江津区", deadline: "2026-12-31"},
	{name: "engine_block_year_end", text: "需要发动机缸体 300件 今年底前 荣昌", kind: KindDemand, product: "发动机缸体", cat: "auto.powertrain.engine", qty: "300件", region: "重庆市/重庆市/荣昌区", deadline: "2026-12-31"},
	{name: "harness_offer_bishan", text: "本厂长期供应汽车线束，月产能50万套，IATF16949认证，重庆璧山，欢迎咨询", kind: KindOffer, product: "汽车线束", cat: "auto.electrical.harness", capacity: "500000套", region: "重庆市/重庆市/璧山区", certs: []string{"IATF 16949"}},
	{name: "wheels_offer_stock_moq", text: "【供应】铝合金轮毂 月供5万只 重庆两江新区 现货 起订量500只 联系王经理13800138000", kind: KindOffer, product: "铝合金轮毂", cat: "auto.chassis.wheel", capacity: "50000只", moq: "500只", region: "重庆市/重庆市/渝北区", lead: "0 stock", mobile: "13800138000"},
	{name: "stamping_offer_moq_bare", text: "专业生产冲压件 MOQ 1000 交期20天 德阳 通过ISO 9001和IATF 16949", kind: KindOffer, product: "冲压件", cat: "auto.material.stamping", moq: "1000", region: "四川省/德阳市/", lead: "20", certs: []string{"IATF 16949", "ISO 9001"}},
	{name: "igbt_single_stock_price", text: "出售 IGBT单管 现货 5000个 单价12.5元 深圳", kind: KindOffer, product: "IGBT单管", cat: "electronics.ic.igbt", qty: "5000个", price: "12.5-12.5元/个", region: "广东省/深圳市/", lead: "0 stock"},
	{name: "injection_monthly_chinese", text: "提供注塑加工 每月五万套 重庆铜梁 16949", kind: KindOffer, product: "注塑", cat: "auto.material.injection", capacity: "50000套", region: "重庆市/重庆市/铜梁区", certs: []string{"IATF 16949"}},
	{name: "machining_range_lead", text: "承接机加工 CNC 月产能3万件 交期10-15天 四川绵阳", kind: KindOffer, product: "机加工", cat: "auto.material.machining", capacity: "30000件", region: "四川省/绵阳市/", lead: "15"},
	{name: "mlcc_offer_per_thousand", text: "供应MLCC贴片电容0603 现货库存100万只 8元/千只 成都武侯区", kind: KindOffer, product: "MLCC贴片电容", cat: "electronics.component.capacitor", spec: "0603", qty: "1000000只", price: "8-8元/千只", region: "四川省/成都市/武侯区", lead: "0 stock"},
	{name: "brake_disc_daily", text: "厂家直销刹车盘 日产2000件 重庆巴南 价格30~35元/件", kind: KindOffer, product: "刹车盘", cat: "auto.chassis.brake", capacity: "60000件", price: "30-35元/件", region: "重庆市/重庆市/巴南区"},
	{name: "camera_module_offer", text: "供货：车载摄像头模组 月产10万 AEC-Q100 重庆永川 3-5天发货", kind: KindOffer, product: "车载摄像头模组", cat: "auto.electrical.camera", capacity: "100000", region: "重庆市/重庆市/永川区", lead: "5", certs: []string{"AEC-Q100"}},
	{name: "stm32_stock_yen", text: "库存充足 STM32F407VGT6 2000片 ￥25/个 深圳", kind: KindOffer, spec: "STM32F407VGT6", qty: "2000片", price: "25-25元/个", region: "广东省/深圳市/", lead: "0 stock"},
	{name: "forging_yearly_capacity", text: "供应锻件 年产能1200吨 江苏常州 ISO14001 ISO45001", kind: KindOffer, product: "锻件", cat: "auto.material.forging", capacity: "100吨", region: "江苏省/常州市/", certs: []string{"ISO 14001", "ISO 45001"}},
	{name: "hdi_workdays_ul", text: "我司可做 4层-12层 HDI板 交期5个工作日 遂宁 UL认证", kind: KindOffer, product: "HDI板", cat: "electronics.pcb.hdi", spec: "4层 12层", region: "四川省/遂宁市/", lead: "5", certs: []string{"UL"}},
	{name: "tyre_size_spec", text: "长期供应 轮胎 205/55R16 月供2万条 山东青岛", kind: KindOffer, product: "轮胎", cat: "auto.chassis.tire", spec: "205/55R16", capacity: "20000条", region: "山东省/青岛市/"},
	{name: "relay_moq_jinniu", text: "有货 继电器 HF115F 1万只 起订100只 成都金牛区", kind: KindOffer, product: "继电器", cat: "electronics.component.relay", spec: "HF115F", qty: "10000只", moq: "100只", region: "四川省/成都市/金牛区"},
	{name: "pmic_agent_2k_moq", text: "代理 TI 电源管理芯片 现货 2k起订 上海", kind: KindOffer, product: "TI电源管理芯片", cat: "electronics.ic.analog", moq: "2000", region: "上海市//", lead: "0 stock"},
	{name: "drive_motor_vda", text: "专业制造 驱动电机 年产30万台 重庆两江新区 IATF16949 VDA6.3", kind: KindOffer, product: "驱动电机", cat: "auto.nev.drive_motor", capacity: "25000台", region: "重庆市/重庆市/渝北区", certs: []string{"IATF 16949", "VDA 6.3"}},
	{name: "oled_inch_spec", text: "供应 OLED屏 6.67寸 月产能100万片 绵阳 交期30天", kind: KindOffer, product: "OLED屏", cat: "electronics.display.oled", spec: "6.67寸", capacity: "1000000片", region: "四川省/绵阳市/", lead: "30"},
	{name: "smt_pidu", text: "承接SMT贴片 PCBA 双面板 成都郫都", kind: KindOffer, product: "SMT贴片", cat: "electronics.pcb.pcba", region: "四川省/成都市/郫都区"},
	{name: "used_gearbox_dazu", text: "出售二手 变速箱 20台 重庆大足区 低价出", kind: KindOffer, product: "二手变速箱", cat: "auto.powertrain.transmission", qty: "20台", region: "重庆市/重庆市/大足区"},
	{name: "fullwidth_iatf", text: "ＩＡＴＦ１６９４９认证的线束厂，求购高压线束１０００套，交货：２０２７年１月１５日", kind: KindDemand, product: "高压线束", cat: "auto.electrical.harness", qty: "1000套", deadline: "2027-01-15", certs: []string{"IATF 16949"}},
	{name: "emoji_punct_fuling", text: "求购😊😊😊转向机，，，，数量：300台！！！重庆涪陵！！！", kind: KindDemand, product: "转向机", cat: "auto.chassis.steering", qty: "300台", region: "重庆市/重庆市/涪陵区"},
	{name: "wiper_motor_tongnan", text: "求购 雨刮电机 3000个 1月15日前 重庆潼南", kind: KindDemand, product: "雨刮电机", cat: "auto.trim.wiper", qty: "3000个", region: "重庆市/重庆市/潼南区", deadline: "2027-01-15"},
	{name: "pcb_double_mid_year", text: "采购 PCB 双面板 5000平米 明年年中 重庆北碚", kind: KindDemand, product: "PCB双面板", cat: "electronics.pcb.single_double", qty: "5000平米", region: "重庆市/重庆市/北碚区", deadline: "2027-06-30"},
	{name: "seat_cover_2027_q2", text: "求购座椅面套 2000套 2027年二季度 重庆合川", kind: KindDemand, product: "座椅面套", cat: "auto.trim.seat", qty: "2000套", region: "重庆市/重庆市/合川区", deadline: "2027-06-30"},
	{name: "inductor_after_next_month", text: "需要 电感 10万只 下下个月 成都新都区", kind: KindDemand, product: "电感", cat: "electronics.component.inductor", qty: "100000只", region: "四川省/成都市/新都区", deadline: "2027-01-31"},
	{name: "sensor_next_friday", text: "求购 传感器 500只 下周五前 成都双流", kind: KindDemand, product: "传感器", cat: "auto.electrical.sensor", qty: "500只", region: "四川省/成都市/双流区", deadline: "2026-12-04"},
	{name: "steel_tomorrow", text: "急 求 钢板 冷轧板 50吨 明天 重庆沙坪坝", kind: KindDemand, product: "钢板", cat: "auto.material.steel", qty: "50吨", region: "重庆市/重庆市/沙坪坝区", deadline: "2026-11-26"},
	{name: "aluminium_ten_days", text: "求购铝型材 20吨 十天内 重庆大渡口", kind: KindDemand, product: "铝型材", cat: "auto.material.aluminum", qty: "20吨", region: "重庆市/重庆市/大渡口区", deadline: "2026-12-05"},
	{name: "crystal_one_month", text: "采购 晶振 10000颗 一个月内 重庆渝中", kind: KindDemand, product: "晶振", cat: "electronics.component.crystal", qty: "10000颗", region: "重庆市/重庆市/渝中区", deadline: "2026-12-25"},
	{name: "antenna_workdays", text: "求 手机天线 两万个 10个工作日内 重庆南岸", kind: KindDemand, product: "手机天线", cat: "electronics.telecom.antenna", qty: "20000个", region: "重庆市/重庆市/南岸区", deadline: "2026-12-09"},
	{name: "touch_15th", text: "求购 触摸屏 5000片 15号前 重庆南川", kind: KindDemand, product: "触摸屏", cat: "electronics.display.touch", qty: "5000片", region: "重庆市/重庆市/南川区", deadline: "2026-12-15"},
	{name: "recycle_batteries", text: "收购废旧动力电池 100吨 长期 四川遂宁", kind: KindDemand, product: "废旧动力电池", cat: "auto.nev.battery_pack", qty: "100吨", region: "四川省/遂宁市/"},
	{name: "lcd_march", text: "需要 液晶屏 7寸 3千片 3月份 成都温江", kind: KindDemand, product: "液晶屏", cat: "electronics.display.lcd", spec: "7寸", qty: "3000片", region: "四川省/成都市/温江区", deadline: "2027-03-31"},
	{name: "buzzer_early_next_month", text: "采购 蜂鸣器 8000只 下月初 重庆黔江", kind: KindDemand, product: "蜂鸣器", cat: "electronics.component.buzzer", qty: "8000只", region: "重庆市/重庆市/黔江区", deadline: "2026-12-10"},
	{name: "fuse_this_week", text: "求购 保险丝 10万只 本周内 重庆万州", kind: KindDemand, product: "保险丝", cat: "electronics.component.fuse", qty: "100000只", region: "重庆市/重庆市/万州区", deadline: "2026-11-29"},
	{name: "rubber_year_end", text: "采购 橡胶件 2万件 年底前 重庆开州", kind: KindDemand, product: "橡胶件", cat: "auto.material.rubber", qty: "20000件", region: "重庆市/重庆市/开州区", deadline: "2026-12-31"},
	{name: "seal_strip_meters", text: "求购 密封条 1万米 2027年3月底 重庆梁平", kind: KindDemand, product: "密封条", cat: "auto.body.sealing_strip", qty: "10000米", region: "重庆市/重庆市/梁平区", deadline: "2027-03-31"},
	{name: "spring_q1", text: "需要 弹簧 50万只 Q1 重庆武隆", kind: KindDemand, product: "弹簧", cat: "auto.general.spring", qty: "500000只", region: "重庆市/重庆市/武隆区", deadline: "2027-03-31"},
	{name: "bolt_spec_chengkou", text: "采购 螺栓 M8*25 10万个 12月10号前 重庆城口县", kind: KindDemand, product: "螺栓", cat: "auto.general.fastener", spec: "M8*25", qty: "100000个", region: "重庆市/重庆市/城口县", deadline: "2026-12-10"},
	{name: "offer_with_need_phrase", text: "有需要变速箱的老板请联系，本厂现货供应，微信同号13912345678", kind: KindOffer, product: "变速箱", cat: "auto.powertrain.transmission", lead: "0 stock", mobile: "13912345678"},
	{name: "supplier_search", text: "找供应商：汽车玻璃升降器 需要5000套", kind: KindDemand, product: "汽车玻璃升降器", cat: "auto.body.closure", qty: "5000套"},
	{name: "connector_supplier_qingbaijiang", text: "我们是做线束的，寻找连接器供应商 年需求量50万只 成都青白江", kind: KindDemand, product: "连接器", cat: "electronics.component.connector", qty: "500000只", region: "四川省/成都市/青白江区"},
	{name: "igbt_where", text: "哪里有IGBT？急要200个，价格不超过300元", kind: KindDemand, product: "IGBT", cat: "electronics.ic.igbt", qty: "200个", price: "0-300元/个"},
	{name: "mos_less_than", text: "谁有MOS管 AO3400 5万个 小于0.1元/个", kind: KindDemand, product: "MOS管", cat: "electronics.ic.power_device", spec: "AO3400", qty: "50000个", price: "0-0.1元/个"},
	{name: "gearbox_within_50", text: "供应变速箱 价格50元以内 重庆渝北", kind: KindOffer, product: "变速箱", cat: "auto.powertrain.transmission", price: "0-50元", region: "重庆市/重庆市/渝北区"},
	{name: "chips_unit_price", text: "采购芯片 单价12.5元 5000片", kind: KindDemand, product: "芯片", cat: "electronics.ic", qty: "5000片", price: "12.5-12.5元/片"},
	{name: "sic_mosfet", text: "收 碳化硅MOSFET 1000只 报价 到 成都", kind: KindDemand, product: "碳化硅MOSFET", cat: "electronics.ic.power_device", qty: "1000只", region: "四川省/成都市/"},
	{name: "resistor_budget", text: "求购：贴片电阻0805 1K 1%  一千万只，预算 2万元", kind: KindDemand, product: "贴片电阻", cat: "electronics.component.resistor", spec: "0805 1K 1%", qty: "10000000只", price: "20000-20000元"},
	{name: "battery_pack_wan_yuan", text: "供应 电池包 PACK 200套 单价1.2万元/套 重庆璧山", kind: KindOffer, product: "电池包", cat: "auto.nev.battery_pack", qty: "200套", price: "12000-12000元/套", region: "重庆市/重庆市/璧山区"},
	{name: "cell_18650", text: "供应 锂电池电芯 18650 现货 月供100万只 四川眉山", kind: KindOffer, product: "锂电池电芯", cat: "auto.nev.cell", spec: "18650", capacity: "1000000只", region: "四川省/眉山市/", lead: "0 stock"},
	{name: "motor_controller", text: "求购 驱动电机控制器 1000台 明年二季度 重庆渝北 需IATF16949 ISO14001", kind: KindDemand, product: "驱动电机控制器", cat: "auto.nev.motor_controller", qty: "1000台", region: "重庆市/重庆市/渝北区", deadline: "2027-06-30", certs: []string{"IATF 16949", "ISO 14001"}},
	{name: "charging_pile_tianfu", text: "求购 充电桩 200台 2027年Q2 成都天府新区", kind: KindDemand, product: "充电桩", cat: "auto.nev.charging_pile", qty: "200台", region: "四川省/成都市/", deadline: "2027-06-30"},
	{name: "bms_two_months", text: "需要 BMS板 500块 两个月内 四川乐山", kind: KindDemand, product: "BMS板", cat: "auto.nev.bms", qty: "500块", region: "四川省/乐山市/", deadline: "2027-01-25"},
	{name: "seat_shizhu", text: "求购 座椅 200套 石柱", kind: KindDemand, product: "座椅", cat: "auto.trim.seat", qty: "200套", region: "重庆市/重庆市/石柱土家族自治县"},
	{name: "lamp_xiushan", text: "求购 车灯 1000套 秀山", kind: KindDemand, product: "车灯", cat: "auto.trim.lamp", qty: "1000套", region: "重庆市/重庆市/秀山土家族苗族自治县"},
	{name: "door_trim_youyang", text: "采购 门板 500件 酉阳", kind: KindDemand, product: "门板", cat: "auto.trim.door_trim", qty: "500件", region: "重庆市/重庆市/酉阳土家族苗族自治县"},
	{name: "dashboard_pengshui", text: "求购 仪表板 300套 彭水", kind: KindDemand, product: "仪表板", cat: "auto.trim.dashboard", qty: "300套", region: "重庆市/重庆市/彭水苗族土家族自治县"},
	{name: "carpet_changshou_offer", text: "供应 汽车地毯 月产3万套 重庆长寿", kind: KindOffer, product: "汽车地毯", cat: "auto.trim.headliner", capacity: "30000套", region: "重庆市/重庆市/长寿区"},
	{name: "long_life_battery", text: "长寿命电池 需要10000只 成都", kind: KindDemand, product: "长寿命电池", cat: "auto.nev.battery_pack", qty: "10000只", region: "四川省/成都市/"},
	{name: "chenghua_false_hit", text: "完成华为订单后有余量，供应手机模组 5万个 成都成华区", kind: KindOffer, product: "手机模组", cat: "electronics.telecom.module", qty: "50000个", region: "四川省/成都市/成华区"},
	{name: "ecu_aba", text: "采购 ECU 2000个 阿坝州", kind: KindDemand, product: "ECU", cat: "auto.electrical.ecu", qty: "2000个", region: "四川省/阿坝藏族羌族自治州/"},
	{name: "filter_liangshan", text: "求购 滤清器 1万只 凉山州", kind: KindDemand, product: "滤清器", cat: "auto.powertrain.filter", qty: "10000只", region: "四川省/凉山彝族自治州/"},
	{name: "reducer_ganzi", text: "求购 减速器 500台 甘孜", kind: KindDemand, product: "减速器", cat: "auto.powertrain.transmission", qty: "500台", region: "四川省/甘孜藏族自治州/"},
	{name: "clutch_panzhihua", text: "需要三万套 离合器片 攀枝花 下月底", kind: KindDemand, product: "离合器片", cat: "auto.powertrain.clutch", qty: "30000套", region: "四川省/攀枝花市/", deadline: "2026-12-31"},
	{name: "stamping_zigong_yearly", text: "求购 车身冲压件 自贡 30万件/年", kind: KindDemand, product: "车身冲压件", cat: "auto.material.stamping", qty: "300000件", region: "四川省/自贡市/"},
	{name: "radar_luzhou", text: "采购 毫米波雷达 5000个 泸州", kind: KindDemand, product: "毫米波雷达", cat: "auto.electrical.radar", qty: "5000个", region: "四川省/泸州市/"},
	{name: "hose_neijiang", text: "求购 胶管 一万条 内江市", kind: KindDemand, product: "胶管", cat: "auto.general.hose", qty: "10000条", region: "四川省/内江市/"},
	{name: "harness_yaan", text: "采购 线束 雅安 8000套", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "8000套", region: "四川省/雅安市/"},
	{name: "tire_bazhong", text: "求购轮胎 2000条 巴中", kind: KindDemand, product: "轮胎", cat: "auto.chassis.tire", qty: "2000条", region: "四川省/巴中市/"},
	{name: "glass_ziyang", text: "采购汽车玻璃 3000套 资阳 明年1月底", kind: KindDemand, product: "汽车玻璃", cat: "auto.body.glass", qty: "3000套", region: "四川省/资阳市/", deadline: "2027-01-31"},
	{name: "mold_dazhou", text: "求购 注塑模具 5套 达州 60天内", kind: KindDemand, product: "注塑模具", cat: "auto.material.mold", qty: "5套", region: "四川省/达州市/", deadline: "2027-01-24"},
	{name: "casting_guangyuan", text: "需要铸件 20吨 广元 下个月", kind: KindDemand, product: "铸件", cat: "auto.material.casting", qty: "20吨", region: "四川省/广元市/", deadline: "2026-12-31"},
	{name: "camera_meishan", text: "求购车载摄像头 1万个 眉山", kind: KindDemand, product: "车载摄像头", cat: "auto.electrical.camera", qty: "10000个", region: "四川省/眉山市/"},
	{name: "forging_dianjiang", text: "采购锻件 50吨 重庆垫江", kind: KindDemand, product: "锻件", cat: "auto.material.forging", qty: "50吨", region: "重庆市/重庆市/垫江县"},
	{name: "exhaust_fengdu", text: "求购排气管 2000根 重庆丰都", kind: KindDemand, product: "排气管", cat: "auto.powertrain.exhaust", qty: "2000根", region: "重庆市/重庆市/丰都县"},
	{name: "turbo_zhongxian", text: "求购涡轮增压器 300台 重庆忠县", kind: KindDemand, product: "涡轮增压器", cat: "auto.powertrain.turbo", qty: "300台", region: "重庆市/重庆市/忠县"},
	{name: "seatbelt_yunyang", text: "采购安全带 1万套 重庆云阳", kind: KindDemand, product: "安全带", cat: "auto.trim.seatbelt", qty: "10000套", region: "重庆市/重庆市/云阳县"},
	{name: "airbag_fengjie", text: "求购安全气囊 5000个 重庆奉节", kind: KindDemand, product: "安全气囊", cat: "auto.trim.airbag", qty: "5000个", region: "重庆市/重庆市/奉节县"},
	{name: "mirror_wushan", text: "采购后视镜 3000个 重庆巫山县", kind: KindDemand, product: "后视镜", cat: "auto.body.mirror", qty: "3000个", region: "重庆市/重庆市/巫山县"},
	{name: "bumper_wuxi", text: "求购保险杠 800件 重庆巫溪", kind: KindDemand, product: "保险杠", cat: "auto.trim.bumper", qty: "800件", region: "重庆市/重庆市/巫溪县"},
	{name: "steering_wheel_nanan", text: "采购方向盘 1000个 重庆南岸区", kind: KindDemand, product: "方向盘", cat: "auto.trim.steering_wheel", qty: "1000个", region: "重庆市/重庆市/南岸区"},
	{name: "axle_hechuan", text: "求购驱动桥 200套 重庆合川区", kind: KindDemand, product: "驱动桥", cat: "auto.chassis.axle", qty: "200套", region: "重庆市/重庆市/合川区"},
	{name: "gear_qijiang", text: "采购齿轮 5万件 綦江区", kind: KindDemand, product: "齿轮", cat: "auto.powertrain.gear", qty: "50000件", region: "重庆市/重庆市/綦江区"},
	{name: "driveshaft_wansheng", text: "需要传动轴 2000根 重庆綦江 含税价不高于80元", kind: KindDemand, product: "传动轴", cat: "auto.powertrain.driveshaft", qty: "2000根", price: "0-80元/根", region: "重庆市/重庆市/綦江区"},
	{name: "cooling_jiangjin", text: "求购散热器 3000个 江津区 12月25日前", kind: KindDemand, product: "散热器", cat: "auto.powertrain.cooling", qty: "3000个", region: "重庆市/重庆市/江津区", deadline: "2026-12-25"},
	{name: "fuel_wanzhou", text: "采购燃油泵 1万个 万州区", kind: KindDemand, product: "燃油泵", cat: "auto.powertrain.fuel", qty: "10000个", region: "重庆市/重庆市/万州区"},
	{name: "subframe_yubei", text: "求购副车架 5000套 渝北区 下月中旬", kind: KindDemand, product: "副车架", cat: "auto.chassis.subframe", qty: "5000套", region: "重庆市/重庆市/渝北区", deadline: "2026-12-20"},
	{name: "suspension_banan", text: "采购控制臂 2万件 巴南区", kind: KindDemand, product: "控制臂", cat: "auto.chassis.suspension", qty: "20000件", region: "重庆市/重庆市/巴南区"},
	{name: "biw_shapingba", text: "需要白车身 50台 沙坪坝区", kind: KindDemand, product: "白车身", cat: "auto.body.biw", qty: "50台", region: "重庆市/重庆市/沙坪坝区"},
	{name: "switch_jiulongpo", text: "采购组合开关 1万个 九龙坡区", kind: KindDemand, product: "组合开关", cat: "auto.electrical.switch", qty: "10000个", region: "重庆市/重庆市/九龙坡区"},
	{name: "micromotor_beibei", text: "求购车窗电机 2万个 北碚区", kind: KindDemand, product: "车窗电机", cat: "auto.electrical.micromotor", qty: "20000个", region: "重庆市/重庆市/北碚区"},
	{name: "infotainment_yuzhong", text: "采购车机 5000套 渝中区", kind: KindDemand, product: "车机", cat: "auto.electrical.infotainment", qty: "5000套", region: "重庆市/重庆市/渝中区"},
	{name: "thermal_dadukou", text: "求购水冷板 3000件 大渡口区", kind: KindDemand, product: "水冷板", cat: "auto.nev.thermal", qty: "3000件", region: "重庆市/重庆市/大渡口区"},
	{name: "obc_jiangbei", text: "采购车载充电机 2000台 江北区", kind: KindDemand, product: "车载充电机", cat: "auto.nev.obc", qty: "2000台", region: "重庆市/重庆市/江北区"},
	{name: "hose_yongchuan", text: "需要空调管 1万根 永川区", kind: KindDemand, product: "空调管", cat: "auto.general.hose", qty: "10000根", region: "重庆市/重庆市/永川区"},
	{name: "spec_word_after_product", text: "供应 汽车线束 高压 成都龙泉驿 月产能5000套", kind: KindOffer, product: "汽车线束", cat: "auto.electrical.harness", spec: "高压", capacity: "5000套", region: "四川省/成都市/龙泉驿区"},
	{name: "spec_words_comma_separated", text: "求购轮毂，铝合金的，18寸，2000套，重庆", kind: KindDemand, product: "轮毂", cat: "auto.chassis.wheel", spec: "18寸 铝合金", qty: "2000套", region: "重庆市/重庆市/"},
	{name: "district_short_form", text: "急求 汽车座椅 三千套 成都龙泉 下个月底前", kind: KindDemand, product: "汽车座椅", cat: "auto.trim.seat", spec: none, qty: "3000套", region: "四川省/成都市/龙泉驿区", deadline: "2026-12-31"},
	{name: "filler_remnant_not_spec", text: "厂家直供 汽车玻璃 前挡 月产能5万片 福耀 重庆两江新区", kind: KindOffer, product: "汽车玻璃", cat: "auto.body.glass", spec: "福耀", capacity: "50000片", region: "重庆市/重庆市/渝北区"},
	{name: "sales_phrase_not_spec", text: "供应 汽车线束 现货 深圳 量大从优", kind: KindOffer, product: "汽车线束", spec: none, region: "广东省/深圳市/", lead: "0 stock"},
	{name: "slash_date_before", text: "求购 LED车灯总成 2,000套 12/31前 自贡", kind: KindDemand, product: "LED车灯总成", cat: "auto.trim.lamp", spec: none, qty: "2000套", region: "四川省/自贡市/", deadline: "2026-12-31"},
	{name: "slash_date_next_year", text: "需要 刹车片 5000套 1/15交货 绵阳", kind: KindDemand, product: "刹车片", qty: "5000套", region: "四川省/绵阳市/", deadline: "2027-01-15"},
	{name: "slash_not_date", text: "供应 轮胎 205/55R16 月供2万条 重庆", kind: KindOffer, product: "轮胎", spec: "205/55R16", capacity: "20000条", deadline: none},
	{name: "bare_iatf_wenzhou", text: "本厂生产 刹车盘 月产能5万只 可定制 浙江温州 IATF认证", kind: KindOffer, product: "刹车盘", cat: "auto.chassis.brake", spec: none, capacity: "50000只", region: "浙江省/温州市/", certs: []string{"IATF 16949"}},
	{name: "county_glued_to_city", text: "供应 锂电池正极材料 磷酸铁锂 月产500吨 遂宁射洪", kind: KindOffer, product: "锂电池正极材料", spec: "磷酸铁锂", capacity: "500吨", region: "四川省/遂宁市/射洪市"},
	{name: "town_glued_to_county", text: "供应 锂电池正极材料 磷酸铁锂 月产500吨 射洪沱牌镇", kind: KindOffer, product: "锂电池正极材料", spec: "磷酸铁锂", capacity: "500吨", region: "四川省/遂宁市/射洪市"},
	{name: "megapixel_spec", text: "求购 车载摄像头模组 200万像素 3万个 12月15日前 重庆", kind: KindDemand, product: "车载摄像头模组", spec: "200万像素", qty: "30000个", region: "重庆市/重庆市/", deadline: "2026-12-15"},
	{name: "question_find_maker", text: "我想找做线束的厂家", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", spec: none},
	{name: "question_where_sold", text: "哪里有卖汽车玻璃的 2000片", kind: KindDemand, product: "汽车玻璃", qty: "2000片"},
	{name: "question_who_has", text: "请问谁有轮毂 2000套 重庆", kind: KindDemand, product: "轮毂", qty: "2000套", region: "重庆市/重庆市/"},
	{name: "fastener_tongliang", text: "求购螺母 M10 50万个 铜梁区", kind: KindDemand, product: "螺母", cat: "auto.general.fastener", spec: "M10", qty: "500000个", region: "重庆市/重庆市/铜梁区"},
	{name: "bearing_rongchang", text: "采购深沟球轴承 6205 1万套 荣昌区", kind: KindDemand, product: "深沟球轴承", cat: "auto.general.bearing", spec: "6205", qty: "10000套", region: "重庆市/重庆市/荣昌区"},
	{name: "lamp_kaizhou", text: "求购LED车灯 2000套 开州区", kind: KindDemand, product: "LED车灯", cat: "auto.trim.lamp", qty: "2000套", region: "重庆市/重庆市/开州区"},
	{name: "fpga_jinjiang", text: "采购FPGA 100片 成都锦江区", kind: KindDemand, product: "FPGA", cat: "electronics.ic.fpga", qty: "100片", region: "四川省/成都市/锦江区"},
	{name: "memory_qingyang", text: "求购DDR4内存颗粒 1万颗 成都青羊区", kind: KindDemand, product: "DDR4内存颗粒", cat: "electronics.ic.memory", qty: "10000颗", region: "四川省/成都市/青羊区"},
	{name: "analog_wuhou", text: "采购 LDO 5万只 成都武侯区", kind: KindDemand, product: "LDO", cat: "electronics.ic.analog", qty: "50000只", region: "四川省/成都市/武侯区"},
	{name: "soc_longquanyi", text: "求购主控芯片 2000片 成都龙泉驿区", kind: KindDemand, product: "主控芯片", cat: "electronics.ic.soc", qty: "2000片", region: "四川省/成都市/龙泉驿区"},
	{name: "rf_wenjiang", text: "采购射频芯片 1万片 成都温江区", kind: KindDemand, product: "射频芯片", cat: "electronics.ic.rf", qty: "10000片", region: "四川省/成都市/温江区"},
	{name: "discrete_shuangliu", text: "求购二极管 100万只 成都双流区", kind: KindDemand, product: "二极管", cat: "electronics.ic.discrete", qty: "1000000只", region: "四川省/成都市/双流区"},
	{name: "packaging_xinjin", text: "寻找芯片封测厂 月用量100万颗 成都新津", kind: KindDemand, product: "芯片封测", cat: "electronics.ic.packaging", qty: "1000000颗", region: "四川省/成都市/新津区"},
	{name: "inductor_jianyang", text: "采购功率电感 20万只 简阳市", kind: KindDemand, product: "功率电感", cat: "electronics.component.inductor", qty: "200000只", region: "四川省/成都市/简阳市"},
	{name: "transformer_dujiangyan", text: "求购变压器 500台 都江堰", kind: KindDemand, product: "变压器", cat: "electronics.component.transformer", qty: "500台", region: "四川省/成都市/都江堰市"},
	{name: "led_pengzhou", text: "采购LED灯珠 500万颗 彭州市", kind: KindDemand, product: "LED灯珠", cat: "electronics.component.led", qty: "5000000颗", region: "四川省/成都市/彭州市"},
	{name: "crystal_qionglai", text: "求购晶振 2万只 邛崃", kind: KindDemand, product: "晶振", cat: "electronics.component.crystal", qty: "20000只", region: "四川省/成都市/邛崃市"},
	{name: "ccl_chongzhou", text: "采购覆铜板 1000张 崇州市", kind: KindDemand, product: "覆铜板", cat: "electronics.pcb.ccl", qty: "1000张", region: "四川省/成都市/崇州市"},
	{name: "flex_jintang", text: "求购FPC柔性板 5000片 金堂县", kind: KindDemand, product: "FPC柔性板", cat: "electronics.pcb.flex", qty: "5000片", region: "四川省/成都市/金堂县"},
	{name: "rigid_flex_dayi", text: "采购软硬结合板 2000片 大邑县", kind: KindDemand, product: "软硬结合板", cat: "electronics.pcb.rigid_flex", qty: "2000片", region: "四川省/成都市/大邑县"},
	{name: "aluminum_pcb_pujiang", text: "求购铝基板 3000平米 蒲江县", kind: KindDemand, product: "铝基板", cat: "electronics.pcb.metal_core", qty: "3000平米", region: "四川省/成都市/蒲江县"},
	{name: "phone_tianfu", text: "采购手机 500台 天府新区", kind: KindDemand, product: "手机", cat: "electronics.telecom.phone", qty: "500台", region: "四川省/成都市/"},
	{name: "router_guangdong", text: "求购路由器 1000台 广东", kind: KindDemand, product: "路由器", cat: "electronics.telecom.router", qty: "1000台", region: "广东省//"},
	{name: "tbox_beijing", text: "采购T-Box 2万套 北京", kind: KindDemand, product: "T-Box", cat: "electronics.telecom.tbox", qty: "20000套", region: "北京市//"},
	{name: "charger_zhejiang", text: "求购充电器 5万个 浙江省", kind: KindDemand, product: "充电器", cat: "electronics.telecom.charger", qty: "50000个", region: "浙江省//"},
	{name: "optical_module_hubei", text: "采购光模块 1万只 湖北武汉", kind: KindDemand, product: "光模块", cat: "electronics.telecom.optical_module", qty: "10000只", region: "湖北省/武汉市/"},
	{name: "backlight_jiangsu", text: "求购背光模组 10万片 江苏苏州", kind: KindDemand, product: "背光模组", cat: "electronics.display.backlight", qty: "100000片", region: "江苏省/苏州市/"},
	{name: "cover_glass_hunan", text: "采购盖板玻璃 20万片 湖南", kind: KindDemand, product: "盖板玻璃", cat: "electronics.display.cover_glass", qty: "200000片", region: "湖南省//"},
	{name: "polarizer_anhui", text: "求购偏光片 5万片 安徽合肥", kind: KindDemand, product: "偏光片", cat: "electronics.display.polarizer", qty: "50000片", region: "安徽省/合肥市/"},
	{name: "oled_shaanxi", text: "采购OLED 1万片 陕西西安", kind: KindDemand, product: "OLED", cat: "electronics.display.oled", qty: "10000片", region: "陕西省/西安市/"},
	{name: "touch_guizhou", text: "求购触控屏 3000片 贵州贵阳", kind: KindDemand, product: "触控屏", cat: "electronics.display.touch", qty: "3000片", region: "贵州省/贵阳市/"},
	{name: "price_each_before", text: "求购 电阻 每件0.01元 100万只 重庆", kind: KindDemand, product: "电阻", cat: "electronics.component.resistor", qty: "1000000只", price: "0.01-0.01元/件", region: "重庆市/重庆市/"},
	{name: "price_kuai_per", text: "要 充电器 30块一个 两千个 成都", kind: KindDemand, product: "充电器", cat: "electronics.telecom.charger", qty: "2000个", price: "30-30元/个", region: "四川省/成都市/"},
	{name: "price_min_above", text: "供应 铝材 20元/kg以上 月供500吨 重庆九龙坡", kind: KindOffer, product: "铝材", cat: "auto.material.aluminum", capacity: "500吨", price: "20-0元/kg", region: "重庆市/重庆市/九龙坡区"},
	{name: "price_around", text: "采购 铜排 单价80元左右 5吨 成都", kind: KindDemand, product: "铜排", cat: "auto.material.copper", qty: "5吨", price: "80-80元/吨", region: "四川省/成都市/"},
	{name: "price_tilde_fullwidth", text: "供应 钢材 ４２００～４５００元/吨 月供１万吨 四川达州", kind: KindOffer, product: "钢材", cat: "auto.material.steel", capacity: "10000吨", price: "4200-4500元/吨", region: "四川省/达州市/"},
	{name: "qty_5qian", text: "采购线束 5千件 重庆", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "5000件", region: "重庆市/重庆市/"},
	{name: "qty_yiwan_tao", text: "求购 座椅 一万套 成都", kind: KindDemand, product: "座椅", cat: "auto.trim.seat", qty: "10000套", region: "四川省/成都市/"},
	{name: "qty_pcs_space", text: "求购 MCU 2000 pcs 深圳", kind: KindDemand, product: "MCU", cat: "electronics.ic.mcu", qty: "2000件", region: "广东省/深圳市/"},
	{name: "qty_liangqian", text: "需要 传感器 两千个 绵阳", kind: KindDemand, product: "传感器", cat: "auto.electrical.sensor", qty: "2000个", region: "四川省/绵阳市/"},
	{name: "qty_cn_compound", text: "求购 连接器 三万五千件 德阳", kind: KindDemand, product: "连接器", cat: "electronics.component.connector", qty: "35000件", region: "四川省/德阳市/"},
	{name: "qty_colloquial_yiwaner", text: "求购 继电器 一万二 只 成都", kind: KindDemand, product: "继电器", cat: "electronics.component.relay", qty: "12000只", region: "四川省/成都市/"},
	{name: "qty_label_no_unit", text: "采购 PCBA 数量：3000 成都", kind: KindDemand, product: "PCBA", cat: "electronics.pcb.pcba", qty: "3000", region: "四川省/成都市/"},
	{name: "moq_suffix", text: "供应 连接器 1000只起订 交期7天 东莞", kind: KindOffer, product: "连接器", cat: "electronics.component.connector", moq: "1000只", region: "广东省/东莞市/", lead: "7"},
	{name: "moq_min_order", text: "供应 线束 最小起订量200套 重庆璧山", kind: KindOffer, product: "线束", cat: "auto.electrical.harness", moq: "200套", region: "重庆市/重庆市/璧山区"},
	{name: "moq_pcs", text: "出售 MOS管 MOQ:3000pcs 现货", kind: KindOffer, product: "MOS管", cat: "electronics.ic.power_device", moq: "3000件", lead: "0 stock"},
	{name: "capacity_yuegong", text: "供应 轮毂 月供50万只 重庆", kind: KindOffer, product: "轮毂", cat: "auto.chassis.wheel", capacity: "500000只", region: "重庆市/重庆市/"},
	{name: "capacity_slash", text: "供应 冲压件 2万件/月 重庆璧山", kind: KindOffer, product: "冲压件", cat: "auto.material.stamping", capacity: "20000件", region: "重庆市/重庆市/璧山区"},
	{name: "capacity_chinese", text: "供应 继电器 每月五万只 成都", kind: KindOffer, product: "继电器", cat: "electronics.component.relay", capacity: "50000只", region: "四川省/成都市/"},
	{name: "date_next_month_mid", text: "求购 刹车片 2000套 下月中旬交货 重庆", kind: KindDemand, product: "刹车片", cat: "auto.chassis.brake", qty: "2000套", region: "重庆市/重庆市/", deadline: "2026-12-20"},
	{name: "date_this_month_end", text: "求购 轴承 500套 本月底 成都", kind: KindDemand, product: "轴承", cat: "auto.general.bearing", qty: "500套", region: "四川省/成都市/", deadline: "2026-11-30"},
	{name: "date_ym_cn", text: "求购 钢材 100吨 2027年1月15日 重庆", kind: KindDemand, product: "钢材", cat: "auto.material.steel", qty: "100吨", region: "重庆市/重庆市/", deadline: "2027-01-15"},
	{name: "date_month_past_rolls", text: "需要 螺栓 1万个 3月15日前 重庆", kind: KindDemand, product: "螺栓", cat: "auto.general.fastener", qty: "10000个", region: "重庆市/重庆市/", deadline: "2027-03-15"},
	{name: "date_dot", text: "采购 电容 1万只 2027.2.28前 成都", kind: KindDemand, product: "电容", cat: "electronics.component.capacitor", qty: "10000只", region: "四川省/成都市/", deadline: "2027-02-28"},
	{name: "date_jan15", text: "求购 电感 5000只 1月15日前 宜宾", kind: KindDemand, product: "电感", cat: "electronics.component.inductor", qty: "5000只", region: "四川省/宜宾市/", deadline: "2027-01-15"},
	{name: "date_year_end_plain", text: "采购 线束 2000套 年底前 重庆", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "2000套", region: "重庆市/重庆市/", deadline: "2026-12-31"},
	{name: "date_within_weeks", text: "求购 MCU 1000片 三周内 成都", kind: KindDemand, product: "MCU", cat: "electronics.ic.mcu", qty: "1000片", region: "四川省/成都市/", deadline: "2026-12-16"},
	{name: "date_day_after_tomorrow", text: "急需 保险丝 1000只 后天 重庆", kind: KindDemand, product: "保险丝", cat: "electronics.component.fuse", qty: "1000只", region: "重庆市/重庆市/", deadline: "2026-11-27"},
	{name: "markup_entity", text: "<p>求购&nbsp;<b>线束</b>&nbsp;5000套</p> 重庆", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "5000套", region: "重庆市/重庆市/"},
	{name: "emoji_only_offer", text: "✅✅供应⭐⭐连接器💯现货🚀月产能100万只", kind: KindOffer, product: "连接器", cat: "electronics.component.connector", capacity: "1000000只", lead: "0 stock"},
	{name: "fullwidth_numbers", text: "求购ＰＣＢ\u3000５０００平米\u3000交期１０天\u3000成都", kind: KindDemand, product: "PCB", cat: "electronics.pcb", qty: "5000平米", region: "四川省/成都市/", lead: "10"},
	{name: "spaced_cert_lower", text: "供应 线束 iatf 16949 iso9001 重庆", kind: KindOffer, product: "线束", cat: "auto.electrical.harness", region: "重庆市/重庆市/", certs: []string{"IATF 16949", "ISO 9001"}},
	{name: "kind_unknown", text: "变速箱 500台", kind: KindUnknown, product: "变速箱", cat: "auto.powertrain.transmission", qty: "500台"},
	{name: "kind_weak_demand", text: "要 变速箱 500台 重庆", kind: KindDemand, product: "变速箱", cat: "auto.powertrain.transmission", qty: "500台", region: "重庆市/重庆市/"},
	{name: "kind_weak_offer", text: "本厂 冲压件 月产能10万件 重庆", kind: KindOffer, product: "冲压件", cat: "auto.material.stamping", capacity: "100000件", region: "重庆市/重庆市/"},
	{name: "kind_supplier_word", text: "找线束供应商 重庆", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", region: "重庆市/重庆市/"},
	{name: "contact_landline", text: "供应 轴承 现货 电话 023-68881234 重庆", kind: KindOffer, product: "轴承", cat: "auto.general.bearing", region: "重庆市/重庆市/", lead: "0 stock"},
	{name: "contact_plus86", text: "求购 线束 1000套 联系+86 139 1234 5678", kind: KindDemand, product: "线束", cat: "auto.electrical.harness", qty: "1000套", mobile: "13912345678"},
	{name: "ohsas", text: "供应 钢材 OHSAS18001 ISO 45001 重庆", kind: KindOffer, product: "钢材", cat: "auto.material.steel", region: "重庆市/重庆市/", certs: []string{"ISO 45001", "OHSAS 18001"}},
	{name: "aec_q200", text: "求购 电容 AEC-Q200 10万只", kind: KindDemand, product: "电容", cat: "electronics.component.capacitor", qty: "100000只", certs: []string{"AEC-Q200"}},
	{name: "rohs_reach", text: "供应 连接器 RoHS REACH 现货", kind: KindOffer, product: "连接器", cat: "electronics.component.connector", lead: "0 stock", certs: []string{"RoHS", "REACH"}},
	{name: "ccc", text: "求购 车灯 3C认证 1000套", kind: KindDemand, product: "车灯", cat: "auto.trim.lamp", qty: "1000套", certs: []string{"CCC"}},
	{name: "kind_offer_first", text: "供应变速箱，需要的联系", kind: KindOffer, product: "变速箱", cat: "auto.powertrain.transmission"},
	{name: "kind_demand_buy_stock", text: "需要现货 IGBT 200个", kind: KindDemand, product: "IGBT", cat: "electronics.ic.igbt", qty: "200个", lead: "0 stock"},
	{name: "hidden_jiangbei_word", text: "求购 长江北岸仓库用 叉车电池 100只 重庆", kind: KindDemand, product: "叉车电池", cat: "auto.nev.battery_pack", qty: "100只", region: "重庆市/重庆市/"},
}

func TestCorpus(t *testing.T) {
	p := mustParser(t)
	if len(corpus) < 150 {
		t.Fatalf("corpus has %d cases, want >= 150", len(corpus))
	}
	seen := map[string]bool{}
	for _, c := range corpus {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			post := p.Parse(c.text, corpusNow)
			check := func(field, want, got string) {
				t.Helper()
				if want == none {
					want = ""
				} else if want == "" {
					return
				}
				if want != got {
					t.Errorf("%s = %q, want %q\n  text: %s", field, got, want, c.text)
				}
			}
			if post.Kind != c.kind {
				t.Errorf("kind = %v, want %v\n  text: %s", post.Kind, c.kind, c.text)
			}
			check("product", c.product, post.Product)
			cat := ""
			if post.Category != nil {
				cat = post.Category.Code
			}
			check("category", c.cat, cat)
			check("spec", c.spec, post.Spec)
			check("quantity", c.qty, fmtQty(post.Quantity))
			check("capacity", c.capacity, fmtQty(post.Capacity))
			check("moq", c.moq, fmtQty(post.MOQ))
			check("price", c.price, fmtPrice(post.Price))
			check("region", c.region, fmtRegion(post.Region))
			dl := ""
			if post.Deadline != nil {
				dl = post.Deadline.Format("2006-01-02")
				if post.Deadline.Format("15:04:05 -0700") != "23:59:59 +0800" {
					t.Errorf("deadline %v is not the end of a China day", post.Deadline)
				}
			}
			check("deadline", c.deadline, dl)
			check("lead", c.lead, fmtLead(post))
			check("mobile", c.mobile, post.Mobile)
			if c.certs != nil {
				got := slices.Sorted(slices.Values(post.Certifications))
				want := slices.Sorted(slices.Values(c.certs))
				if !slices.Equal(got, want) {
					t.Errorf("certifications = %v, want %v", got, want)
				}
			}
			if len(post.Keywords) == 0 && post.Product != "" {
				t.Errorf("no keywords for product %q", post.Product)
			}
		})
	}
}

func mustParser(tb testing.TB) *Parser {
	tb.Helper()
	p, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
