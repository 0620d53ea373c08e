package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// TestCheckInAtTheKioskAndTheDeskConfirmedByTheFacilitator follows one
// meeting: the facilitator's screen shows today's code, one client checks
// in at the kiosk, another at the front desk, and the facilitator's
// attendance starts from those arrivals.
func TestCheckInAtTheKioskAndTheDeskConfirmedByTheFacilitator(t *testing.T) {
	e := newEnv(t, store.SQLite) // Monday 9 am in Chicago
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	all, _ := e.db.ListSeries(ctx, store.SeriesFilter{FacilitatorID: clinician.ID})
	var g schedule.Series
	for _, s := range all {
		if s.Enrolled >= 3 && s.Recurrence.Days[0] == time.Monday && s.Start == 9*60 {
			g = s
			break
		}
	}
	if g.ID == "" {
		t.Fatal("no Monday 9 am group with three clients in the demo")
	}
	roster, _ := e.db.GroupRoster(ctx, g.ID)
	c := e.signIn(model.RoleClinician)
	path := "/program/groups/" + g.ID + "/attendance?date=2026-11-23"
	m := regexp.MustCompile(`Check-in code for today: <b class="mono">([A-Z0-9]{5})</b>`).FindStringSubmatch(e.get(c, path).Body)
	if m == nil {
		t.Fatal("the facilitator's screen shows no check-in code")
	}
	code := m[1]
	first, _ := e.db.Client(ctx, roster[0].ClientID)

	kiosk := e.browser()
	if r := e.get(kiosk, "/checkin"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `id="code"`) {
		t.Fatalf("the kiosk page: %d", r.StatusCode)
	}
	try := func(code, last string, born model.Date) response {
		return e.post(kiosk, "/checkin", url.Values{"code": {code}, "last_name": {last}, "born": {born.String()}})
	}
	for _, bad := range []struct {
		code, last string
		born       model.Date
		want       string
	}{
		{"", first.LastName, first.DateOfBirth, "5-character code"},
		{"QQQQQ", first.LastName, first.DateOfBirth, "not for a group meeting today"},
		{code, first.LastName, first.DateOfBirth.AddDays(1), "could not find you in this group"},
		{code, "Nobody", first.DateOfBirth, "could not find you in this group"},
	} {
		r := try(bad.code, bad.last, bad.born)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, bad.want) {
			t.Errorf("kiosk %+v: %d, want 422 %q", bad, r.StatusCode, bad.want)
		}
	}
	if ins, _ := e.db.CheckIns(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 23}); len(ins) != 0 {
		t.Fatalf("refused check-ins were stored: %+v", ins)
	}
	seq := e.auditHead()
	e.clock.Advance(7 * time.Minute)
	r := try(strings.ToLower(code[:2])+" "+code[2:], strings.ToUpper(first.LastName), first.DateOfBirth)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "You are checked in") || !strings.Contains(r.Body, html.EscapeString(g.Title)) {
		t.Fatalf("checking in: %d", r.StatusCode)
	}
	if strings.Contains(r.Body, html.EscapeString(first.FirstName)) || strings.Contains(r.Body, first.MRN) {
		t.Error("the kiosk shows who checked in")
	}
	logged := false
	for _, rec := range e.auditSince(seq) {
		logged = logged || (rec.ClientID == first.ID && rec.Category == "client.attendance" && strings.Contains(rec.Detail, "kiosk"))
	}
	if !logged {
		t.Error("the kiosk check-in left no audit record")
	}

	desk := e.signIn(model.RoleFrontDesk)
	board := e.get(desk, "/checkin/desk")
	if board.StatusCode != http.StatusOK || !strings.Contains(board.Body, code) || !strings.Contains(board.Body, "checked in 9:07 am") {
		t.Fatalf("the front desk board: %d", board.StatusCode)
	}
	others, _, _ := e.db.SearchClients(ctx, store.ClientQuery{Limit: 40})
	inGroup := map[string]bool{}
	for _, x := range roster {
		inGroup[x.ClientID] = true
	}
	for _, o := range others {
		if !inGroup[o.ID] {
			if r := e.post(desk, "/checkin/desk", url.Values{"series_id": {g.ID}, "date": {"2026-11-23"}, "client_id": {o.ID}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("checking in someone not in the group: %d", r.StatusCode)
			}
			break
		}
	}
	if r := e.post(desk, "/checkin/desk", url.Values{"series_id": {g.ID}, "date": {"2026-11-23"}, "client_id": {roster[1].ClientID}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("desk check-in: %d", r.StatusCode)
	}
	// Another clinician, held to the care-team rule, sees at the desk only
	// the meetings they run: not this group's roster, and no check-in to it.
	if err := e.db.SetCareTeamRule(ctx, true, audit.Record{ActorID: "system:test"}); err != nil {
		t.Fatal(err)
	}
	var colleague model.User
	users, _ := e.db.Users(ctx)
	for _, u := range users {
		if u.Role == model.RoleClinician && u.Active && u.ID != g.FacilitatorID && u.ID != g.CoFacilitatorID {
			colleague = u
			break
		}
	}
	other := e.browser()
	if r := e.post(other, "/login", url.Values{"email": {colleague.Email}, "password": {demo.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", colleague.Email, r.StatusCode)
	}
	if page := e.get(other, "/checkin/desk"); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `id="meeting-`+g.ID+`"`) || strings.Contains(page.Body, code) {
		t.Errorf("a clinician who does not run %s sees its meeting at the desk (%d)", g.Title, page.StatusCode)
	}
	if r := e.post(other, "/checkin/desk", url.Values{"series_id": {g.ID}, "date": {"2026-11-23"}, "client_id": {roster[2].ClientID}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a desk check-in to a group the clinician does not run: %d, want 404", r.StatusCode)
	}
	if ins, _ := e.db.CheckIns(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 23}); len(ins) != 2 {
		t.Errorf("after the refused check-in %d are stored, want the 2 made", len(ins))
	}

	// The facilitator's screen starts from the arrivals, both 7 minutes
	// late; the rest are left to mark. The facilitator confirms, correcting
	// the desk arrival, who was in the room on time.
	sheet := e.get(c, path).Body
	checked := func(id, status string) bool {
		return regexp.MustCompile(`name="status_` + id + `" value="` + status + `" checked`).MatchString(sheet)
	}
	if !checked(first.ID, "late") || !strings.Contains(sheet, `name="late_`+first.ID+`" value="7"`) || !checked(roster[1].ClientID, "late") {
		t.Error("the check-ins do not fill in the attendance screen")
	}
	if strings.Contains(sheet, `name="status_`+roster[2].ClientID+`" value="present" checked`) || !strings.Contains(sheet, fmt.Sprintf("2 of %d checked in", len(roster))) {
		t.Error("a client who did not check in is marked present")
	}
	confirm := url.Values{"client": {first.ID, roster[1].ClientID}, "status_" + first.ID: {"late"}, "late_" + first.ID: {"7"},
		"status_" + roster[1].ClientID: {"present"}}
	if r := e.post(c, path, confirm); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirming: %d %s", r.StatusCode, r.Body)
	}
	marks, _ := e.db.Attendance(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 23})
	if marks[first.ID].Minutes != g.Minutes-7 || marks[roster[1].ClientID].Minutes != g.Minutes || len(marks) != 2 {
		t.Fatalf("confirmed attendance %+v", marks)
	}

	// A meeting the program cancels takes no check-ins, at the kiosk or the desk.
	second, _ := e.db.Client(ctx, roster[2].ClientID)
	if err := e.db.SetException(ctx, schedule.Exception{SeriesID: g.ID, Date: model.Date{Year: 2026, Month: 11, Day: 23}, Cancelled: true,
		Reason: "Facilitator ill"}, clinician.ID, audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}); err != nil {
		t.Fatal(err)
	}
	if r := try(code, second.LastName, second.DateOfBirth); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "was cancelled") {
		t.Errorf("checking in to a cancelled meeting: %d", r.StatusCode)
	}
	if r := e.post(desk, "/checkin/desk", url.Values{"series_id": {g.ID}, "date": {"2026-11-23"}, "client_id": {second.ID}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("desk check-in to a cancelled meeting: %d", r.StatusCode)
	}
	if ins, _ := e.db.CheckIns(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 23}); len(ins) != 2 {
		t.Errorf("check-ins after the cancellation: %d, want the 2 before it", len(ins))
	}
	if sheet := e.get(c, path).Body; !strings.Contains(sheet, "This meeting was cancelled: Facilitator ill") || strings.Contains(sheet, "Check-in code for today") {
		t.Error("the cancelled meeting's sheet should say so and offer no code")
	}
	if err := e.db.SetException(ctx, schedule.Exception{SeriesID: g.ID, Date: model.Date{Year: 2026, Month: 11, Day: 23}, Reason: "restored",
		NewDate: model.Date{Year: 2026, Month: 11, Day: 23}, NewStart: g.Start}, clinician.ID, audit.Record{At: e.clock.Now(), ActorID: clinician.ID, ActorRole: "clinician"}); err != nil {
		t.Fatal(err)
	}

	// After the meeting the code no longer checks anyone in.
	e.clock.Advance(4 * time.Hour)
	if r := try(code, second.LastName, second.DateOfBirth); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "closes when it ends") {
		t.Fatalf("checking in after the meeting: %d", r.StatusCode)
	}

	// Next Monday's meeting has not started: nobody is marked, and an
	// absence announced ahead is recorded on its own.
	c = e.signIn(model.RoleClinician) // hours have passed: a new session
	next := "/program/groups/" + g.ID + "/attendance?date=2026-11-30"
	if sheet := e.get(c, next).Body; strings.Contains(sheet, " checked>") {
		t.Error("a meeting ahead starts with statuses filled in")
	}
	blank := url.Values{"client": {roster[0].ClientID, roster[2].ClientID}}
	if r := e.post(c, next, blank); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose a status for at least one client") {
		t.Errorf("a sheet with no status: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	blank.Set("status_"+roster[2].ClientID, "absent_excused")
	if r := e.post(c, next, blank); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("an absence announced ahead: %d %s", r.StatusCode, r.Body)
	}
	if marks, _ := e.db.Attendance(ctx, g.ID, model.Date{Year: 2026, Month: 11, Day: 30}); len(marks) != 1 || marks[roster[2].ClientID].Status != "absent_excused" {
		t.Errorf("marks ahead: %+v", marks)
	}
}
