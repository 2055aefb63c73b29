package seed

// The vocabulary of seeded enterprises and records: invented company names
// in the style of the region's registrations, places of both provinces, and
// products each role really deals in.

// Places where the seeded enterprises sit, as users write them.
var (
	sichuanPlaces = []string{"成都龙泉驿", "成都双流", "成都郫都", "成都新都", "成都青白江", "成都温江", "绵阳", "德阳",
		"宜宾", "遂宁", "眉山", "资阳", "内江", "自贡", "泸州", "南充", "广安", "达州"}
	chongqingPlaces = []string{"重庆璧山", "重庆江津", "重庆渝北", "重庆永川", "重庆涪陵", "重庆长寿", "重庆沙坪坝",
		"重庆巴南", "重庆九龙坡", "重庆大足", "重庆綦江", "重庆合川", "重庆铜梁", "重庆荣昌"}
)

// Trade names (字号), two characters each.
var tradeNames = []string{"鑫达", "华瑞", "德力", "恒通", "宏远", "嘉联", "瑞丰", "天成", "蜀通", "巴渝",
	"渝安", "川仪", "锦程", "金诚", "联创", "博远", "众鑫", "宇航", "新锐", "长鸿",
	"天府", "海川", "明泰", "盛邦", "永信", "佳合", "中汇", "凯达", "力拓", "精诚",
	"腾龙", "富源", "聚能", "信达", "广源", "科瑞", "汇丰", "东升", "万里", "弘毅"}

// What the name says the enterprise does, by role.
var lines = map[string][]string{
	roleVehicle:     {"汽车制造", "新能源汽车", "商用车", "专用汽车", "摩托车制造"},
	roleParts:       {"汽车零部件", "精密机械", "汽车配件", "橡塑制品", "模具", "铸造", "汽车电器", "动力科技"},
	roleElectronics: {"电子科技", "微电子", "光电科技", "电路科技", "智能科技", "半导体", "通信技术"},
}

// Contact names of the seeded users.
var (
	surnames   = []string{"张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "罗", "何", "邓"}
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "刚", "平"}
)

// product is a product a role offers or buys, with the unit of its amounts.
type product struct {
	text string // as a user writes it, with its spec
	unit string
	min  int // a typical monthly amount, in unit
}

// Parts makers offer these; vehicle makers buy them.
var autoParts = []product{
	{"铝合金轮毂 18寸", "件", 5000}, {"钢制轮毂", "件", 8000}, {"汽车线束", "套", 3000}, {"高压线束", "套", 1000},
	{"变速箱电磁阀", "件", 5000}, {"刹车片", "套", 10000}, {"制动钳", "件", 3000}, {"减震器", "件", 6000},
	{"座椅骨架", "套", 2000}, {"LED车灯", "套", 2000}, {"前保险杠", "件", 1500}, {"转向节", "件", 4000},
	{"曲轴", "件", 2000}, {"散热器", "件", 3000}, {"橡胶衬套", "件", 20000}, {"冲压件", "件", 50000},
	{"铝压铸件", "件", 10000}, {"螺栓 M8", "件", 100000}, {"轮毂轴承", "套", 8000}, {"油封", "件", 30000},
	{"安全气囊", "件", 2000}, {"驱动电机", "台", 500}, {"电池模组", "套", 300}, {"注塑件", "件", 20000},
	{"车门密封条", "米", 50000}, {"雨刮电机", "件", 5000}, {"空调管", "件", 8000}, {"副车架总成", "件", 1000},
}

// Electronics makers offer these; vehicle and parts makers buy them.
var electronics = []product{
	{"6层PCB", "平米", 20000}, {"4层PCB", "平米", 30000}, {"双面板 PCB", "平米", 50000}, {"HDI板", "平米", 5000},
	{"FPC 柔性板", "平米", 8000}, {"铝基板 PCB", "平米", 10000}, {"PCBA 贴片加工", "片", 100000},
	{"车规MCU", "片", 50000}, {"IGBT模块", "个", 5000}, {"碳化硅功率模块", "个", 2000}, {"高压连接器", "个", 20000},
	{"板对板连接器", "个", 100000}, {"贴片电容", "只", 1000000}, {"功率电感", "只", 200000}, {"晶振", "只", 300000},
	{"液晶模组 10.1寸", "片", 10000}, {"触摸屏", "片", 10000}, {"车载摄像头模组", "个", 20000}, {"毫米波雷达", "台", 3000},
	{"T-Box", "台", 5000}, {"5G模组", "片", 10000}, {"存储芯片 eMMC", "片", 50000}, {"汽车继电器", "只", 100000},
	{"BMS板", "片", 5000}, {"车载充电机", "台", 2000},
}

// Roles as stored on enterprises.
const (
	roleVehicle     = "整车"
	roleParts       = "零部件"
	roleElectronics = "电子信息"
)
