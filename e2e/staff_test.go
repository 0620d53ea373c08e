package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// TestStaffJourney walks the foundation as a clinician would: the public
// page, a failed and a good sign-in, the home page with today's sessions
// and the caseload, a live client search, a chart, and signing out. It runs
// on both engines.
func TestStaffJourney(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)

			do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("tracks")))
			mustContain(t, ctx, demo.Organization.Name, demo.Organization.Phone, "When groups meet", "Evening", "988")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-landing")

			signIn(t, ctx, base, "clinician@demo.openiop.org", "not-the-password")
			mustContain(t, ctx, "The email or password is not right")

			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			if loc := run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/home") {
				t.Fatalf("after sign-in the browser is at %s, want /home", loc)
			}
			mustContain(t, ctx, "Jordan Lee", "Today's sessions", "My caseload", "clients in treatment")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-home")

			// Take a client from the caseload and find them by searching.
			name := run(t, ctx, chromedp.Text(chromedp.CSS("#main .people a")))
			lastName := name[strings.LastIndex(name, " ")+1:]
			do(t, ctx, chromedp.Navigate(base+"/clients?status=all"), chromedp.WaitVisible(chromedp.ID("q")))
			do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), lastName))
			// htmx swaps the results in place as the person types.
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#client-results h2').innerText.includes('matching')`)); err != nil {
				failShot(t, ctx)
				t.Fatalf("search results did not update: %v", err)
			}
			mustContain(t, ctx, name)
			// Search words never reach the address bar (or browser history).
			if loc := run(t, ctx, chromedp.Location()); strings.Contains(strings.ToLower(loc), strings.ToLower(lastName)) {
				t.Errorf("the address shows the search: %s", loc)
			}
			shot(t, ctx, string(e)+"-clients-search")

			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#client-results a[href^="/clients/"]`))); err != nil {
				failShot(t, ctx)
				t.Fatal(err)
			}
			mustContain(t, ctx, "Episodes of care", "Primary counselor", "42 CFR Part 2")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-client")

			// Nothing identifying stays in the browser's storage: htmx keeps
			// only the current path there, which holds a random id at most.
			stored := run(t, ctx, chromedp.Evaluate[string](`JSON.stringify([localStorage, sessionStorage])`))
			if strings.Contains(strings.ToLower(stored), strings.ToLower(lastName)) || strings.Contains(stored, "history-cache") {
				t.Errorf("the browser keeps client data in web storage: %s", stored)
			}
			// The session cookie is out of reach of scripts.
			if c := run(t, ctx, chromedp.Evaluate[string](`document.cookie`)); strings.Contains(c, "iop_session") {
				t.Errorf("document.cookie shows the session: %q", c)
			}

			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
				t.Fatal(err)
			}
			mustContain(t, ctx, "You have signed out")
			do(t, ctx, chromedp.Navigate(base+"/home"), chromedp.WaitVisible(chromedp.ID("email")))
			if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "/login") {
				t.Fatalf("after signing out, /home went to %s, want the sign-in page", loc)
			}
		})
	}
}

// TestEveryRoleReachesItsHome signs in as each demo role and checks the home
// page shows what that role works with, and that a phone-sized screen never
// scrolls sideways.
func TestEveryRoleReachesItsHome(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	want := map[string][]string{
		"clinician":         {"My caseload", "Today's sessions"},
		"clinical_director": {"My caseload", "Today's sessions", "Audit log"},
		"admissions":        {"Register a client", "Today's sessions"},
		"front_desk":        {"Today's sessions", "Clients"},
		"biller":            {"Today's sessions", "Clients"},
		"admin":             {"Administration", "Staff accounts", "Audit log"},
	}
	for _, l := range demo.Logins {
		t.Run(string(l.Role), func(t *testing.T) {
			signIn(t, ctx, base, l.Email, demo.Password)
			mustContain(t, ctx, append([]string{l.Name}, want[string(l.Role)]...)...)
			noCSPViolations(t, ctx)
			do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload())
			noHorizontalScroll(t, ctx)
			shot(t, ctx, "phone-home-"+string(l.Role))
			do(t, ctx, chromedp.EmulateReset())
			do(t, ctx, chromedp.Navigate(base+"/login"))
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
				// A signed-in visitor to /login is sent home; sign out from there.
				t.Fatal(err)
			}
		})
	}
}
