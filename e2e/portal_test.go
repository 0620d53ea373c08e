package e2e

import (
	"context"
	_ "embed"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

//go:embed testdata/axe/axe-4.14.1.min.js
var axeSource string

// axeClean runs axe-core's automated checks on the current page and fails
// the test on any serious or critical violation, naming each with the
// elements it found.
func axeClean(t *testing.T, ctx context.Context) {
	t.Helper()
	if !run(t, ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`)) {
		do(t, ctx, chromedp.Evaluate[chromedp.Void](axeSource+";undefined"))
	}
	found := run(t, ctx, chromedp.Evaluate[[]string](`(async () => {
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
			.map(v => v.impact + ' ' + v.id + ': ' + v.help + ' [' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ') + ']');
	})()`, chromedp.EvalAwaitPromise))
	if len(found) > 0 {
		failShot(t, ctx)
		t.Errorf("axe-core on %s:\n%s", run(t, ctx, chromedp.Location()), strings.Join(found, "\n"))
	}
}

// phone makes the browser a 360-pixel-wide phone.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
}

// portalPage checks what every portal page must be on a phone: crisis help
// first, nothing wider than the screen, no CSP or axe-core violation.
func portalPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if first := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('body > .crisis a') ? document.querySelector('body > .crisis a').getAttribute('href') : ''`)); first != "tel:988" {
		failShot(t, ctx)
		t.Errorf("%s: the first thing on the page is not the crisis line (%q)", name, first)
	}
	noHorizontalScroll(t, ctx)
	noCSPViolations(t, ctx)
	axeClean(t, ctx)
	shot(t, ctx, "portal-"+name)
}

// TestPortalOnAPhone is a client's first days with the portal, on a
// 360-pixel phone: the counselor invites them and assigns a PHQ-9; they
// accept the invitation, see their next sessions and hours, check in,
// complete the PHQ-9, tell the program about a session they will miss
// (which the counselor accepts), sign their revised treatment plan and add
// to their relapse-prevention plan, which the counselor then sees.
func TestPortalOnAPhone(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			staff := newBrowser(t)
			signIn(t, staff, base, "clinician@demo.openiop.org", demo.Password)
			chart := run(t, staff, chromedp.Evaluate[string](`document.querySelector('#main .people a').getAttribute('href')`))

			// The counselor assigns a PHQ-9, revises and signs the plan, and invites the client.
			do(t, staff, chromedp.Navigate(base+chart+"/measures/new"), chromedp.WaitVisible(chromedp.ID("assign-title")))
			selectText(t, staff, `#instrument`, "PHQ-9")
			submit(t, staff, `form[action$="/assignments"] button`)
			do(t, staff, chromedp.Navigate(base+chart+"/plans"), chromedp.WaitVisible(chromedp.CSS("h1")))
			submit(t, staff, `#main .page-head form button`)
			mustContain(t, staff, "Draft")
			submit(t, staff, `button[value="sign"]`)
			mustContain(t, staff, "Awaiting the client's signature")
			do(t, staff, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.ID("portal-title")))
			if run(t, staff, chromedp.Evaluate[bool](`!!document.querySelector('form[action$="/portal/reset"]')`)) {
				submit(t, staff, `form[action$="/portal/reset"] button`) // the demo opened this client's portal already
			} else {
				submit(t, staff, `form[action$="/portal/invite"] button`)
			}
			mustContain(t, staff, "Your portal at Riverbend Recovery Center")
			code := strings.TrimSpace(run(t, staff, chromedp.Text(chromedp.CSS(".invite-code"))))
			shot(t, staff, "portal-invitation-sheet")

			// The client, on their phone.
			client := newBrowser(t)
			phone(t, client)
			do(t, client, chromedp.Navigate(base+"/portal/join/"+code), chromedp.WaitVisible(chromedp.ID("login")))
			portalPage(t, client, "join")
			typeInto(t, client, "#login", "ana.phone")
			typeInto(t, client, "#password", "blue kettle river stones")
			typeInto(t, client, "#again", "blue kettle river stones")
			submit(t, client, `form[action="/portal/join"] button`)
			mustContain(t, client, "Hello,", "Next sessions", "This week's hours", "Daily check-in", "PHQ-9")
			portalPage(t, client, "home")

			// Daily check-in.
			submit(t, client, `a[href="/portal/checkin"]`)
			portalPage(t, client, "checkin")
			check(t, client, `input[name="craving"][value="3"]`)
			check(t, client, `input[name="mood"][value="6"]`)
			check(t, client, `input[name="used"][value="no"]`)
			submit(t, client, `form[action="/portal/checkin"] button`)
			mustContain(t, client, "Thank you for checking in")

			// The due PHQ-9.
			do(t, client, chromedp.Navigate(base+"/portal"), chromedp.WaitVisible(chromedp.ID("due-title")))
			submit(t, client, `a[href^="/portal/measures/"]`)
			mustContain(t, client, "Over the last 2 weeks")
			portalPage(t, client, "phq9")
			do(t, client, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('fieldset.question').forEach(f => {
				const r = f.querySelector('input[type=radio][value="1"]') || f.querySelector('input[type=radio]'); r.checked = true; });
				document.querySelector('input[name="q9"][value="0"]').checked = true;`))
			submit(t, client, `form[action^="/portal/measures/"] button`)
			mustContain(t, client, "Your PHQ-9", "score is 8")
			portalPage(t, client, "phq9-done")

			// A session they will miss.
			do(t, client, chromedp.Navigate(base+"/portal/attendance"), chromedp.WaitVisible(chromedp.ID("meeting")))
			portalPage(t, client, "attendance")
			do(t, client, chromedp.Evaluate[chromedp.Void](`document.querySelector('#meeting').selectedIndex = 1`))
			typeInto(t, client, "#reason", "Work shift")
			submit(t, client, `form[action="/portal/absences"] button`)
			mustContain(t, client, "Thank you for telling us", "Waiting for your counselor")

			do(t, staff, chromedp.Navigate(base+"/absences"), chromedp.WaitVisible(chromedp.CSS("h1")))
			mustContain(t, staff, "Work shift")
			submit(t, staff, `button[value="accept"]`)
			mustContain(t, staff, "Nothing waiting")
			do(t, client, chromedp.Navigate(base+"/portal/attendance"), chromedp.WaitVisible(chromedp.ID("told-title")))
			mustContain(t, client, "Excused")

			// The plan, signed; the relapse-prevention plan, added to.
			do(t, client, chromedp.Navigate(base+"/portal/plans"), chromedp.WaitVisible(chromedp.ID("tp-title")))
			portalPage(t, client, "plans")
			check(t, client, `input[name="agree"]`)
			typeInto(t, client, "#client_signature", "Ana Phone")
			submit(t, client, `.client-sign button`)
			mustContain(t, client, "You signed your treatment plan")
			do(t, client, chromedp.Evaluate[chromedp.Void](`document.querySelector('.rpp-edit').open = true`))
			row := run(t, client, chromedp.Evaluate[string](`[...document.querySelectorAll('input[name^="reason"]')].find(i => i.value === '').name`))
			typeInto(t, client, `[name="`+row+`"]`, "Walking my daughter to school")
			submit(t, client, `.rpp-edit button[type=submit]`)
			mustContain(t, client, "Saved. Your counselor sees the change", "Walking my daughter to school")

			do(t, staff, chromedp.Navigate(base+chart+"/relapse-plan"), chromedp.WaitVisible(chromedp.ID("crisis-title")))
			mustContain(t, staff, "Walking my daughter to school", "(the client)")
			do(t, staff, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.ID("portal-title")))
			mustContain(t, staff, "Signs in as ana.phone", "Daily check-ins")
			shot(t, staff, "portal-chart-card")

			for _, p := range []string{"/portal/schedule", "/portal/settings"} {
				do(t, client, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("h1")))
				portalPage(t, client, strings.TrimPrefix(p, "/portal/"))
			}
			// Optional two-step sign-in: the key to scan.
			submit(t, client, `form[action="/portal/settings/two-step/start"] button`)
			mustContain(t, client, "scan this code", "Turn it on")
			portalPage(t, client, "two-step-setup")
			// Signed out, the sign-in page passes too.
			submit(t, client, `form[action="/portal/logout"] button`)
			mustContain(t, client, "You are signed out")
			portalPage(t, client, "login")
		})
	}
}

// TestFamilyPortalEndsWithTheConsent is the demo family member on a phone:
// they see the program's family groups and what the client's consent
// covers, with the redisclosure notice; when the clinician records the
// client's revocation, their next tap shows that access has ended.
func TestFamilyPortalEndsWithTheConsent(t *testing.T) {
	base := startServer(t, testutil.Engines()[0])
	family := newBrowser(t)
	phone(t, family)
	// The way in is on the center's front page.
	do(t, family, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`a[href="/portal/login"]`)))
	submit(t, family, `a[href="/portal/login"]`)
	do(t, family, chromedp.WaitVisible(chromedp.ID("login")))
	typeInto(t, family, "#login", demo.FamilyLogin)
	typeInto(t, family, "#password", demo.Password)
	submit(t, family, `form[action="/portal/login"] button`)
	mustContain(t, family, "Family portal", "Reach the program", "Family groups at the program", "Family education", "Help for families",
		"Notice to you as the recipient")
	portalPage(t, family, "family")

	staff := newBrowser(t)
	signIn(t, staff, base, "clinician@demo.openiop.org", demo.Password)
	consentURL := run(t, staff, chromedp.Evaluate[string](`(async () => {
		for (const a of document.querySelectorAll('#main .people a')) {
			const list = await (await fetch(a.getAttribute('href') + '/consents')).text();
			const doc = new DOMParser().parseFromString(list, 'text/html');
			for (const c of doc.querySelectorAll('a[href*="/consents/"]')) {
				const page = await (await fetch(c.getAttribute('href'))).text();
				if (page.includes('Signs in as <strong>`+demo.FamilyLogin+`</strong>')) return c.getAttribute('href');
			}
		}
		return '';
	})()`, chromedp.EvalAwaitPromise))
	if consentURL == "" {
		t.Fatal("no consent page shows the demo family member's account")
	}
	do(t, staff, chromedp.Navigate(base+consentURL), chromedp.WaitVisible(chromedp.ID("family-title")))
	mustContain(t, staff, "Family portal", "Signs in as "+demo.FamilyLogin)
	shot(t, staff, "family-consent-card")
	status := run(t, staff, chromedp.Evaluate[int](`fetch(location.pathname + '/revoke', {method: 'POST',
		body: new URLSearchParams({note: 'Written revocation handed in at the front desk'})}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 200 {
		t.Fatalf("revoking the consent: %d", status)
	}

	do(t, family, chromedp.Reload())
	mustContain(t, family, "Your access has ended", "revoked")
	if strings.Contains(text(t, family), "Help for families") {
		t.Fatal("the family page still shows after revocation")
	}
	noHorizontalScroll(t, family)
	axeClean(t, family)
	shot(t, family, "portal-family-ended")
}
