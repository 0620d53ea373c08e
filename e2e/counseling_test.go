package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestClinicianEditsCounselingHours: the demo clinician opens their
// counseling hours from the account page, adds an overlapping window (refused,
// named), then a good one (saved).
func TestClinicianEditsCounselingHours(t *testing.T) {
	for _, e := range testutil.Engines()[:1] {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			do(t, ctx, chromedp.Navigate(base+"/account/api-tokens"), chromedp.WaitVisible(chromedp.CSS(`a[href="/account/counseling-hours"]`)))
			submit(t, ctx, `a[href="/account/counseling-hours"]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("hours-title")))
			mustContain(t, ctx, "Your counseling hours", "Most clients seen individually in a week")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-counseling-hours")
			// Row 7 is the first empty one (the demo has six windows): Monday 13:00-14:00 overlaps 12:00-18:00.
			run(t, ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('#from_7').value = '13:00'; document.querySelector('#to_7').value = '14:00'; document.querySelector('#room_7').value = 'Office 7'; return true })()`))
			submit(t, ctx, `form[action="/account/counseling-hours"][method="post"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("error-summary")))
			mustContain(t, ctx, "Mon 1:00 pm-2:00 pm overlaps Mon 12:00 pm-6:00 pm")
			shot(t, ctx, string(e)+"-counseling-hours-error")
			run(t, ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('#day_7').value = '0'; return true })()`))
			submit(t, ctx, `form[action="/account/counseling-hours"][method="post"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("hours-title")))
			mustContain(t, ctx, "Saved.")
			phone(t, ctx)
			do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("hours-title")))
			noHorizontalScroll(t, ctx)
			shot(t, ctx, string(e)+"-counseling-hours-phone")
		})
	}
}
