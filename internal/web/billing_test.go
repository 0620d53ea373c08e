package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/billing/x837/x12test"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// TestCoverageAuthorizationsAndClaims walks the money side as a biller and
// a counselor use it: a payer, a client's coverage and authorization (bad
// ones refused, nothing stored), attendance using the units until the
// alert, claims held until the notes are signed, and an 837P export that an
// independent parser reads, recorded as a disclosure to the payer.
func TestCoverageAuthorizationsAndClaims(t *testing.T) {
	e := newEnv(t, store.SQLite) // Monday 23 Nov 2026, 9 am in Chicago
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	rec := audit.Record{At: time.Now(), ActorID: clinician.ID, ActorRole: "clinician", Outcome: audit.OutcomeSuccess}
	ep, _ := e.db.Episode(ctx, e.client.ID, e.client.Current.ID)
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
		s := schedule.Series{TrackID: track, Title: "Billing group " + day.String(), Type: "process", Start: 6 * 60, Minutes: 180,
			FacilitatorID: clinician.ID, Room: "Billing Room " + string(rune('A'+i)), MaxCapacity: 12, OpenCohort: true,
			Recurrence: schedule.Recurrence{Days: []time.Weekday{day}, From: model.Date{Year: 2026, Month: 11, Day: 9}}}
		if err := e.db.CreateSeries(ctx, &s, rec); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Enrol(ctx, s.ID, e.client.ID, rec); err != nil {
			t.Fatal(err)
		}
		groups = append(groups, s)
	}
	counselor := e.signIn(model.RoleClinician)
	attend := func(g schedule.Series, date string) {
		t.Helper()
		form := url.Values{"client": {e.client.ID}, "status_" + e.client.ID: {"present"}}
		if r := e.post(counselor, "/program/groups/"+g.ID+"/attendance?date="+date, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("attendance %s: %d", date, r.StatusCode)
		}
	}
	attend(groups[0], "2026-11-16")
	attend(groups[1], "2026-11-17")
	attend(groups[2], "2026-11-18")

	biller := e.signIn(model.RoleBiller)
	// A payer: a malformed code is refused and nothing stored.
	payer := url.Values{"name": {"Prairie Test Plan"}, "type": {"commercial"}, "electronic_id": {"PTP01"}, "requires_auth": {"on"}, "active": {"on"},
		"per_diem": {"H15"}, "per_diem_charge": {"450"}, "place_of_service": {"57"}}
	if r := e.post(biller, "/admin/payers", payer); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "five capital letters") {
		t.Fatalf("a malformed code: %d", r.StatusCode)
	}
	payer.Set("per_diem", "h0015")
	payer.Set("per_diem_modifiers", "hf")
	if r := e.post(biller, "/admin/payers", payer); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding the payer: %d %s", r.StatusCode, r.Body)
	}
	payers, _ := e.db.Payers(ctx)
	var payerID string
	for _, p := range payers {
		if p.Name == "Prairie Test Plan" {
			payerID = p.ID
			if p.Codes.PerDiem != "H0015" || p.Codes.PerDiemModifiers[0] != "HF" || p.Codes.PerDiemCents != 45000 {
				t.Fatalf("stored payer %+v", p)
			}
		}
	}

	base := "/clients/" + e.client.ID
	cov := url.Values{"payer": {payerID}, "member_id": {"PTP7788"}, "relationship": {"self"}, "priority": {"primary"}, "from": {"2026-11-01"},
		"verified_on": {"2026-11-20"}, "notes": {"IOP covered after deductible; prior authorization required"}}
	if r := e.post(biller, base+"/coverage", cov); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("coverage: %d %s", r.StatusCode, r.Body)
	}
	// Authorizations: end before start and negative units are refused, naming the field; nothing stored.
	auth := url.Values{"payer": {payerID}, "number": {"AUTH-T1"}, "level": {"intensive_outpatient"}, "unit": {"per_diem"}, "units": {"5"},
		"from": {"2026-11-16"}, "to": {"2026-11-10"}}
	if r := e.post(biller, base+"/authorizations", auth); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cannot end before it starts") {
		t.Fatalf("end before start: %d", r.StatusCode)
	}
	auth.Set("to", "2026-12-31")
	auth.Set("units", "-5")
	if r := e.post(biller, base+"/authorizations", auth); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "from 1 to 1000") {
		t.Fatalf("negative units: %d", r.StatusCode)
	}
	if list, _ := e.db.Authorizations(ctx, e.client.ID); len(list) > 0 && list[0].Number == "AUTH-T1" {
		t.Fatal("a refused authorization was stored")
	}
	seq := e.auditHead()
	auth.Set("units", "5")
	if r := e.post(biller, base+"/authorizations", auth); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorization: %d %s", r.StatusCode, r.Body)
	}
	var created bool
	for _, a := range e.auditSince(seq) {
		created = created || a.Category == "client.authorization" && a.Action == audit.ActionCreate && a.ClientID == e.client.ID
	}
	if !created {
		t.Error("the authorization was not audited")
	}
	overlap := url.Values{"payer": {payerID}, "number": {"AUTH-T2"}, "level": {"intensive_outpatient"}, "unit": {"per_diem"}, "units": {"10"},
		"from": {"2026-12-01"}, "to": {"2026-12-15"}}
	if r := e.post(biller, base+"/authorizations", overlap); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "AUTH-T1") {
		t.Fatalf("an overlapping authorization: %d", r.StatusCode)
	}

	// Attendance uses the units: three days of five, then the alert at two left, then one.
	page := e.get(biller, base+"/coverage").Body
	if !strings.Contains(page, "3 of 5 days") || !strings.Contains(page, "Only 2 days left: request a continued stay.") {
		t.Fatalf("after three days the coverage page lacks the count or the alert")
	}
	attend(groups[0], "2026-11-23") // this morning's group, 6 to 9 am
	page = e.get(biller, base+"/coverage").Body
	if !strings.Contains(page, "4 of 5 days") || !strings.Contains(page, "Only 1 day left") {
		t.Errorf("after today's group the coverage page lacks the new count")
	}
	if home := e.get(counselor, "/home").Body; !strings.Contains(home, "Prairie Test Plan AUTH-T1: Only 1 day left") {
		t.Errorf("the counselor's home page lacks the authorization alert")
	}
	if chart := e.get(counselor, base).Body; !strings.Contains(chart, "AUTH-T1</strong>: 1 day left of 5") || !strings.Contains(chart, "Prairie Test Plan") {
		t.Errorf("the chart lacks the authorization's remaining units")
	}

	// Claims: held until the group notes are signed.
	period := "?from=2026-11-16&to=2026-11-23"
	claims := e.get(biller, "/billing"+period).Body
	if !strings.Contains(claims, "Prairie Test Plan") || !strings.Contains(claims, "Note not signed") || strings.Contains(claims, "Export 1 ready") {
		t.Fatalf("before the notes are signed the claims should be held")
	}
	for i, date := range []string{"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-23"} {
		g := groups[i%3]
		note := url.Values{"topic": {"Coping with cravings " + date}, "interventions": {"CBT chain analysis"}, "client": {e.client.ID},
			"participation_" + e.client.ID: {"Took part on " + date + " and named one trigger from the week, with a plan for it."},
			"response_" + e.client.ID:      {"Engaged"}, "progress_" + e.client.ID: {"Used a new coping skill once this week"},
			"plan_" + e.client.ID: {"Practice the plan daily"}, "action": {"sign"}}
		if r := e.post(counselor, "/program/groups/"+g.ID+"/note?date="+date, note); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("signing the note of %s: %d %s", date, r.StatusCode, r.Body)
		}
	}
	// An address a claim cannot carry holds the lines until the chart is corrected.
	client, _ := e.db.Client(ctx, e.client.ID)
	address := client.Address
	client.Address = "somewhere near the lake"
	if err := e.db.UpdateClient(ctx, &client, rec); err != nil {
		t.Fatal(err)
	}
	if claims := e.get(biller, "/billing"+period).Body; !strings.Contains(claims, "The address on the chart is not in the form") || strings.Contains(claims, "Export 4 ready") {
		t.Fatalf("an unusable address should hold the claims")
	}
	client.Address = address
	if err := e.db.UpdateClient(ctx, &client, rec); err != nil {
		t.Fatal(err)
	}
	claims = e.get(biller, "/billing"+period).Body
	if !strings.Contains(claims, "Export 4 ready lines as an 837P batch") {
		t.Fatalf("four signed IOP days should be ready")
	}
	seq = e.auditHead()
	r := e.post(biller, "/billing/batches", url.Values{"payer": {payerID}, "from": {"2026-11-16"}, "to": {"2026-11-23"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/billing/batches/") {
		t.Fatalf("export: %d %s", r.StatusCode, r.Body)
	}
	batch := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/billing/batches/"), "?exported=1")
	edi := e.get(biller, "/billing/batches/"+batch+"/837")
	if edi.StatusCode != http.StatusOK || !strings.Contains(edi.Header.Get("Content-Disposition"), ".837") {
		t.Fatalf("download: %d", edi.StatusCode)
	}
	var clm, sv1, auths int
	for _, s := range x12test.Parse(t, []byte(edi.Body)) {
		switch {
		case s.ID == "CLM":
			clm++
			if s.E(2) != "1800" {
				t.Errorf("claim total %s, want 1800 (four days at $450)", s.E(2))
			}
		case s.ID == "SV1":
			sv1++
			if s.C(1, 2) != "H0015" || s.C(1, 3) != "HF" || s.E(4) != "1" {
				t.Errorf("service line %s", s)
			}
		case s.ID == "REF" && s.E(1) == "G1" && s.E(2) == "AUTH-T1":
			auths++
		}
	}
	if clm != 1 || sv1 != 4 || auths != 1 {
		t.Errorf("837P has %d claims, %d lines, %d authorization refs; want 1, 4, 1", clm, sv1, auths)
	}
	// The export is a disclosure to the payer under the client's TPO consent, and audited.
	disclosed, _ := e.db.Disclosures(ctx, e.client.ID)
	var toPayer bool
	for _, d := range disclosed {
		toPayer = toPayer || d.Recipient == "Prairie Test Plan" && d.Channel == consent.ChannelExport
	}
	if !toPayer {
		t.Errorf("no disclosure to the payer recorded: %+v", disclosed)
	}
	var exported, read bool
	for _, a := range e.auditSince(seq) {
		exported = exported || a.Category == "billing.claims" && a.Action == audit.ActionExport && strings.Contains(a.Detail, e.client.ID)
		read = read || a.Category == "client.billing" && a.Action == audit.ActionExport && strings.Contains(a.Detail, e.client.ID)
	}
	if !exported || !read {
		t.Errorf("audit: batch exported %t, file downloaded %t", exported, read)
	}
	// Billed once: the same period has nothing left to export.
	if r := e.post(biller, "/billing/batches", url.Values{"payer": {payerID}, "from": {"2026-11-16"}, "to": {"2026-11-23"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "No claim lines are ready") {
		t.Errorf("a second export of the same services: %d", r.StatusCode)
	}
	if claims := e.get(biller, "/billing"+period).Body; !strings.Contains(claims, "4 already billed") {
		t.Errorf("the billing page does not count the billed lines")
	}

	// Utilization review: a continued-stay review, its packet for the payer, the payer's decision.
	epPath := base + "/episodes/" + e.client.Current.ID
	if r := e.post(counselor, epPath+"/reviews", url.Values{"date": {"2026-11-23"}, "note": {"Four IOP days this week; cravings down; continue IOP"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("continued-stay review: %d %s", r.StatusCode, r.Body)
	}
	events, _ := e.db.EpisodeEvents(ctx, e.client.Current.ID)
	var review string
	for _, ev := range events {
		if ev.Kind == "review" && ev.Reason == "Four IOP days this week; cravings down; continue IOP" {
			review = ev.ID
		}
	}
	if page := e.get(counselor, epPath).Body; !strings.Contains(page, "Utilization review packet for the payer") {
		t.Fatal("the review has no packet form")
	}
	packet := url.Values{"event": {review}, "payer": {payerID}, "units": {"0"}, "unit": {"per_diem"}, "from": {"2026-12-01"}, "to": {"2026-12-28"}}
	if r := e.post(counselor, epPath+"/ur-packet", packet); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "units asked for, from 1 to 1000") {
		t.Fatalf("a packet asking for nothing: %d", r.StatusCode)
	}
	packet.Set("units", "12")
	r = e.post(counselor, epPath+"/ur-packet", packet)
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/disclosures/") {
		t.Fatalf("the packet: %d %s", r.StatusCode, r.Body)
	}
	printed := e.get(counselor, r.Header.Get("Location")).Body
	for _, want := range []string{"Utilization review: request for continued stay", "Prairie Test Plan", "12 days (per diem), Dec 1, 2026 to Dec 28, 2026",
		"Four IOP days this week; cravings down; continue IOP", "Attendance", "42 CFR part 2"} {
		if !strings.Contains(printed, html.EscapeString(want)) && !strings.Contains(printed, want) {
			t.Errorf("the printed packet lacks %q", want)
		}
	}
	// The payer's answer: a denial needs its reason; an approval adds its authorization.
	decision := url.Values{"payer": {payerID}, "outcome": {"denied"}, "decided_on": {"2026-11-23"}}
	if r := e.post(biller, base+"/ur-decisions", decision); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "the payer&#39;s reason") {
		t.Fatalf("a denial without a reason: %d", r.StatusCode)
	}
	decision = url.Values{"payer": {payerID}, "outcome": {"approved"}, "decided_on": {"2026-11-23"}, "requested": {"12"}, "number": {"AUTH-T3"},
		"units": {"12"}, "unit": {"per_diem"}, "level": {"intensive_outpatient"}, "from": {"2027-01-01"}, "to": {"2027-01-28"}, "next_review": {"2027-01-21"}}
	if r := e.post(biller, base+"/ur-decisions", decision); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("recording the approval: %d %s", r.StatusCode, r.Body)
	}
	if page := e.get(biller, base+"/coverage").Body; !strings.Contains(page, "AUTH-T3: 12 days of 12 asked") || !strings.Contains(page, "<strong>AUTH-T3</strong>") {
		t.Errorf("the coverage page lacks the approval and its authorization")
	}
}

// TestStaffNPIIsSetByTheAdministrator: the rendering clinician's NPI on
// claims comes from the staff page; a number failing the check digit is
// refused and changes nothing.
func TestStaffNPIIsSetByTheAdministrator(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.signIn(model.RoleAdmin)
	clinician, _ := e.db.UserByEmail(t.Context(), "clinician@demo.openiop.org")
	before, _ := e.db.Clinicians(t.Context())
	if r := e.post(admin, "/admin/users/"+clinician.ID, url.Values{"action": {"npi"}, "npi": {"1234567890"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "valid check digit") {
		t.Fatalf("an NPI failing the check digit: %d", r.StatusCode)
	}
	if after, _ := e.db.Clinicians(t.Context()); after[clinician.ID].NPI != before[clinician.ID].NPI {
		t.Fatal("a refused NPI was stored")
	}
	if r := e.post(admin, "/admin/users/"+clinician.ID, url.Values{"action": {"npi"}, "npi": {"1245319599"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a valid NPI: %d", r.StatusCode)
	}
	if after, _ := e.db.Clinicians(t.Context()); after[clinician.ID].NPI != "1245319599" || after[clinician.ID].Last != "Lee" {
		t.Fatalf("stored %+v", after[clinician.ID])
	}
	if page := e.get(admin, "/admin/users").Body; !strings.Contains(page, `value="1245319599"`) {
		t.Error("the staff page does not show the NPI")
	}
}

// TestCaseloadShowsReliableChange: a caseload client whose PHQ-9 fell by
// the reliable-change threshold (6 points) shows as improving; a GAD-7
// that moved less than its threshold (4) shows as stable.
func TestCaseloadShowsReliableChange(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := t.Context()
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	rec := audit.Record{At: time.Now(), ActorID: clinician.ID, ActorRole: "clinician", Outcome: audit.OutcomeSuccess}
	c := &model.Client{FirstName: "Tomas", LastName: "Reyes", DateOfBirth: model.Date{Year: 1990, Month: 2, Day: 3}}
	if err := e.db.CreateClient(ctx, c, rec); err != nil {
		t.Fatal(err)
	}
	ep, _ := e.db.Episode(ctx, e.client.ID, e.client.Current.ID)
	admitted, err := e.db.Admit(ctx, c.ID, care.Admit{ProgramID: ep.ProgramID, Level: model.IntensiveOutpatient, Date: model.Date{Year: 2026, Month: 11, Day: 2},
		CounselorID: clinician.ID, Diagnoses: []string{"F10.20"}}, clinician.ID, rec)
	if err != nil {
		t.Fatal(err)
	}
	measure := func(code string, items, each int, on model.Date) {
		t.Helper()
		m := &care.Measure{ClientID: c.ID, EpisodeID: admitted.ID, Instrument: code, On: on, ByID: clinician.ID, Answers: map[string]int{}}
		for i := 1; i <= items; i++ {
			m.Answers[fmt.Sprintf("q%d", i)] = each
		}
		m.Answers["difficulty"] = 1
		if code == "phq-9" {
			m.Answers["q9"] = 0 // no item-9 safety alert in this test
		}
		if err := care.Score(m, true, on); err != nil {
			t.Fatal(err)
		}
		if err := e.db.CreateMeasure(ctx, m, rec); err != nil {
			t.Fatal(err)
		}
	}
	measure("phq-9", 9, 2, model.Date{Year: 2026, Month: 11, Day: 3})  // 16 (item 9 at 0)
	measure("phq-9", 9, 1, model.Date{Year: 2026, Month: 11, Day: 20}) // 8: down 8
	measure("gad-7", 7, 1, model.Date{Year: 2026, Month: 11, Day: 3})  // 7
	measure("gad-7", 7, 2, model.Date{Year: 2026, Month: 11, Day: 20}) // 14: up 7
	home := e.get(e.signIn(model.RoleClinician), "/home").Body
	if !strings.Contains(home, "PHQ-9 improving (16 → 8)") || !strings.Contains(home, "GAD-7 worse (7 → 14)") {
		i := strings.LastIndex(home, ">Tomas Reyes</a>")
		t.Errorf("the caseload lacks the score changes: %q", home[max(0, i-200):min(len(home), i+600)])
	}
}
