package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// outsider is a demo client the demo clinician does not care for.
func outsider(t *testing.T, e *env) (model.Client, model.User) {
	t.Helper()
	u, err := e.db.UserByEmail(t.Context(), "clinician@demo.openiop.org")
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := e.db.SearchClients(t.Context(), store.ClientQuery{Status: store.StatusAny, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var found *model.Client
	reasons := map[string]int{}
	for _, c := range all {
		why, err := e.db.CareTeamAccess(t.Context(), c.ID, u.ID, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		reasons[why]++
		if why == "" && found == nil {
			found = &c
		}
	}
	// The demo center exercises the ways onto a care team that the schedule implies.
	for _, why := range []string{store.AccessCounselor, store.AccessFacilitator, store.AccessIntake, ""} {
		if reasons[why] == 0 {
			t.Errorf("no demo client is reached by %q: %v", why, reasons)
		}
	}
	if found == nil {
		t.Fatal("every demo client is on the demo clinician's care team")
	}
	return *found, u
}

func TestCareTeamAccessAndEmergencyAccess(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		other, clinician := outsider(t, e)
		c := e.signIn(model.RoleClinician)
		chart := "/clients/" + other.ID

		// Outside the care team the record reads exactly as a missing one.
		head := e.auditHead()
		r := e.get(c, chart)
		missing := e.get(c, "/clients/"+model.NewID())
		if r.StatusCode != http.StatusNotFound || missing.StatusCode != http.StatusNotFound {
			t.Fatalf("outside the care team: %d, missing: %d", r.StatusCode, missing.StatusCode)
		}
		if strings.Contains(r.Body, other.LastName) || strings.Contains(r.Body, other.MRN) {
			t.Fatal("the 404 names the client")
		}
		for _, sub := range []string{"/consents", "/disclosures", "/relapse-plan", "/release"} {
			if r := e.get(c, chart+sub); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s outside the care team: %d", sub, r.StatusCode)
			}
		}
		denied := false
		for _, a := range e.auditSince(head) {
			denied = denied || a.ClientID == other.ID && a.Outcome == audit.OutcomeDenied && strings.Contains(a.Detail, "care team")
		}
		if !denied {
			t.Fatal("the refusal was not audited")
		}
		list := e.post(c, "/clients/search", url.Values{"q": {other.MRN}, "status": {"all"}})
		if strings.Contains(list.Body, other.ID) || !strings.Contains(list.Body, "Only clients you care for are listed") {
			t.Fatalf("the client search lists a client outside the care team: %d mrn=%v note=%v", list.StatusCode, strings.Contains(list.Body, other.MRN), strings.Contains(list.Body, "Only clients you care for"))
		}
		if mine := e.get(c, "/clients/"+e.client.ID); mine.StatusCode != http.StatusOK {
			t.Fatalf("the clinician's own client: %d", mine.StatusCode)
		}
		if r := e.get(e.signIn(model.RoleFrontDesk), chart); r.StatusCode != http.StatusOK {
			t.Fatalf("the front desk's minimum-necessary header: %d", r.StatusCode)
		}

		// Emergency access: a reason is required, an unknown number is refused, then the record opens, flagged.
		if r := e.post(c, "/emergency-access", url.Values{"mrn": {other.MRN}, "reason": {"need"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Say why") {
			t.Fatalf("emergency access without a reason: %d", r.StatusCode)
		}
		if r := e.post(c, "/emergency-access", url.Values{"mrn": {"C-999999"}, "reason": {"Client in crisis at the front desk"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "No client has that record number") {
			t.Fatalf("emergency access to an unknown number: %d", r.StatusCode)
		}
		if r := e.get(c, chart); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a refused emergency access opened the record: %d", r.StatusCode)
		}
		head = e.auditHead()
		reason := "Client in crisis at the front desk, counselor out sick"
		r = e.post(c, "/emergency-access", url.Values{"mrn": {other.MRN}, "reason": {reason}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), chart) {
			t.Fatalf("emergency access: %d %s", r.StatusCode, r.Body)
		}
		if page := e.get(c, r.Header.Get("Location")); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Emergency access.") {
			t.Fatalf("the chart under emergency access: %d", page.StatusCode)
		}
		flagged := 0
		for _, a := range e.auditSince(head) {
			if a.Action == audit.ActionEmergency && a.ClientID == other.ID {
				flagged++
			}
		}
		if flagged < 2 {
			t.Fatalf("emergency access left %d flagged audit records, want the grant and the page", flagged)
		}

		// The director sees it on their home page and reviews it once.
		director := e.signIn(model.RoleClinicalDirector)
		home := e.get(director, "/home")
		if !strings.Contains(home.Body, "Emergency access to review") || !strings.Contains(home.Body, reason) {
			t.Fatal("the director's home page does not show the emergency access")
		}
		grants, _ := e.db.EmergencyGrants(t.Context(), e.clock.Now().AddDate(0, 0, -1), true)
		if len(grants) != 1 || grants[0].UserID != clinician.ID {
			t.Fatalf("grants: %+v", grants)
		}
		if r := e.post(director, "/emergency-access/"+grants[0].ID+"/review", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", r.StatusCode)
		}
		if r := e.post(director, "/emergency-access/"+grants[0].ID+"/review", nil); r.StatusCode != http.StatusConflict {
			t.Fatalf("reviewing twice: %d", r.StatusCode)
		}
		if home := e.get(director, "/home"); strings.Contains(home.Body, "Emergency access to review") {
			t.Fatal("a reviewed use is still shown")
		}

		// Access ends after four hours.
		e.clock.Advance(4*time.Hour + time.Second)
		c, director = e.signIn(model.RoleClinician), e.signIn(model.RoleClinicalDirector) // the idle sessions ended too
		if r := e.get(c, chart); r.StatusCode != http.StatusNotFound {
			t.Fatalf("emergency access after it ran out: %d", r.StatusCode)
		}

		// The director names the clinician on the care team, then removes them.
		if r := e.post(director, chart+"/care-team", url.Values{"user": {clinician.ID}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add to the care team: %d %s", r.StatusCode, r.Body)
		}
		if r := e.get(c, chart); r.StatusCode != http.StatusOK {
			t.Fatalf("on the care team: %d", r.StatusCode)
		}
		if r := e.post(director, chart+"/care-team/"+clinician.ID+"/remove", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.StatusCode)
		}
		if r := e.get(c, chart); r.StatusCode != http.StatusNotFound {
			t.Fatalf("after removal: %d", r.StatusCode)
		}

		// With the rule off, every clinician opens every record.
		admin := e.signIn(model.RoleAdmin)
		if r := e.post(admin, "/admin/care-team-access", url.Values{"care_team_access": {"off"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("rule off: %d", r.StatusCode)
		}
		if r := e.get(c, chart); r.StatusCode != http.StatusOK {
			t.Fatalf("with the rule off: %d", r.StatusCode)
		}
		if r := e.post(admin, "/admin/care-team-access", url.Values{"care_team_access": {"maybe"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bad setting: %d", r.StatusCode)
		}
		if on, _ := e.db.CareTeamRule(t.Context()); on {
			t.Fatal("a bad setting changed the rule")
		}
	})
}

// TestEveryClientRouteHidesRecordsOutsideTheCareTeam walks every route that
// takes a client id and that a clinician may use, with a client outside the
// demo clinician's care team: each answers 404, as for a record that does
// not exist, and reads and writes nothing of the client.
func TestEveryClientRouteHidesRecordsOutsideTheCareTeam(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		other, _ := outsider(t, e)
		c := e.signIn(model.RoleClinician)
		routes, cells, unexpected := 0, 0, 0
		for _, rt := range e.srv.Routes() {
			if !strings.HasPrefix(rt.Pattern, "/clients/{id}") || !auth.Can(model.RoleClinician, rt.Perm) {
				continue
			}
			routes++
			path := strings.NewReplacer("{id}", other.ID).Replace(rt.Pattern)
			for _, sub := range []string{"{cid}", "{did}", "{plid}", "{eid}", "{aid}", "{mid}", "{apid}", "{nid}", "{asid}", "{uid}"} {
				path = strings.ReplaceAll(path, sub, model.NewID())
			}
			head := e.auditHead()
			cells++
			resp := e.request(c, rt.Method, path)
			if resp.StatusCode != http.StatusNotFound {
				unexpected++
				t.Errorf("%s %s outside the care team: %d, want 404", rt.Method, rt.Pattern, resp.StatusCode)
			}
			for _, a := range e.auditSince(head) {
				if a.ClientID == other.ID && a.Outcome == audit.OutcomeSuccess {
					t.Errorf("%s %s outside the care team left a successful audit record: %+v", rt.Method, rt.Pattern, a)
				}
			}
		}
		if routes < 20 {
			t.Fatalf("only %d client routes were walked", routes)
		}
		t.Logf("security-careteam: routes=%d cells=%d unexpected_allow=%d", routes, cells, unexpected)
	})
}

func TestPrivacyReportShowsDisclosuresEmergencyAccessRefusalsAndOutsideReads(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		other, _ := outsider(t, e)
		c := e.signIn(model.RoleClinician)
		e.get(c, "/clients/"+other.ID) // refused: outside the care team
		if r := e.post(c, "/emergency-access", url.Values{"mrn": {other.MRN}, "reason": {"Covering the evening group tonight"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("emergency access: %d", r.StatusCode)
		}
		e.get(c, "/clients/"+other.ID)
		e.get(c, "/clients/"+e.client.ID) // the clinician's own client: not an outside read

		for _, role := range []model.Role{model.RoleAdmin, model.RoleClinicalDirector} {
			report := e.get(e.signIn(role), "/admin/privacy?mrn="+url.QueryEscape(other.MRN))
			if report.StatusCode != http.StatusOK {
				t.Fatalf("report as %s: %d", role, report.StatusCode)
			}
			for _, want := range []string{"Covering the evening group tonight", "reads of " + other.MRN + " from outside the care team",
				"emergency access", "outside the care team", "Not yet"} {
				if !strings.Contains(report.Body, want) {
					t.Errorf("the report as %s lacks %q", role, want)
				}
			}
			if strings.Contains(report.Body, "<b>0</b><span>reads of") {
				t.Errorf("the report as %s counts no outside reads", role)
			}
		}
		director := e.signIn(model.RoleClinicalDirector)
		own := e.get(director, "/admin/privacy?mrn="+url.QueryEscape(e.client.MRN))
		if !strings.Contains(own.Body, "Nobody outside the care team read this record") {
			t.Error("the clinician's reads of their own client are listed as outside reads")
		}
		if r := e.get(director, "/admin/privacy?mrn=C-999999&from=2026-13-01"); r.StatusCode != http.StatusOK ||
			!strings.Contains(r.Body, "No client has that record number") || !strings.Contains(r.Body, "Enter a date as YYYY-MM-DD") {
			t.Fatalf("bad input: %d", r.StatusCode)
		}
		if r := e.get(c, "/admin/privacy"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a clinician reading the privacy report: %d", r.StatusCode)
		}
	})
}

// TestGroupPagesFollowTheCareTeamRuleAndSubstitutes: a clinician opens the
// attendance sheet and note only of groups they facilitate; a director names
// them substitute for one meeting, which opens that meeting (and its
// members' records) and no other, until the substitute is withdrawn.
func TestGroupPagesFollowTheCareTeamRuleAndSubstitutes(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := t.Context()
		clinician, err := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
		if err != nil {
			t.Fatal(err)
		}
		all, err := e.db.ListSeries(ctx, store.SeriesFilter{})
		if err != nil {
			t.Fatal(err)
		}
		today := model.DateOf(e.clock.Now())
		var group schedule.Series
		var meetings []model.Date
		for _, sr := range all {
			if sr.FacilitatorID == clinician.ID || sr.CoFacilitatorID == clinician.ID || sr.Enrolled == 0 {
				continue
			}
			if m := sr.Recurrence.Dates(today.AddDays(-14), today.AddDays(-1)); len(m) >= 2 {
				group, meetings = sr, m
				break
			}
		}
		if group.ID == "" {
			t.Fatal("no demo group with members that the demo clinician does not facilitate")
		}
		date, other := meetings[len(meetings)-1], meetings[0]
		sheet := func(d model.Date) string { return "/program/groups/" + group.ID + "/attendance?date=" + d.String() }
		note := func(d model.Date) string { return "/program/groups/" + group.ID + "/note?date=" + d.String() }
		roster, err := e.db.GroupRoster(ctx, group.ID)
		if err != nil {
			t.Fatal(err)
		}
		var member string
		for _, m := range roster {
			if why, _ := e.db.CareTeamAccess(ctx, m.ClientID, clinician.ID, e.clock.Now()); why == "" {
				member = m.ClientID
				break
			}
		}
		if member == "" {
			t.Fatal("every member of the group is already on the clinician's care team")
		}

		c := e.signIn(model.RoleClinician)
		head := e.auditHead()
		for _, r := range []response{e.get(c, sheet(date)), e.get(c, note(date)),
			e.post(c, sheet(date), url.Values{"client": {member}, "status_" + member: {"present"}})} {
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("another clinician's group: %d, want 404", r.StatusCode)
			}
		}
		if marks, _ := e.db.Attendance(ctx, group.ID, date); len(marks) != 0 && marks[member].Status == "present" {
			t.Fatal("a refused attendance sheet was saved")
		}
		denied := 0
		for _, a := range e.auditSince(head) {
			if a.EntityID == group.ID && a.Outcome == audit.OutcomeDenied {
				denied++
			}
		}
		if denied != 3 {
			t.Errorf("%d refusals audited, want 3", denied)
		}
		// A colleague's appointment with the member shows as busy time,
		// without the member's name, which the director's view gives and audits.
		chicago, _ := time.LoadLocation("America/Chicago")
		start := today.AddDays(1).In(chicago).Add(7 * time.Hour)
		ap := schedule.Appointment{ClientID: member, ClinicianID: group.FacilitatorID, Kind: "individual", Start: start, End: start.Add(50 * time.Minute), Room: "Office 9"}
		if err := e.db.BookAppointment(ctx, &ap, chicago, true, audit.Record{At: e.clock.Now(), ActorID: group.FacilitatorID, ActorRole: "clinician"}); err != nil {
			t.Fatal(err)
		}
		memberName := ""
		for _, m := range roster {
			if m.ClientID == member {
				memberName = m.Name
			}
		}
		week := "/schedule?date=" + date.String()
		r := e.get(c, week)
		if strings.Contains(r.Body, "/program/groups/"+group.ID+"/attendance") {
			t.Error("the week view links to a sheet the clinician cannot open")
		}
		busy := "/schedule?view=day&date=" + today.AddDays(1).String()
		if r := e.get(c, busy); strings.Contains(r.Body, "/clients/"+member+"/schedule") || strings.Contains(r.Body, memberName) || !strings.Contains(r.Body, "Office 9") {
			t.Error("the day view names a client outside the clinician's care team, or hides the colleague's appointment")
		}
		head = e.auditHead()
		if r := e.get(e.signIn(model.RoleClinicalDirector), busy); !strings.Contains(r.Body, "/clients/"+member+"/schedule") {
			t.Error("the director's week view does not name the client of an appointment")
		}
		logged := false
		for _, a := range e.auditSince(head) {
			logged = logged || a.Category == "client.schedule" && strings.Contains(a.Detail, member)
		}
		if !logged {
			t.Error("the names on the week view were not audited")
		}

		// The director names the clinician substitute; a reason is required.
		d := e.signIn(model.RoleClinicalDirector)
		name := func(who, reason string) response {
			return e.post(d, "/program/groups/"+group.ID+"/occurrences", url.Values{"action": {"substitute"}, "date": {date.String()},
				"substitute": {who}, "reason": {reason}})
		}
		if r := name("", "cover"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose who facilitates") {
			t.Fatalf("a substitute form with no one chosen: %d", r.StatusCode)
		}
		if r := name(clinician.ID, " "); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give the reason") {
			t.Fatalf("a substitute without a reason: %d", r.StatusCode)
		}
		if r := name(group.FacilitatorID, "cover"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already facilitate") {
			t.Fatalf("the facilitator as their own substitute: %d", r.StatusCode)
		}
		if r := e.get(c, sheet(date)); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a refused substitute opened the sheet: %d", r.StatusCode)
		}
		if r := name(clinician.ID, "Facilitator on leave"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("naming a substitute: %d %s", r.StatusCode, r.Body)
		}
		if r := e.get(c, sheet(date)); r.StatusCode != http.StatusOK {
			t.Fatalf("the substitute's sheet: %d", r.StatusCode)
		}
		if r := e.get(c, note(date)); r.StatusCode != http.StatusOK {
			t.Fatalf("the substitute's note: %d", r.StatusCode)
		}
		if r := e.get(c, sheet(other)); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another meeting of the group: %d, want 404", r.StatusCode)
		}
		if r := e.post(c, sheet(date), url.Values{"client": {member}, "status_" + member: {"present"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the substitute takes attendance: %d %s", r.StatusCode, r.Body)
		}
		if why, _ := e.db.CareTeamAccess(ctx, member, clinician.ID, e.clock.Now()); why != store.AccessSubstitute {
			t.Errorf("a member's record for the substitute: %q", why)
		}
		if r := e.get(c, "/clients/"+member); r.StatusCode != http.StatusOK {
			t.Errorf("a member's chart for the substitute: %d", r.StatusCode)
		}
		r = e.get(c, week)
		if !strings.Contains(r.Body, sheet(date)) || !strings.Contains(r.Body, "(substitute for ") {
			t.Error("the week view does not show the substitute's meeting")
		}
		if strings.Contains(r.Body, sheet(other)) {
			t.Error("the week view links the group's other meeting")
		}

		// Withdrawn, the meeting closes again.
		if r := name("", "Facilitator is back"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdrawing the substitute: %d", r.StatusCode)
		}
		if r := e.get(c, sheet(date)); r.StatusCode != http.StatusNotFound {
			t.Fatalf("after withdrawal: %d, want 404", r.StatusCode)
		}

		// With the center's rule off, every clinician opens every group.
		if err := e.db.SetCareTeamRule(ctx, false, audit.Record{ActorID: "system:test"}); err != nil {
			t.Fatal(err)
		}
		if r := e.get(c, sheet(other)); r.StatusCode != http.StatusOK {
			t.Fatalf("with the rule off: %d", r.StatusCode)
		}
	})
}
