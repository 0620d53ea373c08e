package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
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

// TestSubstituteFacilitatorTakesAttendance: the clinical director names the
// demo clinician substitute for one meeting of a colleague's group on the
// track page; the clinician then finds that meeting on their week view and
// opens its attendance sheet, which the care-team rule otherwise keeps shut.
func TestSubstituteFacilitatorTakesAttendance(t *testing.T) {
	base := startServer(t, store.SQLite)
	director := newBrowser(t)
	signIn(t, director, base, "director@demo.openiop.org", demo.Password)
	do(t, director, chromedp.Navigate(base+"/program"), chromedp.WaitVisible(chromedp.CSS(`a[href^="/program/tracks/"]`)))
	tracks := run(t, director, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll('a[href^="/program/tracks/"]')].map(a => a.getAttribute('href')))]`))
	const name = "Jordan Lee"
	var meeting []string // group id, date
	for _, tr := range tracks {
		do(t, director, chromedp.Navigate(base+tr), chromedp.WaitVisible(chromedp.CSS("h1")))
		meeting = run(t, director, chromedp.Evaluate[[]string](`(() => {
			for (const f of document.querySelectorAll('.occurrences form:has(input[name=action][value=substitute])')) {
				const opt = [...f.querySelectorAll('select[name=substitute] option')].find(o => o.textContent === `+jsString(name)+`);
				if (!opt) continue;
				f.closest('details').open = true;
				f.id = 'chosen';
				f.querySelector('select').value = opt.value;
				return [f.getAttribute('action').split('/')[3], f.querySelector('input[name=date]').value];
			}
			return [];
		})()`))
		if len(meeting) == 2 {
			break
		}
	}
	if len(meeting) != 2 {
		t.Fatal("no upcoming meeting of a group the demo clinician does not facilitate")
	}
	sheet := "/program/groups/" + meeting[0] + "/attendance?date=" + meeting[1]

	clinician := newBrowser(t)
	signIn(t, clinician, base, "clinician@demo.openiop.org", demo.Password)
	status := func() int {
		return run(t, clinician, chromedp.Evaluate[int](`fetch(`+jsString(sheet)+`).then(r => r.status)`, chromedp.EvalAwaitPromise))
	}
	if s := status(); s != 404 {
		t.Fatalf("a colleague's group before the substitution: %d, want 404", s)
	}

	shot(t, director, "desktop-substitute-form")
	typeInto(t, director, `#chosen input[name=reason]`, "Facilitator on leave")
	submit(t, director, `#chosen button[type=submit]`)
	mustContain(t, director, "The substitute was saved", "substitute: "+name)
	noCSPViolations(t, director)

	do(t, clinician, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/schedule?date="+meeting[1]), chromedp.WaitVisible(chromedp.CSS(".week")))
	who := run(t, clinician, chromedp.Evaluate[string](`(() => { const a = document.querySelector('a[href="' + `+jsString(sheet)+` + '"]'); return a ? a.closest('li, .entry, div').textContent : ''; })()`))
	if !strings.Contains(who, name+" (substitute for ") {
		t.Fatalf("the week view does not offer the substitute's meeting: %q", who)
	}
	noHorizontalScroll(t, clinician)
	shot(t, clinician, "phone-week-substitute")
	do(t, clinician, chromedp.Navigate(base+sheet), chromedp.WaitVisible(chromedp.CSS(".roster")))
	mustContain(t, clinician, "Attendance")
	noCSPViolations(t, clinician)
}
