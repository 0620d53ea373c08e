package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bar is one bar: a labelled amount, such as one week's hours attended.
type Bar struct {
	Label string  // under the bar, e.g. "16 Nov"
	Value float64 // drawn height; negative counts as 0
	Title string  // tooltip, e.g. "Week of 16 Nov: 5.5 of 9 hours"
}

// Bars is a small bar chart against a target, e.g. weekly hours attended
// against the program minimum. Bars below the target are drawn as short.
type Bars struct {
	Title  string
	Unit   string // for the spoken summary, e.g. "hours"
	Target float64
	Bars   []Bar
}

// RenderBars returns the chart as an <svg> element, or "" when there are no
// bars.
func RenderBars(c Bars) template.HTML {
	if len(c.Bars) == 0 {
		return ""
	}
	title := clean(c.Title)
	if strings.TrimSpace(title) == "" {
		title = "Amounts"
	}
	top := c.Target
	for _, b := range c.Bars {
		top = max(top, b.Value)
	}
	axis := int(math.Ceil(top))
	axis = max(min(axis, maxAxis), 1)
	yOf := func(v float64) float64 {
		v = min(max(v, 0), float64(axis))
		return plotBottom - v/float64(axis)*(plotBottom-plotTop)
	}
	slot := (gridRight - gridLeft) / float64(len(c.Bars))
	barWidth := min(slot*0.6, 56)

	var b strings.Builder
	b.Grow(1200 + 320*len(c.Bars))
	pts := make([]Point, len(c.Bars)) // for the id's hash only
	for i, bar := range c.Bars {
		pts[i] = Point{At: time.Unix(int64(i), 0), Value: int(bar.Value * 100), Label: bar.Label}
	}
	id := chartID(title, Line{Max: axis, Threshold: int(c.Target * 100)}, pts)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ` + strconv.Itoa(width) + " " + strconv.Itoa(height) +
		`" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="` + id + `-title ` + id + `-desc">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	b.WriteString(`<desc id="` + id + `-desc">` + esc(describeBars(title, c)) + `</desc>`)
	writeGrid(&b, axis, yOf)
	for i, bar := range c.Bars {
		x := gridLeft + slot*float64(i) + (slot-barWidth)/2
		y := yOf(bar.Value)
		class := "chart-bar"
		if c.Target > 0 && bar.Value < c.Target {
			class += " chart-bar-short"
		}
		tip := clean(bar.Title)
		if tip == "" {
			tip = clean(bar.Label) + ": " + strconv.FormatFloat(bar.Value, 'f', -1, 64)
		}
		b.WriteString(`<rect class="` + class + `" x="` + num(x) + `" y="` + num(y) + `" width="` + num(barWidth) + `" height="` +
			num(plotBottom-y) + `" fill="` + brand + `"><title>` + esc(tip) + `</title></rect>`)
		b.WriteString(`<text class="chart-axis-label" x="` + num(x+barWidth/2) + `" y="` + num(dateY) + `" text-anchor="middle" font-size="` +
			fontSize + `" fill="` + muted + `">` + esc(clean(bar.Label)) + `</text>`)
	}
	if c.Target > 0 {
		writeThreshold(&b, yOf(c.Target), "Target: "+strconv.FormatFloat(c.Target, 'f', -1, 64)+" "+c.Unit)
	}
	b.WriteString(`</svg>`)
	// #nosec G203 -- built here; every dynamic string went through esc, numbers through strconv
	return template.HTML(b.String())
}

// describeBars says the chart in words, e.g. "Hours attended: 6 weeks, 4
// at or above the target of 9 hours; latest 5.5.".
func describeBars(title string, c Bars) string {
	met := 0
	for _, b := range c.Bars {
		if b.Value >= c.Target {
			met++
		}
	}
	last := strconv.FormatFloat(c.Bars[len(c.Bars)-1].Value, 'f', -1, 64)
	s := title + ": " + strconv.Itoa(len(c.Bars)) + " bars"
	if c.Target > 0 {
		s += ", " + strconv.Itoa(met) + " at or above the target of " + strconv.FormatFloat(c.Target, 'f', -1, 64) + " " + c.Unit
	}
	return s + "; latest " + last + "."
}
