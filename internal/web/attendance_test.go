package web_test

import (
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// TestAttendanceIntensityAlertsAndBillableDays takes attendance for a group
// over a week, checks the client's week against the minimum, the alert a
// counselor sees after two unexcused absences, and the billable-days export
// against hand counts.
func TestAttendanceIntensityAlertsAndBillableDays(t *testing.T) {
	e := newEnv(t, store.SQLite) // the clock is Monday 23 Nov 2026, 9 am in Chicago
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	rec := audit.Record{At: time.Now(), ActorID: clinician.ID, ActorRole: "clinician", Outcome: audit.OutcomeSuccess}
	ep, _ := e.db.Episode(ctx, e.client.ID, e.client.Current.ID)
	// Take the client out of their demo groups, into three 3-hour groups of our own a week.
	enrolled, _ := e.db.Enrolments(ctx, e.client.ID)
	for _, en := range enrolled {
		if err := e.db.Unenrol(ctx, en.Series.ID, e.client.ID, rec); err != nil {
			t.Fatal(err)
		}
	}
	tracks, _ := e.db.Tracks(ctx)
	var track string
	for _, tr := range tracks {
		if tr.ProgramID == ep.ProgramID {
			track = tr.ID
		}
	}
	var groups []schedule.Series
	for i, day := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday} {
		s := schedule.Series{TrackID: track, Title: "Group " + day.String(), Type: "process", Start: 6 * 60, Minutes: 180,
			FacilitatorID: clinician.ID, Room: "Test Room " + string(rune('A'+i)), MaxCapacity: 12, OpenCohort: true,
			Recurrence: schedule.Recurrence{Days: []time.Weekday{day}, From: model.Date{Year: 2026, Month: 11, Day: 9}}}
		if err := e.db.CreateSeries(ctx, &s, rec); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Enrol(ctx, s.ID, e.client.ID, rec); err != nil {
			t.Fatal(err)
		}
		groups = append(groups, s)
	}
	c := e.signIn(model.RoleClinician)
	take := func(g schedule.Series, date, status, late string) response {
		form := url.Values{"client": {e.client.ID}, "status_" + e.client.ID: {status}, "late_" + e.client.ID: {late}}
		return e.post(c, "/program/groups/"+g.ID+"/attendance?date="+date, form)
	}
	// Bad input changes nothing.
	if r := take(groups[0], "2026-11-16", "late", "500"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "minutes late, from 1 to 179") {
		t.Fatalf("late beyond the session: %d", r.StatusCode)
	}
	other := url.Values{"client": {unknownID}, "status_" + unknownID: {"present"}}
	if r := e.post(c, "/program/groups/"+groups[0].ID+"/attendance?date=2026-11-16", other); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a client not in the group: %d", r.StatusCode)
	}
	if r := take(groups[1], "2026-11-24", "present", ""); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "has not started") {
		t.Fatalf("present at tomorrow's meeting: %d", r.StatusCode)
	}
	if marks, _ := e.db.ClientMarks(ctx, e.client.ID, model.Date{Year: 2026, Month: 11, Day: 1}); len(marks) != 0 {
		t.Fatalf("refused attendance was stored: %+v", marks)
	}
	// Last week: present Monday (3 h), 30 minutes late Tuesday (2.5 h), absent Wednesday.
	for _, x := range []struct {
		g                  int
		date, status, late string
	}{{0, "2026-11-16", "present", ""}, {1, "2026-11-17", "late", "30"}, {2, "2026-11-18", "absent_unexcused", ""}} {
		if r := take(groups[x.g], x.date, x.status, x.late); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("taking attendance %v: %d %s", x, r.StatusCode, r.Body)
		}
	}
	// This week: the Monday group (this morning, 6 am) missed too.
	if r := take(groups[0], "2026-11-23", "absent_unexcused", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("taking attendance today: %d", r.StatusCode)
	}
	page := e.get(c, "/clients/"+e.client.ID+"/schedule").Body
	for _, want := range []string{`id="attended-hours">0<`, "6 still possible", "3 hours short", "2 unexcused absences in a row",
		"Week of Nov 16: 5.5 of 9 hours attended", "Week of Nov 23: 0 of 9 hours attended"} {
		if !strings.Contains(page, want) {
			t.Errorf("the schedule page lacks %q", want)
		}
	}
	// The program decides how many absences in a row raise an alert; bad
	// settings are refused and change nothing.
	director := e.signIn(model.RoleClinicalDirector)
	settings := func(absences, perDiem string) url.Values {
		return url.Values{"min_weekly_hours": {"9"}, "absence_alerts": {absences}, "idle_alert_days": {"7"}, "per_diem_hours": {perDiem}, "auth_alert_units": {"3"}, "auth_alert_days": {"5"}}
	}
	bad := settings("0", "13")
	bad.Set("min_weekly_hours", "nine")
	if r := e.post(director, "/program/"+ep.ProgramID+"/accountability", bad); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Enter hours as a number") || !strings.Contains(r.Body, "from 1 to 10") || !strings.Contains(r.Body, "from 0.5 to 12") {
		t.Fatalf("bad accountability settings: %d", r.StatusCode)
	}
	if p, _ := e.db.Program(ctx, ep.ProgramID); p.MinWeeklyMinutes != 540 || p.AbsenceAlerts != 2 || p.PerDiemMinutes != 180 {
		t.Fatalf("refused settings changed the program: %+v", p)
	}
	if r := e.post(director, "/program/"+ep.ProgramID+"/accountability", settings("3", "3")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d", r.StatusCode)
	}
	if page := e.get(c, "/clients/"+e.client.ID+"/schedule").Body; strings.Contains(page, "unexcused absences in a row") {
		t.Error("2 absences still raise an alert when the program asks for 3")
	}
	if r := e.post(director, "/program/"+ep.ProgramID+"/accountability", settings("2", "3")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d", r.StatusCode)
	}

	// Looking back at last week: 5.5 of 9 hours, the week is over.
	last := e.get(c, "/clients/"+e.client.ID+"/schedule?week=2026-11-18").Body
	for _, want := range []string{"Week from", `id="attended-hours">5.5<`, "3.5 hours short", `href="?#week-title"`} {
		if !strings.Contains(last, html.EscapeString(want)) && !strings.Contains(last, want) {
			t.Errorf("last week's view lacks %q", want)
		}
	}
	alerts := e.get(c, "/alerts").Body
	if !strings.Contains(alerts, e.client.DisplayName()) || !strings.Contains(alerts, "2 unexcused absences in a row, the latest on Mon Nov 23") {
		t.Fatal("the counselor's alerts do not show the absences")
	}
	if home := e.get(c, "/home").Body; !strings.Contains(home, "See and acknowledge the alerts") || !strings.Contains(home, "2 unexcused absences in a row") || !strings.Contains(home, `<a class="badge badge-warn" href="/alerts">2 alerts</a>`) {
		t.Error("the home page does not show the client's alerts")
	}
	if r := e.post(c, "/clients/"+e.client.ID+"/alerts/ack", url.Values{"kind": {"absences"}, "key": {"2026-11-23"}, "note": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an acknowledgement without a note: %d", r.StatusCode)
	}
	if r := e.post(c, "/clients/"+e.client.ID+"/alerts/ack", url.Values{"kind": {"absences"}, "key": {"2026-11-23"}, "note": {"Called; car broke down"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledging: %d", r.StatusCode)
	}
	if alerts := e.get(c, "/alerts").Body; strings.Contains(alerts, "the latest on Mon Nov 23") {
		t.Error("an acknowledged alert is still shown")
	}
	if home := e.get(c, "/home").Body; !strings.Contains(home, `href="/alerts">1 alert</a>`) {
		t.Error("the home page still counts the acknowledged alert")
	}

	// Billable days: Monday 16th 180 min (billable), Tuesday 17th 150 min (not).
	r := e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from=2026-11-16&to=2026-11-22")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d", r.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, row := range rows[1:] {
		if row[0] == e.client.ID {
			got[row[3]] = row[4] + " " + row[5]
			if !strings.HasPrefix(row[8], "group:") {
				t.Errorf("the %s's groups have no signed note, yet awaiting_notes is %q", row[3], row[8])
			}
		}
	}
	if got["2026-11-16"] != "180 true" || got["2026-11-17"] != "150 false" || len(got) != 2 {
		t.Fatalf("billable days %v, want 16th 180 true and 17th 150 false", got)
	}
	// A program whose payers bill a day at 2.5 hours.
	if r := e.post(director, "/program/"+ep.ProgramID+"/accountability", settings("2", "2.5")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d", r.StatusCode)
	}
	r = e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from=2026-11-17&to=2026-11-17")
	if rows, _ := csv.NewReader(strings.NewReader(r.Body)).ReadAll(); len(rows) < 2 || !hasRow(rows, e.client.ID, "2026-11-17", "150", "true", "150") {
		t.Fatalf("with a 2.5-hour rule the 17th should bill: %v", rows)
	}
	if r := e.get(e.signIn(model.RoleFrontDesk), "/reports/billable-days?from=2026-11-16&to=2026-11-22"); r.StatusCode != http.StatusForbidden {
		t.Errorf("front desk export: %d, want 403", r.StatusCode)
	}
}

func TestDrugScreensOnTheChart(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinician)
	path := "/clients/" + e.client.ID + "/screens"
	for name, form := range map[string]url.Values{
		"future":            {"date": {"2027-01-01"}, "outcome": {"missed"}},
		"results on missed": {"date": {"2026-11-20"}, "outcome": {"missed"}, "result_pcp": {"negative"}},
		"bad result":        {"date": {"2026-11-20"}, "outcome": {"collected"}, "specimen": {"urine"}, "result_pcp": {"maybe"}},
	} {
		if r := e.post(c, path, form); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, r.StatusCode)
		}
	}
	if got, _ := e.db.Screens(t.Context(), e.client.ID); len(got) != 0 {
		t.Fatalf("refused screens were stored: %+v", got)
	}
	r := e.post(c, path, url.Values{"date": {"2026-11-20"}, "outcome": {"collected"}, "specimen": {"urine"}, "observed": {"on"},
		"result_cannabinoids": {"positive"}, "result_opiates": {"negative"}, "response": {"Discussed in session"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("screen: %d %s", r.StatusCode, r.Body)
	}
	chart := e.get(c, "/clients/"+e.client.ID).Body
	if !strings.Contains(chart, "Positive: Cannabinoids (THC)") || !strings.Contains(chart, "urine, observed") {
		t.Error("the chart does not show the screen")
	}
	// A second, negative screen: the trend shows both, oldest first.
	if r := e.post(c, path, url.Values{"date": {"2026-11-22"}, "outcome": {"collected"}, "specimen": {"saliva"}, "result_cannabinoids": {"negative"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second screen: %d", r.StatusCode)
	}
	chart = e.get(c, "/clients/"+e.client.ID).Body
	first, second := strings.Index(chart, `class="trend-concern" title="Nov 20, 2026: Positive: Cannabinoids (THC)"`), strings.Index(chart, `class="trend-ok" title="Nov 22, 2026: Negative"`)
	if first < 0 || second < first {
		t.Error("the screens' trend does not show the positive then the negative")
	}
	// The primary counselor's alerts show the unexplained positive.
	if alerts := e.get(c, "/alerts").Body; !strings.Contains(alerts, "Drug screen on Fri Nov 20: Positive: Cannabinoids (THC).") {
		t.Error("the positive screen raised no alert")
	}
	if r := e.get(e.signIn(model.RoleFrontDesk), "/clients/"+e.client.ID); strings.Contains(r.Body, "Drug screens") {
		t.Error("front desk sees drug screens")
	}
	// The schedule shows the alert to clinicians only.
	if r := e.get(c, "/clients/"+e.client.ID+"/schedule"); !strings.Contains(r.Body, "Positive: Cannabinoids") {
		t.Error("the clinician's view of the schedule lacks the screen alert")
	}
	for _, role := range []model.Role{model.RoleFrontDesk, model.RoleBiller, model.RoleAdmissions} {
		if r := e.get(e.signIn(role), "/clients/"+e.client.ID+"/schedule"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Positive: Cannabinoids") {
			t.Errorf("%s sees the screen result on the schedule (%d)", role, r.StatusCode)
		}
	}
}

func TestGroupNoteWrittenOnceIndividualizedAndLocked(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	c := e.signIn(model.RoleClinician)
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	// The demo's first group the clinician leads, and its meeting last Monday.
	all, _ := e.db.ListSeries(ctx, store.SeriesFilter{FacilitatorID: clinician.ID})
	var g schedule.Series
	for _, s := range all {
		if s.Enrolled >= 3 && s.Recurrence.Days[0] == time.Monday {
			g = s
			break
		}
	}
	if g.ID == "" {
		t.Fatal("no Monday group with three clients in the demo")
	}
	roster, _ := e.db.GroupRoster(ctx, g.ID)
	a, b, absent := roster[0], roster[1], roster[2]
	date := "2026-11-16"
	form := url.Values{"client": {a.ClientID, b.ClientID, absent.ClientID}, "status_" + a.ClientID: {"present"},
		"status_" + b.ClientID: {"present"}, "status_" + absent.ClientID: {"absent_unexcused"}}
	for _, r := range roster[3:] {
		form.Add("client", r.ClientID)
		form.Set("status_"+r.ClientID, "absent_excused")
	}
	if r := e.post(c, "/program/groups/"+g.ID+"/attendance?date="+date, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("attendance: %d", r.StatusCode)
	}
	if p := e.get(c, "/notes/pending").Body; !strings.Contains(p, g.Title) {
		t.Error("the meeting is not on the notes-to-sign list")
	}
	same := "Participated actively and described a craving at work, then practiced urge surfing with the group."
	note := url.Values{"topic": {"Cravings at work"}, "interventions": {"Urge surfing; CBT chain analysis"}, "client": {a.ClientID, b.ClientID},
		"participation_" + a.ClientID: {same}, "response_" + a.ClientID: {"Engaged"}, "progress_" + a.ClientID: {"Objective 2"}, "plan_" + a.ClientID: {"Practice daily"},
		"participation_" + b.ClientID: {same}, "response_" + b.ClientID: {"Engaged"}, "progress_" + b.ClientID: {"Objective 2"}, "plan_" + b.ClientID: {"Practice daily"},
		"action": {"sign"}}
	path := "/program/groups/" + g.ID + "/note?date=" + date
	r := e.post(c, path, note)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "nearly the same") || !(strings.Contains(r.Body, html.EscapeString(a.Name+" and "+b.Name)) || strings.Contains(r.Body, html.EscapeString(b.Name+" and "+a.Name))) {
		t.Fatalf("near-identical sections: %d", r.StatusCode)
	}
	if n, _ := e.db.GroupNote(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 16}); n.ID != "" {
		t.Fatal("the warned note was stored")
	}
	// A section for the absent client is refused.
	withAbsent := url.Values{}
	for k, v := range note {
		withAbsent[k] = v
	}
	withAbsent.Add("client", absent.ClientID)
	withAbsent.Set("participation_"+absent.ClientID, "Was not there")
	withAbsent.Set("action", "draft")
	if r := e.post(c, path, withAbsent); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "did not attend") {
		t.Fatalf("a section for an absent client: %d", r.StatusCode)
	}
	note.Set("participation_"+b.ClientID, "Quiet at first; later said weekends alone are the hardest time and asked for a peer contact.")
	note.Set("plan_"+b.ClientID, "Peer support list; call sponsor Saturday")
	if r := e.post(c, path, note); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", r.StatusCode, r.Body)
	}
	note.Set("topic", "Changed after signing")
	if r := e.post(c, path, note); r.StatusCode != http.StatusConflict {
		t.Errorf("editing a signed note: %d, want 409", r.StatusCode)
	}
	if r := e.post(c, "/program/groups/"+g.ID+"/note/addendum?date="+date, url.Values{"addendum": {"B. called the next day; doing well."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("addendum: %d", r.StatusCode)
	}
	chartA := e.get(c, "/clients/"+a.ClientID).Body
	if !strings.Contains(chartA, "Cravings at work") || !strings.Contains(chartA, "practiced urge surfing") || strings.Contains(chartA, "weekends alone") ||
		strings.Contains(chartA, html.EscapeString(b.Name)) {
		t.Error("A's chart must show the shared part and A's section only")
	}
	chartB := e.get(c, "/clients/"+b.ClientID).Body
	if !strings.Contains(chartB, "weekends alone") || strings.Contains(chartB, html.EscapeString(a.Name)) || !strings.Contains(chartB, "called the next day") {
		t.Error("B's chart must show B's section and the addendum, and never A")
	}
	if chart := e.get(c, "/clients/"+absent.ClientID).Body; strings.Contains(chart, "Cravings at work") {
		t.Error("the absent client's chart shows the note")
	}
	if p := e.get(c, "/notes/pending").Body; strings.Contains(p, "note?date="+date) {
		t.Error("a signed note is still to sign")
	}
	// With the note signed, the billing export no longer waits on it.
	export := e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from="+date+"&to="+date).Body
	rows, _ := csv.NewReader(strings.NewReader(export)).ReadAll()
	found := false
	for _, row := range rows[1:] {
		if row[0] == a.ClientID {
			found = true
			if row[8] != "" {
				t.Errorf("A's day still awaits notes: %q", row[8])
			}
		}
	}
	if !found {
		t.Error("A's day is missing from the billing export")
	}
}

func TestSessionNoteInEachFormatSignedAndLocked(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	c := e.signIn(model.RoleClinician)
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	chicago, _ := time.LoadLocation("America/Chicago")
	book := func(start time.Time) schedule.Appointment {
		t.Helper()
		ap := schedule.Appointment{ClientID: e.client.ID, ClinicianID: clinician.ID, Kind: "family", Family: "Mother",
			Start: start, End: start.Add(50 * time.Minute), Room: "Family Room"}
		if err := e.db.BookAppointment(ctx, &ap, chicago, true, audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}); err != nil {
			t.Fatal(err)
		}
		return ap
	}
	held := book(e.clock.Now().Add(-2 * time.Hour))
	later := book(e.clock.Now().Add(46 * time.Hour)) // Wednesday, 7 am
	path := "/clients/" + e.client.ID + "/appointments/" + held.ID + "/note"

	if body := e.get(c, "/clients/"+e.client.ID+"/schedule").Body; !strings.Contains(body, `href="`+path+`"`) ||
		strings.Contains(body, "/appointments/"+later.ID+"/note") {
		t.Error("the schedule should offer a note for the session held, not for the one ahead")
	}
	if p := e.get(c, "/notes/pending").Body; !strings.Contains(p, "Family session: "+html.EscapeString(e.client.DisplayName())) {
		t.Error("the held session is not on the notes-to-sign list")
	}
	page := e.get(c, path)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `id="data"`) || !strings.Contains(page.Body, `value="50"`) {
		t.Fatalf("a new note opens in DAP with the appointment's length: %d", page.StatusCode)
	}
	// Switching to BIRP keeps what was typed in the parts both share and saves nothing.
	r := e.post(c, path, url.Values{"format": {"BIRP"}, "minutes": {"50"}, "action": {"format"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `id="behavior"`) || strings.Contains(r.Body, `id="data"`) {
		t.Fatalf("switching format: %d", r.StatusCode)
	}
	// Signing with a part empty is refused and stores nothing.
	birp := url.Values{"format": {"BIRP"}, "minutes": {"45"}, "behavior": {"Arrived with mother; tense at first."},
		"intervention": {"Family communication skills; reflective listening."}, "response": {""}, "plan": {"Practice weekly check-ins."}, "action": {"sign"}}
	if r := e.post(c, path, birp); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Write the response before signing") {
		t.Fatalf("signing with an empty part: %d", r.StatusCode)
	}
	if _, n, _ := e.db.SessionNote(ctx, e.client.ID, held.ID); n.ID != "" {
		t.Fatal("a refused signature stored the note")
	}
	birp.Set("minutes", "600")
	birp.Set("action", "draft")
	if r := e.post(c, path, birp); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "1 to 480") {
		t.Fatalf("minutes beyond a session: %d", r.StatusCode)
	}
	birp.Set("minutes", "45")
	birp.Set("response", "Both named one thing they would try this week.")
	birp.Set("action", "sign")
	// Before its note is signed the session counts at its booked length, waiting for the note.
	export := e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from=2026-11-23&to=2026-11-23").Body
	if rows, _ := csv.NewReader(strings.NewReader(export)).ReadAll(); !hasRow(rows, e.client.ID, "2026-11-23", "50", "false", "180") ||
		rows[1][8] != "appointment:family" {
		t.Errorf("an undocumented session: %v", rows)
	}
	if r := e.post(c, path, birp); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", r.StatusCode, r.Body)
	}
	birp.Set("plan", "Changed after signing")
	birp.Set("action", "draft")
	if r := e.post(c, path, birp); r.StatusCode != http.StatusConflict {
		t.Fatalf("editing a signed note: %d, want 409", r.StatusCode)
	}
	if r := e.post(c, path+"/addendum", url.Values{"addendum": {"Mother called: the check-ins went well."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("addendum: %d", r.StatusCode)
	}
	shown := e.get(c, path).Body
	for _, want := range []string{"Signed", "Practice weekly check-ins.", "Mother called: the check-ins went well.", "45 minutes", "BIRP"} {
		if !strings.Contains(shown, html.EscapeString(want)) {
			t.Errorf("the signed note does not show %q", want)
		}
	}
	if strings.Contains(shown, "Changed after signing") || strings.Contains(shown, `<textarea id="plan"`) {
		t.Error("the signed note changed or is still editable")
	}
	if sched := e.get(c, "/clients/"+e.client.ID+"/schedule").Body; !strings.Contains(sched, "Sessions of the last 30 days") || !strings.Contains(sched, "Read the note") {
		t.Error("the schedule's recent sessions do not show the signed note")
	}
	if chart := e.get(c, "/clients/"+e.client.ID).Body; !strings.Contains(chart, path) || !strings.Contains(chart, "Family session") {
		t.Error("the chart does not list the session note")
	}
	if p := e.get(c, "/notes/pending").Body; strings.Contains(p, "Family session: ") {
		t.Error("the signed session is still on the notes-to-sign list")
	}
	// The day bills at the note's 45 documented minutes, not the 50 booked.
	export = e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from=2026-11-23&to=2026-11-23").Body
	if rows, _ := csv.NewReader(strings.NewReader(export)).ReadAll(); !hasRow(rows, e.client.ID, "2026-11-23", "45", "false", "180") || rows[1][8] != "" {
		t.Errorf("the documented minutes are not what bills: %v", rows)
	}
	// The session ahead cannot be documented yet, and another client's path finds nothing.
	if r := e.post(c, "/clients/"+e.client.ID+"/appointments/"+later.ID+"/note", birp); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "has not started yet") {
		t.Fatalf("a note before the session: %d", r.StatusCode)
	}
	others, _, _ := e.db.SearchClients(ctx, store.ClientQuery{Limit: 5})
	for _, o := range others {
		if o.ID == e.client.ID {
			continue
		}
		// Through another client's path the note is not found, for reading or writing.
		other := "/clients/" + o.ID + "/appointments/" + held.ID + "/note"
		if r := e.get(c, other); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another client's path to the note: %d", r.StatusCode)
		}
		if r := e.post(c, other+"/addendum", url.Values{"addendum": {"Wrong chart"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("an addendum through another client's path: %d", r.StatusCode)
		}
		if r := e.post(e.signIn(model.RoleClinicalDirector), other+"/cosign", url.Values{}); r.StatusCode != http.StatusNotFound {
			t.Errorf("a co-signature through another client's path: %d", r.StatusCode)
		}
		birp.Set("action", "draft")
		if r := e.post(c, "/clients/"+o.ID+"/appointments/"+later.ID+"/note", birp); r.StatusCode != http.StatusNotFound {
			t.Errorf("a draft through another client's path: %d", r.StatusCode)
		}
		break
	}
	if _, n, _ := e.db.SessionNote(ctx, e.client.ID, held.ID); len(n.Addenda) != 1 {
		t.Errorf("the note has %d addenda, want only its own", len(n.Addenda))
	}
}

// hasRow reports whether a billable-days CSV has the client's row for the
// date with these minutes, billable flag and rule.
func hasRow(rows [][]string, clientID, date, minutes, billable, rule string) bool {
	for _, row := range rows[1:] {
		if row[0] == clientID && row[3] == date && row[4] == minutes && row[5] == billable && row[7] == rule {
			return true
		}
	}
	return false
}

func TestNoShowIsNeitherANoteToWriteNorAService(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	chicago, _ := time.LoadLocation("America/Chicago")
	ap := schedule.Appointment{ClientID: e.client.ID, ClinicianID: clinician.ID, Kind: "individual", Room: "Office 9",
		Start: e.clock.Now().Add(-2 * time.Hour), End: e.clock.Now().Add(-70 * time.Minute)}
	if err := e.db.BookAppointment(ctx, &ap, chicago, true, audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}); err != nil {
		t.Fatal(err)
	}
	ahead := schedule.Appointment{ClientID: e.client.ID, ClinicianID: clinician.ID, Kind: "individual", Room: "Office 9",
		Start: e.clock.Now().Add(46 * time.Hour), End: e.clock.Now().Add(47 * time.Hour)}
	if err := e.db.BookAppointment(ctx, &ahead, chicago, true, audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}); err != nil {
		t.Fatal(err)
	}
	desk, c := e.signIn(model.RoleFrontDesk), e.signIn(model.RoleClinician)
	base := "/clients/" + e.client.ID + "/appointments/"
	if r := e.post(desk, base+ahead.ID+"/no-show", url.Values{}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "has not started yet") {
		t.Errorf("a no-show ahead of the session: %d", r.StatusCode)
	}
	if p := e.get(c, "/notes/pending").Body; !strings.Contains(p, "Individual counseling: "+html.EscapeString(e.client.DisplayName())) {
		t.Fatal("the held session is not on the notes-to-sign list")
	}
	if r := e.post(desk, base+ap.ID+"/no-show", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("marking a no-show: %d %s", r.StatusCode, r.Body)
	}
	if sched := e.get(desk, "/clients/"+e.client.ID+"/schedule").Body; !strings.Contains(sched, "did not come") {
		t.Error("the schedule does not show the no-show")
	}
	if p := e.get(c, "/notes/pending").Body; strings.Contains(p, "Individual counseling: ") {
		t.Error("a no-show is still a note to write")
	}
	dap := url.Values{"format": {"DAP"}, "minutes": {"50"}, "data": {"x"}, "action": {"draft"}}
	if r := e.post(c, base+ap.ID+"/note", dap); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "did not come") {
		t.Errorf("a note for a no-show: %d", r.StatusCode)
	}
	export := e.get(e.signIn(model.RoleBiller), "/reports/billable-days?from=2026-11-23&to=2026-11-23").Body
	if rows, _ := csv.NewReader(strings.NewReader(export)).ReadAll(); len(rows) != 1 {
		t.Errorf("a no-show is billed: %v", rows)
	}
	// Taken back, the session is a note to write again; once written, it cannot be called a no-show.
	if r := e.post(desk, base+ap.ID+"/no-show", url.Values{"undo": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("taking the no-show back: %d", r.StatusCode)
	}
	if r := e.post(c, base+ap.ID+"/note", dap); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a draft after the undo: %d %s", r.StatusCode, r.Body)
	}
	if r := e.post(desk, base+ap.ID+"/no-show", url.Values{}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "has a note") {
		t.Errorf("a no-show for a documented session: %d", r.StatusCode)
	}
}

// TestVocationalCounselingIsBookedAndDocumentedInItsOwnTemplate: the front
// desk books vocational counseling like any session; its note opens in the
// vocational template (status, goal, barriers, activities, plan), refuses
// to be signed with a part missing, and signs with every part written.
func TestVocationalCounselingIsBookedAndDocumentedInItsOwnTemplate(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	desk := e.signIn(model.RoleFrontDesk)
	base := "/clients/" + e.client.ID
	if page := e.get(desk, base+"/schedule").Body; !strings.Contains(page, `<option value="vocational"`) {
		t.Fatal("the booking form does not offer vocational counseling")
	}
	r := e.post(desk, base+"/appointments", url.Values{"kind": {"vocational"}, "clinician_id": {clinician.ID}, "date": {"2026-11-24"},
		"start": {"13:00"}, "minutes": {"50"}, "room": {"Office 4"}, "confirm": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking vocational counseling: %d %s", r.StatusCode, r.Body)
	}
	aps, err := e.db.Appointments(ctx, store.AppointmentFilter{ClientID: e.client.ID, From: e.clock.Now(), To: e.clock.Now().AddDate(0, 0, 7)})
	if err != nil || len(aps) != 1 || aps[0].Kind != "vocational" {
		t.Fatalf("booked: %+v %v", aps, err)
	}
	if page := e.get(desk, base+"/schedule").Body; !strings.Contains(page, "Vocational counseling") {
		t.Error("the schedule does not name the session")
	}
	e.clock.Set(aps[0].End.Add(time.Hour))
	c := e.signIn(model.RoleClinician) // a day later, signed in
	note := base + "/appointments/" + aps[0].ID + "/note"
	page := e.get(c, note).Body
	for _, part := range []string{"Vocational counseling note", `<option value="VOC" selected>`, "Work and school status", "Barriers", "Activities"} {
		if !strings.Contains(page, html.EscapeString(part)) && !strings.Contains(page, part) {
			t.Errorf("the note form lacks %q", part)
		}
	}
	parts := url.Values{"format": {"VOC"}, "minutes": {"50"}, "status": {"Working nights at a warehouse."},
		"goal": {"A day job so I can keep evening group."}, "barriers": {"No car."}, "activities": {"Résumé; two applications."}, "action": {"sign"}}
	if r := e.post(c, note, parts); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Write the plan before signing.") {
		t.Fatalf("signing without a plan: %d", r.StatusCode)
	}
	if _, n, _ := e.db.SessionNote(ctx, e.client.ID, aps[0].ID); n.ID != "" {
		t.Fatal("a refused signature stored the note")
	}
	parts.Set("plan", "Apply to the hospital's day shift; next session in two weeks.")
	if r := e.post(c, note, parts); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", r.StatusCode, r.Body)
	}
	_, n, err := e.db.SessionNote(ctx, e.client.ID, aps[0].ID)
	if err != nil || !n.Signed() || n.Format != "VOC" || n.ServiceType != "vocational" || n.Parts["barriers"] != "No car." {
		t.Fatalf("the signed note: %+v %v", n, err)
	}
}
