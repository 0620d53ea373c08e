package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// The demo fee is $175 a day, 3 days a week for 10 weeks. A household of 3
// (poverty line $26,650) with $42,000 is at 158%: the 150-200% bracket,
// 40% of the fee: $70 a day and $2,100 for the 30 days.
func TestSelfPayResultShowsTheEstimate(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		public := e.browser()
		form := selfAssessment()
		form.Set("payer", "self_pay")
		form.Set("household_size", "3")
		form.Set("household_income", "$42,000")
		r := e.post(public, "/self-assessment", form)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("self-assessment: %d", r.StatusCode)
		}
		for _, want := range []string{"Paying for treatment", `id="estimate-day">$70<`, `id="estimate-program">$2,100<`,
			"40% of the fee", "for incomes $39,975 to under $53,300", "the fee of $175 per IOP day", "30 days",
			"This is an estimate, not a bill", "sliding scale lowers it"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the self-pay result lacks %q", want)
			}
		}
		// The anonymous answers keep nothing about paying; the inquiry form carries it.
		said := assessmentID(t, r.Body)
		sa, err := e.db.GetSelfAssessment(t.Context(), said)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sa.Answers, "payer") || strings.Contains(sa.Answers, "42") || strings.Contains(sa.Answers, "household") {
			t.Errorf("the anonymous self-assessment kept the payment answers: %s", sa.Answers)
		}
		if !strings.Contains(r.Body, `<option value="self_pay" selected>`) || !strings.Contains(r.Body, `name="household_income" value="42000"`) {
			t.Error("the inquiry form does not carry the payer and income")
		}

		send := url.Values{"assessment_id": {said}, "name": {"Robin"}, "phone": {"(312) 555-0170"}, "consent": {"yes"},
			"payer": {"self_pay"}, "household_size": {"3"}, "household_income": {"42000"}}
		if r := e.post(public, "/inquiry", send); r.StatusCode != http.StatusOK {
			t.Fatalf("inquiry: %d", r.StatusCode)
		}
		list, _ := e.db.Inquiries(t.Context(), "")
		var in admissions.Inquiry
		for _, x := range list {
			if x.Name == "Robin" {
				in = x
			}
		}
		if in.Payer != cost.SelfPay || in.Household != (cost.Household{Size: 3, IncomeCents: 42_000_00, HasIncome: true}) {
			t.Fatalf("stored payer %q, household %+v", in.Payer, in.Household)
		}
		page := e.get(e.signIn(model.RoleAdmissions), "/inquiries/"+in.ID)
		for _, want := range []string{"Self-pay", "$42,000", `id="estimate-day">$70<`, "Admissions checklist"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the inquiry page lacks %q", want)
			}
		}

		// Without an income: the full fee, and the sliding scale named.
		form.Del("household_income")
		r = e.post(public, "/self-assessment", form)
		if !strings.Contains(r.Body, `id="estimate-day">$175<`) || !strings.Contains(r.Body, `id="estimate-program">$5,250<`) ||
			!strings.Contains(r.Body, "a sliding scale by household size and yearly income can lower it") {
			t.Error("the self-pay result without an income does not show the full fee and the sliding scale")
		}

		// Medicare: the center's cited text, no estimate; a household given anyway is not asked, so ignored.
		form.Set("payer", "medicare")
		form.Set("household_income", "lots")
		r = e.post(public, "/self-assessment", form)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Consolidated Appropriations Act, 2023, section 4124") ||
			!strings.Contains(r.Body, "at least 9 hours of services a week") || strings.Contains(r.Body, "estimate-day") {
			t.Errorf("the Medicare result: %d", r.StatusCode)
		}

		// A bad income for self-pay, or an unknown payer, is named and nothing is kept.
		counts, _ := e.db.SelfAssessmentCounts(t.Context(), model.Date{Year: 2000, Month: 1, Day: 1})
		form.Set("payer", "self_pay")
		r = e.post(public, "/self-assessment", form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter your household&#39;s yearly income in dollars") {
			t.Errorf("a bad income: %d", r.StatusCode)
		}
		form.Set("payer", "cash")
		if r := e.post(public, "/self-assessment", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose how you expect to pay") {
			t.Errorf("an unknown payer: %d", r.StatusCode)
		}
		if after, _ := e.db.SelfAssessmentCounts(t.Context(), model.Date{Year: 2000, Month: 1, Day: 1}); !reflect.DeepEqual(after, counts) {
			t.Error("a refused self-assessment was counted")
		}
	})
}

// feesForm is the settings form for fees and a scale.
func feesForm(f cost.Fees, s cost.Scale) url.Values {
	v := url.Values{"fee": {cost.DollarsValue(f.AmountCents)}, "unit": {string(f.Unit)}, "days_per_week": {fmt.Sprint(f.DaysPerWeek)},
		"weeks": {fmt.Sprint(f.Weeks)}, "note": {f.Note}, "rows": {fmt.Sprint(len(s) + 2)}}
	for i, b := range s {
		v.Set(fmt.Sprintf("size_%d", i), fmt.Sprint(b.Size))
		v.Set(fmt.Sprintf("from_%d", i), fmt.Sprint(b.FromCents/100))
		if b.UnderCents != 0 {
			v.Set(fmt.Sprintf("under_%d", i), fmt.Sprint(b.UnderCents/100))
		}
		v.Set(fmt.Sprintf("percent_%d", i), fmt.Sprint(b.Percent))
	}
	return v
}

func TestCostSettingsRefuseBadTablesAndChangeNothing(t *testing.T) {
	e := newEnv(t, store.SQLite)
	director := e.signIn(model.RoleClinicalDirector)
	page := e.get(director, "/program/costs")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `name="size_47"`) || !strings.Contains(page.Body, "Worked example") {
		t.Fatalf("settings page: %d", page.StatusCode)
	}
	before, _ := e.db.CostSettings(t.Context())
	head := e.auditHead()

	// Whole-dollar demo scale rows: the demo's thresholds are whole dollars.
	scale := demo.Scale()
	gap := feesForm(demo.Fees, scale)
	gap.Set("from_8", "32000") // size 2's third row starts after its second ends ($31,725)
	r := e.post(director, "/program/costs/fees", gap)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Row 9 leaves a gap after row 8: for a household of 2, no bracket covers $31,725 to under $32,000.") {
		t.Fatalf("a gap: %d", r.StatusCode)
	}
	if !strings.Contains(r.Body, `name="from_8" value="32000"`) {
		t.Error("the refused form lost what was typed")
	}
	for name, edit := range map[string]func(url.Values){
		"overlap":     func(v url.Values) { v.Set("from_8", "30000") },
		"percent 120": func(v url.Values) { v.Set("percent_3", "120") },
		"size 9":      func(v url.Values) { v.Set("size_0", "9") },
		"income text": func(v url.Values) { v.Set("under_1", "lots") },
		"fee $0":      func(v url.Values) { v.Set("fee", "0") },
		"a size gone": func(v url.Values) {
			for i := 42; i < 48; i++ { // the six rows of size 8
				for _, k := range []string{"size", "from", "under", "percent"} {
					v.Del(fmt.Sprintf("%s_%d", k, i))
				}
			}
		},
	} {
		v := feesForm(demo.Fees, scale)
		edit(v)
		if r := e.post(director, "/program/costs/fees", v); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Please correct") {
			t.Errorf("%s: %d, want 422 with the problem named", name, r.StatusCode)
		}
	}
	bad := url.Values{}
	for _, p := range cost.Payers {
		bad.Set("text_"+string(p), "Ask us.")
	}
	bad.Set("text_medicare", "")
	if r := e.post(director, "/program/costs/texts", bad); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Write what paying with Medicare usually means") {
		t.Errorf("a missing Medicare text: %d", r.StatusCode)
	}
	if after, _ := e.db.CostSettings(t.Context()); !reflect.DeepEqual(after, before) {
		t.Fatal("refused saves changed the settings")
	}
	if n := len(e.auditSince(head)); n != 0 {
		t.Errorf("refused saves left %d audit records", n)
	}

	// A good save: $200 a day, and the whole table replaced.
	good := feesForm(cost.Fees{AmountCents: 200_00, Unit: cost.PerDay, DaysPerWeek: 3, Weeks: 8}, scale)
	if r := e.post(director, "/program/costs/fees", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good save: %d %s", r.StatusCode, r.Body)
	}
	after, _ := e.db.CostSettings(t.Context())
	if after.Fees.AmountCents != 200_00 || after.Fees.Weeks != 8 || !reflect.DeepEqual(after.Scale, scale.Sorted()) {
		t.Errorf("after saving: %+v, %d rows", after.Fees, len(after.Scale))
	}
	recs := e.auditSince(head)
	if len(recs) != 1 || recs[0].Category != "settings.cost" || !strings.Contains(recs[0].Detail, "$200 per day") {
		t.Errorf("the save's audit: %+v", recs)
	}
	bad.Set("text_medicare", "Medicare covers IOP from 2024. Ask us.")
	if r := e.post(director, "/program/costs/texts", bad); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("texts: %d", r.StatusCode)
	}
	if got, _ := e.db.CostSettings(t.Context()); got.Texts[cost.Medicare] != "Medicare covers IOP from 2024. Ask us." {
		t.Errorf("Medicare's text: %q", got.Texts[cost.Medicare])
	}
}

func TestInquiryChecklistIsAudited(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		a := e.signIn(model.RoleAdmissions)
		list, _ := e.db.Inquiries(t.Context(), "")
		var in admissions.Inquiry
		for _, x := range list {
			if x.Name == "Marcus" {
				in = x
			}
		}
		if in.Payer != cost.Commercial {
			t.Fatalf("the demo's Marcus: %+v", in)
		}
		head := e.auditHead()
		if r := e.post(a, "/inquiries/"+in.ID+"/checklist", url.Values{"benefits_verified": {"yes"}, "preauth": {"perhaps"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Say whether pre-authorization is needed") {
			t.Fatalf("a bad pre-authorization answer: %d", r.StatusCode)
		}
		if c, _ := e.db.InquiryChecklist(t.Context(), in.ID); len(c) != 0 {
			t.Fatalf("a refused checklist stored %v", c)
		}
		for _, r := range e.auditSince(head) {
			if r.Action != audit.ActionRead {
				t.Errorf("a refused checklist wrote %+v", r)
			}
		}
		head = e.auditHead()
		r := e.post(a, "/inquiries/"+in.ID+"/checklist", url.Values{"benefits_verified": {"yes"}, "preauth": {"yes"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("checklist: %d", r.StatusCode)
		}
		recs := e.auditSince(head)
		if len(recs) != 1 || recs[0].Category != "inquiry" || recs[0].EntityID != in.ID || recs[0].Detail != "checklist benefits_verified=yes preauth=yes" {
			t.Fatalf("checklist audit: %+v", recs)
		}
		page := e.get(a, r.Header.Get("Location"))
		for _, want := range []string{"The checklist was saved.", "Ticked by Priya Nair", "Answered by Priya Nair", "Commercial plan", "XOF884210337"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the inquiry page lacks %q", want)
			}
		}
		if strings.Contains(page.Body, `name="estimate_told" value="yes" checked`) {
			t.Error("the estimate box is ticked though nobody ticked it")
		}
	})
}
