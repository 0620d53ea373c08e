package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

var inviteCode = regexp.MustCompile(`[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}`)

// invite has the demo clinician invite their client to the portal and
// returns the one-time code shown.
func (e *env) invite(staff *http.Client, clientID string) string {
	e.t.Helper()
	// The demo opens the portal for a few of the clinician's clients; start afresh.
	if _, err := e.db.ClientPortalAccount(context.Background(), clientID); err == nil {
		if err := e.db.ClosePortalAccess(context.Background(), clientID, audit.Record{ActorID: "system:test"}); err != nil {
			e.t.Fatal(err)
		}
	}
	resp := e.post(staff, "/clients/"+clientID+"/portal/invite", url.Values{"email": {"ana@example.org"}})
	code := inviteCode.FindString(resp.Body)
	if resp.StatusCode != http.StatusOK || code == "" {
		e.t.Fatalf("invite: %d, no code in the page", resp.StatusCode)
	}
	return code
}

// joinPortal accepts an invitation in a new browser, signed in afterwards.
func (e *env) joinPortal(code, login string) *http.Client {
	e.t.Helper()
	c := e.browser()
	resp := e.post(c, "/portal/join", url.Values{"code": {strings.ToLower(code)}, "login": {login},
		"password": {"blue kettle river stones"}, "again": {"blue kettle river stones"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
		e.t.Fatalf("join: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
	}
	return c
}

// otherClient is an active client of the demo center other than e.client.
func (e *env) otherClient() model.Client {
	e.t.Helper()
	list, _, err := e.db.SearchClients(context.Background(), store.ClientQuery{Limit: 50})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range list {
		if c.ID != e.client.ID && c.Current != nil && c.Current.Status == model.EpisodeActive {
			return c
		}
	}
	e.t.Fatal("no second active client")
	return model.Client{}
}

func TestPortalInvitationSignInAndSeparation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		staff := e.signIn(model.RoleClinician)
		code := e.invite(staff, e.client.ID)

		// A bad form changes nothing and keeps the code usable.
		bad := e.post(e.browser(), "/portal/join", url.Values{"code": {code}, "login": {"a b"}, "password": {"short"}, "again": {"short"}})
		if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "no spaces") {
			t.Fatalf("bad join: %d", bad.StatusCode)
		}
		wrong := e.post(e.browser(), "/portal/join", url.Values{"code": {"AAAA-AAAA-AAAA"}, "login": {"ana"},
			"password": {"blue kettle river stones"}, "again": {"blue kettle river stones"}})
		if wrong.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(wrong.Body, "does not open an invitation") {
			t.Fatalf("unknown code: %d", wrong.StatusCode)
		}
		client := e.joinPortal(code, "ana.portal")
		if again := e.post(e.browser(), "/portal/join", url.Values{"code": {code}, "login": {"ana2"},
			"password": {"blue kettle river stones"}, "again": {"blue kettle river stones"}}); again.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a spent code: %d, want 422", again.StatusCode)
		}

		before := e.auditHead()
		home := e.get(client, "/portal")
		if home.StatusCode != http.StatusOK || !strings.Contains(home.Body, e.client.DisplayName()) || !strings.Contains(home.Body, "tel:988") {
			t.Fatalf("portal home: %d", home.StatusCode)
		}
		recs := e.auditSince(before)
		if len(recs) == 0 || !strings.HasPrefix(recs[len(recs)-1].ActorID, "portal:") || recs[len(recs)-1].ClientID != e.client.ID ||
			recs[len(recs)-1].Action != audit.ActionRead {
			t.Fatalf("portal home not audited with the account as actor: %+v", recs)
		}
		// A client never reaches a staff page, and staff never a portal page.
		for _, path := range []string{"/home", "/clients/" + e.client.ID, "/clients"} {
			if r := e.get(client, path); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Errorf("portal session on %s: %d %s, want the staff sign-in", path, r.StatusCode, r.Header.Get("Location"))
			}
		}
		if r := e.get(staff, "/portal"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/portal/login" {
			t.Errorf("staff session on /portal: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		// Sign out and back in with the chosen name.
		if r := e.post(client, "/portal/logout", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := e.get(client, "/portal"); r.Header.Get("Location") != "/portal/login" {
			t.Fatalf("signed out, /portal: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.post(client, "/portal/login", url.Values{"login": {"ana.portal"}, "password": {"wrong password here"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", r.StatusCode)
		}
		if r := e.post(client, "/portal/login", url.Values{"login": {"ANA.portal"}, "password": {"blue kettle river stones"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
		}
		// A staff password does not open the portal, nor a portal password the staff side.
		if r := e.post(e.browser(), "/login", url.Values{"email": {"ana.portal"}, "password": {"blue kettle river stones"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("portal credentials on the staff sign-in: %d", r.StatusCode)
		}
		// Reset: the session ends at once and the old password stops working.
		if r := e.post(staff, "/clients/"+e.client.ID+"/portal/reset", nil); r.StatusCode != http.StatusOK || inviteCode.FindString(r.Body) == "" {
			t.Fatalf("reset: %d", r.StatusCode)
		}
		if r := e.get(client, "/portal"); r.Header.Get("Location") != "/portal/login" {
			t.Fatalf("after a reset, /portal: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.post(e.browser(), "/portal/login", url.Values{"login": {"ana.portal"}, "password": {"blue kettle river stones"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the old password after a reset: %d", r.StatusCode)
		}
		// Invitations are the counselor's: front desk cannot issue one.
		if r := e.post(e.signIn(model.RoleFrontDesk), "/clients/"+e.client.ID+"/portal/invite", nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("front desk invites: %d", r.StatusCode)
		}
	})
}

func TestPortalCheckInMeasureAbsencePlans(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := context.Background()
		staff := e.signIn(model.RoleClinician)
		client := e.joinPortal(e.invite(staff, e.client.ID), "ana.portal")
		other := e.otherClient()

		// Daily check-in: bad input changes nothing; a very low mood answers with crisis help first.
		if r := e.post(client, "/portal/checkin", url.Values{"mood": {"4"}, "used": {"no"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("check-in without craving: %d", r.StatusCode)
		}
		if got, _ := e.db.DailyCheckIns(ctx, e.client.ID, model.Date{Year: 2026, Month: 11, Day: 1}); len(got) != 0 {
			t.Fatalf("a refused check-in was stored: %+v", got)
		}
		r := e.post(client, "/portal/checkin", url.Values{"craving": {"8"}, "mood": {"1"}, "used": {"yes"}, "note": {"rough night"}})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Please reach out for help right now") ||
			strings.Index(r.Body, "Please reach out") > strings.Index(r.Body, "Thank you for checking in") {
			t.Fatalf("low-mood check-in: %d, crisis guidance not first", r.StatusCode)
		}
		if r := e.post(client, "/portal/checkin", url.Values{"craving": {"1"}, "mood": {"8"}, "used": {"no"}}); r.StatusCode != http.StatusConflict {
			t.Fatalf("a second check-in today: %d", r.StatusCode)
		}
		if chart := e.get(staff, "/clients/"+e.client.ID); !strings.Contains(chart.Body, "rough night") || !strings.Contains(chart.Body, ">used<") {
			t.Fatal("the counselor does not see the check-in on the chart")
		}
		if home := e.get(staff, "/home"); !strings.Contains(home.Body, "Check-ins to look at") || !strings.Contains(home.Body, "rough night") {
			t.Fatal("the flagged check-in is not on the counselor's home page")
		}

		// An assigned PHQ-9, completed in the portal, raises the same alert as in session.
		if r := e.post(staff, "/clients/"+e.client.ID+"/assignments", url.Values{"instrument": {"phq-9"}, "due_on": {"2026-11-26"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
		}
		if r := e.post(staff, "/clients/"+other.ID+"/assignments", url.Values{"instrument": {"gad-7"}, "due_on": {"2026-11-26"}}); r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusNotFound {
			t.Fatalf("assign to the other client: %d", r.StatusCode)
		}
		open, err := e.db.OpenAssignments(ctx, e.client.ID)
		if err != nil || len(open) == 0 {
			t.Fatalf("assignments: %v %v", open, err)
		}
		asid := ""
		for _, a := range open {
			if a.Instrument == "phq-9" {
				asid = a.ID
			}
		}
		if home := e.get(client, "/portal"); !strings.Contains(home.Body, "/portal/measures/"+asid) {
			t.Fatal("the due PHQ-9 is not on the portal home")
		}
		answers := url.Values{"difficulty": {"1"}}
		for i := 1; i <= 9; i++ {
			answers.Set("q"+string(rune('0'+i)), "1")
		}
		answers.Set("q9", "2")
		if r := e.post(client, "/portal/measures/"+asid, url.Values{"q1": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("half-answered PHQ-9: %d", r.StatusCode)
		}
		r = e.post(client, "/portal/measures/"+asid, answers)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Please reach out for help right now") || strings.Index(r.Body, "Please reach out") > strings.Index(r.Body, "Your PHQ-9") {
			t.Fatalf("PHQ-9 with item 9 at 2: %d, crisis guidance not first\n%s", r.StatusCode, r.Body)
		}
		alerts, err := e.db.SafetyAlerts(ctx, store.SafetyAlertQuery{ClientID: e.client.ID})
		if err != nil || len(alerts) == 0 {
			t.Fatalf("no safety alert from the portal PHQ-9: %v", err)
		}
		if r := e.get(client, "/portal/measures/"+asid); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a completed questionnaire: %d, want 404", r.StatusCode)
		}
		otherOpen, _ := e.db.OpenAssignments(ctx, other.ID)
		for _, a := range otherOpen {
			if r := e.get(client, "/portal/measures/"+a.ID); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another client's questionnaire: %d, want 404", r.StatusCode)
			}
			if r := e.post(client, "/portal/measures/"+a.ID, answers); r.StatusCode != http.StatusNotFound {
				t.Fatalf("answering another client's questionnaire: %d, want 404", r.StatusCode)
			}
		}

		// An absence told ahead, accepted by the counselor, is excused on the attendance sheet.
		att := e.get(client, "/portal/attendance")
		m := regexp.MustCompile(`<option value="([0-9a-f-]+)\|(\d{4}-\d{2}-\d{2})"`).FindStringSubmatch(att.Body)
		if m == nil {
			t.Fatal("no upcoming meeting to miss on the portal attendance page")
		}
		if r := e.post(client, "/portal/absences", url.Values{"meeting": {m[1] + "|" + m[2]}, "reason": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("absence without a reason: %d", r.StatusCode)
		}
		mine, _ := e.db.Enrolments(ctx, e.client.ID)
		inMine := map[string]bool{}
		for _, g := range mine {
			inMine[g.Series.ID] = true
		}
		otherGroups, _ := e.db.Enrolments(ctx, other.ID)
		for _, g := range otherGroups {
			if inMine[g.Series.ID] {
				continue
			}
			if r := e.post(client, "/portal/absences", url.Values{"meeting": {g.Series.ID + "|" + m[2]}, "reason": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("an absence from a group the client is not in: %d, want 422", r.StatusCode)
			}
		}
		if r := e.post(client, "/portal/absences", url.Values{"meeting": {m[1] + "|" + m[2]}, "reason": {"Work shift"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("absence: %d %s", r.StatusCode, r.Body)
		}
		list := e.get(staff, "/absences")
		if list.StatusCode != http.StatusOK || !strings.Contains(list.Body, "Work shift") {
			t.Fatalf("the counselor's absences list: %d", list.StatusCode)
		}
		notices, err := e.db.Absences(ctx, store.AbsenceQuery{ClientID: e.client.ID})
		if err != nil || len(notices) != 1 {
			t.Fatalf("notices: %+v %v", notices, err)
		}
		if r := e.post(staff, "/clients/"+other.ID+"/absences/"+notices[0].ID, url.Values{"decision": {"accept"}}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("deciding under another client's id: %d, want 404", r.StatusCode)
		}
		if r := e.post(staff, "/clients/"+e.client.ID+"/absences/"+notices[0].ID, url.Values{"decision": {"decline"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("declining without a note: %d", r.StatusCode)
		}
		if r := e.post(staff, "/clients/"+e.client.ID+"/absences/"+notices[0].ID, url.Values{"decision": {"accept"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", r.StatusCode, r.Body)
		}
		day, _ := model.ParseDate(m[2])
		marks, err := e.db.Attendance(ctx, m[1], day)
		if err != nil || marks[e.client.ID].Status != intensity.AbsentExcused {
			t.Fatalf("the accepted absence is not excused on the sheet: %+v %v", marks[e.client.ID], err)
		}
		if att := e.get(client, "/portal/attendance"); !strings.Contains(att.Body, "Excused") {
			t.Fatal("the client does not see the answer")
		}

		// The treatment plan: read and signed in the portal once the clinician has signed it.
		u, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
		cur, _ := e.db.Client(ctx, e.client.ID)
		draft, err := e.db.StartPlan(ctx, e.client.ID, cur.Current.ID, model.Date{Year: 2026, Month: 11, Day: 23}, u.ID, audit.Record{ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		p := plan.Plan{ID: draft.ID, ClientID: e.client.ID, Date: draft.Date, ClientStatement: "I want my weekends back",
			Problems: []plan.Problem{{Statement: "Daily drinking", Goal: "Stay sober for my kids",
				Objectives:    []plan.Objective{{Text: "Attend 9 hours of groups a week", Target: model.Date{Year: 2026, Month: 12, Day: 23}}},
				Interventions: []plan.Intervention{{Modality: "cbt", Provider: "primary counselor", Frequency: "3 groups a week"}}}}}
		if err := e.db.SavePlan(ctx, &p, true, nil, u.ID, audit.Record{ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
		plans := e.get(client, "/portal/plans")
		if !strings.Contains(plans.Body, "Stay sober for my kids") || !strings.Contains(plans.Body, "/portal/plans/"+draft.ID+"/signature") {
			t.Fatal("the signed plan is not offered for signing in the portal")
		}
		if r := e.post(client, "/portal/plans/"+draft.ID+"/signature", url.Values{"client_signature": {"Ana Ruiz"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("signing without agreeing: %d", r.StatusCode)
		}
		if r := e.post(client, "/portal/plans/"+draft.ID+"/signature", url.Values{"agree": {"yes"}, "client_signature": {"Ana Ruiz"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d %s", r.StatusCode, r.Body)
		}
		signed, err := e.db.TreatmentPlan(ctx, e.client.ID, draft.ID)
		if err != nil || !signed.Client.Signed() || signed.Client.Name != "Ana Ruiz" || signed.Witness != "" {
			t.Fatalf("the portal signature: %+v %v", signed.Client, err)
		}

		// The relapse-prevention plan: the client's version, seen by the counselor.
		versions, err := e.db.RelapsePlans(ctx, e.client.ID)
		if err != nil {
			t.Fatal(err)
		}
		base := "0"
		if len(versions) > 0 {
			base = strconv.Itoa(versions[0].Version)
		}
		form := url.Values{"base_version": {base}, "trigger0.text": {"Payday Friday"}, "trigger0.coping": {"Call my sponsor first"}}
		if r := e.post(client, "/portal/relapse-plan", url.Values{"base_version": {base}, "trigger0.text": {"Payday"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a trigger without coping: %d", r.StatusCode)
		}
		if r := e.post(client, "/portal/relapse-plan", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the plan: %d %s", r.StatusCode, r.Body)
		}
		if r := e.post(client, "/portal/relapse-plan", form); r.StatusCode != http.StatusConflict {
			t.Fatalf("a save from an old version: %d, want 409", r.StatusCode)
		}
		rpp := e.get(staff, "/clients/"+e.client.ID+"/relapse-plan")
		if !strings.Contains(rpp.Body, "Call my sponsor first") || !strings.Contains(rpp.Body, "(the client)") {
			t.Fatal("the counselor does not see the client's change")
		}

		// The calendar: a subscription address shown once, and a single event file.
		if r := e.post(client, "/portal/calendar", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "/calendar/") {
			t.Fatalf("calendar address: %d", r.StatusCode)
		}
		ics := e.get(client, "/portal/schedule/event.ics?group="+m[1]+"&date="+m[2])
		if ics.StatusCode != http.StatusOK || !strings.Contains(ics.Body, "BEGIN:VEVENT") || strings.Count(ics.Body, "BEGIN:VEVENT") != 1 {
			t.Fatalf("one event: %d\n%s", ics.StatusCode, ics.Body)
		}
		for _, g := range otherGroups {
			if inMine[g.Series.ID] {
				continue
			}
			if r := e.get(client, "/portal/schedule/event.ics?group="+g.Series.ID+"&date="+m[2]); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another client's group as a calendar file: %d", r.StatusCode)
			}
		}
	})
}

func TestDemoPortalLoginsSignIn(t *testing.T) {
	e := newEnv(t, store.SQLite)
	fam := e.browser()
	if r := e.post(fam, "/portal/login", url.Values{"login": {demo.FamilyLogin}, "password": {demo.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo family login: %d", r.StatusCode)
	}
	if home := e.get(fam, "/portal"); home.StatusCode != http.StatusOK || !strings.Contains(home.Body, "Family portal") {
		t.Fatalf("the demo family member's page: %d", home.StatusCode)
	}
	for _, login := range demo.PortalLogins {
		c := e.browser()
		if r := e.post(c, "/portal/login", url.Values{"login": {login}, "password": {demo.Password}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("demo portal login %s: %d", login, r.StatusCode)
		}
		home := e.get(c, "/portal")
		if home.StatusCode != http.StatusOK || !strings.Contains(home.Body, "This week") {
			t.Fatalf("%s's portal home: %d", login, home.StatusCode)
		}
	}
}

func TestOutboxShowsQueuedRemindersToTheDirector(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	staff := e.signIn(model.RoleClinician)
	code := e.invite(staff, e.client.ID)
	e.joinPortal(code, "ana.portal")
	acct, err := e.db.ClientPortalAccount(ctx, e.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	msg := portal.SessionReminder(acct.Reminders, "Riverbend", model.Date{Year: 2026, Month: 11, Day: 24}, []string{"6:00 pm"}, "http://x/portal")
	if ok, err := e.db.QueuePortalMessage(ctx, acct, msg, "test:1", audit.Record{ActorID: "system:test"}); !ok || err != nil {
		t.Fatalf("queue: %v %v", ok, err)
	}
	before := e.auditHead()
	page := e.get(e.signIn(model.RoleClinicalDirector), "/admin/outbox")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "ana@example.org") || !strings.Contains(page.Body, "starting at 6:00 pm") ||
		!strings.Contains(page.Body, "nothing is sent") || !strings.Contains(page.Body, "Your invitation") {
		t.Fatalf("outbox: %d", page.StatusCode)
	}
	if strings.Contains(page.Body, code) || !strings.Contains(page.Body, "(code hidden)") {
		t.Fatal("the outbox page shows the invitation code")
	}
	if recs := e.auditSince(before); len(recs) == 0 || recs[len(recs)-1].Action != audit.ActionQuery {
		t.Fatalf("the outbox read is not audited: %+v", recs)
	}
}

func TestFamilyPortalUnderConsent(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := context.Background()
		director := e.signIn(model.RoleClinicalDirector)
		list, _, err := e.db.SearchClients(ctx, store.ClientQuery{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var client model.Client
		var family, tpo consent.Consent
		for _, c := range list {
			ks, _ := e.db.Consents(ctx, c.ID)
			for _, k := range ks {
				if k.Purpose == consent.PurposeFamily && k.Recipient.Kind == consent.RecipientPerson && k.RevokedAt.IsZero() && family.ID == "" {
					client, family = c, k
				}
			}
			if family.ID != "" {
				for _, k := range ks {
					if k.Purpose == consent.PurposeTPO {
						tpo = k
					}
				}
				break
			}
		}
		if family.ID == "" || tpo.ID == "" {
			t.Fatal("the demo has no client with a family consent in force")
		}
		base := "/clients/" + client.ID + "/consents/"
		if r := e.post(director, base+tpo.ID+"/family-invite", nil); r.StatusCode != http.StatusConflict {
			t.Fatalf("a TPO consent opened the family portal: %d", r.StatusCode)
		}
		inv := e.post(director, base+family.ID+"/family-invite", nil)
		code := inviteCode.FindString(inv.Body)
		if inv.StatusCode != http.StatusOK || code == "" || !strings.Contains(inv.Body, family.Recipient.Name) {
			t.Fatalf("family invitation: %d", inv.StatusCode)
		}
		fam := e.joinPortal(code, "maria.family")
		before, _ := e.db.Disclosures(ctx, client.ID)
		home := e.get(fam, "/portal")
		if home.StatusCode != http.StatusOK || !strings.Contains(home.Body, "Help for families") || !strings.Contains(home.Body, "Notice to you as the recipient") ||
			!strings.Contains(home.Body, "42 CFR part 2") {
			t.Fatalf("family home: %d\n%s", home.StatusCode, home.Body)
		}
		after, _ := e.db.Disclosures(ctx, client.ID)
		if len(after) != len(before)+1 || after[0].Channel != consent.ChannelPortal || after[0].ConsentID != family.ID || after[0].Notice == "" {
			t.Fatalf("the family view is not in the accounting of disclosures: %+v", after[:min(len(after), 1)])
		}
		// Only what the consent covers: never the client's own pages.
		for _, p := range []string{"/portal/checkin", "/portal/attendance", "/portal/plans", "/portal/schedule", "/portal/measures/" + family.ID} {
			if r := e.get(fam, p); r.StatusCode != http.StatusNotFound {
				t.Errorf("family member on %s: %d, want 404", p, r.StatusCode)
			}
		}
		if r := e.get(fam, "/portal/settings"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Reminders by email") || !strings.Contains(r.Body, "Two-step sign-in") {
			t.Errorf("family settings: %d", r.StatusCode)
		}
		if !slices.Contains(family.Categories, consent.CatMeasures) && strings.Contains(home.Body, "PHQ") {
			t.Error("the family page shows measures the consent does not cover")
		}
		// Revoking the consent ends the access at the next request, with a clear page.
		if r := e.post(director, base+family.ID+"/revoke", url.Values{"note": {"Signed revocation at the front desk"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
		}
		ended := e.get(fam, "/portal")
		if ended.StatusCode != http.StatusForbidden || !strings.Contains(ended.Body, "Your access has ended") || strings.Contains(ended.Body, "Help for families") {
			t.Fatalf("after revocation: %d", ended.StatusCode)
		}
		if r := e.get(fam, "/portal"); r.Header.Get("Location") != "/portal/login" {
			t.Fatalf("the session outlived the revocation: %d", r.StatusCode)
		}
		if n, _ := e.db.Disclosures(ctx, client.ID); len(n) != len(after) {
			t.Fatal("a view after revocation was recorded as a disclosure")
		}
		again := e.browser()
		e.post(again, "/portal/login", url.Values{"login": {"maria.family"}, "password": {"blue kettle river stones"}})
		if r := e.get(again, "/portal"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("signing in again after revocation: %d", r.StatusCode)
		}
		if r := e.post(director, base+family.ID+"/family-invite", nil); r.StatusCode != http.StatusConflict {
			t.Fatalf("an invitation under a revoked consent: %d", r.StatusCode)
		}
	})
}

// TestPortalIdentifiersNeverReachAnotherClient changes every identifier a
// portal request carries to another client's: each answers as a missing
// record would, and nothing of theirs changes. It also lets a portal
// session idle past the limit.
func TestPortalIdentifiersNeverReachAnotherClient(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := context.Background()
		staff := e.signIn(model.RoleClinicalDirector)
		me := e.joinPortal(e.invite(staff, e.client.ID), "ana.portal")
		other := e.otherClient()
		them := e.joinPortal(e.invite(staff, other.ID), "ben.portal")

		// Their pending absence, their signed plan, their appointment.
		att := e.get(them, "/portal/attendance")
		m := regexp.MustCompile(`<option value="([0-9a-f-]+\|\d{4}-\d{2}-\d{2})"`).FindStringSubmatch(att.Body)
		if m == nil {
			t.Fatal("the other client has no meeting to miss")
		}
		if r := e.post(them, "/portal/absences", url.Values{"meeting": {m[1]}, "reason": {"Dentist"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("their absence: %d", r.StatusCode)
		}
		theirs, _ := e.db.Absences(ctx, store.AbsenceQuery{ClientID: other.ID})
		if len(theirs) != 1 {
			t.Fatalf("their notices: %+v", theirs)
		}
		u, _ := e.db.UserByEmail(ctx, "director@demo.openiop.org")
		cur, _ := e.db.Client(ctx, other.ID)
		draft, err := e.db.StartPlan(ctx, other.ID, cur.Current.ID, model.Date{Year: 2026, Month: 11, Day: 23}, u.ID, audit.Record{ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		p := plan.Plan{ID: draft.ID, ClientID: other.ID, Date: draft.Date, Problems: []plan.Problem{{Statement: "Daily drinking", Goal: "Keep my job",
			Objectives:    []plan.Objective{{Text: "Attend groups", Target: model.Date{Year: 2026, Month: 12, Day: 23}}},
			Interventions: []plan.Intervention{{Modality: "cbt", Provider: "counselor", Frequency: "weekly"}}}}}
		if err := e.db.SavePlan(ctx, &p, true, nil, u.ID, audit.Record{ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
		appts, _ := e.db.Appointments(ctx, store.AppointmentFilter{ClientID: other.ID, From: e.clock.Now().AddDate(0, 0, -7), To: e.clock.Now().AddDate(0, 1, 0)})

		if r := e.post(me, "/portal/absences/"+theirs[0].ID+"/withdraw", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("withdrawing their absence: %d, want 404", r.StatusCode)
		}
		if r := e.post(me, "/portal/plans/"+draft.ID+"/signature", url.Values{"agree": {"yes"}, "client_signature": {"Ana Ruiz"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("signing their plan: %d, want 404", r.StatusCode)
		}
		for _, a := range appts {
			if r := e.get(me, "/portal/schedule/event.ics?appointment="+a.ID); r.StatusCode != http.StatusNotFound {
				t.Errorf("their appointment as a calendar file: %d, want 404", r.StatusCode)
			}
		}
		if r := e.get(me, "/portal/plans"); strings.Contains(r.Body, "Keep my job") {
			t.Error("my plans page shows their plan")
		}
		if r := e.get(me, "/portal/attendance"); strings.Contains(r.Body, "Dentist") {
			t.Error("my attendance page shows their absence")
		}
		// A client id added to a portal address changes nothing: there is none to use.
		if r := e.get(me, "/portal?client="+other.ID); !strings.Contains(r.Body, e.client.DisplayName()) || strings.Contains(r.Body, other.DisplayName()) {
			t.Error("a client id in the query changed whose portal this is")
		}
		after, _ := e.db.Absences(ctx, store.AbsenceQuery{ClientID: other.ID})
		signed, _ := e.db.TreatmentPlan(ctx, other.ID, draft.ID)
		if after[0].Status != portal.AbsencePending || signed.Client.Signed() {
			t.Fatalf("their records changed: %s, signed %v", after[0].Status, signed.Client.Signed())
		}

		// Idle past the limit, the portal asks for sign-in again and says why.
		e.clock.Advance(16 * time.Minute)
		if r := e.get(me, "/portal"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/portal/login?expired=1" {
			t.Fatalf("an idle portal session: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestPortalTwoStepSignIn(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := context.Background()
		staff := e.signIn(model.RoleClinician)
		client := e.joinPortal(e.invite(staff, e.client.ID), "ana.portal")
		acct, _ := e.db.ClientPortalAccount(ctx, e.client.ID)
		before := e.auditHead()
		if r := e.get(client, "/portal/settings"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Set up two-step sign-in") {
			t.Fatalf("settings: %d", r.StatusCode)
		}
		if recs := e.auditSince(before); len(recs) == 0 || recs[len(recs)-1].ClientID != e.client.ID || recs[len(recs)-1].Detail != "portal settings" {
			t.Fatalf("the settings page (the client's email) is not audited: %+v", recs)
		}
		if r := e.post(client, "/portal/settings/two-step/start", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "data:image/png;base64,") {
			t.Fatalf("start: %d", r.StatusCode)
		}
		_, pending, _ := e.db.PortalTOTP(ctx, acct.ID)
		if r := e.post(client, "/portal/settings/two-step", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong code turned it on: %d", r.StatusCode)
		}
		code, _ := auth.TOTPCode(pending, e.clock.Now())
		if r := e.post(client, "/portal/settings/two-step", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d %s", r.StatusCode, r.Body)
		}
		e.post(client, "/portal/logout", nil)

		signIn := func() *http.Client {
			c := e.browser()
			r := e.post(c, "/portal/login", url.Values{"login": {"ana.portal"}, "password": {"blue kettle river stones"}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/portal/login/code" {
				t.Fatalf("password with two-step on: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			if r := e.get(c, "/portal"); r.Header.Get("Location") != "/portal/login" {
				t.Fatalf("the password alone opened the portal: %d", r.StatusCode)
			}
			return c
		}
		c := signIn()
		if r := e.post(c, "/portal/login/code", url.Values{"code": {"123456"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a wrong code: %d", r.StatusCode)
		}
		e.clock.Advance(time.Minute) // the next time step: the code used to turn it on is spent
		code, _ = auth.TOTPCode(pending, e.clock.Now())
		if r := e.post(c, "/portal/login/code", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/portal" {
			t.Fatalf("the right code: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.get(c, "/portal"); r.StatusCode != http.StatusOK {
			t.Fatalf("portal after two-step: %d", r.StatusCode)
		}
		again := signIn()
		if r := e.post(again, "/portal/login/code", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the same code twice: %d", r.StatusCode)
		}
		// A reset by the counselor clears the key along with the password.
		e.post(staff, "/clients/"+e.client.ID+"/portal/reset", nil)
		if secret, _, _ := e.db.PortalTOTP(ctx, acct.ID); secret != "" {
			t.Fatal("a reset kept the authenticator key")
		}
	})
}
