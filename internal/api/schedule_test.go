package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

// calendarFixture is a center with one track, one Monday group, a client and
// a token per role.
type calendarFixture struct {
	ts     *httptest.Server
	db     *store.DB
	tokens map[model.Role]string
	users  map[model.Role]model.User
	client model.Client
	// plannedClient is admitted, with a signed treatment plan and a review.
	plannedClient model.Client
	series        schedule.Series
	trackID       string
}

func rec() audit.Record {
	return audit.Record{At: time.Now(), ActorID: "system:test", ActorRole: "system", Outcome: audit.OutcomeSuccess}
}

func newCalendarFixture(t *testing.T, e store.Engine) *calendarFixture {
	t.Helper()
	db := testutil.OpenDB(t, e)
	ctx := context.Background()
	f := &calendarFixture{db: db, tokens: map[model.Role]string{}, users: map[model.Role]model.User{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.SaveOrganization(ctx, model.Organization{Name: "Lakeside", TimeZone: "America/Chicago"}, rec()))
	site := model.Site{Name: "Main", TimeZone: "America/Chicago"}
	must(db.CreateSite(ctx, &site, rec()))
	prog := model.Program{SiteID: site.ID, Name: "Adult IOP", Population: model.Adults, LevelOfCare: model.IntensiveOutpatient, MinWeeklyMinutes: 540}
	must(db.CreateProgram(ctx, &prog, rec()))
	track := model.Track{ProgramID: prog.ID, Name: "Evening", Kind: model.Evening, Days: []time.Weekday{time.Monday}, Start: 18 * 60, End: 21 * 60}
	must(db.CreateTrack(ctx, &track, rec()))
	f.trackID = track.ID
	for i, r := range model.Roles {
		u := model.User{Email: fmt.Sprintf("user%d@example.org", i), Name: "Staff " + string(r), Role: r, Active: true, PasswordHash: "x"}
		must(db.CreateUser(ctx, &u, rec()))
		tok, err := db.CreateAPIToken(ctx, u.ID, "test", rec())
		must(err)
		f.tokens[r], f.users[r] = tok, u
	}
	f.series = schedule.Series{TrackID: track.ID, Title: "Process group", Type: "process", Start: 18 * 60, Minutes: 180,
		FacilitatorID: f.users[model.RoleClinician].ID, Room: "Group Room A", MaxCapacity: 1, OpenCohort: true,
		Recurrence: schedule.Recurrence{Days: []time.Weekday{time.Monday}, From: model.Date{Year: 2030, Month: 1, Day: 7}}}
	must(db.CreateSeries(ctx, &f.series, rec()))
	f.client = model.Client{FirstName: "Ana", LastName: "Ruiz", DateOfBirth: model.Date{Year: 1990, Month: 5, Day: 1}}
	must(db.CreateClient(ctx, &f.client, rec()))
	f.plannedClient = model.Client{FirstName: "Ben", LastName: "Cole", DateOfBirth: model.Date{Year: 1985, Month: 3, Day: 9}}
	must(db.CreateClient(ctx, &f.plannedClient, rec()))
	clinician := f.users[model.RoleClinician]
	ep, err := db.Admit(ctx, f.plannedClient.ID, care.Admit{ProgramID: prog.ID, Level: model.IntensiveOutpatient,
		Date: model.Date{Year: 2026, Month: 11, Day: 2}, CounselorID: clinician.ID, Diagnoses: []string{"F10.20"}}, clinician.ID, rec())
	must(err)
	signed := time.Date(2026, 11, 6, 22, 0, 0, 0, time.UTC)
	p := plan.Plan{ID: model.NewID(), ClientID: f.plannedClient.ID, EpisodeID: ep.ID, Version: 1, Date: model.Date{Year: 2026, Month: 11, Day: 6},
		ClientStatement: "I want to keep my job.", Clinician: plan.Signature{At: signed}, Client: plan.Signature{Name: "Ben Cole", At: signed.Add(2 * time.Minute)},
		Problems: []plan.Problem{{ID: model.NewID(), Statement: "Daily drinking", Diagnosis: "F10.20", Goal: "Stay sober for my kids",
			Objectives:    []plan.Objective{{ID: model.NewID(), Text: "Attend 9 hours of groups each week", Target: model.Date{Year: 2026, Month: 12, Day: 4}}},
			Interventions: []plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "3 groups a week"}}}}}
	review := plan.Review{ID: model.NewID(), PlanID: p.ID, ClientID: p.ClientID, Date: model.Date{Year: 2026, Month: 12, Day: 4},
		At: time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC), Summary: "Attending every group.",
		Entries: []plan.ReviewEntry{{ObjectiveID: p.Problems[0].Objectives[0].ID, Progress: plan.Met}}}
	must(db.ImportPlans(ctx, []store.PlanImport{{Plan: p, ClinicianID: clinician.ID, Reviews: []plan.Review{review}}}, rec()))
	gad := care.Measure{ID: model.NewID(), ClientID: f.plannedClient.ID, EpisodeID: ep.ID, Instrument: "gad-7", On: model.Date{Year: 2026, Month: 11, Day: 2},
		Answers: map[string]int{"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 1, "q6": 2, "q7": 1}, ByID: clinician.ID}
	must(care.Score(&gad, true, gad.On))
	must(db.ImportClinical(ctx, nil, []care.Measure{gad}, rec()))
	batcher := audit.NewBatcher(db, 16)
	t.Cleanup(batcher.Close)
	f.ts = httptest.NewServer(api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: db, Audit: batcher,
		SelfAssessments: db}))
	t.Cleanup(f.ts.Close)
	return f
}

func (f *calendarFixture) call(t *testing.T, role model.Role, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := f.tokens[role]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = jsonUnmarshal(b, &out)
	return resp.StatusCode, out
}

func TestCalendarAPINeedsATokenAndTheRole(t *testing.T) {
	f := newCalendarFixture(t, store.SQLite)
	path := "/api/v1/occurrences?from=2030-01-01&to=2030-01-31"
	if code, _ := f.call(t, "nobody", "GET", path, ""); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer iop_"+strings.Repeat("x", 43))
	if code, _ := do(t, req); code != 401 {
		t.Errorf("a made-up token: %d, want 401", code)
	}
	body := fmt.Sprintf(`{"series_id": %q, "client_id": %q}`, f.series.ID, f.client.ID)
	for _, r := range model.Roles {
		want := 201
		if !auth.Can(r, auth.ManageSchedule) {
			want = 403
		}
		code, out := f.call(t, r, "POST", "/api/v1/enrolments", body)
		if want == 201 && code == 422 {
			continue // already enrolled by an earlier role
		}
		if code != want {
			t.Errorf("%s enrolling: %d %v, want %d", r, code, out, want)
		}
	}
	// A deactivated account's token stops working.
	u := f.users[model.RoleFrontDesk]
	if err := f.db.SetUserActive(context.Background(), u.ID, false, rec()); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.call(t, model.RoleFrontDesk, "GET", path, ""); code != 401 {
		t.Errorf("a deactivated account's token: %d, want 401", code)
	}
}

func TestCalendarAPIListsEnrolsAndBooks(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newCalendarFixture(t, db.Engine)
		code, out := f.call(t, model.RoleBiller, "GET", "/api/v1/occurrences?from=2030-01-01&to=2030-01-20&track="+f.trackID, "")
		occ, _ := out["occurrences"].([]any)
		if code != 200 || len(occ) != 2 || out["time_zone"] != "America/Chicago" {
			t.Fatalf("occurrences: %d %v", code, out)
		}
		first := occ[0].(map[string]any)
		if first["start"] != "2030-01-08T00:00:00Z" || first["title"] != "Process group" || first["status"] != "scheduled" {
			t.Errorf("first occurrence %v", first)
		}
		for q, want := range map[string]int{"from=2030-01-20&to=2030-01-01": 400, "from=2030-01-01&to=2030-06-01": 400, "from=yesterday&to=2030-01-01": 400,
			"from=2030-01-01&to=2030-01-02&client=" + f.client.ID: 403} {
			if code, _ := f.call(t, model.RoleBiller, "GET", "/api/v1/occurrences?"+q, ""); code != want && !(strings.Contains(q, "client") && code == 200) {
				t.Errorf("%s: %d, want %d", q, code, want)
			}
		}
		body := fmt.Sprintf(`{"series_id": %q, "client_id": %q}`, f.series.ID, f.client.ID)
		if code, out := f.call(t, model.RoleFrontDesk, "POST", "/api/v1/enrolments", body); code != 201 || out["status"] != "enrolled" {
			t.Fatalf("enrol: %d %v", code, out)
		}
		clinician := f.users[model.RoleClinician].ID
		appt := fmt.Sprintf(`{"client_id": %q, "clinician_id": %q, "kind": "individual", "start": "2030-01-08T00:30:00Z", "minutes": 50, "room": "Office 2"}`,
			f.client.ID, clinician)
		code, out = f.call(t, model.RoleFrontDesk, "POST", "/api/v1/appointments", appt)
		errs, _ := out["errors"].(map[string]any)
		if code != 409 || errs["clinician"] == nil || errs["client"] == nil {
			t.Fatalf("booking over the client's own group with its facilitator: %d %v", code, out)
		}
		appt = strings.Replace(appt, "2030-01-08T00:30:00Z", "2030-01-08T16:00:00Z", 1)
		if code, out := f.call(t, model.RoleFrontDesk, "POST", "/api/v1/appointments", appt); code != 201 || out["id"] == "" {
			t.Fatalf("booking at 10 am: %d %v", code, out)
		}
		if code, _ := f.call(t, model.RoleFrontDesk, "POST", "/api/v1/appointments", appt); code != 409 {
			t.Errorf("booking the same slot twice: %d, want 409", code)
		}
		code, out = f.call(t, model.RoleClinician, "GET", "/api/v1/occurrences?from=2030-01-07&to=2030-01-08&client="+f.client.ID, "")
		appts, _ := out["appointments"].([]any)
		if code != 200 || len(appts) != 1 || appts[0].(map[string]any)["client"] != "Ana Ruiz" {
			t.Fatalf("the client's schedule: %d %v", code, out)
		}
		// Reading a client's schedule is audited.
		found := false
		for r, err := range f.db.AuditRecords(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Category == "client.schedule" && r.Action == audit.ActionQuery && r.ClientID == f.client.ID {
				found = true
			}
		}
		if !found {
			t.Error("no audit record of the API read of the client's schedule")
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
