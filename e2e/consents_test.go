package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestConsentReleaseAndAccounting is a counselor recording a client's signed
// consent for a referral (refused first for a missing element), releasing
// records under it with the federal notice on the printed copy, finding the
// release in the accounting of disclosures, and, once the client revokes the
// consent, being unable to release under it.
func TestConsentReleaseAndAccounting(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			chart := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#main .people a').getAttribute('href')`))
			do(t, ctx, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.CSS("h1")))
			submit(t, ctx, `a[href$="/consents"]`)
			mustContain(t, ctx, "Consents to disclose", "My treating providers, health plans", "In force")
			shot(t, ctx, string(e)+"-consents")

			check(t, ctx, `input[name="recipient_kind"][value="organization"]`)
			typeInto(t, ctx, "#recipient_name", "Northside Family Health")
			typeInto(t, ctx, "#recipient_detail", "Dr. A. Patel, 4400 N Broadway")
			check(t, ctx, `input[name="categories"][value="enrollment"]`)
			check(t, ctx, `input[name="categories"][value="discharge"]`)
			check(t, ctx, `input[name="expiry"][value="end_of_treatment"]`)
			check(t, ctx, `input[name="statements_given"]`)
			submit(t, ctx, `button[type=submit].btn-lg`)
			mustContain(t, ctx, "§2.31(a)(5)") // no purpose chosen: refused, naming the element
			selectText(t, ctx, "#purpose", "Coordinating treatment")
			submit(t, ctx, `button[type=submit].btn-lg`)
			mustContain(t, ctx, "The consent was recorded.", "Northside Family Health", "Coordinating treatment with the recipient")

			submit(t, ctx, `a[href$="/release"]`)
			mustContain(t, ctx, "Release records", "Northside Family Health")
			// The link list also holds the TPO consent; pick Northside's.
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('a.choice')].find(a => a.textContent.includes('Northside')).click()`),
				chromedp.WaitVisible(chromedp.ID("note")))
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="categories"]:not([disabled])').length`)); n != 2 {
				t.Fatalf("the form offers %d categories, want the consent's 2", n)
			}
			typeInto(t, ctx, "#note", "Faxed to (773) 555-0150")
			shot(t, ctx, string(e)+"-release-form")
			submit(t, ctx, `form[action$="/release"] button[type=submit]`)
			mustContain(t, ctx, "Records released", "Notice to the recipient (42 CFR 2.32)",
				"protected by Federal confidentiality rules", "Disclosed with the written consent of", "Enrollment and diagnoses", "Level of care")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-release-printed")
			do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			noHorizontalScroll(t, ctx)
			shot(t, ctx, string(e)+"-phone-release-printed")
			do(t, ctx, chromedp.EmulateViewport(1280, 900))

			do(t, ctx, chromedp.Navigate(base+chart+"/disclosures"), chromedp.WaitVisible(chromedp.CSS("h1")))
			mustContain(t, ctx, "Accounting of disclosures", "Northside Family Health", "Printed release", "Faxed to (773) 555-0150")
			shot(t, ctx, string(e)+"-accounting")

			// The client revokes it; the consent can no longer be released under.
			do(t, ctx, chromedp.Navigate(base+chart+"/consents"), chromedp.WaitVisible(chromedp.CSS("h1")))
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('Northside')).querySelector('details.revoke').open = true`))
			id := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('Northside')).querySelector('input[name="note"]').id`))
			typeInto(t, ctx, "#"+id, "Signed letter handed in")
			submit(t, ctx, `form[action$="/revoke"]:has(#`+id+`) button[type=submit]`)
			mustContain(t, ctx, "The consent was revoked")
			do(t, ctx, chromedp.Navigate(base+chart+"/release"), chromedp.WaitVisible(chromedp.CSS("h1")))
			if n := run(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('a.choice')].filter(a => a.textContent.includes('Northside')).length`)); n != 0 {
				t.Fatal("a revoked consent is still offered for release")
			}
			do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			do(t, ctx, chromedp.Navigate(base+chart+"/consents"), chromedp.WaitVisible(chromedp.CSS("h1")))
			noHorizontalScroll(t, ctx)
			shot(t, ctx, string(e)+"-phone-consents")
		})
	}
}
