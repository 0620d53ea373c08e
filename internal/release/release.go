// Package release builds what a disclosure of a client's record carries: one
// section per category of information a consent covers, from the record as
// it stands. It knows the domain types and nothing of HTTP or SQL; the
// consent decision and the accounting are the store's.
package release

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/relapse"
)

// Record is the part of a chart a release can draw from.
type Record struct {
	Client     model.Client
	Episodes   []model.Episode // newest first
	Marks      []intensity.Mark
	Plan       *plan.Plan // the newest signed version, if any
	Measures   []care.Measure
	Screens    []intensity.Screen
	Discharges []care.Discharge
	Relapse    *relapse.Plan
	Notes      []Note // signed progress notes, newest first
}

// Note is one signed progress note as a release shows it.
type Note struct {
	Date   model.Date
	Kind   string // e.g. "Group: Relapse prevention" or "Individual session (DAP)"
	Author string
	Parts  []consent.Fact
}

// Build assembles the sections for the categories asked for, in the order
// consent.Categories lists them; an unknown code is left out.
func Build(r Record, categories []string) consent.Packet {
	var p consent.Packet
	for _, cat := range consent.Categories {
		if !slices.Contains(categories, cat.Code) {
			continue
		}
		s := consent.Section{Code: cat.Code, Title: cat.Label}
		switch cat.Code {
		case consent.CatDemographics:
			demographics(&s, r.Client)
		case consent.CatEnrollment:
			enrollment(&s, r.Episodes)
		case consent.CatAttendance:
			attendance(&s, r.Marks)
		case consent.CatTreatmentPlan:
			treatmentPlan(&s, r.Plan)
		case consent.CatMeasures:
			measures(&s, r.Measures)
		case consent.CatScreens:
			screens(&s, r.Screens)
		case consent.CatDischarge:
			discharges(&s, r.Discharges)
		case consent.CatRelapsePlan:
			relapsePlan(&s, r.Relapse)
		case consent.CatProgressNotes:
			progressNotes(&s, r.Notes)
		default:
			continue // counseling notes are never assembled here (consent.Releasable)
		}
		p.Sections = append(p.Sections, s)
	}
	return p
}

func date(d model.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("Jan 2, 2006")
}

func fact(s *consent.Section, label, value string) {
	if strings.TrimSpace(value) != "" {
		s.Facts = append(s.Facts, consent.Fact{Label: label, Value: value})
	}
}

func demographics(s *consent.Section, c model.Client) {
	fact(s, "Name", c.FirstName+" "+c.LastName)
	if c.PreferredName != "" && c.PreferredName != c.FirstName {
		fact(s, "Preferred name", c.PreferredName)
	}
	fact(s, "Date of birth", date(c.DateOfBirth))
	fact(s, "Record number", c.MRN)
	fact(s, "Address", c.Address)
	fact(s, "Telephone", c.Phone)
}

func enrollment(s *consent.Section, eps []model.Episode) {
	if len(eps) == 0 {
		s.Empty = "No episode of care is recorded."
		return
	}
	s.Head = []string{"Program", "Level of care", "Admitted", "Discharged", "Diagnoses (ICD-10-CM)"}
	for _, e := range eps {
		out := date(e.DischargeDate)
		if e.Status == model.EpisodeActive {
			out = "In care"
		}
		s.Rows = append(s.Rows, []string{e.ProgramName, e.LevelOfCare.Label(), date(e.AdmissionDate), out, strings.Join(e.Diagnoses, ", ")})
	}
}

// attendance is a week-by-week summary: the counts and hours a referring
// provider or payer asks for, not every meeting.
func attendance(s *consent.Section, marks []intensity.Mark) {
	type week struct{ attended, excused, unexcused, minutes int }
	weeks := map[model.Date]*week{}
	for _, m := range marks {
		if m.Status == intensity.Cancelled {
			continue
		}
		monday := intensity.Monday(m.Date)
		w := weeks[monday]
		if w == nil {
			w = &week{}
			weeks[monday] = w
		}
		switch m.Status {
		case intensity.AbsentExcused:
			w.excused++
		case intensity.AbsentUnexcused:
			w.unexcused++
		default:
			w.attended++
			w.minutes += m.Minutes
		}
	}
	if len(weeks) == 0 {
		s.Empty = "No attendance is recorded."
		return
	}
	mondays := make([]model.Date, 0, len(weeks))
	for d := range weeks {
		mondays = append(mondays, d)
	}
	sort.Slice(mondays, func(i, j int) bool { return mondays[i].Before(mondays[j]) })
	s.Head = []string{"Week of", "Attended", "Absent, excused", "Absent, unexcused", "Hours"}
	total := week{}
	for _, d := range mondays {
		w := weeks[d]
		total.attended += w.attended
		total.excused += w.excused
		total.unexcused += w.unexcused
		total.minutes += w.minutes
		s.Rows = append(s.Rows, []string{date(d), fmt.Sprint(w.attended), fmt.Sprint(w.excused), fmt.Sprint(w.unexcused), hours(w.minutes)})
	}
	s.Rows = append(s.Rows, []string{"Total", fmt.Sprint(total.attended), fmt.Sprint(total.excused), fmt.Sprint(total.unexcused), hours(total.minutes)})
}

func hours(minutes int) string { return fmt.Sprintf("%.1f", float64(minutes)/60) }

func treatmentPlan(s *consent.Section, p *plan.Plan) {
	if p == nil {
		s.Empty = "No signed treatment plan is on file."
		return
	}
	fact(s, "Version", fmt.Sprintf("%d, written %s", p.Version, date(p.Date)))
	fact(s, "Signed by", p.Clinician.Name+", "+p.Clinician.At.Format("Jan 2, 2006"))
	fact(s, "In the client's words", p.ClientStatement)
	for i, pr := range p.Problems {
		head := fmt.Sprintf("Problem %d: %s", i+1, pr.Statement)
		if pr.Diagnosis != "" {
			head += " (" + pr.Diagnosis + ")"
		}
		s.Lines = append(s.Lines, head, "Goal: "+pr.Goal)
		for _, o := range pr.Objectives {
			s.Lines = append(s.Lines, "Objective: "+o.Text+" (target "+date(o.Target)+")")
		}
		for _, in := range pr.Interventions {
			s.Lines = append(s.Lines, "Service: "+in.ModalityName()+", "+in.Frequency+", by "+in.Provider)
		}
	}
}

func measures(s *consent.Section, ms []care.Measure) {
	if len(ms) == 0 {
		s.Empty = "No measures are recorded."
		return
	}
	s.Head = []string{"Date", "Measure", "Score", "Severity"}
	for _, m := range ms {
		s.Rows = append(s.Rows, []string{date(m.On), m.Title(), fmt.Sprintf("%d of %d", m.Result.Total, m.Result.Max), m.Result.Band})
	}
}

func screens(s *consent.Section, list []intensity.Screen) {
	if len(list) == 0 {
		s.Empty = "No drug or alcohol tests are recorded."
		return
	}
	s.Head = []string{"Date", "Specimen", "Outcome", "Results", "Prescribed / confirmation"}
	for _, x := range list {
		codes := make([]string, 0, len(x.Results))
		for code := range x.Results {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		var results []string
		for _, code := range codes {
			results = append(results, intensity.SubstanceLabel(code)+": "+x.Results[code])
		}
		specimen := x.Specimen
		if x.Observed {
			specimen += ", observed"
		}
		s.Rows = append(s.Rows, []string{date(x.Date), specimen, x.Outcome, strings.Join(results, "; "),
			strings.Trim(x.Prescribed+"; "+x.Confirmation, "; ")})
	}
}

func discharges(s *consent.Section, list []care.Discharge) {
	if len(list) == 0 {
		s.Empty = "The client has not been discharged."
		return
	}
	for _, d := range list {
		fact(s, "Discharged", date(d.Date)+" ("+d.Type.Label()+")")
		fact(s, "Reason", d.Reason)
		fact(s, "Services received", d.Services)
		fact(s, "Progress", d.Progress)
		fact(s, "Next level of care", d.NextLevelLabel())
		fact(s, "Next provider", d.Provider)
		fact(s, "Aftercare appointments", d.Appointments)
		fact(s, "Supports", d.Supports)
		fact(s, "Relapse-prevention plan", d.RelapsePlan)
	}
}

func relapsePlan(s *consent.Section, p *relapse.Plan) {
	if p == nil || p.Empty() {
		s.Empty = "No relapse-prevention plan is on file."
		return
	}
	for _, c := range p.Triggers {
		s.Lines = append(s.Lines, "Trigger: "+cue(c))
	}
	for _, c := range p.WarningSigns {
		s.Lines = append(s.Lines, "Warning sign: "+cue(c))
	}
	for _, c := range p.Contacts {
		who := c.Name
		if c.Relationship != "" {
			who += " (" + c.Relationship + ")"
		}
		s.Lines = append(s.Lines, "Person to call: "+who+", "+c.Phone)
	}
	for _, x := range p.SafePlaces {
		s.Lines = append(s.Lines, "Safe place or activity: "+x)
	}
	for _, x := range p.Reasons {
		s.Lines = append(s.Lines, "Reason for recovery: "+x)
	}
	if p.AfterLapse != "" {
		s.Lines = append(s.Lines, "After a lapse: "+p.AfterLapse)
	}
}

func cue(c relapse.Cue) string {
	if c.Coping == "" {
		return c.Text
	}
	return c.Text + "; coping: " + c.Coping
}

func progressNotes(s *consent.Section, list []Note) {
	if len(list) == 0 {
		s.Empty = "No signed progress notes are on file."
		return
	}
	for _, n := range list {
		s.Lines = append(s.Lines, date(n.Date)+", "+n.Kind+", signed by "+n.Author)
		for _, part := range n.Parts {
			if strings.TrimSpace(part.Value) != "" {
				s.Lines = append(s.Lines, part.Label+": "+part.Value)
			}
		}
	}
}
