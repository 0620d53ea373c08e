package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestChartTopicsAndVocationalNoteOnAPhone: on a phone, the clinical
// director finds a demo chart whose psychoeducation card shows topics the
// client attended, and whose session notes include vocational counseling,
// which opens in the vocational template; neither page is wider than the
// screen.
func TestChartTopicsAndVocationalNoteOnAPhone(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
	phone(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/clients"), chromedp.WaitVisible(chromedp.CSS("main")))
	charts := run(t, ctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll('main a[href^="/clients/"]')]
		.map(a => a.getAttribute('href')).filter(h => /^\/clients\/[0-9a-f-]{36}$/.test(h)))]`))
	if len(charts) < 10 {
		t.Fatalf("the clients list links %d charts", len(charts))
	}
	var note string
	sawTopics := false
	for _, chart := range charts {
		do(t, ctx, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.CSS("main h1")))
		page := text(t, ctx)
		if !sawTopics && strings.Contains(page, "Psychoeducation topics") && strings.Contains(page, "attended ") {
			sawTopics = true
			noHorizontalScroll(t, ctx)
			do(t, ctx, chromedp.ScrollIntoView(`#topics-title`))
			shot(t, ctx, "phone-chart-topics")
		}
		if note == "" {
			note = run(t, ctx, chromedp.Evaluate[string](`(() => { const a = [...document.querySelectorAll('a[href*="/note"]')]
				.find(a => a.textContent.includes('Vocational counseling')); return a ? a.getAttribute('href') : '' })()`))
		}
		if sawTopics && note != "" {
			break
		}
	}
	if !sawTopics {
		t.Fatal("no demo chart shows a psychoeducation topic attended")
	}
	if note == "" {
		t.Fatal("no demo chart lists a vocational counseling session note")
	}
	do(t, ctx, chromedp.Navigate(base+note), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustContain(t, ctx, "Vocational counseling note", "Work and school status", "Barriers", "Activities")
	noHorizontalScroll(t, ctx)
	noCSPViolations(t, ctx)
	shot(t, ctx, "phone-vocational-note")
}
