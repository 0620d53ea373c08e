package care

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// DischargeType is how an episode ended.
type DischargeType string

// The discharge types.
const (
	Completed       DischargeType = "completed"
	LeftEarly       DischargeType = "left_before_completion"
	Administrative  DischargeType = "administrative"
	Transferred     DischargeType = "transferred"
	OtherDischarge  DischargeType = "other"
	NoFurtherCare                 = "none" // the aftercare "next level" when no further treatment is arranged
	maxDischargeTxt               = 8000
)

// DischargeTypes lists the types in the order a form offers them.
var DischargeTypes = []DischargeType{Completed, LeftEarly, Administrative, Transferred, OtherDischarge}

// Label is the type in words.
func (t DischargeType) Label() string {
	switch t {
	case Completed:
		return "Completed treatment"
	case LeftEarly:
		return "Left before completion"
	case Administrative:
		return "Administrative discharge"
	case Transferred:
		return "Transferred or referred"
	case OtherDischarge:
		return "Other"
	}
	return string(t)
}

// Valid reports whether t is a known type.
func (t DischargeType) Valid() bool {
	for _, x := range DischargeTypes {
		if x == t {
			return true
		}
	}
	return false
}

// Discharge closes an episode: how and why it ended, a summary of care, and
// the aftercare plan the client leaves with.
type Discharge struct {
	EpisodeID string
	Date      model.Date
	Type      DischargeType
	Reason    string
	Services  string // services received
	Progress  string // progress toward the treatment goals

	NextLevel    string // a model.LevelOfCare, or NoFurtherCare
	Provider     string // who provides the next level of care
	Appointments string // dates, times and places of aftercare appointments
	Supports     string // mutual-help meetings, sponsor, recovery housing, family
	RelapsePlan  string // where the relapse-prevention plan is and its key steps

	ByID   string
	ByName string
	At     time.Time
}

// NextLevelLabel is the aftercare level in words.
func (d Discharge) NextLevelLabel() string {
	if d.NextLevel == NoFurtherCare {
		return "No further treatment arranged"
	}
	return model.LevelOfCare(d.NextLevel).Label()
}

// Problems checks a discharge against the open episode: last is the date of
// its latest event.
func (d Discharge) Problems(ep model.Episode, last, today model.Date) map[string]string {
	p := map[string]string{}
	if ep.Status != model.EpisodeActive {
		p["date"] = "This episode is already discharged."
		return p
	}
	if !d.Date.IsZero() && d.Date.Before(ep.AdmissionDate) {
		p["date"] = fmt.Sprintf("The discharge date cannot be before the admission date (%s).", ep.AdmissionDate.Format("2 Jan 2006"))
	} else {
		checkEventDate(p, "date", d.Date, ep, last, today)
	}
	if !d.Type.Valid() {
		p["type"] = "Choose how the episode ended."
	}
	if strings.TrimSpace(d.Reason) == "" {
		p["reason"] = "Give the reason for discharge."
	}
	if d.NextLevel != NoFurtherCare && !model.LevelOfCare(d.NextLevel).Valid() {
		p["next_level"] = "Choose the next level of care, or say that none is arranged."
	}
	for key, v := range map[string]string{"reason": d.Reason, "services": d.Services, "progress": d.Progress,
		"provider": d.Provider, "appointments": d.Appointments, "supports": d.Supports, "relapse_plan": d.RelapsePlan} {
		if utf8.RuneCountInString(v) > maxDischargeTxt {
			p[key] = fmt.Sprintf("Keep this under %d characters.", maxDischargeTxt)
		}
	}
	return p
}
