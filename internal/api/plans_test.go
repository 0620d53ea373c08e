package api_test

import (
	"context"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestClinicalAPIReadsOnlyThatClientsRecordAndAuditsTheRead(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newCalendarFixture(t, db.Engine)
		code, out := f.call(t, model.RoleClinician, "GET", "/api/v1/clients/"+f.plannedClient.ID+"/treatment-plans", "")
		versions, _ := out["versions"].([]any)
		if code != 200 || len(versions) != 1 {
			t.Fatalf("the planned client's plans: %d %v", code, out)
		}
		// Another client sees none of them.
		code, out = f.call(t, model.RoleClinician, "GET", "/api/v1/clients/"+f.client.ID+"/treatment-plans", "")
		if versions, _ := out["versions"].([]any); code != 200 || len(versions) != 0 || out["client_id"] != f.client.ID {
			t.Fatalf("a client without a plan: %d %v", code, out)
		}
		for _, bad := range []string{"not-an-id", "00000000-0000-7000-8000-000000000000"} {
			if code, _ := f.call(t, model.RoleClinicalDirector, "GET", "/api/v1/clients/"+bad+"/treatment-plans", ""); code != 404 {
				t.Errorf("client %s: %d, want 404", bad, code)
			}
		}
		if code, _ := f.call(t, model.RoleBiller, "GET", "/api/v1/clients/"+f.plannedClient.ID+"/treatment-plans", ""); code != 403 {
			t.Errorf("a biller reading plans: %d, want 403", code)
		}
		code, out = f.call(t, model.RoleClinician, "GET", "/api/v1/clients/"+f.plannedClient.ID+"/measures", "")
		if ms, _ := out["measures"].([]any); code != 200 || len(ms) != 1 || ms[0].(map[string]any)["band"] != "moderate" {
			t.Fatalf("the planned client's measures: %d %v", code, out)
		}
		code, out = f.call(t, model.RoleClinician, "GET", "/api/v1/clients/"+f.client.ID+"/measures", "")
		if ms, _ := out["measures"].([]any); code != 200 || len(ms) != 0 {
			t.Fatalf("another client's measures: %d %v", code, out)
		}
		if code, _ := f.call(t, model.RoleAdmissions, "GET", "/api/v1/clients/"+f.plannedClient.ID+"/measures", ""); code != 403 {
			t.Errorf("admissions reading measures: %d, want 403", code)
		}
		reads, measureReads := 0, 0
		for r, err := range f.db.AuditRecords(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Category == "client.plan" && r.Action == audit.ActionRead && r.ClientID == f.plannedClient.ID && r.Outcome == audit.OutcomeSuccess {
				reads++
			}
			if r.Category == "client.measure" && r.Action == audit.ActionRead && r.ClientID == f.plannedClient.ID {
				measureReads++
			}
		}
		if measureReads != 1 {
			t.Errorf("%d audit records of the API read of the measures, want 1", measureReads)
		}
		if reads != 1 {
			t.Errorf("%d audit records of the API read of the plans, want 1", reads)
		}
	})
}

func TestClinicalAPIHidesClientsOutsideTheCareTeam(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newCalendarFixture(t, db.Engine)
		ctx, db := t.Context(), f.db
		eps, err := db.Episodes(ctx, f.plannedClient.ID)
		if err != nil || len(eps) == 0 {
			t.Fatalf("episodes: %v", err)
		}
		other := model.Client{FirstName: "Cy", LastName: "Dunn", DateOfBirth: model.Date{Year: 1979, Month: 2, Day: 3}}
		if err := db.CreateClient(ctx, &other, rec()); err != nil {
			t.Fatal(err)
		}
		director := f.users[model.RoleClinicalDirector]
		if _, err := db.Admit(ctx, other.ID, care.Admit{ProgramID: eps[0].ProgramID, Level: model.IntensiveOutpatient,
			Date: model.Date{Year: 2026, Month: 11, Day: 2}, CounselorID: director.ID, Diagnoses: []string{"F10.20"}}, director.ID, rec()); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/clients/" + other.ID + "/treatment-plans", "/api/v1/clients/" + other.ID + "/measures"} {
			if code, _ := f.call(t, model.RoleClinician, "GET", path, ""); code != 404 {
				t.Errorf("%s as a clinician outside the care team: %d, want 404", path, code)
			}
			if code, _ := f.call(t, model.RoleClinicalDirector, "GET", path, ""); code != 200 {
				t.Errorf("%s as the director: %d, want 200", path, code)
			}
		}
		body := `{"client_id":"` + other.ID + `","clinician_id":"` + f.users[model.RoleClinician].ID + `","kind":"individual","start":"2030-01-08T15:00:00Z","minutes":50}`
		if code, _ := f.call(t, model.RoleClinician, "POST", "/api/v1/appointments", body); code != 404 {
			t.Errorf("booking an appointment (and so a way onto the care team) outside it: %d, want 404", code)
		}
	})
}
