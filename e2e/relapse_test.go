package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestRelapsePlanEditedWithVersionDiff is a counselor changing a client's
// relapse-prevention plan: the crisis steps come first, a person to call
// without a usable number is refused, and once saved the versions show
// what was added and who added it.
func TestRelapsePlanEditedWithVersionDiff(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			chart := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#main .people a').getAttribute('href')`))
			do(t, ctx, chromedp.Navigate(base+chart+"/relapse-plan"), chromedp.WaitVisible(chromedp.ID("crisis-title")))
			mustContain(t, ctx, "In a crisis, first", "988", "911")
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('.rpp-edit').open = true`))
			// The first empty contact row gets a new person.
			row := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('input[name^="contact"][name$=".name"]')].find(i => i.value === '').name.replace('.name', '')`))
			typeInto(t, ctx, `[name="`+row+`.name"]`, "Rosalind")
			typeInto(t, ctx, `[name="`+row+`.relationship"]`, "neighbor")
			typeInto(t, ctx, `[name="`+row+`.phone"]`, "55")
			submit(t, ctx, `.rpp-edit button[type=submit]`)
			mustContain(t, ctx, "at least 7 digits")
			typeInto(t, ctx, `[name="`+row+`.phone"]`, "(773) 555-0199")
			submit(t, ctx, `.rpp-edit button[type=submit]`)
			mustContain(t, ctx, "The plan was saved as a new version", "Rosalind (neighbor), (773) 555-0199", "Jordan Lee")
			if n := run(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.rpp-versions > li:first-child ins')].filter(i => i.textContent.includes('Rosalind')).length`)); n != 1 {
				t.Fatalf("the newest version does not show the added person (%d)", n)
			}
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-relapse-plan-versions")
		})
	}
}
