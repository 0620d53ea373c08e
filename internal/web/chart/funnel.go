package chart

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// Step is one stage of a funnel: how many people reached it.
type Step struct {
	Label string // e.g. "In care or completed at 30 days"
	Count int
}

// Funnel is a chart of people passing through stages, each bar as long as
// its count against the first stage, with the count and its share of the
// first written beside it.
type Funnel struct {
	Title string
	Steps []Step
}

// RenderFunnel returns the funnel as an <svg> element, or "" when there are
// no steps.
func RenderFunnel(f Funnel) template.HTML {
	if len(f.Steps) == 0 {
		return ""
	}
	title := clean(f.Title)
	if strings.TrimSpace(title) == "" {
		title = "Funnel"
	}
	const rowH, barH, left, right = 46.0, 18.0, 8.0, 330.0
	h := int(rowH*float64(len(f.Steps))) + 8
	top := max(f.Steps[0].Count, 1)
	for _, s := range f.Steps {
		top = max(top, s.Count)
	}
	pts := make([]Point, len(f.Steps)) // for the id's hash only
	for i, s := range f.Steps {
		pts[i] = Point{At: time.Unix(int64(i), 0), Value: s.Count, Label: s.Label}
	}
	id := chartID(title, Line{Max: top}, pts)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ` + strconv.Itoa(width) + " " + strconv.Itoa(h) +
		`" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="` + id + `-title ` + id + `-desc">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	b.WriteString(`<desc id="` + id + `-desc">` + esc(describeFunnel(title, f.Steps)) + `</desc>`)
	first := f.Steps[0].Count
	for i, s := range f.Steps {
		y := 8 + rowH*float64(i)
		w := (right - left) * float64(max(s.Count, 0)) / float64(top)
		label := clean(s.Label)
		b.WriteString(`<text class="chart-axis-label" x="` + num(left) + `" y="` + num(y+12) + `" font-size="15" fill="` + ink + `">` + esc(label) + `</text>`)
		b.WriteString(`<rect class="chart-bar" x="` + num(left) + `" y="` + num(y+18) + `" width="` + num(max(w, 1)) + `" height="` + num(barH) +
			`" fill="` + brand + `"><title>` + esc(label+": "+strconv.Itoa(s.Count)) + `</title></rect>`)
		b.WriteString(`<text class="chart-axis-label" x="` + num(left+max(w, 1)+6) + `" y="` + num(y+32) + `" font-size="15" fill="` + muted + `">` +
			esc(strconv.Itoa(s.Count)+share(s.Count, first, i)) + `</text>`)
	}
	b.WriteString(`</svg>`)
	// #nosec G203 -- built here; every dynamic string went through esc, numbers through strconv
	return template.HTML(b.String())
}

func share(n, first, i int) string {
	if i == 0 || first <= 0 {
		return ""
	}
	return " (" + strconv.Itoa((200*n+first)/(2*first)) + "%)"
}

// describeFunnel says the funnel in words, e.g. "Admissions to discharge:
// Admitted 20; In care at 30 days 15 (75%).".
func describeFunnel(title string, steps []Step) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = clean(s.Label) + " " + strconv.Itoa(s.Count) + share(s.Count, steps[0].Count, i)
	}
	return title + ": " + strings.Join(parts, "; ") + "."
}
