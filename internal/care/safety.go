package care

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/instrument"
)

// SafetyAlert is raised by a measure whose answers call for a clinician now:
// a positive suicide item (PHQ-9 item 9 above zero, a positive ASQ),
// withdrawal the instrument calls dangerous, or a score in the severe band.
// It goes to the client's primary counselor and the clinical directors and
// stays open until a clinician records what was done; the time from the
// alert to that response is reported.
type SafetyAlert struct {
	ID, ClientID, ClientName string
	MeasureID, Instrument    string
	Reason                   string
	CounselorID              string // the primary counselor when it was raised; empty if none
	CounselorName            string
	RaisedAt                 time.Time
	Response                 *SafetyResponse // nil while open
}

// SafetyResponse is what a clinician did about an alert.
type SafetyResponse struct {
	Action SafetyAction
	Note   string
	ByID   string
	ByName string
	At     time.Time
}

// Open reports whether no one has responded yet.
func (a SafetyAlert) Open() bool { return a.Response == nil }

// TimeToResponse is how long the alert waited for a response (until now
// while it is open).
func (a SafetyAlert) TimeToResponse(now time.Time) time.Duration {
	if a.Response != nil {
		now = a.Response.At
	}
	return now.Sub(a.RaisedAt)
}

// SafetyAction is the kind of response recorded.
type SafetyAction string

// The responses a clinician can record. They describe what was done, not a
// judgement the software makes.
const (
	ActionRiskAssessed    SafetyAction = "risk_assessed"
	ActionSafetyPlan      SafetyAction = "safety_plan"
	ActionHigherCare      SafetyAction = "higher_care"
	ActionEmergency       SafetyAction = "emergency"
	ActionContactedNoRisk SafetyAction = "contacted"
	ActionOther           SafetyAction = "other"
)

// SafetyActions lists the responses in the order the form offers them.
var SafetyActions = []SafetyAction{ActionRiskAssessed, ActionSafetyPlan, ActionHigherCare, ActionEmergency, ActionContactedNoRisk, ActionOther}

// Label is the response in words.
func (s SafetyAction) Label() string {
	switch s {
	case ActionRiskAssessed:
		return "Suicide or withdrawal risk assessed in person or by phone"
	case ActionSafetyPlan:
		return "Safety plan made or reviewed with the client"
	case ActionHigherCare:
		return "Referred to a higher level of care or to medical withdrawal management"
	case ActionEmergency:
		return "Emergency services called (911) or the client taken to an emergency department"
	case ActionContactedNoRisk:
		return "Client reached; no immediate risk found"
	case ActionOther:
		return "Other (described in the note)"
	}
	return string(s)
}

// Valid reports whether s is one of SafetyActions.
func (s SafetyAction) Valid() bool { return slices.Contains(SafetyActions, s) }

// Problems checks a response: a known action and a note saying what
// happened (the record of a clinical decision).
func (r SafetyResponse) Problems() map[string]string {
	p := map[string]string{}
	if !r.Action.Valid() {
		p["action"] = "Choose what was done."
	}
	switch n := len([]rune(strings.TrimSpace(r.Note))); {
	case n == 0:
		p["note"] = "Write what was done and what was found."
	case n > 4000:
		p["note"] = "Keep the note under 4,000 characters."
	}
	return p
}

// severeBand is the band name every instrument uses for its most severe range.
const severeBand = "severe"

// AlertReason says why a scored measure needs a safety alert, or "" when it
// does not: the instrument's urgent flags first, then a severe score.
func AlertReason(m Measure) string {
	var reasons []string
	for _, f := range m.Result.Flags {
		if f.Urgent {
			reasons = append(reasons, f.Message)
		}
	}
	if m.Result.Band == severeBand {
		title := m.Instrument
		if in := instrument.Get(m.Instrument); in != nil {
			title = in.Title
		}
		reasons = append(reasons, fmt.Sprintf("%s score %d of %d is in the severe range.", title, m.Result.Total, m.Result.Max))
	}
	return strings.Join(reasons, " ")
}

// MedianResponse is the median time to response of the alerts that have
// one, and how many that is.
func MedianResponse(alerts []SafetyAlert) (time.Duration, int) {
	var ds []time.Duration
	for _, a := range alerts {
		if a.Response != nil {
			ds = append(ds, a.Response.At.Sub(a.RaisedAt))
		}
	}
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2], n
	}
	return (ds[n/2-1] + ds[n/2]) / 2, n
}
