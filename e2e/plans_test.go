package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestTreatmentPlanWrittenAndSigned is a clinician writing the initial plan
// of a demo client whose plan is due: a refused first try (a target date
// before the plan), signing, the client's signature captured on the staff
// device (refused without the witness's confirmation), then a revision and
// the changes between the versions.
func TestTreatmentPlanWrittenAndSigned(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			do(t, ctx, chromedp.Navigate(base+"/plans?all=1"), chromedp.WaitVisible(chromedp.CSS("h1")))
			chart := run(t, ctx, chromedp.Evaluate[string](`(() => { const row = [...document.querySelectorAll('tbody tr')]
				.find(r => r.querySelector('td[data-label="What"]').textContent.trim() === 'Initial plan');
				return row ? row.querySelector('a').getAttribute('href') : ''; })()`))
			if chart == "" {
				t.Fatal("the demo center has no client whose initial plan is due")
			}
			do(t, ctx, chromedp.Navigate(base+chart), chromedp.WaitVisible(chromedp.CSS("h1")))
			mustContain(t, ctx, "has no treatment plan yet", "The initial plan is due")
			submit(t, ctx, `#main form[action$="/plans"] button`)
			mustContain(t, ctx, "Goal, in the client's own words", "Add a problem")

			typeInto(t, ctx, `#client_statement`, "I want my family to trust me again.")
			typeInto(t, ctx, `[name="p0.statement"]`, "Daily drinking with failed attempts to cut down")
			typeInto(t, ctx, `[name="p0.goal"]`, "I want to stay sober so I can keep my job")
			typeInto(t, ctx, `[name="p0.o0.text"]`, "Attend 9 hours of groups each week")
			setValue(t, ctx, `[name="p0.o0.target"]`, "2000-01-01")
			selectText(t, ctx, `[name="p0.i0.modality"]`, "Cognitive behavioral therapy")
			typeInto(t, ctx, `[name="p0.i0.provider"]`, "Primary counselor")
			typeInto(t, ctx, `[name="p0.i0.frequency"]`, "3 groups a week")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-plan-form")
			submit(t, ctx, `button[value="sign"]`)
			mustContain(t, ctx, "Please correct 1 field", "The target date cannot be before the plan's date")
			if v := run(t, ctx, chromedp.Value(chromedp.CSS(`[name="p0.goal"]`))); v != "I want to stay sober so I can keep my job" {
				t.Fatalf("the refused form lost the goal: %q", v)
			}
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[name="p0.o0.target"]').value =
				new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10)`))
			submit(t, ctx, `button[value="sign"]`)
			mustContain(t, ctx, "The plan is signed and locked", "Awaiting the client's signature", "Attend 9 hours of groups each week",
				"Cognitive behavioral therapy (CBT)")

			// The client signs on this device; the witness must confirm they are present.
			typeInto(t, ctx, `#client_signature`, "Client Signature")
			submit(t, ctx, `.client-sign button`)
			mustContain(t, ctx, "Confirm that the client is here with you")
			typeInto(t, ctx, `#client_signature`, "Client Signature")
			check(t, ctx, `input[name="present"]`)
			submit(t, ctx, `.client-sign button`)
			mustContain(t, ctx, "The client's signature was added", "witnessed by Jordan Lee")
			if strings.Contains(text(t, ctx), "Awaiting") {
				t.Fatal("the plan still awaits a signature")
			}
			shot(t, ctx, string(e)+"-plan-signed")

			// A revision changes an objective; the changes page shows the old and the new words.
			submit(t, ctx, `#main .page-head form button`)
			mustContain(t, ctx, "version 2")
			typeInto(t, ctx, `[name="p0.o0.text"]`, "Attend 12 hours of groups each week")
			submit(t, ctx, `button[value="draft"]`)
			mustContain(t, ctx, "Draft saved")
			submit(t, ctx, `a[href$="/changes"]`)
			mustContain(t, ctx, "What changed in version 2", "Attend 9 hours of groups each week", "Attend 12 hours of groups each week")
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-plan-changes")
		})
	}
}

// TestGroupNoteObjectiveIsReviewEvidence is a facilitator's group note
// whose section for a client picks an objective of the client's signed
// plan: the plan's review then shows that section beside the objective.
func TestGroupNoteObjectiveIsReviewEvidence(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "clinician@demo.openiop.org", demo.Password)
			do(t, ctx, chromedp.Navigate(base+"/notes/pending"), chromedp.WaitVisible(chromedp.CSS("h1")))
			links := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#main td.primary a')].map(a => a.getAttribute('href')).filter(h => h.startsWith('/program/groups/'))`))
			clientID := ""
			for _, l := range links {
				do(t, ctx, chromedp.Navigate(base+l), chromedp.WaitVisible(chromedp.CSS("h1")))
				clientID = run(t, ctx, chromedp.Evaluate[string](`(() => { const c = document.querySelector('.objective-pick input[type=checkbox]');
					if (!c) return ''; c.checked = true; return c.name.replace('objective_', ''); })()`))
				if clientID != "" {
					break
				}
			}
			if clientID == "" {
				t.Fatal("no pending group note has a client with a signed treatment plan")
			}
			progress := "Named two triggers and practised urge surfing in group"
			typeInto(t, ctx, `#participation_`+clientID, "Took part throughout and offered feedback")
			typeInto(t, ctx, `#progress_`+clientID, progress)
			noCSPViolations(t, ctx)
			shot(t, ctx, string(e)+"-group-note-objective")
			submit(t, ctx, `button[value="draft"]`)
			mustContain(t, ctx, "Draft saved")
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.objective-pick input:checked').length`)); n != 1 {
				t.Fatalf("the saved draft shows %d objectives picked, want 1", n)
			}

			do(t, ctx, chromedp.Navigate(base+"/clients/"+clientID+"/plans"), chromedp.WaitVisible(chromedp.ID("review-title")))
			mustContain(t, ctx, "Review progress", progress)
			shot(t, ctx, string(e)+"-plan-review-evidence")
		})
	}
}
