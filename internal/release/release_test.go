package release

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

func record() Record {
	d := func(s string) model.Date { v, _ := model.ParseDate(s); return v }
	return Record{
		Client:   model.Client{FirstName: "Dana", LastName: "Reyes", DateOfBirth: d("1990-04-02"), MRN: "A-100", Phone: "555-0100"},
		Episodes: []model.Episode{{ProgramName: "Adult IOP", LevelOfCare: model.IntensiveOutpatient, AdmissionDate: d("2026-11-02"), Status: model.EpisodeActive, Diagnoses: []string{"F10.20"}}},
		Marks: []intensity.Mark{
			{Date: d("2026-11-02"), Status: intensity.Present, Minutes: 180},
			{Date: d("2026-11-04"), Status: intensity.Late, Minutes: 150},
			{Date: d("2026-11-06"), Status: intensity.AbsentUnexcused},
			{Date: d("2026-11-09"), Status: intensity.Present, Minutes: 180},
			{Date: d("2026-11-11"), Status: intensity.Cancelled},
			{Date: d("2026-11-13"), Status: intensity.AbsentExcused},
		},
		Notes: []Note{{Date: d("2026-11-04"), Kind: "Group: Coping skills", Author: "Sam Lee", Parts: []consent.Fact{{Label: "Progress", Value: "Named two triggers."}}}},
	}
}

func TestBuildCarriesOnlyTheCategoriesAskedForInFormOrder(t *testing.T) {
	p := Build(record(), []string{consent.CatAttendance, consent.CatDemographics, consent.CatCounselingNotes, "unknown"})
	if len(p.Sections) != 2 {
		t.Fatalf("sections = %+v, want demographics and attendance only", p.Sections)
	}
	if p.Sections[0].Code != consent.CatDemographics || p.Sections[1].Code != consent.CatAttendance {
		t.Fatalf("order = %s, %s", p.Sections[0].Code, p.Sections[1].Code)
	}
	for _, s := range p.Sections {
		for _, l := range s.Lines {
			if strings.Contains(l, "triggers") {
				t.Fatalf("a progress note leaked into %s", s.Code)
			}
		}
	}
}

func TestAttendanceIsSummedByWeekWithoutCancelledMeetings(t *testing.T) {
	s := Build(record(), []string{consent.CatAttendance}).Sections[0]
	want := [][]string{
		{"Nov 2, 2026", "2", "0", "1", "5.5"},
		{"Nov 9, 2026", "1", "1", "0", "3.0"},
		{"Total", "3", "1", "1", "8.5"},
	}
	if len(s.Rows) != len(want) {
		t.Fatalf("rows = %v", s.Rows)
	}
	for i := range want {
		if strings.Join(s.Rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %v, want %v", i, s.Rows[i], want[i])
		}
	}
}

func TestEmptyCategoriesSayWhy(t *testing.T) {
	p := Build(Record{}, []string{consent.CatTreatmentPlan, consent.CatScreens, consent.CatDischarge, consent.CatProgressNotes})
	if len(p.Sections) != 4 {
		t.Fatalf("sections = %d", len(p.Sections))
	}
	for _, s := range p.Sections {
		if s.Empty == "" || len(s.Rows)+len(s.Lines)+len(s.Facts) != 0 {
			t.Errorf("%s: empty=%q rows=%d lines=%d", s.Code, s.Empty, len(s.Rows), len(s.Lines))
		}
	}
}

func TestProgressNotesKeepTheirParts(t *testing.T) {
	s := Build(record(), []string{consent.CatProgressNotes}).Sections[0]
	got := strings.Join(s.Lines, "\n")
	if !strings.Contains(got, "Nov 4, 2026, Group: Coping skills, signed by Sam Lee") || !strings.Contains(got, "Progress: Named two triggers.") {
		t.Fatalf("lines = %q", got)
	}
}

func TestUtilizationReviewCarriesTheRequestAndTheDimensions(t *testing.T) {
	admitted := model.Date{Year: 2026, Month: 10, Day: 26}
	ep := model.Episode{ProgramName: "Adult IOP", LevelOfCare: model.IntensiveOutpatient, AdmissionDate: admitted}
	ev := care.Event{Date: admitted.AddDays(28), Reason: "PHQ-9 down from 16 to 11; 9.5 hours a week; one lapse, disclosed", ByName: "Jordan Lee"}
	a := care.Assessment{AssessedOn: admitted.AddDays(27), AssessorName: "Jordan Lee"}
	a.Ratings[3], a.Evidence[3] = 2, "Moderate depression, improving"
	s := UtilizationReview(Review{Payer: "Blue Prairie Health", Episode: ep, Event: ev, Assessment: &a, Requested: "12 days (per diem)",
		From: admitted.AddDays(28), To: admitted.AddDays(55)})
	facts := map[string]string{}
	for _, f := range s.Facts {
		facts[f.Label] = f.Value
	}
	if facts["Request"] != "12 days (per diem), Nov 23, 2026 to Dec 20, 2026" || facts["Why the level still fits"] != ev.Reason ||
		facts["Admitted"] != "Oct 26, 2026 (day 29 at the review)" {
		t.Errorf("facts %v", facts)
	}
	if len(s.Rows) != 6 || s.Rows[2][1] != "2" || s.Rows[2][2] != "Moderate depression, improving" {
		t.Errorf("dimension rows %v", s.Rows)
	}
	if s := UtilizationReview(Review{Episode: ep, Event: ev}); s.Empty == "" || len(s.Rows) != 0 {
		t.Errorf("without an assessment the section says so: %+v", s)
	}
}
