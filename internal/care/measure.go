package care

import (
	"time"

	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

// Measure is one administration of an instrument to a client: the answers
// exactly as given, the score they produced, who gave it and when.
type Measure struct {
	ID         string
	ClientID   string
	EpisodeID  string // the open episode at the time, if any
	Instrument string // the instrument code, e.g. "phq-9"
	Answers    map[string]int
	Sex        instrument.Sex
	Result     instrument.Result
	On         model.Date
	ByID       string // the staff member who gave it; "" when the client completed it in the portal
	ByName     string
	// SelfReported is a measure the client completed on their own, in the portal.
	SelfReported bool
	At           time.Time
}

// SelfReportedBy is who gave a measure the client completed alone, in the
// words the chart shows.
const SelfReportedBy = "the client, in the portal"

// Title is the instrument's title, or its code if it is no longer known.
func (m Measure) Title() string {
	if in := instrument.Get(m.Instrument); in != nil {
		return in.Title
	}
	return m.Instrument
}

// Score validates and scores an administration. An unknown or switched-off
// instrument, incomplete answers or a bad date are an error with a problem
// per field (item ids for the answers); nothing is guessed.
func Score(m *Measure, enabled bool, today model.Date) error {
	const op = "care.Score"
	in := instrument.Get(m.Instrument)
	if in == nil {
		return model.Invalid(op, map[string]string{"instrument": "There is no instrument " + quote(m.Instrument) + "."})
	}
	if !enabled {
		return model.Invalid(op, map[string]string{"instrument": in.Title + " is switched off at this center."})
	}
	p := map[string]string{}
	if m.On.IsZero() {
		p["on"] = "Enter the date it was given."
	} else if m.On.After(today) {
		p["on"] = "The date cannot be in the future."
	}
	if len(m.Answers) == 0 {
		p["answers"] = "Answer the questions."
	}
	r, err := in.Score(m.Answers, m.Sex)
	if pe, ok := err.(*instrument.ProblemsError); ok {
		for k, v := range pe.Problems {
			p[k] = v
		}
	} else if err != nil {
		return model.Wrap(op, model.KindInvalid, err)
	}
	if err := model.Invalid(op, p); err != nil {
		return err
	}
	m.Result = r
	return nil
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "\u201c" + s + "\u201d"
}

// Assignment asks a client to complete an instrument themselves (in the
// client portal) by a date. Recording a result of that instrument for the
// client completes it.
type Assignment struct {
	ID         string
	ClientID   string
	Instrument string
	DueOn      model.Date
	Note       string
	ByID       string
	ByName     string
	At         time.Time
	Scheduled  bool // made by the program's measure schedule, not by hand
}

// Overdue reports whether the assignment's due date has passed.
func (a Assignment) Overdue(today model.Date) bool { return a.DueOn.Before(today) }

// Title is the instrument's title.
func (a Assignment) Title() string { return Measure{Instrument: a.Instrument}.Title() }

// Problems checks an assignment: a known instrument the center uses that
// a client can complete alone, and a due date from today on.
func (a Assignment) Problems(enabled bool, today model.Date) map[string]string {
	p := map[string]string{}
	in := instrument.Get(a.Instrument)
	switch {
	case in == nil:
		p["instrument"] = "There is no instrument " + quote(a.Instrument) + "."
	case !enabled:
		p["instrument"] = in.Title + " is switched off at this center."
	case in.ClinicianAdministered:
		p["instrument"] = in.Title + " is given by a clinician; the client cannot complete it alone. Give it in session instead."
	}
	switch {
	case a.DueOn.IsZero():
		p["due_on"] = "Enter the date it is due."
	case a.DueOn.Before(today):
		p["due_on"] = "The due date cannot be in the past."
	}
	if len([]rune(a.Note)) > 500 {
		p["note"] = "Keep the note under 500 characters."
	}
	return p
}
