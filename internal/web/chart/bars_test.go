package chart

import (
	"strings"
	"testing"
)

func TestBarsAgainstATarget(t *testing.T) {
	c := Bars{Title: "Hours attended", Unit: "hours", Target: 9, Bars: []Bar{
		{Label: "2 Nov", Value: 9, Title: "Week of 2 Nov: 9 of 9 hours"},
		{Label: "9 Nov", Value: 5.5},
		{Label: "<16 Nov>", Value: 12},
		{Label: "23 Nov", Value: 0},
	}}
	svg := RenderBars(c)
	n := parse(t, svg)
	var bars, short []node
	for _, r := range n.all("rect") {
		if strings.Contains(r.attr("class"), "chart-bar") {
			bars = append(bars, r)
		}
		if strings.Contains(r.attr("class"), "chart-bar-short") {
			short = append(short, r)
		}
	}
	if len(bars) != 4 || len(short) != 2 {
		t.Fatalf("%d bars, %d short; want 4 and 2 (5.5 and 0 are below 9)", len(bars), len(short))
	}
	// Heights follow the values: 12 is the tallest, 0 has no height, 9 is three quarters of 12.
	h := func(r node) float64 { return float(t, r.attr("height")) }
	if !(h(bars[2]) > h(bars[0]) && h(bars[0]) > h(bars[1]) && h(bars[3]) == 0) {
		t.Errorf("heights %v %v %v %v", h(bars[0]), h(bars[1]), h(bars[2]), h(bars[3]))
	}
	if got, want := h(bars[0])/h(bars[2]), 0.75; got < want-0.01 || got > want+0.01 {
		t.Errorf("9 is %.2f of 12's height, want %.2f", got, want)
	}
	if !strings.Contains(string(svg), "chart-threshold") || !strings.Contains(string(svg), "Target: 9 hours") {
		t.Error("no target line")
	}
	if !strings.Contains(string(svg), "Hours attended: 4 bars, 2 at or above the target of 9 hours; latest 0.") {
		t.Errorf("description: %s", svg)
	}
	if strings.Contains(string(svg), "<16 Nov>") || !strings.Contains(string(svg), "&lt;16 Nov&gt;") {
		t.Error("labels are not escaped")
	}
	if RenderBars(Bars{Title: "x"}) != "" {
		t.Error("no bars should draw nothing")
	}
}
