package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/billing/x837/x12test"
	"github.com/openiop/openiop/internal/store"
)

// TestBillerRenewsAnAuthorizationAndExportsClaims is the biller's morning
// on the demo center: an authorization running out on the billing page, the
// continued stay the payer granted entered for it (an overlapping one
// refused, naming the one it overlaps), last week's ready claims of a payer
// exported as an 837P batch, and the file read by an independent X12
// parser (node-x12).
func TestBillerRenewsAnAuthorizationAndExportsClaims(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, base, "biller@demo.openiop.org", "welcome-to-openiop")
	do(t, ctx, chromedp.Navigate(base+"/billing"), chromedp.WaitVisible(chromedp.ID("attention")))
	mustContain(t, ctx, "Authorizations to act on", "request a continued stay", "Exported batches", "Batch 1")
	noCSPViolations(t, ctx)
	shot(t, ctx, "desktop-billing")

	// The first authorization to act on: its client's coverage page.
	submit(t, ctx, ".auth-list li a")
	mustContain(t, ctx, "Coverage and authorizations", "of 12 days", "request a continued stay")
	payer := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.auth-active td.primary small, tbody tr td.primary small').innerText.split(' · ')[0]`))
	today := time.Now()
	from, to := today.AddDate(0, 0, 30).Format("2006-01-02"), today.AddDate(0, 0, 57).Format("2006-01-02")
	enter := func(number string) {
		selectText(t, ctx, "#auth-payer", payer)
		setValue(t, ctx, "#number", number)
		setValue(t, ctx, "#units", "12")
		setValue(t, ctx, "#auth-from", from)
		setValue(t, ctx, "#auth-to", to)
		submit(t, ctx, `form[action$="/authorizations"] button[type=submit]`)
	}
	enter("PA-RENEW-1")
	mustContain(t, ctx, "The authorization was saved", "PA-RENEW-1", "upcoming")
	enter("PA-RENEW-2")
	mustContain(t, ctx, "Authorization PA-RENEW-1 for the same payer and level already covers")
	if strings.Contains(text(t, ctx), "PA-RENEW-2</strong>") {
		t.Error("the overlapping authorization was stored")
	}
	// A second plan from the benefits call: the employer's program, secondary.
	selectText(t, ctx, "#cov-payer", "Lakeshore Logistics EAP (Employer program (EAP))")
	setValue(t, ctx, "#member_id", "LL-55120")
	selectText(t, ctx, "#priority", "Secondary")
	chicago, _ := time.LoadLocation("America/Chicago") // the demo center's day, whatever the machine's zone
	setValue(t, ctx, "#verified_on", time.Now().In(chicago).Format("2006-01-02"))
	setValue(t, ctx, "#cov-notes", "EAP covers up to 6 sessions a year")
	submit(t, ctx, `form[action$="/coverage"] button[type=submit]`)
	mustContain(t, ctx, "The coverage was saved", "LL-55120", "secondary", "by Marcus Bell")
	shot(t, ctx, "desktop-coverage")
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-coverage")

	// Last week's ready claims of the first payer with any, exported.
	do(t, ctx, chromedp.Navigate(base+"/billing"), chromedp.WaitVisible(chromedp.ID("attention")))
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-billing")
	do(t, ctx, chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900))
	do(t, ctx, chromedp.Navigate(base+"/billing"), chromedp.WaitVisible(chromedp.ID("attention")))
	submit(t, ctx, `.payer-claims form[action="/billing/batches"] button[type=submit]`)
	mustContain(t, ctx, "Claim batch 2", "was exported", "accounting of disclosures", "Download 837P")
	shot(t, ctx, "desktop-claim-batch")
	edi := run(t, ctx, chromedp.Evaluate[string](`(async () => { const r = await fetch(document.querySelector('a[href$="/837"]').href); return await r.text(); })()`, chromedp.EvalAwaitPromise))
	var claims, lines int
	for _, s := range x12test.Parse(t, []byte(edi)) {
		switch s.ID {
		case "CLM":
			claims++
		case "SV1":
			lines++
			if s.C(1, 2) != "H0015" {
				t.Errorf("a service line bills %s, want H0015", s.C(1, 2))
			}
		}
	}
	rows := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('main tbody tr').length`))
	if claims == 0 || lines != rows {
		t.Errorf("the 837P has %d claims and %d lines; the batch page lists %d lines", claims, lines, rows)
	}
}

// TestUtilizationReviewPacketAndDecision: the counselor records a
// continued-stay review for a demo client and makes the payer's packet from
// it in one click (printable, with the redisclosure notice and the demo
// client's evidence); the biller then records the payer's approval, which
// adds the authorization.
func TestUtilizationReviewPacketAndDecision(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, base, "clinician@demo.openiop.org", "welcome-to-openiop")
	submit(t, ctx, `.people a[href^="/clients/"]`)
	client := run(t, ctx, chromedp.Evaluate[string](`location.pathname`))
	submit(t, ctx, `a[href*="/episodes/"]`)
	typeInto(t, ctx, "#note", "Attending 9 or more hours a week; PHQ-9 improving; relapse-prevention plan in use. IOP still fits.")
	submit(t, ctx, `form[action$="/reviews"] button[type=submit]`)
	mustContain(t, ctx, "The review was recorded")
	do(t, ctx, chromedp.Click(chromedp.CSS(`details.ur-packet summary`)))
	submit(t, ctx, `details.ur-packet form button[type=submit]`)
	mustContain(t, ctx, "Utilization review: request for continued stay", "Why the level still fits", "IOP still fits.",
		"12 days (per diem)", "Attendance", "Notice to the recipient (42 CFR 2.32)")
	noCSPViolations(t, ctx)
	shot(t, ctx, "desktop-ur-packet")

	submit(t, ctx, `form[action="/logout"] button`)
	signIn(t, ctx, base, "biller@demo.openiop.org", "welcome-to-openiop")
	do(t, ctx, chromedp.Navigate(base+client+"/coverage"), chromedp.WaitVisible(chromedp.ID("new-decision")))
	payer := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#auth-payer option:nth-child(2)').textContent`))
	selectText(t, ctx, "#dec-payer", payer)
	start := time.Now().AddDate(0, 0, 60)
	setValue(t, ctx, "#requested", "12")
	setValue(t, ctx, "#dec-number", "PA-UR-1")
	setValue(t, ctx, "#dec-units", "12")
	setValue(t, ctx, "#dec-from", start.Format("2006-01-02"))
	setValue(t, ctx, "#dec-to", start.AddDate(0, 0, 27).Format("2006-01-02"))
	submit(t, ctx, `form[action$="/ur-decisions"] button[type=submit]`)
	mustContain(t, ctx, "The payer's decision was recorded", "PA-UR-1: 12 days of 12 asked", "upcoming")
	shot(t, ctx, "desktop-coverage-decision")
}

// TestAttendanceUsesAuthorizedUnits: the director takes attendance at last
// Monday's group and the units used on a client's authorizations move with
// it: counted from attendance as it is recorded, never typed in.
func TestAttendanceUsesAuthorizedUnits(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, base, "director@demo.openiop.org", "welcome-to-openiop")
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Now().In(chicago)
	monday := now.AddDate(0, 0, -((int(now.Weekday())+6)%7)-7)
	do(t, ctx, chromedp.Navigate(base+"/schedule?date="+monday.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".week")))
	sheets := run(t, ctx, chromedp.Evaluate[[]string](`[...[...document.querySelectorAll('.day')][0].querySelectorAll('a[href*="/attendance?date="]')].map(a => a.getAttribute('href'))`))
	used := func(client string) int {
		do(t, ctx, chromedp.Navigate(base+"/clients/"+client+"/coverage"), chromedp.WaitVisible(chromedp.ID("auths")))
		return run(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#auths ~ * meter, section meter')].reduce((n, m) => n + Number(m.value), 0)`))
	}
	for _, sheet := range sheets {
		do(t, ctx, chromedp.Navigate(base+sheet), chromedp.WaitVisible(chromedp.CSS(".roster")))
		ids := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input[name=client]')].map(i => i.value)`))
		for _, id := range ids {
			was := run(t, ctx, chromedp.Evaluate[string](`(document.querySelector('input[name="status_`+id+`"]:checked') || {}).value || ''`))
			before := used(id)
			if before == 0 || (was != "present" && was != "absent_unexcused") {
				continue // no authorization counting days, or a mark that is neither
			}
			do(t, ctx, chromedp.Navigate(base+sheet), chromedp.WaitVisible(chromedp.CSS(".roster")))
			next, step := "present", 1
			if was == "present" {
				next, step = "absent_unexcused", -1
			}
			check(t, ctx, `input[name="status_`+id+`"][value="`+next+`"]`)
			submit(t, ctx, `.sticky-actions button`)
			mustContain(t, ctx, "Attendance saved")
			if after := used(id); after != before+step {
				t.Fatalf("marking %s %s moved the units used from %d to %d, want %d", id, next, before, after, before+step)
			}
			shot(t, ctx, "desktop-coverage-after-attendance")
			return
		}
	}
	t.Fatal("no client of last Monday's groups has an authorization counting days")
}
