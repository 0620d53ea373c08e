package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestSafetyAlertAnsweredOnAPhone: the demo clinician's home page leads
// with the open safety alert from yesterday's PHQ-9 (item 9 above "not at
// all"); on a phone the alert page shows the crisis steps first, a response
// without a note is refused, and the recorded response closes the alert.
// The measures-due list is looked at on the way.
func TestSafetyAlertAnsweredOnAPhone(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
	phone(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/home"), chromedp.WaitVisible(chromedp.CSS(".safety-list")))
	mustContain(t, ctx, "Item 9 (thoughts of being better off dead or of self-harm)")
	submit(t, ctx, `.safety-list a[href*="/safety-alerts/"]`)
	mustContain(t, ctx, "This alert is waiting for a response", "988", "Record the response")
	noHorizontalScroll(t, ctx)
	noCSPViolations(t, ctx)
	shot(t, ctx, "phone-safety-alert")
	check(t, ctx, `input[name="action"][value="risk_assessed"]`)
	submit(t, ctx, `form[action*="/safety-alerts/"] button[type=submit]`)
	mustContain(t, ctx, "Please correct")
	typeInto(t, ctx, "#note", "Called the same day. Passive thoughts, no plan or intent; reviewed the safety plan and 988; seen tomorrow.")
	submit(t, ctx, `form[action*="/safety-alerts/"] button[type=submit]`)
	mustContain(t, ctx, "Response recorded. The alert is closed.", "Risk assessed")
	shot(t, ctx, "phone-safety-alert-answered")

	do(t, ctx, chromedp.Navigate(base+"/measures/due"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustContain(t, ctx, "Measures")
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-measures-due")
}
