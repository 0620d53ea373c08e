package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestClinicalCourse is a clinician's whole course of care for a demo client
// who is registered but not admitted: an assessment with a refused first
// try, the recommendation and its reasons, a refused override without a
// reason, acceptance, admission, a PHQ-9 with a suicide-risk answer, a
// refused and then a recorded step-down, a refused and then a recorded
// discharge with an aftercare plan, and the printable summary.
func TestClinicalCourse(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)

			chart := run(t, ctx, chromedp.Evaluate[string](`fetch('/clients?status=registered').then(r => r.text()).then(t => t.match(/href="(\/clients\/[0-9a-f-]{36})"/)[1])`,
				chromedp.EvalAwaitPromise))
			do(t, ctx, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.ID("client-name")))
			mustContain(t, ctx, "Not yet admitted", "No assessments yet")

			// The assessment, first with dimension 6 left unrated.
			submit(t, ctx, `a[href$="/assessments/new"]`)
			mustContain(t, ctx, "Crisis check first", "Readiness to change")
			ratings := map[int]int{1: 1, 2: 0, 3: 1, 4: 2, 5: 2}
			for d, r := range ratings {
				check(t, ctx, `input[name="dimension_`+itoa(d)+`"][value="`+itoa(r)+`"]`)
			}
			typeInto(t, ctx, "#evidence_5", "Drinking most days; relapsed twice after weekly counseling")
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#substance_alcohol').open = true`))
			for _, c := range []string{"craving", "tolerance", "cut_down", "withdrawal", "role_failure"} {
				check(t, ctx, `input[name="sud_alcohol"][value="`+c+`"]`)
			}
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-assessment-form")
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "Please correct 1 field", "Choose a rating for dimension 6")
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name^="dimension_"]:checked').length`)); n != 5 {
				t.Fatalf("the refused form kept %d of 5 ratings", n)
			}
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="sud_alcohol"]:checked').length`)); n != 5 {
				t.Fatalf("the refused form kept %d of 5 criteria", n)
			}
			check(t, ctx, `input[name="dimension_6"][value="1"]`)
			submit(t, ctx, `#main form button[type=submit]`)

			// The recommendation explains itself.
			mustContain(t, ctx, "Recommended level of care", "Intensive outpatient program (IOP)", "sets the level",
				"Relapse, continued use", "relapsed twice after weekly counseling", "decision support", "F10.20",
				"Moderate (4-5 criteria)")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-assessment")

			// An override without a reason is refused; acceptance is recorded.
			check(t, ctx, `input[name="level"][value="outpatient"]`)
			submit(t, ctx, `form[action$="/decision"] button`)
			mustContain(t, ctx, "Say why you chose a level other than the recommendation")
			check(t, ctx, `input[name="level"][value="intensive_outpatient"]`)
			submit(t, ctx, `form[action$="/decision"] button`)
			mustContain(t, ctx, "Recommendation accepted", "Jordan Lee")

			// Admission from the decided assessment.
			submit(t, ctx, `a[href*="/admit?assessment="]`)
			if v := run(t, ctx, chromedp.Value(chromedp.ID("diagnoses"))); v != "F10.20" {
				t.Errorf("the admission form suggests diagnoses %q, want F10.20", v)
			}
			selectText(t, ctx, "#program_id", "Adult IOP")
			selectText(t, ctx, "#track_id", "Adult IOP · Evening")
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "The client was admitted", "Admitted at Intensive outpatient (2.1)", "Evening track", "F10.20")
			episode := run(t, ctx, chromedp.Location())
			shot(t, ctx, string(e)+"-episode-admitted")

			// A PHQ-9 with thoughts of self-harm shows emergency guidance first.
			do(t, ctx, chromedp.Navigate(base+chart+"/measures/new?instrument=phq-9"), chromedp.WaitVisible(chromedp.ID("q1")))
			for i := 1; i <= 9; i++ {
				check(t, ctx, `input[name="q`+itoa(i)+`"][value="1"]`)
			}
			submit(t, ctx, `#main form button[type=submit]`)
			first := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#main').firstElementChild.innerText`))
			if !strings.Contains(first, "Act on this now") || !strings.Contains(first, "988") {
				t.Errorf("the PHQ-9 result does not open with emergency guidance; it opens with %q", first)
			}
			mustContain(t, ctx, "9", "mild")
			shot(t, ctx, string(e)+"-measure-urgent")
			// The screener is offered next; a positive screen needs question 5.
			submit(t, ctx, `a[href$="instrument=asq"]`)
			check(t, ctx, `input[name="q1"][value="1"]`)
			for i := 2; i <= 4; i++ {
				check(t, ctx, `input[name="q`+itoa(i)+`"][value="0"]`)
			}
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "Answer question 5")
			check(t, ctx, `input[name="q5"][value="0"]`)
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "Act on this now", "non-acute positive", "brief suicide safety assessment")
			do(t, ctx, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.ID("measures-title")))
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.trend svg circle').length`)); n != 2 {
				t.Errorf("the chart's trends have %d points, want 2 (PHQ-9 and ASQ)", n)
			}

			// A "step down" to a more intensive level is refused; a real one is recorded.
			do(t, ctx, chromedp.Navigate(episode), chromedp.WaitVisible(chromedp.ID("history-title")))
			submit(t, ctx, `a[href$="/change"]`)
			check(t, ctx, `input[name="kind"][value="step_down"]`)
			selectText(t, ctx, "#to_level", "Residential (3)")
			typeInto(t, ctx, "#reason", "Stable, attending every group")
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "A step down goes to a less intensive level")
			selectText(t, ctx, "#to_level", "Outpatient (1)")
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "The change was recorded", "Stepped down", "IOP → OP", "Stable, attending every group")

			// Discharge: a date before admission is refused, then the real one.
			submit(t, ctx, `a[href$="/discharge"]`)
			do(t, ctx, chromedp.SetValue(chromedp.ID("date"), "2001-01-01"))
			selectText(t, ctx, "#type", "Completed treatment")
			typeInto(t, ctx, "#reason", "Treatment goals met")
			selectText(t, ctx, "#next_level", "Outpatient (1)")
			typeInto(t, ctx, "#appointments", "Weekly counseling with R. Alvarez, Tuesdays 5 pm, starting next week")
			typeInto(t, ctx, "#supports", "SMART Recovery on Thursdays; sponsor; sister")
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "The discharge date cannot be before the admission date")
			// The demo center is in Chicago; its today is the admission date.
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#date').value = new Date().toLocaleDateString('en-CA', {timeZone: 'America/Chicago'})`))
			submit(t, ctx, `#main form button[type=submit]`)
			mustContain(t, ctx, "Discharge summary and aftercare plan", "Completed treatment", "Treatment goals met",
				"Weekly counseling with R. Alvarez", "SMART Recovery", "PHQ-9", "988", "42 CFR part 2")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-discharge-summary")

			// Printed, the summary drops the navigation and buttons.
			do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
				return err
			}))
			if d := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.topbar')).display`)); d != "none" {
				t.Errorf("printing shows the navigation bar (display %q)", d)
			}
			shot(t, ctx, string(e)+"-discharge-summary-print")
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// submit clicks a link or button and waits for the page it leads to.
func submit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		failShot(t, ctx)
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

func check(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	ok := run(t, ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector(`+jsString(sel)+`); if (!el) return false; el.checked = true; return true; })()`))
	if !ok {
		failShot(t, ctx)
		t.Fatalf("no control %s", sel)
	}
}

func typeInto(t *testing.T, ctx context.Context, sel, s string) {
	t.Helper()
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).value = ''`), chromedp.SendKeys(chromedp.CSS(sel), s))
}

// selectText chooses the option of a select whose text starts with label.
func selectText(t *testing.T, ctx context.Context, sel, label string) {
	t.Helper()
	ok := run(t, ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector(`+jsString(sel)+`);
		const o = [...s.options].find(o => o.text.trim().startsWith(`+jsString(label)+`)); if (!o) return false; s.value = o.value; return true; })()`))
	if !ok {
		failShot(t, ctx)
		t.Fatalf("%s has no option %q", sel, label)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
