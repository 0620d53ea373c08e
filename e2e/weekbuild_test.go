package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestDirectorBuildsNextWeek: a client of the evening track takes an
// evening job; the director records it, builds next week, reads the
// proposal (the client moves to groups they can attend, or is explained),
// and applies it.
func TestDirectorBuildsNextWeek(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
			// A client with an evening group.
			href := run(t, ctx, chromedp.Evaluate[string](`(async () => {
				const html = await (await fetch('/clients?status=active')).text();
				const doc = new DOMParser().parseFromString(html, 'text/html');
				for (const a of doc.querySelectorAll('#client-results tbody tr a')) {
					const page = new DOMParser().parseFromString(await (await fetch(a.getAttribute('href') + '/schedule')).text(), 'text/html');
					const groups = page.querySelector('#groups-title').closest('section');
					if ([...groups.querySelectorAll('tbody tr')].some(tr => tr.textContent.includes('6:00 pm') && tr.textContent.includes('enrolled'))) return a.getAttribute('href');
				}
				return '';
			})()`, chromedp.EvalAwaitPromise))
			if href == "" {
				t.Fatal("no demo client has an evening group")
			}
			do(t, ctx, chromedp.Navigate(base+href+"/schedule"), chromedp.WaitVisible(chromedp.ID("avail-title")))
			name := strings.TrimSpace(run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.page-head .eyebrow a').textContent`)))
			run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#avail-title').parentElement.querySelector('details').open = true`))
			run(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('input[name=busy_days]')].forEach(c => c.checked = true) || true`))
			typeInto(t, ctx, "#busy_from", "17:00")
			typeInto(t, ctx, "#busy_to", "22:00")
			typeInto(t, ctx, "#busy_label", "Evening job")
			submit(t, ctx, `form[action$="/availability"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("avail-title")))
			mustContain(t, ctx, "Evening job")

			do(t, ctx, chromedp.Navigate(base+"/program"), chromedp.WaitVisible(chromedp.CSS(`a[href="/program/week-builder"]`)))
			submit(t, ctx, `a[href="/program/week-builder"]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("changes")))
			mustContain(t, ctx, "Build the week of", "clients meet their weekly minimum", "Changes to enrolments", "Individual sessions to book", name, "Left short of their weekly minimum")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-week-builder")
			phone(t, ctx)
			do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("changes")))
			noHorizontalScroll(t, ctx)
			shot(t, ctx, string(e)+"-week-builder-phone")
			do(t, ctx, chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900))
			// What if they were free in the evenings after all: the answer, nothing stored.
			do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("what-if")))
			if !run(t, ctx, chromedp.Evaluate[bool](`(() => {
				const sel = document.querySelector('#widen-client');
				const opt = [...sel.options].find(o => o.textContent.trim() === `+jsString(name)+`);
				if (!opt) return false;
				sel.value = opt.value;
				const form = sel.closest('form');
				form.querySelectorAll('input[name=days]').forEach(c => c.checked = c.value < 5);
				form.querySelector('#widen-from').value = '17:00';
				form.querySelector('#widen-to').value = '22:00';
				return true;
			})()`)) {
				t.Fatalf("the what-if form does not offer %s", name)
			}
			submit(t, ctx, `form[aria-labelledby="widen-title"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".what-if-answer")))
			mustContain(t, ctx, "What if "+name+" were also free Mon, Tue, Wed, Thu, Fri 5:00 pm-10:00 pm", "would meet their weekly minimum (now", "Nothing was changed.")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-week-builder-what-if")
			phone(t, ctx)
			do(t, ctx, chromedp.ScrollIntoView(".what-if-answer"))
			noHorizontalScroll(t, ctx)
			shot(t, ctx, string(e)+"-week-builder-what-if-phone")
			do(t, ctx, chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900))
			do(t, ctx, chromedp.Navigate(base+"/program/week-builder"), chromedp.WaitVisible(chromedp.ID("changes")))
			submit(t, ctx, `form[action="/program/week-builder/apply"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("changes")))
			mustContain(t, ctx, "Applied: the changes for", "clients (groups joined and left, individual sessions booked)")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-week-builder-applied")
			// The client's schedule shows the new week.
			do(t, ctx, chromedp.Navigate(base+href+"/schedule"), chromedp.WaitVisible(chromedp.ID("avail-title")))
			if run(t, ctx, chromedp.Evaluate[bool](`[...document.querySelector('#groups-title').closest('section').querySelectorAll('tbody tr')].some(tr => tr.textContent.includes('6:00 pm') && tr.textContent.includes('enrolled'))`)) {
				t.Errorf("%s still has an evening group after the week was applied", name)
			}
		})
	}
}
