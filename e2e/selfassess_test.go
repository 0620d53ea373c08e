package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// steadyAnswers are a person in their thirties who drinks several times a
// week, works, has support at home and could come in the evenings: an IOP.
func steadyAnswers() map[string]any {
	return map[string]any{
		"medical_emergency_now": "no", "severe_withdrawal_now": "no", "age": "34", "sex": "female",
		"substances": []string{"alcohol"}, "frequency": "several_weekly",
		"audit_c_q1": "3", "audit_c_q2": "2", "audit_c_q3": "2",
		"phq_q1": "1", "phq_q2": "2", "phq_q9": "0", "gad_q1": "2", "gad_q2": "1",
		"withdrawal_history": "no", "withdrawal_now": "no", "daily_heavy_alcohol": "no",
		"serious_medical": "no", "pregnant": "no",
		"stable_housing": "yes", "safe_home": "yes", "others_use_at_home": "yes", "supportive_person": "yes",
		"duties": []string{"work"}, "recent_treatment": "none", "readiness": "8", "can_attend": "yes", "times": []string{"evening"},
	}
}

// fill answers the self-assessment form from a map of key to value(s).
func fill(t *testing.T, ctx context.Context, answers map[string]any) {
	t.Helper()
	b, _ := json.Marshal(answers)
	missing := run(t, ctx, chromedp.Evaluate[[]string](`(() => {
		const a = `+string(b)+`, missing = [];
		for (const [k, v] of Object.entries(a)) {
			const vals = Array.isArray(v) ? v : [v];
			const num = document.querySelector('input[type=number][name="' + k + '"]');
			if (num) { num.value = vals[0]; continue; }
			for (const x of vals) {
				const el = document.querySelector('input[name="' + k + '"][value="' + x + '"]');
				if (el) el.checked = true; else missing.push(k + '=' + x);
			}
		}
		return missing;
	})()`))
	if len(missing) > 0 {
		t.Fatalf("the form has no control for %v", missing)
	}
}

// TestSelfAssessmentToAdmission walks the public path on a phone: the
// self-assessment with a question left out, a crisis answer that puts
// emergency help first, a steady result with matching evening groups, a
// refused and then a consented inquiry; then admissions staff find it on
// their board, log a call and admit the person, while a biller cannot see
// the board at all.
func TestSelfAssessmentToAdmission(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("tracks")))
	submit(t, ctx, `a[href="/self-assessment"]`)
	mustContain(t, ctx, "Is an intensive outpatient program right for me?", "First, right now", "AUDIT-C")
	noCSPViolations(t, ctx)
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-self-assessment")

	// A question left out is named, and what was entered stays.
	answers := steadyAnswers()
	delete(answers, "readiness")
	fill(t, ctx, answers)
	submit(t, ctx, `#self-assessment button[type=submit]`)
	mustContain(t, ctx, "Please correct 1 field", "Please answer this question.")
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name="age"]').value`)); v != "34" {
		t.Fatalf("the re-shown form lost the age: %q", v)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#self-assessment input:checked').length`)); n < 20 {
		t.Fatalf("the re-shown form kept %d answers", n)
	}

	// Thoughts of self-harm: emergency help comes first, before any result.
	crisis := steadyAnswers()
	crisis["phq_q9"] = "1"
	fill(t, ctx, crisis)
	submit(t, ctx, `#self-assessment button[type=submit]`)
	first := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#main').firstElementChild.innerText`))
	if !strings.Contains(first, "Please reach out for help right now") || !strings.Contains(first, "988") || !strings.Contains(first, "911") {
		t.Fatalf("the crisis result does not open with emergency help; it opens with %q", first)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href="tel:988"], a[href="sms:988"]').length`)); n < 2 {
		t.Errorf("the crisis panel offers %d ways to reach 988, want call and text", n)
	}
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-self-assessment-crisis")

	// The steady answers: IOP, its reasons, evening groups, and the offer to send.
	do(t, ctx, chromedp.Navigate(base+"/self-assessment"), chromedp.WaitVisible(chromedp.ID("self-assessment")))
	fill(t, ctx, steadyAnswers())
	submit(t, ctx, `#self-assessment button[type=submit]`)
	mustContain(t, ctx, "Intensive outpatient program (IOP)", "Why", "Evening", "not a diagnosis", "Talk with us")
	if strings.Contains(text(t, ctx), "Please reach out for help right now") {
		t.Error("a result without crisis answers shows the crisis panel")
	}
	noCSPViolations(t, ctx)
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-self-assessment-result")

	// Without consent nothing is sent.
	typeInto(t, ctx, "#name", "Dana")
	typeInto(t, ctx, "#phone", "(312) 555-0177")
	selectText(t, ctx, "#source", "Employer")
	submit(t, ctx, `form[action="/inquiry"] button[type=submit]`)
	mustContain(t, ctx, "Tick the box to agree")
	if v := run(t, ctx, chromedp.Value(chromedp.ID("phone"))); v != "(312) 555-0177" {
		t.Fatalf("the refused inquiry lost the phone number: %q", v)
	}
	check(t, ctx, `input[name="consent"]`)
	submit(t, ctx, `form[action="/inquiry"] button[type=submit]`)
	mustContain(t, ctx, "Thank you. We will be in touch.")
	shot(t, ctx, "phone-inquiry-sent")
	do(t, ctx, chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900))

	// A biller has no board.
	signIn(t, ctx, base, "biller@demo.openiop.org", demo.Password)
	if strings.Contains(text(t, ctx), "Inquiries") {
		t.Error("the biller's navigation offers Inquiries")
	}
	if resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/inquiries")); err != nil || resp.Status != http.StatusForbidden {
		t.Errorf("the biller opening /inquiries: %v %v, want 403", resp, err)
	}
	submit(t, ctx, `form[action="/logout"] button`)

	// Admissions finds Dana, logs a call and admits her.
	signIn(t, ctx, base, "admissions@demo.openiop.org", demo.Password)
	do(t, ctx, chromedp.Navigate(base+"/inquiries"), chromedp.WaitVisible(chromedp.CSS("h1")))
	mustContain(t, ctx, "Dana", "(312) 555-0177", "New")
	shot(t, ctx, "desktop-inquiries")
	dana := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('a[href^="/inquiries/"]')].find(a => a.innerText.trim() === 'Dana').getAttribute('href')`))
	do(t, ctx, chromedp.Navigate(base+dana), chromedp.WaitVisible(chromedp.CSS("h1")))
	mustContain(t, ctx, "Intensive outpatient program (IOP)", "Employer", "Consent given")
	selectText(t, ctx, "#outcome", "Reached them")
	submit(t, ctx, `form[action$="/contacts"] button`)
	mustContain(t, ctx, "The contact was logged", "Contacted", "reached")
	shot(t, ctx, "desktop-inquiry")
	submit(t, ctx, `a[href$="/admit"]`)
	typeInto(t, ctx, "#last_name", "Okafor")
	do(t, ctx, chromedp.SetValue(chromedp.ID("date_of_birth"), "1992-03-14"))
	selectText(t, ctx, "#program_id", "Adult IOP")
	selectText(t, ctx, "#track_id", "Adult IOP · Evening")
	submit(t, ctx, `#main form button[type=submit]`)
	mustContain(t, ctx, "Dana Okafor", "In treatment", "Evening track")
	do(t, ctx, chromedp.Navigate(base+"/inquiries?status=admitted"), chromedp.WaitVisible(chromedp.CSS("h1")))
	mustContain(t, ctx, "Dana", "Admitted")
}
