package chart

import (
	"strings"
	"testing"
)

func TestFunnelBarsFollowTheCounts(t *testing.T) {
	svg := RenderFunnel(Funnel{Title: "Admissions to discharge", Steps: []Step{{"Admitted", 20}, {"At 30 days", 15}, {"<Completed>", 5}}})
	n := parse(t, svg)
	var bars []node
	for _, r := range n.all("rect") {
		if strings.Contains(r.attr("class"), "chart-bar") {
			bars = append(bars, r)
		}
	}
	if len(bars) != 3 {
		t.Fatalf("%d bars", len(bars))
	}
	w := func(r node) float64 { return float(t, r.attr("width")) }
	if got := w(bars[1]) / w(bars[0]); got < 0.74 || got > 0.76 {
		t.Errorf("15 of 20 is %.2f of the first bar", got)
	}
	if !strings.Contains(string(svg), "Admissions to discharge: Admitted 20; At 30 days 15 (75%); &lt;Completed&gt; 5 (25%).") {
		t.Errorf("description: %s", svg)
	}
	if RenderFunnel(Funnel{}) != "" {
		t.Error("no steps should draw nothing")
	}
}
