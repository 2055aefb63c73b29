package handlers

import "strings"

// knownCompanies are the short names that the region's vehicle makers,
// suppliers and electronics firms go by. A registrant may give one as
// their company's name (长安汽车), though it reads like a product (汽车)
// or a place; they are accepted as names, not taken as posts.
var knownCompanies = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`
		长安汽车 长安福特 长安马自达 深蓝汽车 阿维塔 赛力斯 小康股份 东风小康 金康新能源 问界
		吉利汽车 比亚迪 一汽大众 一汽丰田 东风神龙 沃尔沃亚太 上汽通用五菱 上汽依维柯红岩 红岩汽车
		庆铃汽车 重庆庆铃 四川现代 现代商用车 川汽野马 一汽解放 中国重汽 陕汽 北汽银翔 力帆汽车
		理想汽车 蔚来汽车 小鹏汽车 长城汽车 奇瑞汽车 广汽集团 上汽集团 东风汽车 宗申动力 隆鑫通用
		京东方 惠普 英业达 广达 仁宝 纬创 富士康 鸿海 华为 中兴 紫光展锐 联想 戴尔 宏碁 华硕
		SK海力士 英特尔 德州仪器 宁德时代 中创新航 亿纬锂能 国轩高科 欣旺达 蜂巢能源
		博世 大陆集团 采埃孚 电装 法雷奥 麦格纳 佛吉亚 延锋 李尔 伟世通 安波福 马勒 舍弗勒
		富临精工 青山工业 秦川机床 建设工业 望江工业 川仪股份 天齐锂业 长虹 九洲电器 京东方光电`) {
		knownCompanies[n] = true
	}
}

// knownCompany reports whether v is a well-known company's short name.
func knownCompany(v string) bool { return knownCompanies[strings.TrimSpace(v)] }
