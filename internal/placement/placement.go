// Package placement is OpenIOP's level-of-care decision support: from risk
// ratings on the six standard dimensions of addiction placement, and any
// crisis findings, it recommends a level of care and explains which ratings
// drove it. One rule set serves the clinician's assessment and the public
// self-assessment (which first turns answers into ratings).
//
// The rules are our own, written from the public summary of the ASAM
// Patient Placement Criteria matrix and payer criteria quoted in
// shared/reference/clinical.md §2.4. This is decision support, not ASAM
// placement and not ASAM-certified: a clinician makes the decision, and may
// override it with a recorded reason. Crisis findings override every rule
// and never "place": they send the person to emergency help first.
package placement

import (
	"fmt"
	"slices"

	"github.com/openiop/openiop/internal/model"
)

// Level is a level of care, including the emergency answer that comes
// before any placement.
type Level string

// The levels, from least to most intensive: the levels an episode of care
// can be at, plus Emergency, which is an answer but never an episode's level.
const (
	EarlyIntervention      = Level(model.EarlyIntervention)
	Outpatient             = Level(model.Outpatient)
	IntensiveOutpatient    = Level(model.IntensiveOutpatient)
	PartialHospitalization = Level(model.PartialHospitalization)
	Residential            = Level(model.Residential)
	WithdrawalManagement   = Level(model.WithdrawalManagement)
	Emergency              = Level("emergency")
)

// intensity orders the levels. Withdrawal management ranks above residential
// because dangerous withdrawal must be managed first, wherever the person
// goes next.
var intensity = map[Level]int{
	EarlyIntervention: 0, Outpatient: 1, IntensiveOutpatient: 2, PartialHospitalization: 3,
	Residential: 4, WithdrawalManagement: 5, Emergency: 6,
}

// Label is the level in plain words.
func (l Level) Label() string {
	switch l {
	case EarlyIntervention:
		return "Early intervention"
	case Outpatient:
		return "Outpatient counseling"
	case IntensiveOutpatient:
		return "Intensive outpatient program (IOP)"
	case PartialHospitalization:
		return "Partial hospitalization (day treatment)"
	case Residential:
		return "Residential or inpatient treatment"
	case WithdrawalManagement:
		return "Medically supervised withdrawal management first"
	case Emergency:
		return "Emergency help now"
	}
	return string(l)
}

// Dimension is one of the six dimensions, numbered 1 to 6.
type Dimension int

// DimensionNames are the six dimensions, in the 3rd-edition wording
// (clinical.md §2.1).
var DimensionNames = [7]string{"",
	"Acute intoxication and withdrawal potential",
	"Biomedical conditions and complications",
	"Emotional, behavioral or cognitive conditions",
	"Readiness to change",
	"Relapse, continued use or continued problem potential",
	"Recovery and living environment",
}

// Name is the dimension's name.
func (d Dimension) Name() string {
	if d < 1 || d > 6 {
		return ""
	}
	return DimensionNames[d]
}

// RatingLabels are the meanings of the 0-4 risk ratings.
var RatingLabels = [5]string{"none", "low", "moderate", "high", "very high"}

// Input is what a recommendation rests on.
type Input struct {
	// Ratings holds the 0-4 risk rating of dimensions 1 to 6 (index 0 unused).
	Ratings [7]int
	// Evidence holds, per dimension, what the rating rests on, in words
	// (answers, observations); it travels into the reasons.
	Evidence [7][]string
	// Crisis lists findings that need emergency help now (suicidal
	// thoughts, a medical emergency, severe withdrawal signs).
	Crisis []string
	// Diagnosis is the substance use disorder severity if known.
	Diagnosis Severity
}

// Severity is the severity of a substance use disorder by criteria count.
type Severity string

// The severities; Unknown when not assessed.
const (
	Unknown  Severity = ""
	NoSUD    Severity = "none"     // fewer than 2 criteria
	Mild     Severity = "mild"     // 2-3
	Moderate Severity = "moderate" // 4-5
	Severe   Severity = "severe"   // 6 or more
)

// Rule sends a dimension rated at least MinRating to at least Level.
type Rule struct {
	Dimension Dimension
	MinRating int
	Level     Level
	Why       string // the reason, in plain words, shown with the recommendation
}

// Rules is the whole rule set, most demanding first within each dimension.
// docs/placement.md lists the same rules; a test keeps the two in step.
var Rules = []Rule{
	{1, 3, WithdrawalManagement, "Withdrawal risk is high: withdrawal should be managed with medical supervision (and 24-hour care if severe) before or alongside other treatment."},
	{1, 2, IntensiveOutpatient, "Withdrawal risk is moderate: it can be monitored with medical oversight during intensive outpatient care."},
	{2, 3, Residential, "Physical health problems need 24-hour medical monitoring or nursing care."},
	{2, 2, IntensiveOutpatient, "Physical health problems need regular coordination with medical care during treatment."},
	{3, 4, Residential, "Mental health symptoms are severe enough to need 24-hour psychiatric care."},
	{3, 3, PartialHospitalization, "Mental health symptoms need daily structure and psychiatric support."},
	{3, 2, IntensiveOutpatient, "Co-occurring mental health needs call for integrated treatment with regular monitoring."},
	{4, 2, IntensiveOutpatient, "Readiness to change is limited: structured treatment with motivational work several times a week helps. (Readiness alone never calls for a more restrictive setting.)"},
	{5, 4, Residential, "Use continues despite treatment and cannot be controlled without 24-hour structure."},
	{5, 3, PartialHospitalization, "The risk of continued use or relapse is high: daily structured treatment is needed."},
	{5, 2, IntensiveOutpatient, "The risk of continued use or relapse needs treatment several days a week."},
	{5, 1, Outpatient, "Some risk of relapse: regular outpatient support helps."},
	{6, 3, Residential, "The living environment works against recovery or is unsafe: a residential setting (or intensive outpatient care with supportive recovery housing) is needed."},
	{6, 2, IntensiveOutpatient, "Support at home is limited: treatment several days a week builds the support recovery needs."},
}

// Reason explains one part of a recommendation.
type Reason struct {
	Dimension Dimension `json:"dimension,omitempty"`
	Rating    int       `json:"rating,omitempty"`
	Level     Level     `json:"level"`
	Text      string    `json:"text"`
	Evidence  []string  `json:"evidence,omitempty"`
	Drives    bool      `json:"drives"` // this reason sets the recommended level
}

// Recommendation is the engine's answer.
type Recommendation struct {
	Level   Level    `json:"level"`
	Crisis  bool     `json:"crisis"`
	Reasons []Reason `json:"reasons"` // driving reasons first, then the others that were considered
	Notes   []string `json:"notes"`
}

// Disclaimer goes with every recommendation.
const Disclaimer = "This is decision support, not a diagnosis or a placement decision. A clinician decides the level of care, and may choose differently for reasons recorded in the chart."

// Problems checks the input: ratings must be 0 to 4.
func (in Input) Problems() map[string]string {
	p := map[string]string{}
	for d := 1; d <= 6; d++ {
		if in.Ratings[d] < 0 || in.Ratings[d] > 4 {
			p[fmt.Sprintf("dimension_%d", d)] = fmt.Sprintf("Dimension %d (%s) takes a rating from 0 to 4, not %d.", d, Dimension(d).Name(), in.Ratings[d])
		}
	}
	return p
}

// Recommend applies the rules. The recommended level is the most intensive
// level any rule calls for (the dimension with the greatest need drives
// placement); crisis findings override everything.
func Recommend(in Input) (Recommendation, error) {
	if p := in.Problems(); len(p) > 0 {
		return Recommendation{}, &ProblemsError{p}
	}
	rec := Recommendation{Notes: []string{Disclaimer}}
	if len(in.Crisis) > 0 {
		rec.Level, rec.Crisis = Emergency, true
		for _, c := range in.Crisis {
			rec.Reasons = append(rec.Reasons, Reason{Level: Emergency, Text: c, Drives: true})
		}
	}
	var fired []Reason
	for d := Dimension(1); d <= 6; d++ {
		r := in.Ratings[d]
		for _, rule := range Rules {
			if rule.Dimension == d && r >= rule.MinRating {
				fired = append(fired, Reason{Dimension: d, Rating: r, Level: rule.Level, Text: rule.Why, Evidence: in.Evidence[d]})
				break // the most demanding rule of the dimension that applies
			}
		}
	}
	level := floor(in)
	for _, f := range fired {
		if intensity[f.Level] > intensity[level] {
			level = f.Level
		}
	}
	if !rec.Crisis {
		rec.Level = level
	}
	for i := range fired {
		fired[i].Drives = !rec.Crisis && fired[i].Level == rec.Level
	}
	// Driving reasons first, then the rest, most intensive first.
	slices.SortStableFunc(fired, func(a, b Reason) int {
		if a.Drives != b.Drives {
			if a.Drives {
				return -1
			}
			return 1
		}
		return intensity[b.Level] - intensity[a.Level]
	})
	rec.Reasons = append(rec.Reasons, fired...)
	if !rec.Crisis && len(fired) == 0 {
		rec.Reasons = append(rec.Reasons, Reason{Level: level, Drives: true, Text: floorReason(in.Diagnosis)})
	}
	if !rec.Crisis && in.Diagnosis == Unknown && level == Outpatient {
		rec.Notes = append(rec.Notes, "No diagnosis was recorded: if no substance use disorder is present, early intervention may fit better.")
	}
	return rec, nil
}

// floor is the least intensive level that fits before any dimension speaks:
// early intervention when there is no disorder, outpatient otherwise.
func floor(in Input) Level {
	if in.Diagnosis == NoSUD {
		return EarlyIntervention
	}
	return Outpatient
}

func floorReason(s Severity) string {
	if s == NoSUD {
		return "No dimension shows more than low risk and there is no substance use disorder: education and brief intervention fit."
	}
	return "No dimension shows more than low risk: outpatient counseling fits."
}

// ProblemsError is returned for ratings out of range.
type ProblemsError struct{ Problems map[string]string }

func (e *ProblemsError) Error() string {
	return fmt.Sprintf("placement input is invalid: %v", e.Problems)
}

// SeverityOf maps a count of DSM-5 substance use disorder criteria (0-11)
// to a severity: 2-3 mild, 4-5 moderate, 6 or more severe (clinical.md §6.2).
func SeverityOf(criteria int) Severity {
	switch {
	case criteria >= 6:
		return Severe
	case criteria >= 4:
		return Moderate
	case criteria >= 2:
		return Mild
	default:
		return NoSUD
	}
}
