package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestEveryPageAtDesktopAndPhoneSize visits every page a person can reach,
// at a desktop and a phone viewport: no page may break its content security
// policy or scroll sideways on a phone. With IOP_SCREENSHOTS set it saves a
// screenshot of each for people to review.
func TestEveryPageAtDesktopAndPhoneSize(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	type page struct{ name, path, wait string }
	visit := func(who string, pages []page) {
		for _, size := range []struct {
			name string
			w, h int64
		}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
			if size.name == "phone" {
				do(t, ctx, chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateMobile))
			} else {
				do(t, ctx, chromedp.EmulateViewport(size.w, size.h))
			}
			for _, p := range pages {
				do(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
				noCSPViolations(t, ctx)
				if size.name == "phone" {
					noHorizontalScroll(t, ctx)
				}
				shot(t, ctx, size.name+"-"+who+"-"+p.name)
			}
		}
		do(t, ctx, chromedp.EmulateReset())
	}
	visit("public", []page{{"landing", "/", "#tracks"}, {"login", "/login", "#email"}, {"not-found", "/no-such-page", "h1"},
		{"checkin", "/checkin", "#code"}})

	signIn(t, ctx, base, "admissions@demo.openiop.org", demo.Password)
	chart := run(t, ctx, chromedp.Evaluate[string](`fetch('/clients?status=active').then(r => r.text()).then(t => t.match(/href="(\/clients\/[0-9a-f-]{36})"/)[1])`,
		chromedp.EvalAwaitPromise))
	visit("admissions", []page{
		{"home", "/home", "h1"},
		{"clients", "/clients?status=all", "#client-results"},
		{"client", chart, "#client-name"},
		{"client-edit", chart + "/edit", "#first_name"},
		{"client-new", "/clients/new", "#first_name"},
		{"program", "/program", "h1"},
	})
	// A refused registration shows the messages at their fields.
	do(t, ctx, chromedp.Navigate(base+"/clients/new"), chromedp.WaitVisible(chromedp.ID("first_name")))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("first_name"), "Ana"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("first_name"))); err != nil {
		t.Fatal(err)
	}
	mustContain(t, ctx, "Please correct 2 fields", "Enter the client's legal last name.", "Enter the date of birth")
	if v := run(t, ctx, chromedp.Value(chromedp.ID("first_name"))); v != "Ana" {
		t.Errorf("the refused form lost what was typed: %q", v)
	}
	shot(t, ctx, "desktop-admissions-client-new-errors")
	do(t, ctx, chromedp.Navigate(base+"/home"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
	caseChart := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#main .people a').getAttribute('href')`))
	do(t, ctx, chromedp.Navigate(base+caseChart), chromedp.WaitVisible(chromedp.ID("measures-title")))
	assessment := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('a[href*="/assessments/0"], a[href*="/assessments/"]:not([href$="/new"])').getAttribute('href')`))
	episode := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('a[href*="/episodes/"]').getAttribute('href')`))
	visit("clinician", []page{
		{"client", caseChart, "#measures-title"},
		{"assessment", assessment, "#rec-title"},
		{"assessment-new", caseChart + "/assessments/new", "#assessed_on"},
		{"episode", episode, "#history-title"},
		{"episode-change", episode + "/change", "#reason"},
		{"discharge-form", episode + "/discharge", "#relapse_plan"},
		{"measure-picker", caseChart + "/measures/new", ".picker"},
		{"measure-form", caseChart + "/measures/new?instrument=gad-7", "#q1"},
		{"reviews", "/reviews?all=1", "h1"},
		{"plan", caseChart + "/plans", "h1"},
		{"plans-due", "/plans?all=1", "h1"},
		{"relapse-plan", caseChart + "/relapse-plan", "#crisis-title"},
		{"relapse-card", caseChart + "/relapse-plan/card", "h1"},
		{"client-schedule", caseChart + "/schedule", "#hours-title"},
		{"week", "/schedule", ".week"},
		{"day", "/schedule?view=day", ".week"},
		{"account", "/account/api-tokens", "#feed-title"},
		{"checkin-desk", "/checkin/desk", "h1"},
		{"notes-pending", "/notes/pending", "h1"},
		{"alerts", "/alerts", "h1"},
	})
	do(t, ctx, chromedp.Navigate(base+"/home"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, base, "admin@demo.openiop.org", demo.Password)
	track := run(t, ctx, chromedp.Evaluate[string](`fetch('/program').then(r => r.text()).then(t => t.match(/href="(\/program\/tracks\/[0-9a-f-]{36})"/)[1])`,
		chromedp.EvalAwaitPromise))
	visit("admin", []page{{"users", "/admin/users", "#name"}, {"audit", "/admin/audit", "#audit-title"}, {"instruments", "/admin/instruments", "h1"},
		{"program", "/program", "h1"}, {"track", track, "#groups-title"}})
	// The audit log shows what the admissions worker just did.
	do(t, ctx, chromedp.Navigate(base+"/admin/audit"), chromedp.WaitVisible(chromedp.ID("audit-title")))
	body := strings.ToLower(text(t, ctx))
	for _, want := range []string{"priya nair", "client.demographics", "login"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log page does not show %q", want)
		}
	}
}
