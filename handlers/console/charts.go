package console

import (
	"fmt"
	"strings"
)

// Charts are drawn on the server as SVG: no script, nothing to load.

const (
	chartW, chartH = 900, 240
	padL, padB     = 40, 26
	padT, padR     = 10, 10
)

type axisLabel struct {
	X, Y int
	Text string
}

type lineSeries struct {
	Name   string
	Class  string
	Points string // for <polyline points>
	Total  int
}

type lineChart struct {
	W, H    int
	X0, Y0  int // the axes' corner
	X1, Y1  int // right end of the x axis, top of the y axis
	Series  []lineSeries
	XLabels []axisLabel
	YLabels []axisLabel
	Empty   bool
}

// newLineChart draws the new enterprises, demands and offers per day.
func newLineChart(days []DayCount) lineChart {
	ch := lineChart{W: chartW, H: chartH, X0: padL, Y0: chartH - padB, X1: chartW - padR, Y1: padT}
	top := 0
	for _, d := range days {
		top = max(top, d.Enterprises, d.Demands, d.Offers)
	}
	ch.Empty = len(days) == 0
	top = niceTop(top)
	plotW, plotH := float64(ch.X1-ch.X0), float64(ch.Y0-ch.Y1)
	x := func(i int) float64 {
		if len(days) < 2 {
			return float64(ch.X0) + plotW/2
		}
		return float64(ch.X0) + plotW*float64(i)/float64(len(days)-1)
	}
	y := func(v int) float64 { return float64(ch.Y0) - plotH*float64(v)/float64(top) }
	pick := []struct {
		name, class string
		get         func(DayCount) int
	}{
		{"新企业", "s0", func(d DayCount) int { return d.Enterprises }},
		{"新求购", "s1", func(d DayCount) int { return d.Demands }},
		{"新供应", "s2", func(d DayCount) int { return d.Offers }},
	}
	for _, p := range pick {
		var b strings.Builder
		total := 0
		for i, d := range days {
			v := p.get(d)
			total += v
			fmt.Fprintf(&b, "%.1f,%.1f ", x(i), y(v))
		}
		ch.Series = append(ch.Series, lineSeries{Name: p.name, Class: p.class, Points: strings.TrimSpace(b.String()), Total: total})
	}
	for i := 0; i < len(days); i += max(1, len(days)/6) {
		ch.XLabels = append(ch.XLabels, axisLabel{X: int(x(i)), Y: ch.Y0 + 16, Text: days[i].Day.Format("1/2")})
	}
	for _, v := range []int{0, top / 2, top} {
		ch.YLabels = append(ch.YLabels, axisLabel{X: ch.X0 - 6, Y: int(y(v)) + 4, Text: fmt.Sprint(v)})
	}
	return ch
}

// niceTop rounds the highest value up to a readable axis end.
func niceTop(v int) int {
	if v < 4 {
		return 4
	}
	step := 1
	for step*10 < v {
		step *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if v <= step*m {
			return step * m
		}
	}
	return step * 10
}

type bar struct {
	Name  string
	N     int
	Y     int // top of the bar
	W     int // length of the bar
	TextX int
}

type barChart struct {
	W, H   int
	LabelW int
	Bars   []bar
}

// newBarChart draws horizontal bars, at most 10, longest first as given.
func newBarChart(counts []Count) barChart {
	if len(counts) > 10 {
		counts = counts[:10]
	}
	const rowH, labelW, width = 28, 120, 420
	ch := barChart{W: width, H: max(rowH, rowH*len(counts)) + 4, LabelW: labelW}
	top := 1
	for _, c := range counts {
		top = max(top, c.N)
	}
	room := width - labelW - 50
	for i, c := range counts {
		w := room * c.N / top
		if c.N > 0 && w < 2 {
			w = 2
		}
		ch.Bars = append(ch.Bars, bar{Name: clip(c.Name, 8), N: c.N, Y: i*rowH + 4, W: w, TextX: labelW + w + 6})
	}
	return ch
}

// clip shortens a label to n characters.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
