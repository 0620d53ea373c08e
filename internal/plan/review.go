package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Progress is where an objective stands at a review.
type Progress string

// The progress values a review records per objective.
const (
	NotStarted   Progress = "not_started"
	Progressing  Progress = "progressing"
	Met          Progress = "met"
	Revised      Progress = "revised"
	Discontinued Progress = "discontinued"
)

// Progresses lists the values in the order a form offers them.
var Progresses = []Progress{NotStarted, Progressing, Met, Revised, Discontinued}

// Label is the value in words.
func (p Progress) Label() string {
	switch p {
	case NotStarted:
		return "Not started"
	case Progressing:
		return "Progressing"
	case Met:
		return "Met"
	case Revised:
		return "Revised"
	case Discontinued:
		return "Discontinued"
	}
	return string(p)
}

// Valid reports whether p is a known value.
func (p Progress) Valid() bool {
	for _, x := range Progresses {
		if x == p {
			return true
		}
	}
	return false
}

// ReviewEntry is the progress of one objective at a review.
type ReviewEntry struct {
	ObjectiveID string
	Progress    Progress
	Comment     string
}

// Review is a dated review of a signed plan version.
type Review struct {
	ID       string
	PlanID   string
	ClientID string
	Date     model.Date
	Entries  []ReviewEntry
	Summary  string
	ByName   string
	At       time.Time
}

// ReviewField is the form field of an objective's progress or comment.
func ReviewField(objectiveID, name string) string { return "o." + objectiveID + "." + name }

// CheckReview validates a review of p: the plan must be signed, the date on
// or after the plan's, and every objective given a progress.
func CheckReview(p Plan, r Review, today model.Date) map[string]string {
	out := map[string]string{}
	if !p.Signed() {
		out["plan"] = "Only a signed plan can be reviewed: sign this version first."
	}
	switch {
	case r.Date.IsZero():
		out["date"] = "Enter the date of the review."
	case r.Date.Before(p.Date):
		out["date"] = "The review cannot be dated before the plan (" + p.Date.String() + ")."
	case r.Date.After(today):
		out["date"] = "The review cannot be dated in the future."
	}
	if len(r.Summary) > maxText {
		out["summary"] = fmt.Sprintf("Keep this to %d characters.", maxText)
	}
	given := map[string]ReviewEntry{}
	for _, e := range r.Entries {
		if _, ok := p.Objective(e.ObjectiveID); !ok {
			out["entries"] = "An entry names an objective this plan does not have."
			continue
		}
		given[e.ObjectiveID] = e
	}
	for _, o := range p.Objectives() {
		e, ok := given[o.ID]
		switch {
		case !ok || e.Progress == "":
			out[ReviewField(o.ID, "progress")] = "Choose the progress on this objective."
		case !e.Progress.Valid():
			out[ReviewField(o.ID, "progress")] = "Choose one of the progress values."
		}
		if len(e.Comment) > maxText {
			out[ReviewField(o.ID, "comment")] = fmt.Sprintf("Keep this to %d characters.", maxText)
		}
	}
	return out
}

// Change is one difference between two versions.
type Change struct {
	Kind   string // "added", "removed" or "changed"
	Where  string // what changed, e.g. "Problem 1 · objective"
	Before string
	After  string
}

type line struct{ key, where, text string }

func lines(p Plan, extra []Modality) []line {
	out := []line{{"statement", "Client's statement", p.ClientStatement}}
	for i, pr := range p.Problems {
		where := fmt.Sprintf("Problem %d", i+1)
		out = append(out, line{pr.ID + ".statement", where, pr.Statement},
			line{pr.ID + ".diagnosis", where + " · diagnosis", pr.Diagnosis},
			line{pr.ID + ".goal", where + " · goal", pr.Goal})
		for _, o := range pr.Objectives {
			out = append(out, line{pr.ID + "." + o.ID, where + " · objective", o.Text + " (target " + o.Target.String() + ")"})
		}
		for _, in := range pr.Interventions {
			name := in.Label
			if name == "" {
				name = ModalityLabel(in.Modality, extra)
			}
			text := name + ", " + in.Provider + ", " + in.Frequency
			out = append(out, line{pr.ID + ".i." + strings.ToLower(text), where + " · intervention", text})
		}
	}
	return out
}

// Diff lists what changed from version a to version b, in b's order with
// removals where they were in a. Objectives are matched by id, so a reworded
// objective shows as changed, not as removed and added.
func Diff(a, b Plan, extra []Modality) []Change {
	before, after := lines(a, extra), lines(b, extra)
	inB := map[string]line{}
	for _, l := range after {
		inB[l.key] = l
	}
	inA := map[string]line{}
	var out []Change
	for _, l := range before {
		inA[l.key] = l
		if _, ok := inB[l.key]; !ok && l.text != "" {
			out = append(out, Change{Kind: "removed", Where: l.where, Before: l.text})
		}
	}
	for _, l := range after {
		old, ok := inA[l.key]
		switch {
		case !ok && l.text != "":
			out = append(out, Change{Kind: "added", Where: l.where, After: l.text})
		case ok && old.text != l.text:
			out = append(out, Change{Kind: "changed", Where: l.where, Before: old.text, After: l.text})
		}
	}
	return out
}
