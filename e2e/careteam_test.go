package e2e

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestEmergencyAccessReviewedByTheDirector is a clinician covering for a
// colleague: the client is outside their care team, so the search does not
// list them and their chart is not found; emergency access with a reason
// opens it, flagged, and the clinical director reviews the use from their
// home page.
func TestEmergencyAccessReviewedByTheDirector(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			director := newBrowser(t)
			signIn(t, director, base, "director@demo.openiop.org", demo.Password)
			clients := run(t, director, chromedp.Evaluate[[][]string](`fetch('/clients?status=active').then(r => r.text()).then(html => {
				const doc = new DOMParser().parseFromString(html, 'text/html');
				return [...doc.querySelectorAll('#client-results tbody tr')].map(tr => [tr.querySelector('a').getAttribute('href'), (tr.textContent.match(/C-\d+/) || [''])[0]]);
			})`, chromedp.EvalAwaitPromise))
			if len(clients) == 0 {
				t.Fatal("the director sees no clients")
			}

			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			mrn := run(t, ctx, chromedp.Evaluate[string](`(async list => {
				for (const [href, mrn] of list) { if ((await fetch(href)).status === 404) return mrn; }
				return '';
			})(`+jsJSON(clients)+`)`, chromedp.EvalAwaitPromise))
			if mrn == "" {
				t.Fatal("every demo client is on the demo clinician's care team")
			}
			do(t, ctx, chromedp.Navigate(base+"/clients"), chromedp.WaitVisible(chromedp.ID("q")))
			mustContain(t, ctx, "Only clients you care for are listed")
			submit(t, ctx, `a[href="/emergency-access"]`)
			mustContain(t, ctx, "Emergency access", "the clinical director reviews each use")
			typeInto(t, ctx, "#mrn", mrn)
			typeInto(t, ctx, "#reason", "short")
			submit(t, ctx, `form[action="/emergency-access"] button[type=submit]`)
			mustContain(t, ctx, "Say why you need this record now")
			typeInto(t, ctx, "#reason", "Client arrived in crisis; their counselor is out today")
			shot(t, ctx, string(e)+"-emergency-access")
			submit(t, ctx, `form[action="/emergency-access"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("client-name")))
			mustContain(t, ctx, "Emergency access.", "flagged in the audit log", mrn)
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-emergency-chart")
			do(t, ctx, chromedp.Navigate(base+"/account/api-tokens"), chromedp.WaitVisible(chromedp.ID("sessions-title")))
			mustContain(t, ctx, "Where you are signed in", "this browser", "Change your password")
			shot(t, ctx, string(e)+"-account")

			do(t, director, chromedp.Navigate(base+"/home"), chromedp.WaitVisible(chromedp.ID("emergency-title")))
			mustContain(t, director, "Emergency access to review", "Client arrived in crisis; their counselor is out today", "Jordan Lee", mrn)
			shot(t, director, string(e)+"-director-home-emergency")
			submit(t, director, `form[action$="/review"] button[type=submit]`)
			do(t, director, chromedp.WaitVisible(chromedp.CSS("h1")))
			if n := run(t, director, chromedp.Evaluate[int](`[...document.querySelectorAll('td')].filter(td => td.textContent.includes('Client arrived in crisis')).length`)); n != 0 {
				t.Fatal("the reviewed use is still listed")
			}
			do(t, director, chromedp.Navigate(base+"/admin/privacy?mrn="+mrn), chromedp.WaitVisible(chromedp.ID("outside-title")))
			mustContain(t, director, "Privacy report", "reads from outside the care team", "Client arrived in crisis; their counselor is out today", "Jordan Lee")
			noCSPViolations(t, director)
			shot(t, director, string(e)+"-privacy-report")
		})
	}
}

// jsJSON is v as a JavaScript literal.
func jsJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
