package care_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
)

var today = model.Date{Year: 2026, Month: 11, Day: 23}

func rated(r ...int) [7]int {
	var out [7]int
	copy(out[1:], r)
	return out
}

func TestAssessmentProblems(t *testing.T) {
	cases := []struct {
		name string
		a    care.Assessment
		key  string
		want string
	}{
		{"rating above 4", care.Assessment{AssessedOn: today, Ratings: rated(0, 0, 5, 0, 0, 0)}, "dimension_3", "from 0 to 4, not 5"},
		{"rating below 0", care.Assessment{AssessedOn: today, Ratings: rated(0, -2, 0, 0, 0, 0)}, "dimension_2", "from 0 to 4, not -2"},
		{"unrated dimension", care.Assessment{AssessedOn: today, Ratings: rated(0, 0, 0, 0, 0, care.NotRated)}, "dimension_6", "Choose a rating for dimension 6"},
		{"future date", care.Assessment{AssessedOn: today.AddDays(1)}, "assessed_on", "future"},
		{"no date", care.Assessment{}, "assessed_on", "Enter the date"},
		{"unknown substance", care.Assessment{AssessedOn: today, Findings: []diagnosis.Finding{{Substance: "chocolate", Met: []string{"craving"}}}}, "substance_chocolate", "chocolate"},
		{"substance twice", care.Assessment{AssessedOn: today, Findings: []diagnosis.Finding{{Substance: "alcohol"}, {Substance: "alcohol"}}}, "substance_alcohol", "once"},
		{"evidence too long", care.Assessment{AssessedOn: today, Evidence: [7]string{"", strings.Repeat("x", 4001)}}, "evidence_1", "under 4000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.a.Problems(today)
			if !strings.Contains(p[c.key], c.want) {
				t.Fatalf("problem %s = %q, want it to contain %q (all: %v)", c.key, p[c.key], c.want, p)
			}
			a := c.a
			if err := a.Evaluate(today); model.KindOf(err) != model.KindInvalid || a.Recommendation.Level != "" {
				t.Fatalf("Evaluate on bad input: err %v, recommendation %q; want invalid and none", err, a.Recommendation.Level)
			}
		})
	}
}

func TestEvaluateExplainsAndDecisionNeedsReasonToOverride(t *testing.T) {
	a := care.Assessment{AssessedOn: today, Ratings: rated(1, 0, 1, 2, 3, 1),
		Evidence: [7]string{"", "", "", "", "Precontemplative about cannabis", "Relapsed twice after outpatient care", ""},
		Findings: []diagnosis.Finding{{Substance: "alcohol", Met: []string{"craving", "tolerance", "cut_down", "withdrawal", "time_spent", "role_failure"}}}}
	if err := a.Evaluate(today); err != nil {
		t.Fatal(err)
	}
	if a.Recommendation.Level != placement.PartialHospitalization {
		t.Fatalf("level = %s, want partial hospitalization (dimension 5 at 3)", a.Recommendation.Level)
	}
	drives := a.Recommendation.Reasons[0]
	if !drives.Drives || drives.Dimension != 5 || len(drives.Evidence) != 1 || drives.Evidence[0] != "Relapsed twice after outpatient care" {
		t.Fatalf("first reason = %+v, want dimension 5 driving with its evidence", drives)
	}
	if a.Severity() != placement.Severe {
		t.Fatalf("severity = %s, want severe (6 criteria)", a.Severity())
	}
	if s := a.Suggestions(); len(s) != 1 || s[0].Code != "F10.20" {
		t.Fatalf("suggestions = %+v, want F10.20", s)
	}

	// Accepting needs no reason; overriding does.
	if p := a.DecisionProblems(care.Decision{Level: model.PartialHospitalization}); len(p) != 0 {
		t.Fatalf("accepting: %v", p)
	}
	if p := a.DecisionProblems(care.Decision{Level: model.IntensiveOutpatient}); !strings.Contains(p["reason"], "Say why") {
		t.Fatalf("override without reason: %v", p)
	}
	if p := a.DecisionProblems(care.Decision{Level: model.IntensiveOutpatient, Reason: "Supportive recovery housing; no PHP within 60 miles"}); len(p) != 0 {
		t.Fatalf("override with reason: %v", p)
	}
	if p := a.DecisionProblems(care.Decision{Level: "emergency"}); p["level"] == "" {
		t.Fatalf("emergency is not an episode level, got %v", p)
	}
	a.Decision = care.Decision{Level: model.PartialHospitalization}
	if p := a.DecisionProblems(care.Decision{Level: model.Outpatient, Reason: "x"}); !strings.Contains(p["level"], "already") {
		t.Fatalf("second decision: %v", p)
	}
}

func TestCrisisDecisionAlwaysNeedsTheResponse(t *testing.T) {
	a := care.Assessment{AssessedOn: today, Ratings: rated(0, 0, 2, 1, 1, 1), Crisis: []string{"Suicidal thoughts with a plan today"}}
	if err := a.Evaluate(today); err != nil {
		t.Fatal(err)
	}
	if !a.Recommendation.Crisis || a.Recommendation.Level != placement.Emergency {
		t.Fatalf("recommendation = %+v, want emergency", a.Recommendation)
	}
	if p := a.DecisionProblems(care.Decision{Level: model.Residential}); !strings.Contains(p["reason"], "emergency response") {
		t.Fatalf("crisis decision without reason: %v", p)
	}
}

func TestChangeProblems(t *testing.T) {
	ep := model.Episode{ID: "e", Status: model.EpisodeActive, LevelOfCare: model.IntensiveOutpatient, TrackID: "t1",
		AdmissionDate: model.Date{Year: 2026, Month: 10, Day: 1}}
	last := model.Date{Year: 2026, Month: 11, Day: 1}
	tracks := map[string]bool{"t1": true, "t2": true}
	cases := []struct {
		name string
		c    care.Change
		ep   model.Episode
		key  string
		want string
	}{
		{"step down to a higher level", care.Change{Kind: care.StepDown, Date: today, ToLevel: model.Residential, Reason: "x"}, ep, "to_level", "less intensive"},
		{"step down to the same level", care.Change{Kind: care.StepDown, Date: today, ToLevel: model.IntensiveOutpatient, Reason: "x"}, ep, "to_level", "less intensive"},
		{"step up to a lower level", care.Change{Kind: care.StepUp, Date: today, ToLevel: model.Outpatient, Reason: "x"}, ep, "to_level", "more intensive"},
		{"no reason", care.Change{Kind: care.StepDown, Date: today, ToLevel: model.Outpatient}, ep, "reason", "Give the reason"},
		{"before admission", care.Change{Kind: care.StepDown, Date: model.Date{Year: 2026, Month: 9, Day: 30}, ToLevel: model.Outpatient, Reason: "x"}, ep, "date", "admission date (1 Oct 2026)"},
		{"before the latest entry", care.Change{Kind: care.StepDown, Date: model.Date{Year: 2026, Month: 10, Day: 20}, ToLevel: model.Outpatient, Reason: "x"}, ep, "date", "latest entry"},
		{"future", care.Change{Kind: care.StepDown, Date: today.AddDays(1), ToLevel: model.Outpatient, Reason: "x"}, ep, "date", "future"},
		{"same track", care.Change{Kind: care.TrackChange, Date: today, ToTrackID: "t1", Reason: "x"}, ep, "to_track_id", "already"},
		{"track of another program", care.Change{Kind: care.TrackChange, Date: today, ToTrackID: "t9", Reason: "x"}, ep, "to_track_id", "this program"},
		{"unknown kind", care.Change{Kind: "sideways", Date: today, Reason: "x"}, ep, "kind", "Choose step down"},
		{"closed episode", care.Change{Kind: care.StepDown, Date: today, ToLevel: model.Outpatient, Reason: "x"},
			model.Episode{Status: model.EpisodeDischarged, LevelOfCare: model.IntensiveOutpatient}, "kind", "closed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.c.Problems(c.ep, last, today, tracks)
			if !strings.Contains(p[c.key], c.want) {
				t.Fatalf("problem %s = %q, want %q (all %v)", c.key, p[c.key], c.want, p)
			}
		})
	}
	ok := care.Change{Kind: care.StepDown, Date: today, ToLevel: model.Outpatient, Reason: "Goals met"}
	if p := ok.Problems(ep, last, today, tracks); len(p) != 0 {
		t.Fatalf("valid step down: %v", p)
	}
	up := care.Change{Kind: care.StepUp, Date: last, ToLevel: model.PartialHospitalization, Reason: "Relapse", ToTrackID: "t2"}
	if p := up.Problems(ep, last, today, tracks); len(p) != 0 {
		t.Fatalf("valid step up on the day of the latest entry: %v", p)
	}
}

func TestDischargeProblems(t *testing.T) {
	ep := model.Episode{Status: model.EpisodeActive, LevelOfCare: model.IntensiveOutpatient, AdmissionDate: model.Date{Year: 2026, Month: 10, Day: 1}}
	good := care.Discharge{Date: today, Type: care.Completed, Reason: "Goals met", NextLevel: string(model.Outpatient)}
	if p := good.Problems(ep, model.Date{}, today); len(p) != 0 {
		t.Fatalf("valid discharge: %v", p)
	}
	cases := []struct {
		name string
		edit func(*care.Discharge)
		key  string
		want string
	}{
		{"before admission", func(d *care.Discharge) { d.Date = model.Date{Year: 2026, Month: 9, Day: 1} }, "date", "before the admission date (1 Oct 2026)"},
		{"unknown type", func(d *care.Discharge) { d.Type = "vanished" }, "type", "Choose how"},
		{"no reason", func(d *care.Discharge) { d.Reason = " " }, "reason", "reason"},
		{"no aftercare choice", func(d *care.Discharge) { d.NextLevel = "" }, "next_level", "Choose the next level"},
		{"future", func(d *care.Discharge) { d.Date = today.AddDays(2) }, "date", "future"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := good
			c.edit(&d)
			if p := d.Problems(ep, model.Date{}, today); !strings.Contains(p[c.key], c.want) {
				t.Fatalf("problem %s = %q, want %q", c.key, p[c.key], c.want)
			}
		})
	}
	ep.Status = model.EpisodeDischarged
	if p := good.Problems(ep, model.Date{}, today); !strings.Contains(p["date"], "already discharged") {
		t.Fatalf("discharging a closed episode: %v", p)
	}
}

func TestAdmitProblemsAndDiagnoses(t *testing.T) {
	if got := care.ParseDiagnoses("f10.20, F12.10;f10.20\nZ63.0"); strings.Join(got, " ") != "F10.20 F12.10 Z63.0" {
		t.Fatalf("ParseDiagnoses = %v", got)
	}
	a := care.Admit{ProgramID: "p", Level: model.IntensiveOutpatient, Date: today, Diagnoses: []string{"F10.20", "alcohol"}}
	if p := a.Problems(today); !strings.Contains(p["diagnoses"], "ALCOHOL") && !strings.Contains(p["diagnoses"], "alcohol") {
		t.Fatalf("bad code: %v", p)
	}
	a.Diagnoses = []string{"F10.20"}
	if p := a.Problems(today); len(p) != 0 {
		t.Fatalf("valid admission: %v", p)
	}
	if e := a.Episode("c", 14); e.ReviewDue != today.AddDays(14) || e.Status != model.EpisodeActive {
		t.Fatalf("episode from admission: %+v", e)
	}
	a.Date = today.AddDays(1)
	if p := a.Problems(today); p["admission_date"] == "" {
		t.Fatal("future admission accepted")
	}
}

func TestScoreMeasure(t *testing.T) {
	m := care.Measure{Instrument: "phq-2", Answers: map[string]int{"q1": 3, "q2": 1}, On: today}
	if err := care.Score(&m, true, today); err != nil || m.Result.Total != 4 {
		t.Fatalf("score: %+v %v", m.Result, err)
	}
	bad := []struct {
		m       care.Measure
		enabled bool
		key     string
	}{
		{care.Measure{Instrument: "nope", Answers: map[string]int{"q1": 1}, On: today}, true, "instrument"},
		{care.Measure{Instrument: "phq-2", Answers: map[string]int{"q1": 1, "q2": 1}, On: today}, false, "instrument"},
		{care.Measure{Instrument: "phq-2", Answers: map[string]int{"q1": 1}, On: today}, true, "q2"},
		{care.Measure{Instrument: "phq-2", Answers: map[string]int{"q1": 9, "q2": 1}, On: today}, true, "q1"},
		{care.Measure{Instrument: "phq-2", Answers: map[string]int{"q1": 1, "q2": 1}, On: today.AddDays(1)}, true, "on"},
	}
	for _, b := range bad {
		m := b.m
		err := care.Score(&m, b.enabled, today)
		if model.FieldsOf(err)[b.key] == "" {
			t.Errorf("%s %v: got %v, want a problem at %s", b.m.Instrument, b.m.Answers, err, b.key)
		}
	}
}
