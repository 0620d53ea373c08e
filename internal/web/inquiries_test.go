package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// selfAssessment is a complete public self-assessment form.
func selfAssessment() url.Values {
	return url.Values{"medical_emergency_now": {"no"}, "severe_withdrawal_now": {"no"}, "age": {"34"}, "sex": {"female"},
		"substances": {"alcohol"}, "frequency": {"several_weekly"}, "audit_c_q1": {"3"}, "audit_c_q2": {"2"}, "audit_c_q3": {"2"},
		"phq_q1": {"1"}, "phq_q2": {"2"}, "phq_q9": {"0"}, "gad_q1": {"2"}, "gad_q2": {"1"},
		"withdrawal_history": {"no"}, "withdrawal_now": {"no"}, "daily_heavy_alcohol": {"no"}, "serious_medical": {"no"},
		"pregnant": {"no"}, "stable_housing": {"yes"}, "safe_home": {"yes"}, "others_use_at_home": {"yes"},
		"supportive_person": {"yes"}, "duties": {"work"}, "recent_treatment": {"none"}, "readiness": {"8"}, "can_attend": {"yes"}}
}

func assessmentID(t *testing.T, body string) string {
	t.Helper()
	const marker = `name="assessment_id" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatal("the result page has no inquiry form")
	}
	rest := body[i+len(marker):]
	return rest[:strings.Index(rest, `"`)]
}

func TestInquiryFromThePublicSiteToAdmission(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		public := e.browser()
		r := e.post(public, "/self-assessment", selfAssessment())
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Intensive outpatient program (IOP)") {
			t.Fatalf("self-assessment: %d", r.StatusCode)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("the result may be cached: %q", cc)
		}
		said := assessmentID(t, r.Body)

		// Without consent, and from a script filling the honeypot, nothing is stored.
		before, _ := e.db.Inquiries(t.Context(), "")
		form := url.Values{"assessment_id": {said}, "name": {"Dana"}, "phone": {"(312) 555-0177"}}
		if r := e.post(public, "/inquiry", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Tick the box to agree") {
			t.Fatalf("inquiry without consent: %d", r.StatusCode)
		}
		bot := url.Values{"assessment_id": {said}, "name": {"Bot"}, "phone": {"(312) 555-0100"}, "consent": {"yes"}, "website": {"http://spam.example"}}
		if r := e.post(public, "/inquiry", bot); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Thank you") {
			t.Fatalf("honeypot: %d; a script should see an ordinary thank-you", r.StatusCode)
		}
		if after, _ := e.db.Inquiries(t.Context(), ""); len(after) != len(before) {
			t.Fatal("an inquiry without consent, or from the honeypot, was stored")
		}

		form.Set("consent", "yes")
		form.Set("source", "employer")
		if r := e.post(public, "/inquiry", form); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Thank you") {
			t.Fatalf("inquiry: %d %s", r.StatusCode, r.Body)
		}
		list, _ := e.db.Inquiries(t.Context(), "")
		if len(list) != len(before)+1 {
			t.Fatalf("%d inquiries, want %d", len(list), len(before)+1)
		}
		var in admissions.Inquiry
		for _, x := range list {
			if x.Name == "Dana" {
				in = x
			}
		}
		if in.AssessmentID != said || in.Status != admissions.New || !strings.Contains(in.Consent, "I agree") || in.NextDue.IsZero() {
			t.Fatalf("stored inquiry: %+v", in)
		}

		// The board is for admissions and the director, not billers or clinicians.
		for _, role := range []model.Role{model.RoleBiller, model.RoleClinician, model.RoleFrontDesk} {
			if r := e.get(e.signIn(role), "/inquiries/"+in.ID); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s opening an inquiry: %d, want 403", role, r.StatusCode)
			}
		}
		a := e.signIn(model.RoleAdmissions)
		board := e.get(a, "/inquiries")
		if !strings.Contains(board.Body, "Dana") || !strings.Contains(board.Body, "Intensive outpatient program (IOP)") {
			t.Fatal("the board does not list the inquiry with its recommended level")
		}
		if !strings.Contains(board.Body, "Self-assessments in the last 30 days") || !strings.Contains(board.Body, `<span class="bar-n">`) {
			t.Error("the board does not count the public self-assessments")
		}
		page := e.get(a, "/inquiries/"+in.ID)
		for _, want := range []string{"Intensive outpatient program (IOP)", "Employer", "(312) 555-0177", "All answers"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the inquiry page lacks %q", want)
			}
		}
		if r := e.post(a, "/inquiries/"+in.ID+"/contacts", url.Values{"channel": {"phone"}, "outcome": {"teleported"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a contact with an unknown outcome: %d, want 422", r.StatusCode)
		}
		if r := e.post(a, "/inquiries/"+in.ID+"/contacts", url.Values{"channel": {"phone"}, "outcome": {"reached"}, "note": {"Wants evenings"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("contact: %d", r.StatusCode)
		}
		if got, _ := e.db.Inquiry(t.Context(), in.ID); got.Status != admissions.Contacted || got.LastContactAt.IsZero() {
			t.Errorf("after reaching the person: %s", got.Status)
		}
		if r := e.post(a, "/inquiries/"+in.ID, url.Values{"status": {"referred"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Say where the person was referred") {
			t.Errorf("referral without a place: %d", r.StatusCode)
		}
		if r := e.post(a, "/inquiries/"+in.ID, url.Values{"status": {"admitted"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("setting admitted by hand: %d, want 422", r.StatusCode)
		}

		// Admit: bad input stores nothing; good input makes a client in treatment.
		clients, _ := e.db.CountClients(t.Context())
		prog := ""
		if ps, _ := e.db.Programs(t.Context()); len(ps) > 0 {
			for _, p := range ps {
				if p.Population == model.Adults {
					prog = p.ID
				}
			}
		}
		bad := url.Values{"first_name": {"Dana"}, "last_name": {""}, "date_of_birth": {"1992-03-14"}, "program_id": {prog},
			"level_of_care": {"intensive_outpatient"}, "admission_date": {"2026-11-23"}}
		if r := e.post(a, "/inquiries/"+in.ID+"/admit", bad); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("admit without a last name: %d", r.StatusCode)
		}
		if n, _ := e.db.CountClients(t.Context()); n != clients {
			t.Fatal("a refused admission registered a client")
		}
		good := bad
		good.Set("last_name", "Okafor")
		r = e.post(a, "/inquiries/"+in.ID+"/admit", good)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("admit: %d %s", r.StatusCode, r.Body)
		}
		chart := e.get(a, r.Header.Get("Location"))
		if !strings.Contains(chart.Body, "Dana Okafor") || !strings.Contains(chart.Body, "In treatment") {
			t.Error("the new client's chart does not show them in treatment")
		}
		if got, _ := e.db.Inquiry(t.Context(), in.ID); got.Status != admissions.Admitted || got.ClientID == "" {
			t.Errorf("after admission the inquiry is %s with client %q", got.Status, got.ClientID)
		}
		if r := e.post(a, "/inquiries/"+in.ID+"/admit", good); r.StatusCode != http.StatusConflict {
			t.Errorf("admitting twice: %d, want 409", r.StatusCode)
		}
	})
}

func TestPublicFormsAreRateLimited(t *testing.T) {
	e := newEnv(t, store.SQLite)
	public := e.browser()
	before, _ := e.db.Inquiries(t.Context(), "")
	said := assessmentID(t, e.post(public, "/self-assessment", selfAssessment()).Body)
	form := url.Values{"assessment_id": {said}, "name": {"Flood"}, "phone": {"(312) 555-0100"}, "consent": {"yes"}}
	codes := map[int]int{}
	for range 8 {
		codes[e.post(public, "/inquiry", form).StatusCode]++
	}
	if codes[http.StatusOK] != 5 || codes[http.StatusTooManyRequests] != 3 {
		t.Fatalf("8 inquiries from one address: %v, want 5 accepted and 3 refused", codes)
	}
	if list, _ := e.db.Inquiries(t.Context(), ""); len(list) != len(before)+5 {
		t.Fatalf("%d inquiries stored, want %d", len(list), len(before)+5)
	}
}
