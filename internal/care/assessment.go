// Package care is the clinical course of a client's treatment: level-of-care
// assessments with their recommendation and the clinician's decision,
// measures (scored instruments), and the episode of care from admission
// through transitions and continued-stay reviews to discharge with an
// aftercare plan. It validates and decides; it has no SQL and no HTTP.
package care

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
)

// NotRated marks a dimension the clinician has not rated yet.
const NotRated = -1

// Text limits, generous for clinical narrative but bounded.
const (
	maxEvidence = 4000
	maxReason   = 2000
	maxCrisis   = 500
)

// Assessment is a clinician's level-of-care assessment: a 0-4 risk rating
// with evidence on each of the six dimensions, any crisis findings, and the
// substance use disorder criteria per substance. Evaluate adds the
// engine's recommendation; Decide records what the clinician chose.
type Assessment struct {
	ID         string
	ClientID   string
	EpisodeID  string // the episode it was done in; empty before admission
	AssessedOn model.Date
	Ratings    [7]int    // dimensions 1-6; index 0 unused
	Evidence   [7]string // what each rating rests on
	Crisis     []string  // findings that need emergency help now
	Findings   []diagnosis.Finding

	Recommendation placement.Recommendation
	Decision       Decision

	AssessorID   string
	AssessorName string
	CreatedAt    time.Time
}

// Decision is the clinician's choice of level after reading the
// recommendation. The engine supports the decision; it never makes it.
type Decision struct {
	Level  model.LevelOfCare
	Reason string // required when the level differs from the recommendation
	ByID   string
	ByName string
	At     time.Time
}

// Made reports whether a decision was recorded.
func (d Decision) Made() bool { return d.Level != "" }

// Overrides reports whether the decision departs from the recommendation.
func (a Assessment) Overrides() bool {
	return a.Decision.Made() && string(a.Decision.Level) != string(a.Recommendation.Level)
}

// Problems checks the clinician's entries; today bounds the date.
func (a Assessment) Problems(today model.Date) map[string]string {
	p := map[string]string{}
	if a.AssessedOn.IsZero() {
		p["assessed_on"] = "Enter the date of the assessment."
	} else if a.AssessedOn.After(today) {
		p["assessed_on"] = "The assessment date cannot be in the future."
	}
	for d := 1; d <= 6; d++ {
		key := fmt.Sprintf("dimension_%d", d)
		switch r := a.Ratings[d]; {
		case r == NotRated:
			p[key] = fmt.Sprintf("Choose a rating for dimension %d (%s).", d, placement.Dimension(d).Name())
		case r < 0 || r > 4:
			p[key] = fmt.Sprintf("Dimension %d takes a rating from 0 to 4, not %d.", d, r)
		}
		if utf8.RuneCountInString(a.Evidence[d]) > maxEvidence {
			p[fmt.Sprintf("evidence_%d", d)] = fmt.Sprintf("Keep the evidence under %d characters.", maxEvidence)
		}
	}
	for _, c := range a.Crisis {
		if utf8.RuneCountInString(c) > maxCrisis {
			p["crisis"] = fmt.Sprintf("Keep each crisis finding under %d characters.", maxCrisis)
		}
	}
	seen := map[string]bool{}
	for _, f := range a.Findings {
		key := "substance_" + f.Substance
		if seen[f.Substance] {
			p[key] = "Each substance is listed once."
			continue
		}
		seen[f.Substance] = true
		for _, msg := range f.Problems() {
			p[key] = msg
			break
		}
	}
	return p
}

// Severity is the most severe substance use disorder found, Unknown when no
// substance was assessed.
func (a Assessment) Severity() placement.Severity {
	rank := map[placement.Severity]int{placement.Unknown: 0, placement.NoSUD: 1, placement.Mild: 2, placement.Moderate: 3, placement.Severe: 4}
	worst := placement.Unknown
	for _, f := range a.Findings {
		if s := f.Severity(); rank[s] > rank[worst] {
			worst = s
		}
	}
	return worst
}

// Suggestions are the ICD-10-CM codes the findings point to, for the
// clinician and coder to confirm.
func (a Assessment) Suggestions() []diagnosis.Suggestion {
	var out []diagnosis.Suggestion
	for _, f := range a.Findings {
		if s, ok := diagnosis.Suggest(f); ok {
			out = append(out, s)
		}
	}
	return out
}

// Evaluate validates the assessment and asks the placement engine for its
// recommendation.
func (a *Assessment) Evaluate(today model.Date) error {
	if err := model.Invalid("care.Evaluate", a.Problems(today)); err != nil {
		return err
	}
	in := placement.Input{Ratings: a.Ratings, Crisis: a.Crisis, Diagnosis: a.Severity()}
	for d := 1; d <= 6; d++ {
		if e := strings.TrimSpace(a.Evidence[d]); e != "" {
			in.Evidence[d] = []string{e}
		}
	}
	rec, err := placement.Recommend(in)
	if err != nil {
		return model.Errorf("care.Evaluate", model.KindInvalid, "%v", err)
	}
	a.Recommendation = rec
	return nil
}

// DecisionProblems checks a decision against the assessment.
func (a Assessment) DecisionProblems(d Decision) map[string]string {
	p := map[string]string{}
	if a.Decision.Made() {
		p["level"] = "This assessment already has a decision; start a new assessment to decide again."
		return p
	}
	if !d.Level.Valid() {
		p["level"] = "Choose the level of care you decided on."
	}
	reason := strings.TrimSpace(d.Reason)
	switch {
	case a.Recommendation.Crisis && reason == "":
		p["reason"] = "The assessment found a crisis: record the emergency response taken and why this level fits now."
	case d.Level.Valid() && string(d.Level) != string(a.Recommendation.Level) && reason == "":
		p["reason"] = "Say why you chose a level other than the recommendation."
	case utf8.RuneCountInString(reason) > maxReason:
		p["reason"] = fmt.Sprintf("Keep the reason under %d characters.", maxReason)
	}
	return p
}
