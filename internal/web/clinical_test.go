package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// assessmentForm is a complete assessment that recommends IOP.
func assessmentForm() url.Values {
	return url.Values{"assessed_on": {"2026-11-23"}, "dimension_1": {"1"}, "dimension_2": {"0"}, "dimension_3": {"1"},
		"dimension_4": {"1"}, "dimension_5": {"2"}, "dimension_6": {"1"}, "evidence_5": {"Daily use; two relapses"},
		"sud_alcohol": {"craving", "tolerance", "cut_down", "withdrawal"}}
}

// countRows counts a client's records of one kind, to prove a refusal
// stored nothing.
func countRows(t *testing.T, db *store.DB, kind string, c model.Client) int {
	t.Helper()
	var n int
	var err error
	switch kind {
	case "assessments":
		var list []care.Assessment
		list, err = db.Assessments(t.Context(), c.ID)
		n = len(list)
	case "measures":
		var list []care.Measure
		list, err = db.Measures(t.Context(), c.ID)
		n = len(list)
	case "episode_events":
		var list []care.Event
		list, err = db.EpisodeEvents(t.Context(), c.Current.ID)
		n = len(list)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssessmentRefusesBadInputAndRecordsTheDecisionOnce(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		before := countRows(t, e.db, "assessments", e.client)

		bad := assessmentForm()
		bad.Set("dimension_3", "7")
		bad.Set("dimension_6", "")
		bad["sud_alcohol"] = []string{"craving", "not-a-criterion"}
		r := e.post(c, "/clients/"+e.client.ID+"/assessments", bad)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad assessment: %d, want 422", r.StatusCode)
		}
		for _, want := range []string{"Dimension 3 takes a rating from 0 to 4, not 7.", "Choose a rating for dimension 6", "not-a-criterion",
			"Daily use; two relapses"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the re-shown assessment lacks %q", want)
			}
		}
		if countRows(t, e.db, "assessments", e.client) != before {
			t.Fatal("a refused assessment was stored")
		}

		r = e.post(c, "/clients/"+e.client.ID+"/assessments", assessmentForm())
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("assessment: %d %s", r.StatusCode, r.Body)
		}
		page := r.Header.Get("Location")
		head := e.auditHead()
		show := e.get(c, page)
		for _, want := range []string{"Intensive outpatient program (IOP)", "sets the level", "Daily use; two relapses", "F10.20"} {
			if !strings.Contains(show.Body, want) {
				t.Errorf("the recommendation page lacks %q", want)
			}
		}
		if recs := e.auditSince(head); len(recs) != 1 || recs[0].Category != "client.assessment" || recs[0].ClientID != e.client.ID ||
			recs[0].Action != audit.ActionRead {
			t.Errorf("reading the assessment left audit records %+v", recs)
		}

		// An override needs a reason; the decision is then fixed.
		if r := e.post(c, page+"/decision", url.Values{"level": {"outpatient"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Say why you chose a level other than the recommendation") {
			t.Fatalf("override without reason: %d", r.StatusCode)
		}
		if r := e.post(c, page+"/decision", url.Values{"level": {"outpatient"}, "reason": {"Works nights; OP with recovery housing"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("override with reason: %d", r.StatusCode)
		}
		if r := e.post(c, page+"/decision", url.Values{"level": {"intensive_outpatient"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "already has a decision") {
			t.Fatalf("second decision: %d", r.StatusCode)
		}
		if show := e.get(c, page); !strings.Contains(show.Body, "Different from the recommendation") || !strings.Contains(show.Body, "Works nights") {
			t.Error("the decision page does not show the override and its reason")
		}

		// The same assessment through another client's address is not found.
		other, _, _ := e.db.SearchClients(t.Context(), store.ClientQuery{Status: store.StatusDischarged, Limit: 1})
		aid := page[strings.LastIndex(page, "/")+1:]
		if r := e.get(c, "/clients/"+other[0].ID+"/assessments/"+aid); r.StatusCode != http.StatusNotFound {
			t.Errorf("assessment through another client: %d, want 404", r.StatusCode)
		}
	})
}

func TestMeasuresAndInstrumentSwitches(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		path := "/clients/" + e.client.ID + "/measures"
		before := countRows(t, e.db, "measures", e.client)
		for name, form := range map[string]url.Values{
			"unknown instrument": {"instrument": {"phq-99"}, "on": {"2026-11-23"}, "q1": {"1"}},
			"incomplete":         {"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"1"}},
			"out of range":       {"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"1"}, "q2": {"9"}},
			"future":             {"instrument": {"gad-2"}, "on": {"2027-01-01"}, "q1": {"1"}, "q2": {"1"}},
		} {
			if r := e.post(c, path, form); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, r.StatusCode)
			}
		}
		if countRows(t, e.db, "measures", e.client) != before {
			t.Fatal("a refused measure was stored")
		}
		r := e.post(c, path, url.Values{"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"3"}, "q2": {"2"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("measure: %d", r.StatusCode)
		}
		if show := e.get(c, r.Header.Get("Location")); !strings.Contains(show.Body, "of 6") || !strings.Contains(show.Body, ">5<") {
			t.Errorf("the result page does not show 5 of 6")
		}
		if chart := e.get(c, "/clients/"+e.client.ID); !strings.Contains(chart.Body, "GAD-2") || !strings.Contains(chart.Body, "<svg") {
			t.Error("the chart does not show the GAD-2 trend")
		}

		// The director switches GAD-2 off: it leaves the picker and is refused.
		d := e.signIn(model.RoleClinicalDirector)
		if r := e.post(d, "/admin/instruments/gad-2", url.Values{"enabled": {"0"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("switching off: %d", r.StatusCode)
		}
		if picker := e.get(c, path+"/new"); strings.Contains(picker.Body, "instrument=gad-2") {
			t.Error("a switched-off instrument is still offered")
		}
		if r := e.post(c, path, url.Values{"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"1"}, "q2": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "switched off") {
			t.Errorf("a switched-off instrument was accepted: %d", r.StatusCode)
		}
		if r := e.get(c, path+"/new?instrument=gad-2"); r.StatusCode != http.StatusNotFound {
			t.Errorf("a switched-off instrument's form: %d, want 404", r.StatusCode)
		}
		// Recorded results stay in the chart.
		if chart := e.get(c, "/clients/"+e.client.ID); !strings.Contains(chart.Body, "GAD-2") {
			t.Error("switching an instrument off hid its recorded results")
		}
	})
}

func TestEpisodeCourseRefusesWhatCannotHappen(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		ep, err := e.db.Episode(t.Context(), e.client.ID, e.client.Current.ID)
		if err != nil {
			t.Fatal(err)
		}
		base := "/clients/" + e.client.ID + "/episodes/" + ep.ID

		// A second open episode in the same program.
		r := e.post(c, "/clients/"+e.client.ID+"/episodes", url.Values{"program_id": {ep.ProgramID}, "level_of_care": {"intensive_outpatient"},
			"admission_date": {"2026-11-23"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already has an open episode") {
			t.Fatalf("second open episode: %d\n%s", r.StatusCode, r.Body)
		}
		if r := e.post(c, "/clients/"+e.client.ID+"/episodes", url.Values{"program_id": {ep.ProgramID}, "level_of_care": {"intensive_outpatient"},
			"admission_date": {"2026-11-23"}, "diagnoses": {"F10.20 banana"}}); !strings.Contains(r.Body, "BANANA is not an ICD-10-CM code") {
			t.Errorf("a malformed diagnosis code was not explained: %d", r.StatusCode)
		}

		events := countRows(t, e.db, "episode_events", e.client)
		for name, form := range map[string]url.Values{
			"step down upward":   {"kind": {"step_down"}, "date": {"2026-11-23"}, "to_level": {"residential"}, "reason": {"x"}},
			"no reason":          {"kind": {"step_down"}, "date": {"2026-11-23"}, "to_level": {"outpatient"}},
			"before admission":   {"kind": {"step_down"}, "date": {"2020-01-01"}, "to_level": {"outpatient"}, "reason": {"x"}},
			"foreign track":      {"kind": {"track_change"}, "date": {"2026-11-23"}, "to_track_id": {unknownID}, "reason": {"x"}},
			"unknown assessment": {"kind": {"step_down"}, "date": {"2026-11-23"}, "to_level": {"outpatient"}, "reason": {"x"}, "assessment_id": {unknownID}},
		} {
			if r := e.post(c, base+"/change", form); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, r.StatusCode)
			}
		}
		if r := e.post(c, base+"/discharge", url.Values{"date": {"2020-01-01"}, "type": {"completed"}, "reason": {"x"}, "next_level": {"none"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "cannot be before the admission date") {
			t.Errorf("discharge before admission: %d", r.StatusCode)
		}
		if countRows(t, e.db, "episode_events", e.client) != events {
			t.Fatal("a refused change stored an event")
		}

		// A review moves the due date; a discharge closes the episode for good.
		if r := e.post(c, base+"/reviews", url.Values{"date": {"2026-11-23"}, "note": {"Attending all groups; PHQ-9 down"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", r.StatusCode)
		}
		got, _ := e.db.Episode(t.Context(), e.client.ID, ep.ID)
		if got.ReviewDue != (model.Date{Year: 2026, Month: 12, Day: 23}) {
			t.Errorf("after the review the next is due %v, want 2026-12-23", got.ReviewDue)
		}
		r = e.post(c, base+"/discharge", url.Values{"date": {"2026-11-23"}, "type": {"completed"}, "reason": {"Goals met"},
			"next_level": {"outpatient"}, "appointments": {"Tue 5 pm"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("discharge: %d %s", r.StatusCode, r.Body)
		}
		if r := e.post(c, base+"/change", url.Values{"kind": {"step_down"}, "date": {"2026-11-23"}, "to_level": {"outpatient"}, "reason": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("changing a discharged episode: %d, want 422", r.StatusCode)
		}
		if r := e.get(c, base+"/discharge"); r.StatusCode != http.StatusConflict {
			t.Errorf("discharge form of a closed episode: %d, want 409", r.StatusCode)
		}
		summary := e.get(c, base+"/summary")
		for _, want := range []string{"Discharge summary and aftercare plan", "Goals met", "Tue 5 pm", "988"} {
			if !strings.Contains(summary.Body, want) {
				t.Errorf("the summary lacks %q", want)
			}
		}
	})
}

func TestClinicalRecordStaysOutOfNonClinicalCharts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		for _, role := range []model.Role{model.RoleFrontDesk, model.RoleBiller, model.RoleAdmissions} {
			chart := e.get(e.signIn(role), "/clients/"+e.client.ID)
			if chart.StatusCode != http.StatusOK {
				t.Fatalf("%s chart: %d", role, chart.StatusCode)
			}
			for _, hidden := range []string{"Measures", "Level-of-care assessments", "/episodes/"} {
				if strings.Contains(chart.Body, hidden) {
					t.Errorf("%s sees %q on the chart", role, hidden)
				}
			}
		}
		if chart := e.get(e.signIn(model.RoleClinician), "/clients/"+e.client.ID); !strings.Contains(chart.Body, "Level-of-care assessments") {
			t.Error("the clinician does not see the clinical record")
		}
	})
}

func TestProgramReviewInterval(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		d := e.signIn(model.RoleClinicalDirector)
		ep, err := e.db.Episode(t.Context(), e.client.ID, e.client.Current.ID)
		if err != nil {
			t.Fatal(err)
		}
		path := "/program/" + ep.ProgramID + "/review-interval"
		for _, bad := range []string{"0", "400", "two weeks", ""} {
			if r := e.post(d, path, url.Values{"days": {bad}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("interval %q: %d, want 422", bad, r.StatusCode)
			}
		}
		if p, _ := e.db.Program(t.Context(), ep.ProgramID); p.ReviewIntervalDays != 30 {
			t.Fatalf("a refused interval changed the program to %d days", p.ReviewIntervalDays)
		}
		if r := e.post(d, path, url.Values{"days": {"14"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("interval 14: %d", r.StatusCode)
		}
		if page := e.get(d, "/program"); !strings.Contains(page.Body, `value="14"`) {
			t.Error("the program page does not show the new interval")
		}
		c := e.signIn(model.RoleClinician)
		if r := e.post(c, "/clients/"+e.client.ID+"/episodes/"+ep.ID+"/reviews", url.Values{"date": {"2026-11-23"}, "note": {"On track"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", r.StatusCode)
		}
		if got, _ := e.db.Episode(t.Context(), e.client.ID, ep.ID); got.ReviewDue != (model.Date{Year: 2026, Month: 12, Day: 7}) {
			t.Errorf("next review due %v, want 2026-12-07 (14 days)", got.ReviewDue)
		}
	})
}

func TestAssignedMeasuresCompleteOrAreWithdrawn(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.signIn(model.RoleClinician)
		chart := "/clients/" + e.client.ID
		for name, form := range map[string]url.Values{
			"past due date":      {"instrument": {"gad-2"}, "due_on": {"2026-11-01"}},
			"unknown instrument": {"instrument": {"mood-ring"}, "due_on": {"2026-11-30"}},
		} {
			if r := e.post(c, chart+"/assignments", form); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, r.StatusCode)
			}
		}
		if open, _ := e.db.OpenAssignments(t.Context(), e.client.ID); len(open) != 0 {
			t.Fatalf("refused assignments were stored: %+v", open)
		}
		for _, code := range []string{"gad-2", "phq-2"} {
			if r := e.post(c, chart+"/assignments", url.Values{"instrument": {code}, "due_on": {"2026-11-30"}, "note": {"Before Friday's group"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("assign %s: %d", code, r.StatusCode)
			}
		}
		if page := e.get(c, chart); strings.Count(page.Body, "badge-warn\">assigned") != 2 || !strings.Contains(page.Body, "Before Friday") {
			t.Fatal("the chart does not list the two assignments")
		}
		// A GAD-2 result completes the GAD-2 assignment only.
		if r := e.post(c, chart+"/measures", url.Values{"instrument": {"gad-2"}, "on": {"2026-11-23"}, "q1": {"1"}, "q2": {"1"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("measure: %d", r.StatusCode)
		}
		open, _ := e.db.OpenAssignments(t.Context(), e.client.ID)
		if len(open) != 1 || open[0].Instrument != "phq-2" {
			t.Fatalf("open after the GAD-2 result: %+v; want only PHQ-2", open)
		}
		if r := e.post(c, chart+"/assignments/"+open[0].ID+"/cancel", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", r.StatusCode)
		}
		if r := e.post(c, chart+"/assignments/"+open[0].ID+"/cancel", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawing twice: %d, want 404", r.StatusCode)
		}
		if open, _ := e.db.OpenAssignments(t.Context(), e.client.ID); len(open) != 0 {
			t.Errorf("open after withdrawal: %+v", open)
		}
	})
}

func TestAPITokensAreMadeShownOnceAndRevoked(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleFrontDesk)
	if r := e.post(c, "/account/api-tokens", url.Values{"name": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a token without a name: %d", r.StatusCode)
	}
	r := e.post(c, "/account/api-tokens", url.Values{"name": {"Front desk kiosk"}})
	i := strings.Index(r.Body, "iop_")
	if r.StatusCode != http.StatusOK || i < 0 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("making a token: %d", r.StatusCode)
	}
	token := r.Body[i : i+4+43]
	u, err := e.db.APITokenUser(t.Context(), token)
	if err != nil || u.Role != model.RoleFrontDesk {
		t.Fatalf("the token acts as %+v, %v", u, err)
	}
	if page := e.get(c, "/account/api-tokens"); strings.Contains(page.Body, token) || !strings.Contains(page.Body, "Front desk kiosk") {
		t.Error("the token list shows the token again, or not its name")
	}
	list, _ := e.db.APITokens(t.Context(), u.ID)
	if r := e.post(e.signIn(model.RoleClinician), "/account/api-tokens/"+list[0].Hash+"/revoke", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("someone else revoking the token: %d, want 404", r.StatusCode)
	}
	if r := e.post(c, "/account/api-tokens/"+list[0].Hash+"/revoke", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoking: %d", r.StatusCode)
	}
	if _, err := e.db.APITokenUser(t.Context(), token); err == nil {
		t.Error("a revoked token still works")
	}
	// FHIR scopes are checked and stored in canonical form; only staff who
	// may disclose records make tokens for outside systems.
	if r := e.post(c, "/account/api-tokens", url.Values{"name": {"EHR"}, "scopes": {"patient/Observation.write"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a write scope: %d", r.StatusCode)
	}
	if r := e.post(c, "/account/api-tokens", url.Values{"name": {"EHR"}, "scopes": {"user/*.read"}, "outside_system": {"yes"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("front desk making an outside-system token: %d", r.StatusCode)
	}
	d := e.signIn(model.RoleClinicalDirector)
	if page := e.get(d, "/account/api-tokens"); !strings.Contains(page.Body, "outside_system") {
		t.Error("the director is not offered outside-system tokens")
	}
	r = e.post(d, "/account/api-tokens", url.Values{"name": {"Riverside Clinic"}, "scopes": {"system/Patient.read, system/Observation.rs"}, "outside_system": {"yes"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "outside system") {
		t.Fatalf("an outside-system token: %d", r.StatusCode)
	}
	i = strings.Index(r.Body, "iop_")
	_, tok, err := e.db.APITokenGrant(t.Context(), r.Body[i:i+4+43])
	if err != nil || !tok.OutsideSystem || tok.Scopes != "system/Patient.read system/Observation.read" {
		t.Errorf("the token: %+v %v", tok, err)
	}
}

// TestHomeSessionsFollowTheDay: today's sessions on the home page are the
// tracks meeting that weekday, and move with the day even while the track
// counts are reused from the cache.
func TestHomeSessionsFollowTheDay(t *testing.T) {
	e := newEnv(t, store.SQLite) // Monday
	tracks, err := e.db.Tracks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?s)<h2 id="today-title">Today's sessions</h2>.*?</section>`)
	starts := regexp.MustCompile(`<span class="time">([^<]+)<small`)
	for _, day := range []time.Weekday{time.Monday, time.Saturday, time.Sunday} {
		want := map[string]bool{}
		for _, tr := range tracks {
			if tr.MeetsOn(day) {
				want[tr.Start.Label()] = true
			}
		}
		got := map[string]bool{}
		c := e.signIn(model.RoleClinician) // a new day, a new session
		for _, m := range starts.FindAllStringSubmatch(section.FindString(e.get(c, "/home").Body), -1) {
			got[m[1]] = true
		}
		if len(want) == 0 || !maps.Equal(got, want) {
			t.Errorf("%s: the home page lists sessions starting %v, want %v", day, got, want)
		}
		switch day {
		case time.Monday:
			e.clock.Advance(5 * 24 * time.Hour) // to Saturday
		case time.Saturday:
			e.clock.Advance(24 * time.Hour)
		}
	}
}
