package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
)

// TestSelfPayEstimate fills the public self-assessment on a phone as a
// person paying themselves, with a household of 3 and $42,000 a year, and
// sees the estimate from the demo fee schedule: $175 a day, 3 days a week
// for 10 weeks, and the sliding scale's 150-200% of the poverty line
// bracket (for 3 people, $39,975 to under $53,300) paying 40%: $70 a day,
// $2,100 for the program. Household size and income are asked only once
// "Paying myself" is chosen. Then the director opens the settings page the
// estimate comes from.
func TestSelfPayEstimate(t *testing.T) {
	base := startServer(t, store.SQLite)
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	do(t, ctx, chromedp.Navigate(base+"/self-assessment"), chromedp.WaitVisible(chromedp.ID("self-assessment")))
	visible := func(sel string) bool {
		return run(t, ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector('`+sel+`'); return !!el && el.offsetParent !== null; })()`))
	}
	if visible("#in-household_income") {
		t.Error("the income question shows before anyone chose to pay themselves")
	}
	fill(t, ctx, steadyAnswers())
	check(t, ctx, `input[name="payer"][value="medicare"]`)
	if visible("#in-household_income") {
		t.Error("the income question shows for Medicare")
	}
	check(t, ctx, `input[name="payer"][value="self_pay"]`)
	if !visible("#in-household_size") || !visible("#in-household_income") {
		t.Fatal("choosing to pay myself does not ask household size and income")
	}
	selectText(t, ctx, "#in-household_size", "3")
	typeInto(t, ctx, "#in-household_income", "42,000")
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-self-assessment-payment")
	submit(t, ctx, `#self-assessment button[type=submit]`)
	mustContain(t, ctx, "Intensive outpatient program (IOP)", "Paying for treatment", "Your estimate if you pay yourself",
		"40% of the fee", "This is an estimate, not a bill")
	day := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#estimate-day').innerText`))
	program := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#estimate-program').innerText`))
	if day != "$70" || program != "$2,100" {
		t.Errorf("the estimate is %s a day and %s the program; want $70 and $2,100", day, program)
	}
	// The answer travels into the inquiry form, where income shows for self-pay.
	if v := run(t, ctx, chromedp.Value(chromedp.ID("in-household_income"))); v != "42000" || !visible("#in-household_income") {
		t.Errorf("the inquiry form's income: %q", v)
	}
	noCSPViolations(t, ctx)
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-self-pay-result")
	do(t, ctx, chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900))
	shot(t, ctx, "desktop-self-pay-result")

	signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
	do(t, ctx, chromedp.Navigate(base+"/program/costs"), chromedp.WaitVisible(chromedp.ID("fees")))
	mustContain(t, ctx, "Self-pay fee schedule and sliding scale", "Worked example", "40% of the fee")
	if v := run(t, ctx, chromedp.Value(chromedp.ID("text_commercial"))); !strings.Contains(v, "Mental Health Parity and Addiction Equity Act of 2008") {
		t.Errorf("the commercial plans' text: %q", v)
	}
	if v := run(t, ctx, chromedp.Value(chromedp.ID("fee"))); v != "175" {
		t.Errorf("the settings page's fee: %q", v)
	}
	noCSPViolations(t, ctx)
	shot(t, ctx, "desktop-cost-settings")
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	noHorizontalScroll(t, ctx)
	shot(t, ctx, "phone-cost-settings")
}
