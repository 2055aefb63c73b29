package parse

import (
	"strings"
	"testing"
)

// sichuanDistrictCounts is the number of county-level divisions (市辖区, 县级市,
// 县, 自治县) of each prefecture-level division of 四川省 as of 2024 (183 in
// all). 攀枝花市 has 5, but 东区 and 西区 are deliberately not in
// regions.yaml: a two-character full name cannot be marked ambiguous and
// would fire inside 华东区.
var sichuanDistrictCounts = map[string]int{
	"成都市": 20, "自贡市": 6, "攀枝花市": 3, "泸州市": 7, "德阳市": 6, "绵阳市": 9,
	"广元市": 7, "遂宁市": 5, "内江市": 5, "乐山市": 11, "南充市": 9, "眉山市": 6,
	"宜宾市": 10, "广安市": 6, "达州市": 7, "雅安市": 8, "巴中市": 5, "资阳市": 3,
	"阿坝藏族羌族自治州": 13, "甘孜藏族自治州": 18, "凉山彝族自治州": 17,
}

func TestSichuanDistrictsData(t *testing.T) {
	f, err := loadRegions("")
	if err != nil {
		t.Fatal(err)
	}
	var sc *placeNode
	for _, pv := range f.Provinces {
		if pv.Name == "四川省" {
			sc = pv
		}
	}
	if sc == nil {
		t.Fatal("四川省 missing")
	}
	if len(sc.Cities) != len(sichuanDistrictCounts) {
		t.Fatalf("四川省 has %d cities, want %d", len(sc.Cities), len(sichuanDistrictCounts))
	}
	p := mustParser(t)
	for _, c := range sc.Cities {
		want, ok := sichuanDistrictCounts[c.Name]
		if !ok {
			t.Errorf("unexpected city %s", c.Name)
			continue
		}
		if len(c.Districts) != want {
			t.Errorf("%s has %d districts, want %d", c.Name, len(c.Districts), want)
		}
		seen := map[string]bool{}
		for _, d := range c.Districts {
			if seen[d.Name] {
				t.Errorf("%s: duplicate district %s", c.Name, d.Name)
			}
			seen[d.Name] = true
			// the full city name followed by the full district name always
			// resolves to that district, ambiguous or not
			in := c.Name + d.Name
			if got, ok := p.ParseRegion(in); !ok || got != (Region{"四川省", c.Name, d.Name}) {
				t.Errorf("ParseRegion(%q) = %+v,%v", in, got, ok)
			}
		}
	}
}

func TestParseRegionSichuanDistricts(t *testing.T) {
	p := mustParser(t)
	sc := func(city, district string) Region { return Region{"四川省", city, district} }
	const (
		aba    = "阿坝藏族羌族自治州"
		ganzi  = "甘孜藏族自治州"
		liangs = "凉山彝族自治州"
	)
	cases := []struct {
		in   string
		want Region
	}{
		// 自贡市
		{"自贡沿滩", sc("自贡市", "沿滩区")},
		{"自贡富顺", sc("自贡市", "富顺县")},
		{"荣县", sc("自贡市", "荣县")},
		{"自流井区", sc("自贡市", "自流井区")},
		// 攀枝花市
		{"攀枝花仁和区", sc("攀枝花市", "仁和区")},
		{"攀枝花米易", sc("攀枝花市", "米易县")},
		{"盐边", sc("攀枝花市", "盐边县")},
		// 泸州市
		{"泸州龙马潭区", sc("泸州市", "龙马潭区")},
		{"泸州合江", sc("泸州市", "合江县")},
		{"泸县", sc("泸州市", "泸县")},
		{"纳溪", sc("泸州市", "纳溪区")},
		// 德阳市
		{"德阳广汉", sc("德阳市", "广汉市")},
		{"什邡", sc("德阳市", "什邡市")},
		{"德阳罗江区", sc("德阳市", "罗江区")},
		{"德阳中江", sc("德阳市", "中江县")},
		// 绵阳市
		{"绵阳江油", sc("绵阳市", "江油市")},
		{"绵阳安州区", sc("绵阳市", "安州区")},
		{"三台县", sc("绵阳市", "三台县")},
		{"北川", sc("绵阳市", "北川羌族自治县")},
		// 广元市
		{"广元昭化区", sc("广元市", "昭化区")},
		{"广元朝天", sc("广元市", "朝天区")},
		{"剑阁", sc("广元市", "剑阁县")},
		// 遂宁市
		{"遂宁射洪", sc("遂宁市", "射洪市")},
		{"射洪", sc("遂宁市", "射洪市")},
		{"遂宁大英", sc("遂宁市", "大英县")},
		{"蓬溪", sc("遂宁市", "蓬溪县")},
		// 内江市 (内江 is ambiguous: an ambiguous district right after it
		// needs the full city name)
		{"内江市中区", sc("内江市", "市中区")},
		{"内江隆昌", sc("内江市", "隆昌市")},
		{"内江市资中", sc("内江市", "资中县")},
		{"威远", sc("内江市", "威远县")},
		// 乐山市
		{"乐山市中区", sc("乐山市", "市中区")},
		{"乐山市市中区", sc("乐山市", "市中区")},
		{"峨眉山市", sc("乐山市", "峨眉山市")},
		{"乐山犍为", sc("乐山市", "犍为县")},
		{"峨边", sc("乐山市", "峨边彝族自治县")},
		// 南充市
		{"南充南部", sc("南充市", "南部县")},
		{"南部县", sc("南充市", "南部县")},
		{"阆中", sc("南充市", "阆中市")},
		{"南充顺庆区", sc("南充市", "顺庆区")},
		// 眉山市
		{"眉山彭山区", sc("眉山市", "彭山区")},
		{"仁寿", sc("眉山市", "仁寿县")},
		{"眉山东坡", sc("眉山市", "东坡区")},
		// 宜宾市
		{"宜宾叙州区", sc("宜宾市", "叙州区")},
		{"宜宾县", sc("宜宾市", "叙州区")},
		{"宜宾南溪", sc("宜宾市", "南溪区")},
		{"宜宾长宁", sc("宜宾市", "长宁县")},
		{"珙县", sc("宜宾市", "珙县")},
		// 广安市
		{"广安前锋区", sc("广安市", "前锋区")},
		{"广安区", sc("广安市", "广安区")},
		{"广安", sc("广安市", "")},
		{"华蓥", sc("广安市", "华蓥市")},
		{"邻水", sc("广安市", "邻水县")},
		// 达州市
		{"达州达川区", sc("达州市", "达川区")},
		{"宣汉", sc("达州市", "宣汉县")},
		{"大竹", sc("达州市", "大竹县")},
		{"达州渠县", sc("达州市", "渠县")},
		// 雅安市
		{"雅安石棉", sc("雅安市", "石棉县")},
		{"雅安名山区", sc("雅安市", "名山区")},
		{"汉源", sc("雅安市", "汉源县")},
		// 巴中市
		{"巴中恩阳区", sc("巴中市", "恩阳区")},
		{"巴中平昌", sc("巴中市", "平昌县")},
		{"巴中通江县", sc("巴中市", "通江县")},
		// 资阳市
		{"资阳雁江区", sc("资阳市", "雁江区")},
		{"安岳", sc("资阳市", "安岳县")},
		{"资阳乐至", sc("资阳市", "乐至县")},
		// 阿坝州
		{"马尔康", sc(aba, "马尔康市")},
		{"阿坝汶川", sc(aba, "汶川县")},
		{"九寨沟", sc(aba, "九寨沟县")},
		{"阿坝县", sc(aba, "阿坝县")},
		{"阿坝", sc(aba, "")},
		{"阿坝金川", sc(aba, "金川县")},
		// 甘孜州
		{"康定", sc(ganzi, "康定市")},
		{"甘孜九龙", sc(ganzi, "九龙县")},
		{"泸定", sc(ganzi, "泸定县")},
		{"甘孜县", sc(ganzi, "甘孜县")},
		{"甘孜", sc(ganzi, "")},
		// 凉山州
		{"西昌", sc(liangs, "西昌市")},
		{"会理市", sc(liangs, "会理市")},
		{"会理县", sc(liangs, "会理市")},
		{"凉山德昌", sc(liangs, "德昌县")},
		{"冕宁", sc(liangs, "冕宁县")},
		{"木里", sc(liangs, "木里藏族自治县")},
		// ambiguous short forms still count where they stand as a place
		{"送到石棉", sc("雅安市", "石棉县")},
		{"三台 工厂", sc("绵阳市", "三台县")},
		{"四川绵阳三台", sc("绵阳市", "三台县")},
		{"重庆九龙坡", Region{"重庆市", "重庆市", "九龙坡区"}},
	}
	for _, c := range cases {
		got, ok := p.ParseRegion(c.in)
		if !ok || got != c.want {
			t.Errorf("ParseRegion(%q) = %+v,%v want %+v", c.in, got, ok, c.want)
		}
	}

	// The two 市中区 (内江, 乐山) share a name: the loader keeps the first for
	// the bare name; it must still be a Sichuan 市中区.
	if got, ok := p.ParseRegion("市中区"); !ok || got.District != "市中区" || (got.City != "内江市" && got.City != "乐山市") {
		t.Errorf("ParseRegion(市中区) = %+v,%v", got, ok)
	}
}

func TestParseRegionSichuanAmbiguous(t *testing.T) {
	p := mustParser(t)
	// ordinary words that contain an ambiguous short form: no place at all
	for _, in := range []string{
		"石棉垫片", "石棉板 耐高温", "三台设备", "求购三台注塑机", "德昌电机", "九龙汽车",
		"今天全部发货", "获得荣誉证书", "物资中心", "东西充足", "市中心", "城市中心仓库",
		"嘉陵摩托", "东坡肉", "名山大川", "大英博物馆", "朝天椒", "白玉兰", "小金库",
		"黑水处理", "颜色达标", "协会理事", "前锋线", "安居工程", "西南部地区", "华南部分",
		"华东区域代理", "宝兴五金", "仁和药业", "江安全阀", "长宁路仓库", "新龙门",
	} {
		if r, ok := p.ParseRegion(in); ok {
			t.Errorf("ParseRegion(%q) = %+v, want none", in, r)
		}
	}
	// the ordinary word must not become the district; the real place wins
	for in, want := range map[string]Region{
		"石棉垫片 500片 雅安": {"四川省", "雅安市", ""},
		"展会东莞站":        {"广东省", "东莞市", ""},
		"重庆九龙":         {"重庆市", "重庆市", ""},
		"上海长宁":         {"上海市", "", ""},
		"三台设备 绵阳":      {"四川省", "绵阳市", ""},
		"南部件 南充":       {"四川省", "南充市", ""},
		"德昌电机 宜宾":      {"四川省", "宜宾市", ""},
		"嘉陵摩托配件 重庆":    {"重庆市", "重庆市", ""},
		"成都 东坡肘子":      {"四川省", "成都市", ""},
		"物资中心 内江市":     {"四川省", "内江市", ""},
		"今天全部发货到雅安":    {"四川省", "雅安市", ""},
		"获得荣誉 工厂在甘孜":   {"四川省", "甘孜藏族自治州", ""},
		"城市中心仓库 乐山市":   {"四川省", "乐山市", ""},
		"大英博物馆同款 遂宁市":  {"四川省", "遂宁市", ""},
		"安居工程 遂宁":      {"四川省", "遂宁市", ""},
		"白玉兰灯具 成都":     {"四川省", "成都市", ""},
		"前锋线 广安":       {"四川省", "广安市", ""},
		"朝天椒 广元":       {"四川省", "广元市", ""},
		"九龙汽车配件 甘孜州":   {"四川省", "甘孜藏族自治州", ""},
		"名山大川 雅安":      {"四川省", "雅安市", ""},
		"小金库 阿坝州":      {"四川省", "阿坝藏族羌族自治州", ""},
		"协会理事单位 凉山州":   {"四川省", "凉山彝族自治州", ""},
		"东西充足 南充":      {"四川省", "南充市", ""},
		"江安全阀 宜宾":      {"四川省", "宜宾市", ""},
		"长宁路仓库 宜宾":     {"四川省", "宜宾市", ""},
		"颜色达标 甘孜":      {"四川省", "甘孜藏族自治州", ""},
		"宝兴五金 雅安":      {"四川省", "雅安市", ""},
		"仁和药业 攀枝花":     {"四川省", "攀枝花市", ""},
		"黑水处理设备 阿坝":    {"四川省", "阿坝藏族羌族自治州", ""},
		"新龙门客栈 甘孜":     {"四川省", "甘孜藏族自治州", ""},
		"华东区域代理 攀枝花":   {"四川省", "攀枝花市", ""},
		"米易损件 攀枝花":     {"四川省", "攀枝花市", ""},
		"得荣誉 康定":       {"四川省", "甘孜藏族自治州", "康定市"},
		"在江南江北都有仓 巴中市": {"四川省", "巴中市", ""},
	} {
		got, ok := p.ParseRegion(in)
		if !ok || got != want {
			t.Errorf("ParseRegion(%q) = %+v,%v want %+v", in, got, ok, want)
		}
	}
}

// A whole post: the ambiguous short form stays in the product and the place is
// taken from the real place name.
func TestParseSichuanPostKeepsProduct(t *testing.T) {
	p := mustParser(t)
	post := p.Parse("求购 石棉垫片 2000片 雅安", corpusNow)
	if post.Region == nil || *post.Region != (Region{"四川省", "雅安市", ""}) {
		t.Errorf("region = %+v", post.Region)
	}
	if !strings.Contains(post.Product, "石棉") {
		t.Errorf("product = %q, want it to keep 石棉", post.Product)
	}
	post = p.Parse("供应 铝合金轮毂 月产能5万只 德阳广汉", corpusNow)
	if post.Region == nil || *post.Region != (Region{"四川省", "德阳市", "广汉市"}) {
		t.Errorf("region = %+v", post.Region)
	}
}
