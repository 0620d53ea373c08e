package care

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// EventKind is one step in an episode's course.
type EventKind string

// The event kinds. Every episode starts with an admission; a discharge
// ends it.
const (
	Admission   EventKind = "admission"
	StepDown    EventKind = "step_down"
	StepUp      EventKind = "step_up"
	TrackChange EventKind = "track_change"
	Review      EventKind = "review"
	Discharged  EventKind = "discharge"
)

// Label is the kind in words.
func (k EventKind) Label() string {
	switch k {
	case Admission:
		return "Admitted"
	case StepDown:
		return "Stepped down"
	case StepUp:
		return "Stepped up"
	case TrackChange:
		return "Changed track"
	case Review:
		return "Continued-stay review"
	case Discharged:
		return "Discharged"
	}
	return string(k)
}

// Event is one entry in an episode's history: what changed, when, why and on
// what assessment.
type Event struct {
	ID           string
	EpisodeID    string
	Kind         EventKind
	Date         model.Date
	FromLevel    model.LevelOfCare
	ToLevel      model.LevelOfCare
	FromTrackID  string
	ToTrackID    string
	FromTrack    string // names, filled in by queries for display
	ToTrack      string
	Reason       string
	AssessmentID string
	ByID         string
	ByName       string
	At           time.Time
}

// Admit is the request to admit a client to a program.
type Admit struct {
	ProgramID    string
	TrackID      string
	Level        model.LevelOfCare
	Date         model.Date
	CounselorID  string
	Diagnoses    []string
	AssessmentID string
	Reason       string
}

var icd10 = regexp.MustCompile(`^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)

// ValidICD10 reports whether s has the shape of an ICD-10-CM code (e.g.
// F10.20); whether the code exists is for the coder to confirm.
func ValidICD10(s string) bool { return icd10.MatchString(s) }

// ParseDiagnoses splits a list of codes written with commas or spaces,
// upper-cases them and drops repeats.
func ParseDiagnoses(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' || r == '\t' }) {
		f = strings.ToUpper(f)
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// Problems checks an admission; today bounds the date.
func (a Admit) Problems(today model.Date) map[string]string {
	p := map[string]string{}
	if a.ProgramID == "" {
		p["program_id"] = "Choose a program."
	}
	if !a.Level.Valid() {
		p["level_of_care"] = "Choose a level of care."
	}
	if a.Date.IsZero() {
		p["admission_date"] = "Enter the admission date."
	} else if a.Date.After(today) {
		p["admission_date"] = "The admission date cannot be in the future."
	}
	var bad []string
	for _, d := range a.Diagnoses {
		if !ValidICD10(d) {
			bad = append(bad, d)
		}
	}
	if len(bad) > 0 {
		p["diagnoses"] = fmt.Sprintf("%s is not an ICD-10-CM code (for example F10.20).", strings.Join(bad, ", "))
	}
	if len(a.Diagnoses) > 12 {
		p["diagnoses"] = "List at most 12 diagnoses."
	}
	if utf8.RuneCountInString(a.Reason) > maxReason {
		p["reason"] = fmt.Sprintf("Keep the note under %d characters.", maxReason)
	}
	return p
}

// Episode is the admission as an episode of care, with its first review due
// after the program's interval.
func (a Admit) Episode(clientID string, reviewIntervalDays int) model.Episode {
	return model.Episode{ClientID: clientID, ProgramID: a.ProgramID, TrackID: a.TrackID, LevelOfCare: a.Level,
		AdmissionDate: a.Date, Status: model.EpisodeActive, PrimaryCounselorID: a.CounselorID,
		Diagnoses: a.Diagnoses, ReviewDue: NextReview(a.Date, reviewIntervalDays)}
}

// NextReview is when the next continued-stay review is due after a review
// (or admission, or change of level) on date.
func NextReview(date model.Date, intervalDays int) model.Date {
	if intervalDays <= 0 {
		intervalDays = model.DefaultReviewIntervalDays
	}
	return date.AddDays(intervalDays)
}

// Change is a request to move an open episode: step down, step up or change
// track.
type Change struct {
	Kind         EventKind
	Date         model.Date
	ToLevel      model.LevelOfCare
	ToTrackID    string
	Reason       string
	AssessmentID string
}

// Problems checks a change against the episode as it stands: last is the
// date of its latest event, tracks the ids of the program's tracks.
func (c Change) Problems(ep model.Episode, last, today model.Date, tracks map[string]bool) map[string]string {
	p := map[string]string{}
	if ep.Status != model.EpisodeActive {
		p["kind"] = "This episode is closed: it was discharged. Admit the client again to record new care."
		return p
	}
	checkEventDate(p, "date", c.Date, ep, last, today)
	if strings.TrimSpace(c.Reason) == "" {
		p["reason"] = "Give the reason for the change."
	} else if utf8.RuneCountInString(c.Reason) > maxReason {
		p["reason"] = fmt.Sprintf("Keep the reason under %d characters.", maxReason)
	}
	if c.ToTrackID != "" && !tracks[c.ToTrackID] {
		p["to_track_id"] = "Choose a track of this program."
	}
	switch c.Kind {
	case StepDown, StepUp:
		if !c.ToLevel.Valid() {
			p["to_level"] = "Choose the new level of care."
			break
		}
		from, to := ep.LevelOfCare.Intensity(), c.ToLevel.Intensity()
		if c.Kind == StepDown && to >= from {
			p["to_level"] = fmt.Sprintf("A step down goes to a less intensive level than %s.", ep.LevelOfCare.Label())
		}
		if c.Kind == StepUp && to <= from {
			p["to_level"] = fmt.Sprintf("A step up goes to a more intensive level than %s.", ep.LevelOfCare.Label())
		}
	case TrackChange:
		if c.ToTrackID == "" {
			p["to_track_id"] = "Choose the new track."
		} else if c.ToTrackID == ep.TrackID {
			p["to_track_id"] = "The client is already in this track."
		}
	default:
		p["kind"] = "Choose step down, step up or track change."
	}
	return p
}

// checkEventDate enforces the order of an episode's history: nothing before
// admission or the latest event, nothing in the future.
func checkEventDate(p map[string]string, key string, d model.Date, ep model.Episode, last, today model.Date) {
	switch {
	case d.IsZero():
		p[key] = "Enter the date."
	case d.Before(ep.AdmissionDate):
		p[key] = fmt.Sprintf("The date cannot be before the admission date (%s).", ep.AdmissionDate.Format("2 Jan 2006"))
	case !last.IsZero() && d.Before(last):
		p[key] = fmt.Sprintf("The date cannot be before the latest entry in this episode (%s).", last.Format("2 Jan 2006"))
	case d.After(today):
		p[key] = "The date cannot be in the future."
	}
}

// ReviewEntry is a continued-stay review: the clinician confirms the level
// still fits (a change of level is a Change instead).
type ReviewEntry struct {
	Date         model.Date
	Note         string
	AssessmentID string
}

// Problems checks a review against the episode.
func (r ReviewEntry) Problems(ep model.Episode, last, today model.Date) map[string]string {
	p := map[string]string{}
	if ep.Status != model.EpisodeActive {
		p["date"] = "This episode is closed: it was discharged."
		return p
	}
	checkEventDate(p, "date", r.Date, ep, last, today)
	if strings.TrimSpace(r.Note) == "" {
		p["note"] = "Summarize why the current level of care still fits (progress, risks, attendance)."
	} else if utf8.RuneCountInString(r.Note) > maxEvidence {
		p["note"] = fmt.Sprintf("Keep the note under %d characters.", maxEvidence)
	}
	return p
}
