package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/jobs"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// phq9Form answers every PHQ-9 item with base and item 9 with q9.
func phq9Form(on string, base, q9 string) url.Values {
	f := url.Values{"instrument": {"phq-9"}, "on": {on}, "difficulty": {"1"}}
	for _, q := range []string{"q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"} {
		f.Set(q, base)
	}
	f.Set("q9", q9)
	return f
}

func TestSafetyAlertFromASessionMeasureStaysUntilAnswered(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		r := e.post(c, "/clients/"+e.client.ID+"/measures", phq9Form("2026-11-23", "1", "2"))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("giving the PHQ-9: %d", r.StatusCode)
		}
		result := e.get(c, r.Header.Get("Location"))
		crisis := strings.Index(result.Body, "tel:988")
		if crisis < 0 || crisis > strings.Index(result.Body, "<h1>") || !strings.Contains(result.Body, "Record the response") {
			t.Fatal("the result page does not put the crisis guidance and the alert first")
		}
		open, err := e.db.SafetyAlerts(t.Context(), store.SafetyAlertQuery{OpenOnly: true})
		if err != nil || len(open) != 1 || open[0].ClientID != e.client.ID {
			t.Fatalf("open alerts: %+v, %v", open, err)
		}
		alert := "/clients/" + e.client.ID + "/safety-alerts/" + open[0].ID
		// The counselor and the clinical director see it on their home page.
		d := e.signIn(model.RoleClinicalDirector)
		for who, b := range map[string]*http.Client{"counselor": c, "director": d} {
			if home := e.get(b, "/home"); !strings.Contains(home.Body, "Safety alerts waiting for a response") || !strings.Contains(home.Body, alert) {
				t.Errorf("the %s's home page does not show the alert", who)
			}
		}
		if page := e.get(e.signIn(model.RoleAdmissions), alert); page.StatusCode != http.StatusForbidden {
			t.Errorf("admissions opened the alert: %d", page.StatusCode)
		}

		// An incomplete response changes nothing; the alert stays.
		if r := e.post(c, alert, url.Values{"action": {"safety_plan"}, "note": {"  "}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Write what was done") {
			t.Fatalf("a response without a note: %d", r.StatusCode)
		}
		if r := e.post(c, alert, url.Values{"action": {"nothing"}, "note": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown action: %d", r.StatusCode)
		}
		if n, _ := e.db.CountOpenSafetyAlerts(t.Context(), ""); n != 1 {
			t.Fatal("a refused response closed the alert")
		}

		e.clock.Advance(10 * time.Minute) // within the session's idle limit
		head := e.auditHead()
		r = e.post(c, alert, url.Values{"action": {"risk_assessed"}, "note": {"Met at once; passive thoughts, no plan or intent. Safety plan reviewed; 988 card given."}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the response: %d %s", r.StatusCode, r.Body)
		}
		if recs := e.auditSince(head); len(recs) == 0 || recs[0].Category != "client.safety_alert" || recs[0].ClientID != e.client.ID {
			t.Fatalf("the response was not audited: %+v", recs)
		}
		if r := e.post(d, alert, url.Values{"action": {"contacted"}, "note": {"Second answer."}}); r.StatusCode != http.StatusConflict {
			t.Fatalf("a second response: %d, want 409", r.StatusCode)
		}
		page := e.get(c, alert)
		if !strings.Contains(page.Body, "answered in 10 min") || strings.Contains(page.Body, "waiting for a response") {
			t.Error("the alert page does not show the response and its time")
		}
		if list := e.get(d, "/safety-alerts"); !strings.Contains(list.Body, "No safety alert is waiting") || !strings.Contains(list.Body, "10 min") {
			t.Error("the alerts page does not show the median time to response")
		}
		if home := e.get(c, "/home"); strings.Contains(home.Body, "Safety alerts waiting") {
			t.Error("an answered alert is still on the home page")
		}
		// Another client's id in the address: the same 404 as a missing alert.
		list, _, _ := e.db.SearchClients(t.Context(), store.ClientQuery{Limit: 30})
		for _, other := range list {
			if other.ID != e.client.ID {
				if r := e.get(d, "/clients/"+other.ID+"/safety-alerts/"+open[0].ID); r.StatusCode != http.StatusNotFound {
					t.Errorf("an alert under another client: %d", r.StatusCode)
				}
				break
			}
		}
	})
}

func TestProgramMeasureScheduleAssignsDueMeasures(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		d := e.signIn(model.RoleClinicalDirector)
		full, err := e.db.Client(t.Context(), e.client.ID)
		if err != nil || full.Current == nil {
			t.Fatalf("the demo client has no episode: %v", err)
		}
		prog := full.Current.ProgramID
		path := "/program/" + prog + "/measure-schedule"
		before, _ := e.db.MeasureSchedules(t.Context(), prog) // the demo's PHQ-9 and GAD-7
		for name, f := range map[string]url.Values{
			"no cadence":         {"instrument": {"gad-7"}, "every_days": {"0"}, "at_admission": {"yes"}},
			"unknown instrument": {"instrument": {"gad-77"}, "every_days": {"14"}, "at_admission": {"yes"}},
		} {
			if r := e.post(d, path, f); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, r.StatusCode)
			}
		}
		if list, _ := e.db.MeasureSchedules(t.Context(), prog); len(list) != len(before) {
			t.Fatalf("a refused schedule was stored: %+v", list)
		}
		if r := e.post(d, path, url.Values{"instrument": {"gad-2"}, "every_days": {"7"}, "at_admission": {"yes"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("setting the schedule: %d", r.StatusCode)
		}
		if page := e.get(d, "/program"); !strings.Contains(page.Body, "GAD-2") || !strings.Contains(page.Body, "at admission, then every week") {
			t.Error("the program page does not show the schedule")
		}
		if r := e.post(e.signIn(model.RoleClinician), path, url.Values{"instrument": {"phq-9"}, "every_days": {"7"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("a clinician set a program's schedule: %d", r.StatusCode)
		}
		var n int
		n, err = jobs.AssignScheduledMeasures(t.Context(), e.db, e.clock.Now(), model.DateOf(e.clock.Now()))
		if err != nil || n == 0 {
			t.Fatalf("the job made %d assignments: %v", n, err)
		}
		c := e.signIn(model.RoleClinician)
		due := e.get(c, "/measures/due")
		if !strings.Contains(due.Body, "GAD-2") || !strings.Contains(due.Body, "Program schedule") || !strings.Contains(due.Body, e.client.ID) {
			t.Fatal("the clinician's measures-due list does not show the scheduled GAD-7")
		}
		if home := e.get(c, "/home"); !strings.Contains(home.Body, "/measures/due") {
			t.Error("the home page does not count the measures due")
		}
		// Giving it in session completes the assignment.
		r := e.post(c, "/clients/"+e.client.ID+"/measures", url.Values{"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"1"}, "q2": {"1"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("giving the GAD-7: %d %s", r.StatusCode, r.Body)
		}
		open, _ := e.db.OpenAssignments(t.Context(), e.client.ID)
		for _, a := range open {
			if a.Instrument == "gad-2" {
				t.Errorf("the GAD-2 assignment is still open: %+v", a)
			}
		}
		if r := e.post(d, path+"/gad-2/remove", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("removing: %d", r.StatusCode)
		}
		if list, _ := e.db.MeasureSchedules(t.Context(), prog); len(list) != len(before) {
			t.Fatal("the schedule was not removed")
		}
	})
}
