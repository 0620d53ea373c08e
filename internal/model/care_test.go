package model_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/openiop/openiop/internal/model"
)

// TestLevelsOfCare guards the level codes, their labels with the public
// ASAM Criteria 3rd ed. continuum numbers, and abbreviations.
func TestLevelsOfCare(t *testing.T) {
	tests := []struct {
		level        model.LevelOfCare
		label, short string
	}{
		{model.EarlyIntervention, "Early intervention (0.5)", "EI"},
		{model.Outpatient, "Outpatient (1)", "OP"},
		{model.IntensiveOutpatient, "Intensive outpatient (2.1)", "IOP"},
		{model.PartialHospitalization, "Partial hospitalization (2.5)", "PHP"},
		{model.Residential, "Residential (3)", "RES"},
		{model.WithdrawalManagement, "Withdrawal management", "WM"},
	}
	if len(model.LevelsOfCare) != len(tests) {
		t.Errorf("LevelsOfCare has %d levels, want %d", len(model.LevelsOfCare), len(tests))
	}
	for i, tt := range tests {
		if !tt.level.Valid() {
			t.Errorf("%q.Valid() = false", tt.level)
		}
		if got := tt.level.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q, want %q", tt.level, got, tt.label)
		}
		if got := tt.level.Short(); got != tt.short {
			t.Errorf("%q.Short() = %q, want %q", tt.level, got, tt.short)
		}
		if i < len(model.LevelsOfCare) && model.LevelsOfCare[i] != tt.level {
			t.Errorf("LevelsOfCare[%d] = %q, want %q (least intensive first)", i, model.LevelsOfCare[i], tt.level)
		}
	}
	for _, bad := range []model.LevelOfCare{"", "detox", "IOP", "Intensive_Outpatient"} {
		if bad.Valid() {
			t.Errorf("%q.Valid() = true", bad)
		}
		if bad.Label() != string(bad) || bad.Short() != string(bad) {
			t.Errorf("unknown level %q: Label %q, Short %q; want the code itself", bad, bad.Label(), bad.Short())
		}
	}
}

func activeEpisode() model.Episode {
	return model.Episode{
		ProgramID:     "program-1",
		LevelOfCare:   model.IntensiveOutpatient,
		AdmissionDate: d(2026, 1, 5),
		Status:        model.EpisodeActive,
	}
}

// TestEpisodeProblems guards the consistency of an episode: an open episode
// has no discharge date, a discharged one has one, not before admission.
func TestEpisodeProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*model.Episode)
		fields []string
	}{
		{"valid active", func(*model.Episode) {}, nil},
		{"valid discharged", func(e *model.Episode) {
			e.Status, e.DischargeDate = model.EpisodeDischarged, d(2026, 2, 20)
		}, nil},
		{"discharged on the day of admission", func(e *model.Episode) {
			e.Status, e.DischargeDate = model.EpisodeDischarged, e.AdmissionDate
		}, nil},
		{"active with a discharge date", func(e *model.Episode) { e.DischargeDate = d(2026, 2, 20) }, []string{"discharge_date"}},
		{"discharged without a discharge date", func(e *model.Episode) { e.Status = model.EpisodeDischarged }, []string{"discharge_date"}},
		{"discharge before admission", func(e *model.Episode) {
			e.Status, e.DischargeDate = model.EpisodeDischarged, d(2026, 1, 4)
		}, []string{"discharge_date"}},
		{"bad level", func(e *model.Episode) { e.LevelOfCare = "detox" }, []string{"level_of_care"}},
		{"no level", func(e *model.Episode) { e.LevelOfCare = "" }, []string{"level_of_care"}},
		{"bad status", func(e *model.Episode) { e.Status = "paused" }, []string{"status"}},
		{"no status", func(e *model.Episode) { e.Status = "" }, []string{"status"}},
		{"no admission date", func(e *model.Episode) { e.AdmissionDate = model.Date{} }, []string{"admission_date"}},
		{"no program", func(e *model.Episode) { e.ProgramID = "" }, []string{"program_id"}},
		{"empty", func(e *model.Episode) { *e = model.Episode{} }, []string{"admission_date", "level_of_care", "program_id", "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := activeEpisode()
			tt.mutate(&e)
			p := e.Problems()
			if got := slices.Sorted(maps.Keys(p)); !slices.Equal(got, tt.fields) {
				t.Errorf("Problems fields = %v, want %v (%v)", got, tt.fields, p)
			}
		})
	}
}

// TestEpisodeDaysInCare: the admission day is day 1; a discharged episode
// counts to its discharge date, not to today.
func TestEpisodeDaysInCare(t *testing.T) {
	tests := []struct {
		name      string
		admission model.Date
		discharge model.Date
		today     model.Date
		want      int
	}{
		{"admission day", d(2026, 1, 5), model.Date{}, d(2026, 1, 5), 1},
		{"next day", d(2026, 1, 5), model.Date{}, d(2026, 1, 6), 2},
		{"four weeks", d(2026, 1, 5), model.Date{}, d(2026, 2, 1), 28},
		{"across the year end", d(2025, 12, 30), model.Date{}, d(2026, 1, 2), 4},
		{"across a leap day", d(2024, 2, 28), model.Date{}, d(2024, 3, 1), 3},
		{"across the US DST change", d(2026, 3, 7), model.Date{}, d(2026, 3, 9), 3},
		{"discharged: counts to discharge", d(2026, 1, 5), d(2026, 1, 10), d(2026, 6, 1), 6},
		{"discharged on admission day", d(2026, 1, 5), d(2026, 1, 5), d(2026, 6, 1), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := model.Episode{AdmissionDate: tt.admission, DischargeDate: tt.discharge}
			if got := e.DaysInCare(tt.today); got != tt.want {
				t.Errorf("DaysInCare = %d, want %d", got, tt.want)
			}
		})
	}
}
