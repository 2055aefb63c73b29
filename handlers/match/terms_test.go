package match

import (
	"slices"
	"testing"
)

func price(lo, hi float64, unit string) opt {
	return func(r *Record) { r.Price = &Price{Min: lo, Max: hi, Unit: unit} }
}
func size(lo, hi float64) opt   { return func(r *Record) { r.Size = &Span{lo, hi} } }
func layers(lo, hi float64) opt { return func(r *Record) { r.Layers = &Span{lo, hi} } }
func volts(lo, hi float64) opt  { return func(r *Record) { r.Voltage = &Span{lo, hi} } }
func material(m string) opt     { return func(r *Record) { r.Material = m } }
func rate(v float64, u, per string) opt {
	return func(r *Record) { r.Quantity = &Quantity{Value: v, Unit: u, Per: per} }
}

// TestTermsFromIssue: 求购 铝合金轮毂 18寸 3000套 成都 单价不超过300元 alerted
// a supplier at 600–750元/只 and one of 15-inch steel wheels.
func TestTermsFromIssue(t *testing.T) {
	kw := ws("铝合金轮毂", "铝合金", "轮毂", "轮圈")
	d := dem(catWheel, "轮毂", "铝合金轮毂", kw, qty(3000, "套"), price(0, 300, "元/套"), size(18, 18), material("铝合金"))
	cases := []struct {
		name    string
		o       Record
		ok      bool
		want    []string
		factorB bool // score below the fully stated offer
	}{
		{"price far above the ceiling", off(catWheel, "轮毂", "铝合金轮毂", kw, price(600, 750, "元/只"), size(18, 18), material("铝合金")), false, nil, false},
		{"15-inch steel wheels", off(catWheel, "轮毂", "钢制轮毂", ws("钢制轮毂", "轮毂", "轮圈"), size(15, 15), material("钢")), false, nil, false},
		{"15-inch, material unknown", off(catWheel, "轮毂", "轮毂", ws("轮毂", "轮圈"), size(15, 15)), false, nil, false},
		{"steel, size unknown", off(catWheel, "轮毂", "钢制轮毂", ws("钢制轮毂", "轮毂", "轮圈")), false, nil, false},
		{"all terms fit", off(catWheel, "轮毂", "铝合金轮毂", kw, price(260, 290, "元/只"), size(16, 18), material("铝合金")), true,
			[]string{ReasonPriceOK, ReasonSizeOK, ReasonMaterialOK}, false},
		{"price a little high", off(catWheel, "轮毂", "铝合金轮毂", kw, price(320, 320, "元/只"), size(18, 18), material("铝合金")), true,
			[]string{ReasonPriceHigh}, true},
		{"nothing stated", off(catWheel, "轮毂", "铝合金轮毂", kw), true,
			[]string{ReasonPriceUnknown, ReasonSizeUnknown, ReasonCapacityUnknown}, true},
		{"per thousand", off(catWheel, "轮毂", "铝合金轮毂", kw, price(250000, 250000, "元/千只"), size(18, 18)), true,
			[]string{ReasonPriceOK, ReasonSizeOK, ReasonMaterialOK}, false},
	}
	full, _, _ := Score(d, off(catWheel, "轮毂", "铝合金轮毂", kw, price(260, 290, "元/只"), size(16, 18), material("铝合金")), testNow)
	for _, c := range cases {
		s, reasons, ok := Score(d, c.o, testNow)
		if ok && s < DefaultThreshold {
			ok = false
		}
		if ok != c.ok {
			t.Errorf("%s: alert=%v (%.3f %v), want %v", c.name, ok, s, reasons, c.ok)
			continue
		}
		for _, w := range c.want {
			if !slices.Contains(reasons, w) {
				t.Errorf("%s: reasons %v lack %q", c.name, reasons, w)
			}
		}
		if c.factorB && s >= full {
			t.Errorf("%s: score %.3f not below the fully stated offer %.3f", c.name, s, full)
		}
	}
}

func TestTermsLayersVoltage(t *testing.T) {
	d := dem(catPCB, "多层板", "PCB", kwPCB, layers(6, 6))
	for _, c := range []struct {
		o  Record
		ok bool
	}{
		{off(catPCB, "多层板", "HDI板", kwPCB, layers(4, 12)), true},
		{off(catPCB, "多层板", "PCB", kwPCB, layers(2, 2)), false},
		{off(catPCB, "多层板", "PCB", kwPCB), true},
	} {
		if _, r, ok := Score(d, c.o, testNow); ok != c.ok {
			t.Errorf("layers %v: ok=%v %v, want %v", c.o.Layers, ok, r, c.ok)
		}
	}
	db := dem(catBattery, "动力电池", "电池包", ws("电池包", "动力电池"), volts(800, 800))
	if _, r, ok := Score(db, off(catBattery, "动力电池", "电池包", ws("电池包", "动力电池"), volts(400, 400)), testNow); ok {
		t.Errorf("800V against 400V: %v", r)
	}
	if _, r, ok := Score(db, off(catBattery, "动力电池", "电池包", ws("电池包", "动力电池"), volts(400, 800)), testNow); !ok || !slices.Contains(r, ReasonVoltageOK) {
		t.Errorf("800V against 400-800V: ok=%v %v", ok, r)
	}
}

// TestNearMisses: a product that names the other only as a modifier is
// another product.
func TestNearMisses(t *testing.T) {
	for _, c := range []struct {
		d, o Record
		ok   bool
	}{
		{dem(catWheel, "轮毂", "轮毂", ws("轮毂", "轮圈")), off("auto.general.bearing", "轴承", "轮毂轴承", ws("轮毂轴承", "轴承", "轮毂", "轮圈")), false},
		{dem(catLCD, "显示屏", "显示屏", ws("显示屏", "屏幕", "显示模组")), off("electronics.ic.display_driver", "显示驱动芯片", "显示屏驱动芯片", ws("显示屏驱动芯片", "显示屏", "芯片", "驱动芯片")), false},
		{dem(catSeat, "座椅", "座椅总成", ws("座椅总成", "座椅", "汽车座椅")), off("auto.trim.fabric", "面料", "座椅面料", ws("座椅面料", "座椅", "面料")), false},
		{dem(catECU, "ECU", "ECU", ws("ecu", "电控单元")), off("auto.general.housing", "外壳", "ECU外壳", ws("ecu外壳", "ecu", "外壳", "壳体")), false},
		{dem(catBrake, "制动", "刹车片", ws("刹车片", "制动片", "刹车")), off(catBrake, "制动", "刹车盘", ws("刹车盘", "制动盘", "刹车")), false},
		{dem(catSeat, "座椅", "座椅", ws("座椅", "座椅总成", "汽车座椅")), off(catSeat, "座椅", "汽车座椅总成", ws("汽车座椅总成", "座椅总成", "座椅")), true},
		{dem(catIGBT, "IGBT", "IGBT", kwIGBT), off(catIGBT, "IGBT", "IGBT模块", kwIGBT), true},
		{dem(catMCU, "MCU", "MCU", kwMCU), off(catMCU, "MCU", "PIC16单片机", ws("pic16单片机", "单片机", "mcu")), true},
	} {
		s, r, ok := Score(c.d, c.o, testNow)
		got := ok && s >= DefaultThreshold
		if got != c.ok {
			t.Errorf("%s vs %s: alert=%v (%.3f %v), want %v", c.d.Product, c.o.Product, got, s, r, c.ok)
		}
	}
}

// TestRateAgainstCapacity: 年需求 is met month by month.
func TestRateAgainstCapacity(t *testing.T) {
	d := dem(catHarness, "线束", "汽车线束", kwHarness, rate(120000, "套", "年"))
	_, r, ok := Score(d, off(catHarness, "线束", "汽车线束", kwHarness, capac(12000, "套")), testNow)
	if !ok || !slices.Contains(r, ReasonCapacityOK) {
		t.Errorf("10000/month need, 12000/month capacity: ok=%v %v", ok, r)
	}
	_, r, ok = Score(d, off(catHarness, "线束", "汽车线束", kwHarness, capac(1000, "套")), testNow)
	if !ok || !slices.Contains(r, ReasonCapacityLow) {
		t.Errorf("10000/month need, 1000/month capacity: ok=%v %v", ok, r)
	}
}

// TestReasonsNameWhatIsUnknown: what the demand states and the offer does
// not is named, after what fits.
func TestReasonsNameWhatIsUnknown(t *testing.T) {
	d := dem(catHarness, "线束", "汽车线束", kwHarness, qty(2000, "套"), deadlineIn(30), price(0, 40, "元/套"))
	o := off(catHarness, "线束", "汽车线束", kwHarness)
	_, r, ok := Score(d, o, testNow)
	if !ok {
		t.Fatal("filtered")
	}
	want := []string{ReasonPriceUnknown, ReasonCapacityUnknown, ReasonLeadUnknown}
	if len(r) < len(want) || !slices.Equal(r[len(r)-len(want):], want) {
		t.Fatalf("reasons %v, want them to end with %v", r, want)
	}
	if !slices.Contains(r, ReasonSameLeaf) {
		t.Fatalf("reasons %v lack what fits", r)
	}
}
