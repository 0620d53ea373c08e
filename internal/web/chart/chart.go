// Package chart draws small, accessible SVG line charts of one client's
// scores on one instrument over time (PHQ-9 totals at each administration,
// say).
//
// The output is inline SVG for server-rendered pages under a strict
// Content-Security-Policy: no script and no style attributes, only
// presentation attributes and classes (styled by static/css/chart.css).
package chart

import (
	"encoding/hex"
	"hash/fnv"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Point is one administration of the instrument.
type Point struct {
	At    time.Time // dates are shown in At's own location: convert with In first
	Value int
	Label string // tooltip text after the date, e.g. "12 (moderate)"; Value when empty
}

// Band is a range of scores drawn as a faint horizontal stripe behind the line.
type Band struct {
	Min, Max int    // inclusive scores, e.g. 5 and 9 for "mild"
	Label    string // shown as the stripe's tooltip
	Class    string // "band-0" (least severe) to "band-4"; drawn as class "chart-band-0"
}

// Line is one instrument's scores for one client.
type Line struct {
	Title     string
	Max       int // top of the y axis, e.g. 27 for PHQ-9; when 0, the highest value
	Points    []Point
	Bands     []Band
	Threshold int // dashed reference line, e.g. 10 for a positive screen; 0 for none
}

// The drawing area, in viewBox units. The data are inset from the grid so
// points at the ends are not cut off and their date labels fit.
const (
	width      = 420
	height     = 220
	gridLeft   = 44.0
	gridRight  = 400.0
	plotTop    = 14.0
	plotBottom = 186.0
	dataLeft   = 64.0
	dataRight  = 376.0
	dateY      = 206.0
	valueX     = 38.0
	fontSize   = "13"
	pointR     = "4.5"

	// minLabelGap keeps date labels ("19 Nov 2026", about 75 units at 13px)
	// from overlapping.
	minLabelGap = 84.0
	maxDates    = 4
	maxAxis     = 1_000_000
	dateFormat  = "2 Jan 2006"
)

// Default colours, as presentation attributes so the chart is legible even
// before chart.css is linked; any CSS rule overrides them.
const (
	brand = "#17606e"
	grid  = "#d6dee4"
	muted = "#5b6b76"
	ink   = "#1d2a33"
)

// Render returns the chart as an <svg> element, or "" when there are no
// points so the caller can show its own empty-state message.
func Render(l Line) template.HTML {
	if len(l.Points) == 0 {
		return ""
	}
	// Sort a copy: the caller's slice is not ours to reorder. Stable, so
	// identical timestamps keep the caller's order.
	pts := slices.Clone(l.Points)
	slices.SortStableFunc(pts, func(a, b Point) int { return a.At.Compare(b.At) })

	top := l.Max
	if top <= 0 {
		for _, p := range pts {
			top = max(top, p.Value)
		}
		top = max(top, 1)
	}
	// No instrument comes near this; capping keeps the gridline arithmetic
	// far from integer overflow whatever the caller passes.
	top = min(top, maxAxis)
	title := clean(l.Title)
	if strings.TrimSpace(title) == "" {
		title = "Scores"
	}
	id := chartID(title, l, pts)

	yOf := func(v float64) float64 {
		v = min(max(v, 0), float64(top))
		return plotBottom - v/float64(top)*(plotBottom-plotTop)
	}
	first, last := pts[0].At, pts[len(pts)-1].At
	span := last.Sub(first).Seconds()
	xOf := func(t time.Time) float64 {
		if span <= 0 {
			return (dataLeft + dataRight) / 2 // one instant: centre it
		}
		return dataLeft + t.Sub(first).Seconds()/span*(dataRight-dataLeft)
	}

	var b strings.Builder
	b.Grow(1500 + 260*len(pts) + 160*len(l.Bands))

	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(width) + " " + strconv.Itoa(height))
	b.WriteString(`" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="`)
	b.WriteString(id + `-title ` + id + `-desc">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	b.WriteString(`<desc id="` + id + `-desc">` + esc(describe(title, pts)) + `</desc>`)

	for i, bd := range l.Bands {
		lo, hi := min(bd.Min, bd.Max), max(bd.Min, bd.Max)
		// Stretch each band half a point either way so adjacent integer
		// bands (0-4, 5-9) meet and every score sits inside its band.
		y1, y2 := yOf(float64(hi)+0.5), yOf(float64(lo)-0.5)
		if y2-y1 <= 0 {
			continue // entirely off the axis
		}
		b.WriteString(`<rect class="chart-band ` + bandClass(bd.Class, i) + `" x="` + num(gridLeft) + `" y="` + num(y1) +
			`" width="` + num(gridRight-gridLeft) + `" height="` + num(y2-y1) + `" fill="none">`)
		if bd.Label != "" {
			b.WriteString(`<title>` + esc(bd.Label) + `</title>`)
		}
		b.WriteString(`</rect>`)
	}

	writeGrid(&b, top, yOf)
	if l.Threshold > 0 && l.Threshold <= top {
		writeThreshold(&b, yOf(float64(l.Threshold)), "Threshold: "+strconv.Itoa(l.Threshold))
	}

	for _, i := range dateLabels(pts, xOf) {
		b.WriteString(`<text class="chart-axis-label" x="` + num(xOf(pts[i].At)) + `" y="` + num(dateY) +
			`" text-anchor="middle" font-size="` + fontSize + `" fill="` + muted + `">` +
			esc(pts[i].At.Format(dateFormat)) + `</text>`)
	}

	if len(pts) > 1 {
		b.WriteString(`<polyline class="chart-line" fill="none" stroke="` + brand +
			`" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round" points="`)
		for i, p := range pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(xOf(p.At)) + "," + num(yOf(float64(p.Value))))
		}
		b.WriteString(`"/>`)
	}

	for _, p := range pts {
		label := clean(p.Label)
		if label == "" {
			label = strconv.Itoa(p.Value)
		}
		b.WriteString(`<circle class="chart-point" cx="` + num(xOf(p.At)) + `" cy="` + num(yOf(float64(p.Value))) +
			`" r="` + pointR + `" fill="` + brand + `" stroke="#ffffff" stroke-width="2"><title>` +
			esc(p.At.Format(dateFormat)+": "+label) + `</title></circle>`)
	}

	b.WriteString(`</svg>`)
	// #nosec G203 -- built here; every dynamic string went through esc, numbers through strconv
	return template.HTML(b.String())
}

// writeGrid draws the labelled horizontal gridlines from 0 to top.
func writeGrid(b *strings.Builder, top int, yOf func(float64) float64) {
	for _, v := range gridValues(top) {
		y := num(yOf(float64(v)))
		b.WriteString(`<line class="chart-grid" x1="` + num(gridLeft) + `" y1="` + y + `" x2="` + num(gridRight) + `" y2="` + y +
			`" stroke="` + grid + `" stroke-width="1"/>`)
		b.WriteString(`<text class="chart-axis-label" x="` + num(valueX) + `" y="` + num(yOf(float64(v))+4) +
			`" text-anchor="end" font-size="` + fontSize + `" fill="` + muted + `">` + strconv.Itoa(v) + `</text>`)
	}
}

// writeThreshold draws the dashed reference line at y with its tooltip.
func writeThreshold(b *strings.Builder, y float64, title string) {
	b.WriteString(`<line class="chart-threshold" x1="` + num(gridLeft) + `" y1="` + num(y) + `" x2="` + num(gridRight) + `" y2="` + num(y) +
		`" stroke="` + ink + `" stroke-width="1.5" stroke-dasharray="6 4"><title>` + esc(title) + `</title></line>`)
}

// describe summarises the series in words for screen readers, e.g.
// "PHQ-9: 4 results from 3 Sep 2026 to 19 Nov 2026; 18 then 9, down 9.".
// It reports real values, not the clamped ones drawn.
func describe(title string, pts []Point) string {
	first, last := pts[0], pts[len(pts)-1]
	if len(pts) == 1 {
		return title + ": 1 result on " + first.At.Format(dateFormat) + "; " + strconv.Itoa(first.Value) + "."
	}
	change := "unchanged"
	// The difference is taken in unsigned arithmetic: the larger minus the
	// smaller always fits in a uint64, whatever the two ints are.
	switch a, b := first.Value, last.Value; {
	case b > a:
		change = "up " + strconv.FormatUint(uint64(b)-uint64(a), 10) // #nosec G115 -- wraparound is the intended two's-complement difference
	case b < a:
		change = "down " + strconv.FormatUint(uint64(a)-uint64(b), 10) // #nosec G115 -- as above
	}
	return title + ": " + strconv.Itoa(len(pts)) + " results from " + first.At.Format(dateFormat) + " to " +
		last.At.Format(dateFormat) + "; " + strconv.Itoa(first.Value) + " then " + strconv.Itoa(last.Value) + ", " + change + "."
}

// gridValues picks 3 to 5 labelled gridlines from 0 to top inclusive. An even
// division of top reads best (0 9 18 27); otherwise multiples of a round step
// plus top itself, dropping a multiple that would crowd top's label.
func gridValues(top int) []int {
	for _, k := range []int{4, 3, 2} {
		if top >= k && top%k == 0 {
			vs := make([]int, 0, k+1)
			for i := 0; i <= k; i++ {
				vs = append(vs, top/k*i)
			}
			return vs
		}
	}
	if top < 2 {
		return []int{0, top}
	}
	step := niceStep((top + 3) / 4)
	var vs []int
	for v := 0; v < top; v += step {
		if v == 0 || 2*(top-v) >= step {
			vs = append(vs, v)
		}
	}
	return append(vs, top)
}

// niceStep rounds n up to 1, 2, 2.5 or 5 times a power of ten (integers only).
func niceStep(n int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
			if m == 2 && p >= 10 && 25*p/10 >= n {
				return 25 * p / 10
			}
		}
	}
}

// dateLabels chooses at most maxDates evenly spread points to label under
// the axis, always the first and last, skipping any that would overlap or
// repeat the previous date.
func dateLabels(pts []Point, xOf func(time.Time) float64) []int {
	n := len(pts)
	m := min(n, maxDates)
	if m == 1 {
		return []int{0}
	}
	lastX := xOf(pts[n-1].At)
	lastDate := pts[n-1].At.Format(dateFormat)
	out := make([]int, 0, m)
	prevX, prevDate := math.Inf(-1), ""
	for k := 0; k < m-1; k++ {
		i := int(math.Round(float64(k) * float64(n-1) / float64(m-1)))
		x, d := xOf(pts[i].At), pts[i].At.Format(dateFormat)
		if len(out) > 0 && (x-prevX < minLabelGap || lastX-x < minLabelGap || d == prevDate || d == lastDate) {
			continue
		}
		out = append(out, i)
		prevX, prevDate = x, d
	}
	// The last date goes in unless it repeats the one before; when all the
	// points share one instant there is only one place to write it.
	if lastDate != prevDate && lastX-prevX >= minLabelGap {
		out = append(out, n-1)
	}
	return out
}

// chartID makes an id unique to this chart: a readable slug of the title and
// a hash of the whole content, so two charts on one page (even with the
// same title) do not share <title>/<desc> ids.
func chartID(title string, l Line, pts []Point) string {
	h := fnv.New64a()
	put := func(v int64) {
		h.Write(strconv.AppendInt(nil, v, 10))
		h.Write([]byte{'|'})
	}
	h.Write([]byte(title))
	put(int64(l.Max))
	put(int64(l.Threshold))
	for _, p := range pts {
		put(p.At.UnixNano())
		put(int64(p.Value))
		h.Write([]byte(p.Label))
		h.Write([]byte{0})
	}
	for _, bd := range l.Bands {
		put(int64(bd.Min))
		put(int64(bd.Max))
		h.Write([]byte(bd.Label + "\x00" + bd.Class + "\x00"))
	}
	sum := hex.EncodeToString(h.Sum(nil)[:4])

	slug := make([]byte, 0, 24)
	dash := false
	for _, r := range strings.ToLower(title) {
		if len(slug) >= 24 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			slug = append(slug, string(r)...) // ASCII letters and digits only
			dash = false
		} else if !dash && len(slug) > 0 {
			slug = append(slug, '-')
			dash = true
		}
	}
	s := strings.TrimRight(string(slug), "-")
	if s == "" {
		return "chart-" + sum
	}
	return "chart-" + s + "-" + sum
}

// bandClass namespaces the caller's band class ("band-2" → "chart-band-2")
// and keeps only characters that are safe in a class list. Without a class,
// bands are numbered in the order given.
func bandClass(c string, i int) string {
	c = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, c)
	switch {
	case c == "":
		return "chart-band-" + strconv.Itoa(min(i, 4))
	case strings.HasPrefix(c, "chart-"):
		return c
	default:
		return "chart-" + c
	}
}

// num formats a coordinate rounded to one decimal, without a trailing ".0".
func num(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// esc escapes text for an HTML or XML text node or attribute value.
func esc(s string) string {
	return template.HTMLEscapeString(clean(s))
}

// clean drops what XML forbids even when escaped (control characters, bad
// UTF-8), so the SVG stays well-formed whatever was typed into a label.
func clean(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for _, r := range s {
			if !xmlChar(r) {
				ok = false
				break
			}
		}
	}
	if ok {
		return s // the common case: no allocation
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// xmlChar reports whether XML 1.0 allows r (valid Go strings hold no
// surrogates, so only the controls and U+FFFE/U+FFFF need excluding).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF
}
