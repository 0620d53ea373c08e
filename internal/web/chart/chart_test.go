package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// node is a generic XML element, enough to inspect the chart's structure.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns every descendant element called name, in document order.
func (n node) all(name string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

func (n node) child(name string) (node, bool) {
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return node{}, false
}

// parse proves the output is well-formed XML with a single <svg> root, and
// returns that root.
func parse(t *testing.T, h template.HTML) node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(h)))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, h)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if tok.Name.Local != "svg" {
					t.Fatalf("root is <%s>, want <svg>", tok.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(tok)) != "" {
				t.Fatalf("text outside <svg>: %q", tok)
			}
		}
	}
	if roots != 1 {
		t.Fatalf("%d root elements, want 1", roots)
	}
	var n node
	if err := xml.Unmarshal([]byte(h), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func day(d string) time.Time {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		panic(err)
	}
	return t
}

func float(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad number %q: %v", s, err)
	}
	return f
}

var phq9Bands = []Band{
	{0, 4, "Minimal (0–4)", "band-0"},
	{5, 9, "Mild (5–9)", "band-1"},
	{10, 14, "Moderate (10–14)", "band-2"},
	{15, 19, "Moderately severe (15–19)", "band-3"},
	{20, 27, "Severe (20–27)", "band-4"},
}

// phq9 is given out of order on purpose: Render must sort by time.
func phq9() Line {
	return Line{Title: "PHQ-9", Max: 27, Threshold: 10, Bands: phq9Bands, Points: []Point{
		{day("2026-10-15"), 14, "14 (moderate)"},
		{day("2026-09-03"), 18, "18 (moderately severe)"},
		{day("2026-11-19"), 9, "9 (mild)"},
		{day("2026-10-01"), 15, "15 (moderately severe)"},
	}}
}

func TestStructure(t *testing.T) {
	h := Render(phq9())
	svg := parse(t, h)
	for name, want := range map[string]string{
		"viewBox": "0 0 420 220", "width": "100%", "role": "img", "preserveAspectRatio": "xMidYMid meet",
	} {
		if got := svg.attr(name); got != want {
			t.Errorf("svg %s = %q, want %q", name, got, want)
		}
	}
	title, ok1 := svg.child("title")
	desc, ok2 := svg.child("desc")
	if !ok1 || !ok2 {
		t.Fatal("svg needs <title> and <desc> children")
	}
	want := title.attr("id") + " " + desc.attr("id")
	if got := svg.attr("aria-labelledby"); got != want || title.attr("id") == "" || desc.attr("id") == "" {
		t.Errorf("aria-labelledby = %q, want %q", got, want)
	}
	if title.Text != "PHQ-9" {
		t.Errorf("title = %q", title.Text)
	}
	if n := len(svg.all("polyline")); n != 1 {
		t.Errorf("%d polylines, want 1", n)
	}
	if n := len(svg.all("circle")); n != 4 {
		t.Errorf("%d circles, want 4", n)
	}
	for _, c := range svg.all("circle") {
		if c.attr("class") != "chart-point" {
			t.Errorf("circle class %q", c.attr("class"))
		}
	}
	rects := svg.all("rect")
	if len(rects) != 5 {
		t.Fatalf("%d band rects, want 5", len(rects))
	}
	for i, r := range rects {
		if want := "chart-band chart-band-" + strconv.Itoa(i); r.attr("class") != want {
			t.Errorf("rect %d class %q, want %q", i, r.attr("class"), want)
		}
	}
	// Bands meet with no gap or overlap, and fill the axis from 0 to Max.
	for i := 1; i < len(rects); i++ {
		below, above := rects[i-1], rects[i]
		if math.Abs(float(t, above.attr("y"))+float(t, above.attr("height"))-float(t, below.attr("y"))) > 0.11 {
			t.Errorf("band %d does not meet band %d", i, i-1)
		}
	}
	var thresholds int
	for _, l := range svg.all("line") {
		if l.attr("class") == "chart-threshold" {
			thresholds++
			if l.attr("stroke-dasharray") == "" {
				t.Error("threshold line is not dashed")
			}
		}
	}
	if thresholds != 1 {
		t.Errorf("%d threshold lines, want 1", thresholds)
	}
	if strings.Contains(string(h), "style=") {
		t.Error("output has a style attribute; the CSP forbids inline styles")
	}
	if strings.Contains(string(h), "<script") {
		t.Error("output has a script element")
	}
}

func TestNoStyleAttribute(t *testing.T) {
	if h := string(Render(phq9())); strings.Contains(h, "style=") {
		t.Errorf("style= in output; the CSP forbids inline styles:\n%s", h)
	}
	// Typed text that looks like an attribute stays text.
	l := phq9()
	l.Title = `style="color:red"`
	l.Points[0].Label = `" style="x`
	l.Bands[0].Class = `band-0" style="fill:red`
	checkAttrs(t, parse(t, Render(l)))
}

// checkAttrs fails on any attribute outside the few the chart writes: a
// style or event-handler attribute would mean escaping failed.
func checkAttrs(t *testing.T, n node) {
	t.Helper()
	allowed := map[string]bool{"xmlns": true, "class": true, "viewBox": true, "width": true, "height": true,
		"preserveAspectRatio": true, "role": true, "aria-labelledby": true, "id": true, "x": true, "y": true,
		"x1": true, "y1": true, "x2": true, "y2": true, "cx": true, "cy": true, "r": true, "points": true,
		"fill": true, "stroke": true, "stroke-width": true, "stroke-dasharray": true, "stroke-linejoin": true,
		"stroke-linecap": true, "text-anchor": true, "font-size": true}
	for _, a := range n.Attrs {
		if !allowed[a.Name.Local] {
			t.Errorf("<%s> has unexpected attribute %s=%q", n.XMLName.Local, a.Name.Local, a.Value)
		}
	}
	for _, c := range n.Nodes {
		checkAttrs(t, c)
	}
}

func TestDesc(t *testing.T) {
	desc := func(l Line) string {
		d, _ := parse(t, Render(l)).child("desc")
		return d.Text
	}
	if got, want := desc(phq9()), "PHQ-9: 4 results from 3 Sep 2026 to 19 Nov 2026; 18 then 9, down 9."; got != want {
		t.Errorf("desc\n got %q\nwant %q", got, want)
	}
	up := Line{Title: "GAD-7", Max: 21, Points: []Point{{day("2026-01-05"), 3, ""}, {day("2026-02-02"), 11, ""}}}
	if got, want := desc(up), "GAD-7: 2 results from 5 Jan 2026 to 2 Feb 2026; 3 then 11, up 8."; got != want {
		t.Errorf("desc\n got %q\nwant %q", got, want)
	}
	same := Line{Title: "GAD-7", Max: 21, Points: []Point{{day("2026-01-05"), 7, ""}, {day("2026-02-02"), 7, ""}}}
	if got, want := desc(same), "GAD-7: 2 results from 5 Jan 2026 to 2 Feb 2026; 7 then 7, unchanged."; got != want {
		t.Errorf("desc\n got %q\nwant %q", got, want)
	}
	one := Line{Title: "PHQ-9", Max: 27, Points: []Point{{day("2026-09-03"), 18, ""}}}
	if got, want := desc(one), "PHQ-9: 1 result on 3 Sep 2026; 18."; got != want {
		t.Errorf("desc\n got %q\nwant %q", got, want)
	}
}

func TestTooltips(t *testing.T) {
	circles := parse(t, Render(phq9())).all("circle")
	want := []string{
		"3 Sep 2026: 18 (moderately severe)",
		"1 Oct 2026: 15 (moderately severe)",
		"15 Oct 2026: 14 (moderate)",
		"19 Nov 2026: 9 (mild)",
	}
	for i, c := range circles {
		tt, _ := c.child("title")
		if tt.Text != want[i] {
			t.Errorf("point %d tooltip %q, want %q", i, tt.Text, want[i])
		}
	}
	// Without a label the tooltip falls back to the value.
	c := parse(t, Render(Line{Title: "X", Max: 10, Points: []Point{{day("2026-03-04"), 6, ""}}})).all("circle")
	if tt, _ := c[0].child("title"); tt.Text != "4 Mar 2026: 6" {
		t.Errorf("tooltip %q", tt.Text)
	}
}

func TestProportionalTime(t *testing.T) {
	l := Line{Title: "PHQ-9", Max: 27, Points: []Point{
		{day("2026-01-11"), 5, ""}, {day("2026-01-01"), 5, ""}, {day("2026-01-02"), 5, ""},
	}}
	c := parse(t, Render(l)).all("circle")
	if len(c) != 3 {
		t.Fatalf("%d circles", len(c))
	}
	x0, x1, x2 := float(t, c[0].attr("cx")), float(t, c[1].attr("cx")), float(t, c[2].attr("cx"))
	if !(x0 < x1 && x1 < x2) {
		t.Fatalf("points not sorted by time: %v %v %v", x0, x1, x2)
	}
	if frac := (x1 - x0) / (x2 - x0); math.Abs(frac-0.1) > 0.005 {
		t.Errorf("day 1 of 0..10 drawn at %.3f of the way, want 0.1", frac)
	}
	// The polyline follows the same sorted order.
	pl := parse(t, Render(l)).all("polyline")[0].attr("points")
	want := c[0].attr("cx") + "," + c[0].attr("cy") + " " + c[1].attr("cx") + "," + c[1].attr("cy") + " " +
		c[2].attr("cx") + "," + c[2].attr("cy")
	if pl != want {
		t.Errorf("polyline %q, want %q", pl, want)
	}
}

func TestClamp(t *testing.T) {
	l := Line{Title: "PHQ-9", Max: 27, Points: []Point{
		{day("2026-01-01"), 27, "27"}, {day("2026-01-08"), 40, "40 (out of range)"}, {day("2026-01-15"), -3, ""},
		{day("2026-01-22"), 0, ""},
	}}
	svg := parse(t, Render(l))
	c := svg.all("circle")
	if c[1].attr("cy") != c[0].attr("cy") {
		t.Errorf("value above Max drawn at y=%s, want the Max line y=%s", c[1].attr("cy"), c[0].attr("cy"))
	}
	if c[2].attr("cy") != c[3].attr("cy") {
		t.Errorf("negative value drawn at y=%s, want the zero line y=%s", c[2].attr("cy"), c[3].attr("cy"))
	}
	if tt, _ := c[1].child("title"); tt.Text != "8 Jan 2026: 40 (out of range)" {
		t.Errorf("tooltip %q should show the real value", tt.Text)
	}
	if tt, _ := c[2].child("title"); tt.Text != "15 Jan 2026: -3" {
		t.Errorf("tooltip %q should show the real value", tt.Text)
	}
	if d, _ := svg.child("desc"); !strings.Contains(d.Text, "27 then 0, down 27") {
		t.Errorf("desc %q", d.Text)
	}
	for _, n := range []string{"cy", "cx"} {
		for _, p := range c {
			if v := float(t, p.attr(n)); v < 0 || v > 420 {
				t.Errorf("%s=%v outside the viewBox", n, v)
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	l := phq9()
	l.Title = `<script>alert(1)</script>`
	l.Points[0].Label = `</title><script>alert(2)</script>`
	l.Bands[0].Label = `"><img src=x onerror=alert(3)>`
	l.Bands[1].Class = `band-1" onmouseover="alert(4)`
	h := string(Render(l))
	svg := parse(t, template.HTML(h))
	checkAttrs(t, svg)
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(h, bad) {
			t.Errorf("output contains %q:\n%s", bad, h)
		}
	}
	if !strings.Contains(h, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("title not escaped:\n%s", h)
	}
	if tt, _ := svg.child("title"); tt.Text != `<script>alert(1)</script>` {
		t.Errorf("title text %q", tt.Text)
	}
	id := svg.attr("aria-labelledby")
	if strings.ContainsAny(id, `<>"'&/()`) {
		t.Errorf("id not sanitized: %q", id)
	}
	// Characters XML forbids even escaped are dropped rather than breaking the SVG.
	l = phq9()
	l.Title = "PHQ\x00-9\x1b\xff"
	parse(t, Render(l))
}

func TestUniqueIDs(t *testing.T) {
	a, b := phq9(), phq9()
	b.Title = "GAD-7"
	ida := parse(t, Render(a)).attr("aria-labelledby")
	idb := parse(t, Render(b)).attr("aria-labelledby")
	if ida == idb {
		t.Fatalf("two charts share ids %q", ida)
	}
	if !strings.HasPrefix(ida, "chart-phq-9-") || !strings.HasPrefix(idb, "chart-gad-7-") {
		t.Errorf("ids %q, %q should start with a slug of the title", ida, idb)
	}
	// Same title, different client's data: still distinct.
	c := phq9()
	c.Points = c.Points[:2]
	if idc := parse(t, Render(c)).attr("aria-labelledby"); idc == ida {
		t.Errorf("same-title charts share ids %q", idc)
	}
	// Stable across renders, so pages are deterministic.
	if again := parse(t, Render(phq9())).attr("aria-labelledby"); again != ida {
		t.Errorf("id changed between renders: %q then %q", ida, again)
	}
	// A title with nothing sluggable still gets a valid id.
	d := phq9()
	d.Title = "★★★"
	if id := parse(t, Render(d)).attr("aria-labelledby"); !strings.HasPrefix(id, "chart-") || strings.Contains(id, "★") {
		t.Errorf("id %q", id)
	}
}

func TestEmpty(t *testing.T) {
	if got := Render(Line{Title: "PHQ-9", Max: 27}); got != "" {
		t.Errorf("no points gave %q, want \"\"", got)
	}
}

func TestOnePoint(t *testing.T) {
	svg := parse(t, Render(Line{Title: "PHQ-9", Max: 27, Points: []Point{{day("2026-09-03"), 18, ""}}}))
	if n := len(svg.all("polyline")) + len(svg.all("path")); n != 0 {
		t.Errorf("one point drew %d lines", n)
	}
	if n := len(svg.all("circle")); n != 1 {
		t.Errorf("%d circles, want 1", n)
	}
}

func TestIdenticalTimestamps(t *testing.T) {
	at := day("2026-05-05")
	svg := parse(t, Render(Line{Title: "PHQ-9", Max: 27, Points: []Point{{at, 4, "first"}, {at, 8, "second"}}}))
	c := svg.all("circle")
	if len(c) != 2 || c[0].attr("cx") != c[1].attr("cx") {
		t.Fatalf("identical instants should share an x: %+v", c)
	}
	if tt, _ := c[0].child("title"); tt.Text != "5 May 2026: first" {
		t.Errorf("equal times should keep input order, got %q first", tt.Text)
	}
	if n := len(dateTexts(svg)); n != 1 {
		t.Errorf("%d date labels for one date, want 1", n)
	}
}

func TestMaxDefaultsToData(t *testing.T) {
	svg := parse(t, Render(Line{Title: "Cravings", Points: []Point{{day("2026-01-01"), 3, ""}, {day("2026-01-02"), 7, ""}}}))
	texts := valueTexts(svg)
	if texts[len(texts)-1] != "7" {
		t.Errorf("top gridline %q, want 7 (highest value) when Max is 0", texts[len(texts)-1])
	}
}

func TestHugeValues(t *testing.T) {
	for _, top := range []int{math.MaxInt, math.MinInt, 0} {
		svg := parse(t, Render(Line{Title: "X", Max: top, Points: []Point{
			{day("2026-01-01"), math.MaxInt, ""}, {day("2026-01-02"), math.MinInt, ""},
		}}))
		if n := len(valueTexts(svg)); n < 3 || n > 5 {
			t.Errorf("Max %d: %d gridlines", top, n)
		}
		if d, _ := svg.child("desc"); !strings.HasSuffix(d.Text, ", down 18446744073709551615.") {
			t.Errorf("desc %q", d.Text)
		}
	}
}

func TestGridlines(t *testing.T) {
	for top := 2; top <= 300; top++ {
		vs := gridValues(top)
		if len(vs) < 3 || len(vs) > 5 {
			t.Errorf("Max %d: %d gridlines %v, want 3-5", top, len(vs), vs)
		}
		if vs[0] != 0 || vs[len(vs)-1] != top {
			t.Errorf("Max %d: gridlines %v should run 0..Max", top, vs)
		}
		for i := 1; i < len(vs); i++ {
			// Labels 13 units tall on a 172-unit axis need ~8% apart.
			if float64(vs[i]-vs[i-1])/float64(top) < 0.08 {
				t.Errorf("Max %d: gridlines %v crowd each other", top, vs)
			}
		}
	}
	svg := parse(t, Render(phq9()))
	if got := strings.Join(valueTexts(svg), " "); got != "0 9 18 27" {
		t.Errorf("PHQ-9 gridline labels %q", got)
	}
}

func TestDateLabels(t *testing.T) {
	// Ten weekly points: first and last labelled, at most four, none overlapping.
	var pts []Point
	for i := range 10 {
		pts = append(pts, Point{At: day("2026-01-05").AddDate(0, 0, 7*i), Value: i})
	}
	svg := parse(t, Render(Line{Title: "PHQ-9", Max: 27, Points: pts}))
	dates := dateTexts(svg)
	if len(dates) < 2 || len(dates) > 4 {
		t.Fatalf("%d date labels, want 2-4", len(dates))
	}
	if dates[0].Text != "5 Jan 2026" || dates[len(dates)-1].Text != "9 Mar 2026" {
		t.Errorf("first/last date labels %q, %q", dates[0].Text, dates[len(dates)-1].Text)
	}
	for i := 1; i < len(dates); i++ {
		if float(t, dates[i].attr("x"))-float(t, dates[i-1].attr("x")) < minLabelGap {
			t.Errorf("date labels %q and %q overlap", dates[i-1].Text, dates[i].Text)
		}
	}
	// Day 0, 1, 10: the day-1 label would collide with the first, so it is left out.
	svg = parse(t, Render(Line{Title: "PHQ-9", Max: 27, Points: []Point{
		{day("2026-01-01"), 5, ""}, {day("2026-01-02"), 5, ""}, {day("2026-01-11"), 5, ""},
	}}))
	var got []string
	for _, d := range dateTexts(svg) {
		got = append(got, d.Text)
	}
	if strings.Join(got, "|") != "1 Jan 2026|11 Jan 2026" {
		t.Errorf("date labels %q", got)
	}
}

// TestInTemplate checks html/template passes the chart through untouched.
func TestInTemplate(t *testing.T) {
	h := Render(phq9())
	tpl := template.Must(template.New("").Parse(`<figure>{{.}}</figure>`))
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, h); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "<figure>"+string(h)+"</figure>" {
		t.Error("html/template altered the chart")
	}
}

func TestDoesNotReorderCallerSlice(t *testing.T) {
	l := phq9()
	before := l.Points[0]
	Render(l)
	if l.Points[0] != before {
		t.Error("Render sorted the caller's slice")
	}
}

// valueTexts returns the y-axis labels, bottom to top.
func valueTexts(svg node) []string {
	var out []string
	for _, tx := range svg.all("text") {
		if tx.attr("text-anchor") == "end" {
			out = append(out, tx.Text)
		}
	}
	return out
}

// dateTexts returns the x-axis labels, left to right.
func dateTexts(svg node) []node {
	var out []node
	for _, tx := range svg.all("text") {
		if tx.attr("text-anchor") == "middle" {
			out = append(out, tx)
		}
	}
	return out
}

func BenchmarkRender(b *testing.B) {
	l := phq9()
	for i := range 8 {
		l.Points = append(l.Points, Point{At: day("2026-12-01").AddDate(0, 0, 7*i), Value: 9 - i, Label: strconv.Itoa(9-i) + " (mild)"})
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Render(l))
	}
	b.SetBytes(int64(n))
}
