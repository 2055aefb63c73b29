package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseQuantity(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" = not found
	}{
		{"5000件", "5000件"},
		{"5千件", "5000件"},
		{"一万套", "10000套"},
		{"1.2万只", "12000只"},
		{"2000 pcs", "2000件"},
		{"2000PCS", "2000件"},
		{"10吨", "10吨"},
		{"两千个", "2000个"},
		{"三万五千件", "35000件"},
		{"5k件", "5000件"},
		{"5K套", "5000套"},
		{"2w只", "20000只"},
		{"十件", "10件"},
		{"一万二只", "12000只"},
		{"三千五百米", "3500米"},
		{"500公斤", "500kg"},
		{"20kg", "20kg"},
		{"2000平方米", "2000平米"},
		{"100㎡", "100平米"},
		{"50 sets", "50套"},
		{"一百零五台", "105台"},
		{"二十辆", "20辆"},
		{"数量：300", "300"},
		{"数量 1,000", "1000"},
		{"12,500件", "12500件"},
		{"6层", ""},
		{"M8", ""},
		{"5mm", ""},
		{"12个月", ""},
		{"万向节", ""},
		{"千斤顶", ""},
		{"", ""},
	}
	for _, c := range cases {
		q, ok := ParseQuantity(c.in)
		got := ""
		if ok {
			got = fmtQty(&q)
		}
		if got != c.want {
			t.Errorf("ParseQuantity(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseCapacityAndMOQ(t *testing.T) {
	caps := map[string]string{
		"月产能2万件":      "20000件",
		"每月五万套":       "50000套",
		"月供50万只":      "500000只",
		"月产能：3万片":     "30000片",
		"2万件/月":       "20000件",
		"年产能120万套":    "100000套",
		"日产2000件":     "60000件",
		"产能每月10万只":    "100000只",
		"求购变速箱 5000件": "",
	}
	for in, want := range caps {
		q, ok := ParseCapacity(in)
		got := ""
		if ok {
			got = fmtQty(&q)
		}
		if got != want {
			t.Errorf("ParseCapacity(%q) = %q, want %q", in, got, want)
		}
	}
	moqs := map[string]string{
		"起订量500件":     "500件",
		"MOQ 1000":    "1000",
		"MOQ:3000pcs": "3000件",
		"最小起订量200套":   "200套",
		"500只起订":      "500只",
		"1000件起":      "1000件",
		"12月起":        "",
	}
	for in, want := range moqs {
		q, ok := ParseMOQ(in)
		got := ""
		if ok {
			got = fmtQty(&q)
		}
		if got != want {
			t.Errorf("ParseMOQ(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	cases := map[string]float64{
		"5000": 5000, "12.5": 12.5, "5千": 5000, "5k": 5000, "1.2万": 12000, "三万五千": 35000,
		"两千": 2000, "一万二": 12000, "三千五": 3500, "十五": 15, "二十": 20, "一百零五": 105,
		"二〇二七": 2027, "一点五万": 15000, "3万5千": 35000, "2亿": 2e8, "十万": 100000,
	}
	for in, want := range cases {
		got, ok := parseNumber(in)
		if !ok || got != want {
			t.Errorf("parseNumber(%q) = %v,%v want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "万", "千", "abc", "5x", "点"} {
		if v, ok := parseNumber(in); ok {
			t.Errorf("parseNumber(%q) = %v, want failure", in, v)
		}
	}
}

func TestParsePrice(t *testing.T) {
	cases := []struct{ in, want string }{
		{"单价30-35元", "30-35元"},
		{"30~35元/件", "30-35元/件"},
		{"30～35元/件", "30-35元/件"},
		{"不超过50元/件", "0-50元/件"},
		{"50元以内", "0-50元"},
		{"50元以下", "0-50元"},
		{"单价12.5元", "12.5-12.5元"},
		{"单价 12.5", "12.5-12.5元"},
		{"¥8.8/个", "8.8-8.8元/个"},
		{"￥25", "25-25元"},
		{"30块一个", "30-30元/个"},
		{"30块钱", "30-30元"},
		{"5000块", ""},
		{"预算2万元", "20000-20000元"},
		{"1.2万元/套", "12000-12000元/套"},
		{"20元/kg以上", "20-0元/kg"},
		{"最低10元", "10-0元"},
		{"每件0.5元", "0.5-0.5元/件"},
		{"8元/千只", "8-8元/千只"},
		{"4200到4500元/吨", "4200-4500元/吨"},
		{"35-30元", "30-35元"},
		{"价格面议", ""},
		{"5000件", ""},
	}
	for _, c := range cases {
		p, ok := ParsePrice(c.in)
		got := ""
		if ok {
			got = fmtPrice(&p)
		}
		if got != c.want {
			t.Errorf("ParsePrice(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	now := corpusNow // Wed 2026-11-25 10:00 CST
	cases := []struct{ in, want string }{
		{"12月底前", "2026-12-31"},
		{"12月底", "2026-12-31"},
		{"明年3月15日前", "2027-03-15"},
		{"下月中旬", "2026-12-20"},
		{"下个月中旬", "2026-12-20"},
		{"下月初", "2026-12-10"},
		{"下月底", "2026-12-31"},
		{"本月底", "2026-11-30"},
		{"月底前", "2026-11-30"},
		{"2027年一季度", "2027-03-31"},
		{"2027年第三季度末", "2027-09-30"},
		{"二季度", "2027-06-30"}, // Q2 2026 is past
		{"四季度", "2026-12-31"},
		{"明年Q1", "2027-03-31"},
		{"30天内", "2026-12-25"},
		{"两周内", "2026-12-09"},
		{"一个月内", "2026-12-25"},
		{"10个工作日内", "2026-12-09"},
		{"3月15号", "2027-03-15"},
		{"3月15日前", "2027-03-15"}, // March is past in November: next March
		{"11月20日", "2027-11-20"}, // five days ago: next year
		{"11月30日", "2026-11-30"},
		{"2027-01-15", "2027-01-15"},
		{"2027/1/15", "2027-01-15"},
		{"2027.1.15", "2027-01-15"},
		{"2027年1月15日", "2027-01-15"},
		{"二〇二七年一月十五日", "2027-01-15"},
		{"1月15日前", "2027-01-15"},
		{"年底前", "2026-12-31"},
		{"明年年底", "2027-12-31"},
		{"明年年中", "2027-06-30"},
		{"下半年", "2026-12-31"},
		{"3月份", "2027-03-31"},
		{"3月前", "2027-02-28"},
		{"明年3月底", "2027-03-31"},
		{"明天", "2026-11-26"},
		{"后天", "2026-11-27"},
		{"本周内", "2026-11-29"},
		{"下周五前", "2026-12-04"},
		{"15号前", "2026-12-15"},
		{"30号前", "2026-11-30"},
		{"2027-02-30", ""},
		{"3个月", ""},
		{"春节前", "2027-02-05"}, // issue 12: the coming Spring Festival (2027-02-06)
		{"过年前交货", "2027-02-05"},
		{"国庆前", "2027-09-30"}, // this year's is past: next year's
		{"元旦前", "2026-12-31"},
		{"春节前后", ""}, // around the holiday, no deadline
		{"月产能2万件", ""},
	}
	for _, c := range cases {
		d, ok := ParseDate(c.in, now)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
			if d.Hour() != 23 || d.Minute() != 59 || d.Location() != CST {
				t.Errorf("ParseDate(%q) = %v, want end of day CST", c.in, d)
			}
		}
		if got != c.want {
			t.Errorf("ParseDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// now given in UTC late evening is already the next day in China
	utc := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 2026-12-01 01:00 CST
	if d, _ := ParseDate("本月底", utc); d.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("本月底 at %v = %v, want 2026-12-31", utc, d)
	}
}

var chongqing38 = []string{
	"渝中区", "江北区", "南岸区", "九龙坡区", "沙坪坝区", "大渡口区", "北碚区", "渝北区", "巴南区", "万州区",
	"涪陵区", "黔江区", "长寿区", "江津区", "合川区", "永川区", "南川区", "綦江区", "大足区", "璧山区",
	"铜梁区", "潼南区", "荣昌区", "开州区", "梁平区", "武隆区",
	"城口县", "丰都县", "垫江县", "忠县", "云阳县", "奉节县", "巫山县", "巫溪县",
	"石柱土家族自治县", "秀山土家族苗族自治县", "酉阳土家族苗族自治县", "彭水苗族土家族自治县",
}

var sichuan21 = []string{
	"成都市", "自贡市", "攀枝花市", "泸州市", "德阳市", "绵阳市", "广元市", "遂宁市", "内江市", "乐山市",
	"南充市", "眉山市", "宜宾市", "广安市", "达州市", "雅安市", "巴中市", "资阳市",
	"阿坝藏族羌族自治州", "甘孜藏族自治州", "凉山彝族自治州",
}

var chengdu20 = []string{
	"锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区",
	"郫都区", "新津区", "简阳市", "都江堰市", "彭州市", "邛崃市", "崇州市", "金堂县", "大邑县", "蒲江县",
}

var provinces34 = []string{
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
	"浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
	"海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
	"新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
}

func shortName(full string) string {
	for _, suf := range placeSuffixes {
		if strings.HasSuffix(full, suf) && utf8.RuneCountInString(strings.TrimSuffix(full, suf)) >= 2 {
			return strings.TrimSuffix(full, suf)
		}
	}
	return full
}

func TestParseRegionAllDivisions(t *testing.T) {
	p := mustParser(t)
	if len(chongqing38) != 38 || len(sichuan21) != 21 || len(provinces34) != 34 {
		t.Fatal("bad fixture sizes")
	}
	expect := func(in string, want Region) {
		t.Helper()
		got, ok := p.ParseRegion(in)
		if !ok || got != want {
			t.Errorf("ParseRegion(%q) = %+v,%v want %+v", in, got, ok, want)
		}
	}
	for _, d := range chongqing38 {
		want := Region{"重庆市", "重庆市", d}
		expect(d, want)
		expect("重庆"+d, want)
		expect("重庆市"+d, want)
		if s := shortName(d); s != d {
			expect("重庆"+s, want)
		}
	}
	for _, short := range []string{"璧山", "渝北", "九龙坡", "涪陵", "万州", "永川", "石柱", "秀山", "酉阳", "彭水", "綦江", "武隆"} {
		r, ok := p.ParseRegion(short)
		if !ok || r.Province != "重庆市" || r.District == "" {
			t.Errorf("ParseRegion(%q) = %+v, want a Chongqing district", short, r)
		}
	}
	for _, c := range sichuan21 {
		want := Region{"四川省", c, ""}
		expect(c, want)
		expect("四川"+c, want)
		expect("四川省"+shortName(c), want)
	}
	for _, short := range []string{"成都", "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充", "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳", "阿坝", "甘孜", "凉山"} {
		r, ok := p.ParseRegion(short)
		if !ok || r.Province != "四川省" || r.City == "" {
			t.Errorf("ParseRegion(%q) = %+v, want a Sichuan city", short, r)
		}
	}
	for _, d := range chengdu20 {
		want := Region{"四川省", "成都市", d}
		expect(d, want)
		expect("成都"+shortName(d), want)
		expect("四川成都"+d, want)
	}
	for _, pv := range provinces34 {
		r, ok := p.ParseRegion(pv)
		if !ok || r.Province != pv {
			t.Errorf("ParseRegion(%q) = %+v", pv, r)
		}
	}
	for in, want := range map[string]Region{
		"重庆":          {"重庆市", "重庆市", ""},
		"重庆市":         {"重庆市", "重庆市", ""},
		"四川":          {"四川省", "", ""},
		"广东":          {"广东省", "", ""},
		"内蒙古":         {"内蒙古自治区", "", ""},
		"广西":          {"广西壮族自治区", "", ""},
		"新疆":          {"新疆维吾尔自治区", "", ""},
		"绵阳市":         {"四川省", "绵阳市", ""},
		"成都龙泉驿":       {"四川省", "成都市", "龙泉驿区"},
		"两江新区":        {"重庆市", "重庆市", "渝北区"},
		"天府新区":        {"四川省", "成都市", ""},
		"重庆江北":        {"重庆市", "重庆市", "江北区"},
		"地址：重庆江北":     {"重庆市", "重庆市", "江北区"},
		"送到 江北":       {"重庆市", "重庆市", "江北区"},
		"璧山区 重庆":      {"重庆市", "重庆市", "璧山区"},
		"发货到重庆，工厂在成都": {"重庆市", "重庆市", ""},
	} {
		expect(in, want)
	}
	// false hits inside ordinary words
	for _, in := range []string{"长寿命电池", "完成华为订单", "长江北岸仓库", "新都市区规划", "锦江之星酒店", "金牛座", "乐山大佛景区门票", "变速箱", ""} {
		if r, ok := p.ParseRegion(in); ok {
			t.Errorf("ParseRegion(%q) = %+v, want none", in, r)
		}
	}
}

func TestDetectKind(t *testing.T) {
	p := mustParser(t)
	cases := map[string]Kind{
		"求购变速箱":         KindDemand,
		"采购线束":          KindDemand,
		"需要轴承":          KindDemand,
		"找冲压厂":          KindDemand,
		"收IGBT":         KindDemand,
		"急需现货":          KindDemand,
		"供应变速箱":         KindOffer,
		"提供注塑加工":        KindOffer,
		"专业生产线束":        KindOffer,
		"出售二手设备":        KindOffer,
		"有货 继电器":        KindOffer,
		"现货 STM32":      KindOffer,
		"找供应商":          KindDemand,
		"有需要的联系我 供应轴承":  KindOffer,
		"本厂供应，有需要请联系":   KindOffer,
		"变速箱 500台":      KindUnknown,
		"":              KindUnknown,
		"供应商资质要求 求购连接器": KindDemand,
	}
	for in, want := range cases {
		if got := p.DetectKind(in); got != want {
			t.Errorf("DetectKind(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidMobile(t *testing.T) {
	good := []string{"13800138000", "138 0013 8000", "138-0013-8000", "+8613800138000", "+86 138 0013 8000", "008613800138000", "8613800138000", "19912345678", "１３８００１３８０００"}
	bad := []string{"", "12800138000", "1380013800", "138001380001", "23800138000", "1380013800a", "+8612800138000", "138_0013_8000", "+85213800138000"}
	for _, s := range good {
		if !ValidMobile(s) {
			t.Errorf("ValidMobile(%q) = false", s)
		}
	}
	for _, s := range bad {
		if ValidMobile(s) {
			t.Errorf("ValidMobile(%q) = true", s)
		}
	}
}

// makeUSCC builds a valid code from its first 17 characters.
func makeUSCC(t *testing.T, first17 string) string {
	t.Helper()
	c := USCCCheckChar(first17)
	if c == 0 {
		t.Fatalf("bad USCC prefix %q", first17)
	}
	return first17 + string(c)
}

func TestValidUSCC(t *testing.T) {
	// Independently computed reference: 91350100M000100Y43 is the example
	// published with GB 32100-2015.
	if !ValidUSCC("91350100M000100Y43") {
		t.Errorf("GB 32100 example rejected")
	}
	prefixes := []string{
		"91500000202864283", // 重庆市
		"91500227MA5U0ABC1", // 重庆璧山
		"91510100MA61XY9K2", // 成都
		"91510700MA6248LH8", // 绵阳
		"12500000450374926", // 事业单位
		"52510000MJP12345X",
		"93500112MA60ABCDE",
		"91110000100000000",
	}
	alphabet := usccAlphabet
	for _, pre := range prefixes {
		code := makeUSCC(t, pre)
		if !ValidUSCC(code) {
			t.Errorf("ValidUSCC(%q) = false", code)
		}
		if !ValidUSCC(" " + strings.ToLower(code) + " ") {
			t.Errorf("ValidUSCC lower-case %q = false", code)
		}
		// every single-character substitution must be detected
		for i := 0; i < 18; i++ {
			for _, r := range []byte{alphabet[(strings.IndexByte(alphabet, code[i])+1)%31], alphabet[(strings.IndexByte(alphabet, code[i])+7)%31]} {
				mut := code[:i] + string(r) + code[i+1:]
				if ValidUSCC(mut) {
					t.Errorf("mutated %q (pos %d) accepted", mut, i)
				}
			}
		}
		// adjacent transposition of different characters must be detected
		for i := 0; i < 17; i++ {
			if code[i] == code[i+1] {
				continue
			}
			mut := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
			if ValidUSCC(mut) {
				t.Errorf("transposed %q accepted", mut)
			}
		}
	}
	for _, bad := range []string{"", "91500000202864283", "915000002028642830X", "91500000202864283I", "9150000020286428OU", "91ABCDEF202864283U"} {
		if ValidUSCC(bad) {
			t.Errorf("ValidUSCC(%q) = true", bad)
		}
	}
}

func TestNormalizeCertification(t *testing.T) {
	cases := map[string]string{
		"IATF16949": "IATF 16949", "iatf 16949": "IATF 16949", "16949": "IATF 16949", "TS16949": "IATF 16949",
		"ISO/TS 16949": "IATF 16949", "IATF 16949:2016": "IATF 16949", "IATF16949认证": "IATF 16949",
		"ISO9001": "ISO 9001", "9001认证": "ISO 9001", "iso 9001:2015": "ISO 9001", "ＩＳＯ９００１": "ISO 9001",
		"14001": "ISO 14001", "ISO14001体系": "ISO 14001", "45001": "ISO 45001", "OHSAS18001": "OHSAS 18001",
		"VDA6.3": "VDA 6.3", "vda 6.3": "VDA 6.3", "AECQ100": "AEC-Q100", "AEC-Q100": "AEC-Q100", "aec q200": "AEC-Q200",
		"AEC-Q101": "AEC-Q101", "CCC": "CCC", "3C认证": "CCC", "rohs": "RoHS", "RoHS": "RoHS", "REACH": "REACH", "UL": "UL",
		"UL认证": "UL", "ISO 26262": "ISO 26262", "IPC-A-610": "IPC-A-610", "通过IATF16949": "IATF 16949",
	}
	for in, want := range cases {
		got, ok := NormalizeCertification(in)
		if !ok || got != want {
			t.Errorf("NormalizeCertification(%q) = %q,%v want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "ISO", "19001", "169490", "线束", "MODULE", "3C数码", "IATF16949 ISO9001"} {
		if got, ok := NormalizeCertification(in); ok {
			t.Errorf("NormalizeCertification(%q) = %q, want none", in, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"ＡＢＣ１２３，：":        "ABC123,:",
		"  求购   变速箱  ":    "求购 变速箱",
		"求购\t\n变速箱":       "求购 变速箱",
		"求购🔥变速箱":          "求购 变速箱",
		"供应✅⭐连接器":         "供应 连接器",
		"👍🏻好":             "好",
		"a\u200bb\ufeffc": "abc",
		"中文。、！":           "中文。、!",
		"全角　空格":           "全角 空格",
		"３０～３５元":          "30~35元",
		"bad\xffutf8":     "badutf8",
		"\x00\x01ctl":     "ctl",
		"":                "",
		"👨‍👩‍👧 family":    "family",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTaxonomyAndSynonyms(t *testing.T) {
	p := mustParser(t)
	leaves := 0
	for _, c := range p.Categories() {
		if c.Leaf {
			leaves++
		}
		if len(c.Path) == 0 || c.Path[len(c.Path)-1] != c.Name {
			t.Errorf("bad path for %s: %v", c.Code, c.Path)
		}
	}
	if leaves < 80 {
		t.Errorf("taxonomy has %d leaves, want >= 80", leaves)
	}
	if len(p.groups) < 40 {
		t.Errorf("%d synonym groups, want >= 40", len(p.groups))
	}
	c, ok := p.CategoryByCode("auto.powertrain.transmission")
	if !ok || c.Name != "变速器" || strings.Join(c.Path, "/") != "汽车/动力总成/变速器" {
		t.Errorf("CategoryByCode = %+v", c)
	}
	if _, ok := p.CategoryByCode("nope"); ok {
		t.Error("CategoryByCode(nope) found")
	}
	for word, wantCode := range map[string]string{
		"变速箱": "auto.powertrain.transmission", "波箱": "auto.powertrain.transmission",
		"轮圈": "auto.chassis.wheel", "轮辋": "auto.chassis.wheel",
		"电路板": "electronics.pcb", "线路板": "electronics.pcb", "印制电路板": "electronics.pcb",
		"马达": "", "IC": "electronics.ic", "电池芯": "auto.nev.cell", "电线束": "auto.electrical.harness",
		"MLCC": "electronics.component.capacitor", "pcb": "electronics.pcb", "FPC": "electronics.pcb.flex",
	} {
		c, ok := p.ParseCategory(word)
		got := ""
		if ok {
			got = c.Code
		}
		if got != wantCode {
			t.Errorf("ParseCategory(%q) = %q, want %q", word, got, wantCode)
		}
	}
	for word, want := range map[string]string{
		"变速箱": "变速器", "轮辋": "轮毂", "线路板": "PCB", "马达": "电机", "IC": "集成电路", "ic": "集成电路",
		"电池芯": "电芯", "电线束": "线束", "贴片电容": "MLCC",
	} {
		syn := p.Synonyms(word)
		if len(syn) == 0 || syn[0] != want {
			t.Errorf("Synonyms(%q) = %v, want canonical %q", word, syn, want)
		}
	}
	if got := p.Synonyms("不存在的词"); len(got) != 1 || got[0] != "不存在的词" {
		t.Errorf("Synonyms(unknown) = %v", got)
	}
	if got := p.Synonyms(""); got != nil {
		t.Errorf("Synonyms(\"\") = %v", got)
	}
	// ASCII terms need letter boundaries
	if c, ok := p.ParseCategory("PIC16F877"); ok && c.Code == "electronics.ic" {
		t.Errorf("IC matched inside PIC16F877")
	}
}

func TestNewFromDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(TaxonomyFile, `
extends_default: true
categories:
  - code: auto
    name: 汽车
    children:
      - code: powertrain
        name: 动力总成
        children:
          - {code: hydrogen, name: 氢燃料电池, aliases: [燃料电池堆, 电堆]}
`)
	write(SynonymsFile, `
extends_default: true
groups:
  - [氢燃料电池, 氢电池, FCEV电池]
  - [变速器, 变变箱]
`)
	p, err := NewFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := p.CategoryByCode("auto.powertrain.hydrogen")
	if !ok || strings.Join(c.Path, "/") != "汽车/动力总成/氢燃料电池" {
		t.Fatalf("added category missing: %+v", c)
	}
	post := p.Parse("求购 氢电池 20套 重庆璧山", corpusNow)
	if post.Category == nil || post.Category.Code != "auto.powertrain.hydrogen" {
		t.Errorf("added synonym not used for category: %+v", post.Category)
	}
	if syn := p.Synonyms("FCEV电池"); len(syn) == 0 || syn[0] != "氢燃料电池" {
		t.Errorf("Synonyms(FCEV电池) = %v", syn)
	}
	// defaults are still there (extends_default) and regions fell back
	if _, ok := p.CategoryByCode("electronics.pcb.flex"); !ok {
		t.Error("default taxonomy lost")
	}
	if c, ok := p.ParseCategory("变变箱"); !ok || c.Code != "auto.powertrain.transmission" {
		t.Errorf("operator synonym for a default category: %+v", c)
	}
	if r, ok := p.ParseRegion("璧山"); !ok || r.District != "璧山区" {
		t.Errorf("regions fallback: %+v", r)
	}

	// a file without extends_default replaces the default
	dir2 := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir2, SynonymsFile), []byte("groups:\n  - [齿轮, 牙轮]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p2, err := NewFromDir(dir2)
	if err != nil {
		t.Fatal(err)
	}
	if syn := p2.Synonyms("变速箱"); len(syn) != 1 {
		t.Errorf("replaced synonyms still has default group: %v", syn)
	}
	if syn := p2.Synonyms("牙轮"); len(syn) != 2 || syn[0] != "齿轮" {
		t.Errorf("Synonyms(牙轮) = %v", syn)
	}

	// broken files are reported, not ignored
	dir3 := t.TempDir()
	for name, body := range map[string]string{
		TaxonomyFile: "categories:\n  - {code: Bad Code, name: x}\n",
		SynonymsFile: "groups: [[a, b]\n",
		RegionsFile:  "provinces:\n  - {name: ''}\n",
	} {
		_ = os.RemoveAll(dir3)
		_ = os.MkdirAll(dir3, 0o755)
		if err := os.WriteFile(filepath.Join(dir3, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := NewFromDir(dir3); err == nil {
			t.Errorf("broken %s accepted", name)
		}
	}
	// unknown keys are rejected (typos in operator files)
	if err := os.WriteFile(filepath.Join(dir3, RegionsFile), []byte("provincez: []\n"), 0o644); err == nil {
		if _, err := NewFromDir(dir3); err == nil {
			t.Error("unknown key accepted")
		}
	}
}

var hugeInput = strings.Repeat("求购变速箱电磁阀5000件重庆璧山12月底前交货🔥<b>", 2000) // ~130 KB

func BenchmarkParseHuge(b *testing.B) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p.Parse(hugeInput, corpusNow)
	}
}

func TestParseRobustness(t *testing.T) {
	p := mustParser(t)
	// How long this takes is BenchmarkParseHuge's to measure (CI times
	// nothing); the conversation never passes more than 500 characters.
	post := p.Parse(hugeInput, corpusNow)
	if post.Kind != KindDemand || !utf8.ValidString(post.Product) {
		t.Errorf("big input: %+v", post)
	}
	for _, in := range []string{"", " ", "\xff\xfe", "<<<<>>>>", "1111111111111111111111111111111111111", strings.Repeat("万", 5000), strings.Repeat("9", 5000) + "件", "求购" + strings.Repeat(" ", 10000)} {
		_ = p.Parse(in, corpusNow)
	}
}

func ExampleParser_Parse() {
	p, _ := New()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, CST)
	post := p.Parse("求购 变速箱电磁阀 5000件 重庆璧山 12月底前交货 需IATF16949", now)
	fmt.Println(post.Kind, post.Product, post.Category.Code, post.Quantity.Value, post.Quantity.Unit)
	fmt.Println(post.Region.Province, post.Region.City, post.Region.District, post.Deadline.Format(time.DateTime), post.Certifications)
	// Output:
	// demand 变速箱电磁阀 auto.powertrain.solenoid_valve 5000 件
	// 重庆市 重庆市 璧山区 2026-12-31 23:59:59 [IATF 16949]
}

// A shorter term inside a longer alias is a keyword too: "查供应 变速箱"
// must find a 变速箱电磁阀 offer (the alias hid 变速箱 before).
func TestKeywordsIncludeContainedTerms(t *testing.T) {
	p := mustParser(t)
	cases := []struct {
		text string
		want []string
	}{
		{"供应 变速箱电磁阀", []string{"变速箱电磁阀", "变速箱", "变速器", "电磁阀"}},
		{"求购 汽车座椅骨架", []string{"座椅", "座椅骨架"}},
		{"供应 IGBT模块", []string{"IGBT"}},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			kw := p.Parse(tc.text, corpusNow).Keywords
			for _, w := range tc.want {
				if !slices.Contains(kw, w) {
					t.Errorf("keywords %v lack %q", kw, w)
				}
			}
		})
	}
}
