package care

import (
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

// MeasureSchedule is an instrument a program gives on a cadence: at
// admission (unless switched off) and then every EveryDays days while the
// episode is active. A background job turns each due measure into an
// assignment for the client, which staff can give in session or the client
// can complete in the portal.
type MeasureSchedule struct {
	ProgramID   string
	Instrument  string
	EveryDays   int
	AtAdmission bool
	SetByID     string // who set it; the assignments it makes name them
	SetByName   string
	SetAt       time.Time
}

// Title is the instrument's title.
func (s MeasureSchedule) Title() string { return Measure{Instrument: s.Instrument}.Title() }

// Cadence is the schedule in words, e.g. "at admission, then every 14 days".
func (s MeasureSchedule) Cadence() string {
	every := fmt.Sprintf("every %d days", s.EveryDays)
	switch s.EveryDays {
	case 1:
		every = "every day"
	case 7:
		every = "every week"
	}
	if s.AtAdmission {
		return "at admission, then " + every
	}
	return every + " after admission"
}

// Problems checks a schedule: a known instrument the center uses and a
// cadence between daily and every 180 days.
func (s MeasureSchedule) Problems(enabled bool) map[string]string {
	p := map[string]string{}
	in := instrument.Get(s.Instrument)
	switch {
	case in == nil:
		p["instrument"] = "Choose an instrument."
	case !enabled:
		p["instrument"] = in.Title + " is switched off at this center."
	}
	if s.EveryDays < 1 || s.EveryDays > 180 {
		p["every_days"] = "Enter how often, from every day (1) to every 180 days."
	}
	return p
}

// CycleStart is the due date of the schedule's current cycle for an episode
// admitted on admitted, as of today: the admission date plus a whole number
// of cycles. ok is false before the first measure is due.
func (s MeasureSchedule) CycleStart(admitted, today model.Date) (due model.Date, ok bool) {
	if s.EveryDays < 1 {
		return due, false
	}
	days := int(today.In(time.UTC).Sub(admitted.In(time.UTC)).Hours() / 24)
	if days < 0 {
		return due, false
	}
	k := days / s.EveryDays
	if k == 0 && !s.AtAdmission {
		return due, false
	}
	return admitted.AddDays(k * s.EveryDays), true
}

// grace is how many days before a cycle's due date a measure given anyway
// (in session, say) counts for that cycle: a quarter of the cycle.
func (s MeasureSchedule) grace() int { return s.EveryDays / 4 }

// ScheduledEpisode is what the schedule needs to know about one active
// episode: when it began and, per instrument, when the client last took it
// and the latest due date the schedule already assigned (in any state: an
// assignment staff cancelled is not made again for the same cycle).
type ScheduledEpisode struct {
	ClientID, ProgramID string
	Admitted            model.Date
	LastGiven           map[string]model.Date
	LastScheduled       map[string]model.Date
}

// DueAssignments returns the assignments the schedules call for today: one
// per episode and scheduled instrument whose current cycle has neither an
// assignment yet nor a measure given within it (or just before it). Only
// the current cycle is assigned; cycles missed while the job did not run are
// not made up. Instruments switched off at the center are skipped.
func DueAssignments(schedules []MeasureSchedule, episodes []ScheduledEpisode, disabled map[string]bool, today model.Date) []Assignment {
	byProgram := map[string][]MeasureSchedule{}
	for _, s := range schedules {
		if !disabled[s.Instrument] && instrument.Get(s.Instrument) != nil {
			byProgram[s.ProgramID] = append(byProgram[s.ProgramID], s)
		}
	}
	var out []Assignment
	for _, ep := range episodes {
		for _, s := range byProgram[ep.ProgramID] {
			due, ok := s.CycleStart(ep.Admitted, today)
			if !ok {
				continue
			}
			if last, done := ep.LastScheduled[s.Instrument]; done && !last.Before(due) {
				continue
			}
			if given, done := ep.LastGiven[s.Instrument]; done && !given.Before(due.AddDays(-s.grace())) {
				continue
			}
			out = append(out, Assignment{ClientID: ep.ClientID, Instrument: s.Instrument, DueOn: due,
				Note: "Program schedule: " + s.Cadence() + ".", ByID: s.SetByID, Scheduled: true})
		}
	}
	return out
}
