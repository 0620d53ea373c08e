package e2e

import (
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestDirectorReadsTheOutcomes opens the outcomes page from the home page as
// the demo director on the demo center: the figures are shown, each with its
// definition, on a desktop and on a phone without sideways scrolling.
func TestDirectorReadsTheOutcomes(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
	do(t, ctx, chromedp.WaitVisible(`a[href="/outcomes"]`))
	submit(t, ctx, `a[href="/outcomes"]`)
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("figure-admissions")))
	mustContain(t, ctx, "Outcomes", "Admissions", "Episodes of care that began in the period.", "Census", "Retention at 30 days",
		"Numerator", "Denominator", "Attendance rate", "PHQ-9 reliable improvement", "NHS Talking Therapies",
		"Aftercare appointments kept", "not recorded yet", "From admission to discharge", "Drug screens negative, per month",
		"Download CSV", "fewer than 11 people")
	for _, key := range []string{"admissions", "census"} {
		v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#figure-`+key+` .outcome-value').textContent.trim()`))
		if !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(v) {
			t.Errorf("%s shows %q, want a count above 0 on the demo center", key, v)
		}
	}
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#figure-phq9_change .outcome-value').textContent.trim()`)); !regexp.MustCompile(`points$`).MatchString(v) {
		t.Errorf("PHQ-9 change shows %q", v)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.chart-svg').length`)); n < 2 {
		t.Errorf("%d charts, want the funnel and the change distributions at least", n)
	}
	noCSPViolations(t, ctx)
	shot(t, ctx, "outcomes-desktop")

	phone(t, ctx)
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("figure-admissions")))
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "outcomes-phone")
}
