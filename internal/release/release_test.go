package release

import (
	"strings"
	"testing"

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
