// Package plan is a client's individualized treatment plan: problems tied to
// the episode's diagnoses, goals in the client's own words, measurable
// objectives with target dates, and the interventions that serve them. A
// plan is versioned: a version is a draft until the clinician signs it, and
// a signed version never changes; a revision starts the next version with
// the same problems and objectives (their ids carry over, so notes and
// reviews that point at an objective keep pointing at it). No SQL, no HTTP.
package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Limits on what one plan holds, so that a form cannot grow without bound.
const (
	MaxProblems      = 12
	MaxObjectives    = 8 // per problem
	MaxInterventions = 8 // per problem
	maxText          = 2000
)

// DefaultInitialDays is how many days after admission the first plan is due
// when a program sets none; DefaultReviewDays how often it is reviewed.
const (
	DefaultInitialDays = 7
	DefaultReviewDays  = 30
)

// Modality is a coded kind of intervention.
type Modality struct {
	Code, Label string
}

// Modalities are the interventions an IOP commonly provides. A center adds
// its own with AddModality.
var Modalities = []Modality{
	{"cbt", "Cognitive behavioral therapy (CBT)"},
	{"dbt_skills", "DBT skills"},
	{"motivational_interviewing", "Motivational interviewing"},
	{"mindfulness", "Mindfulness"},
	{"family_therapy", "Family therapy"},
	{"psychoeducation", "Psychoeducation"},
	{"vocational_counseling", "Vocational counseling"},
	{"moud", "Medication for addiction treatment"},
	{"art_experiential", "Art or experiential therapy"},
	{"twelve_step", "12-step facilitation"},
	{"individual_counseling", "Individual counseling"},
	{"relapse_prevention", "Relapse-prevention skills"},
}

// ModalityLabel returns the label of a code among the known and a center's
// own modalities, or the code itself.
func ModalityLabel(code string, extra []Modality) string {
	for _, m := range append(Modalities[:len(Modalities):len(Modalities)], extra...) {
		if m.Code == code {
			return m.Label
		}
	}
	return code
}

func knownModality(code string, extra []Modality) bool {
	return ModalityLabel(code, extra) != code
}

// Intervention is how an objective is worked on: a modality, who provides it
// and how often.
type Intervention struct {
	Modality  string
	Label     string `json:",omitempty"` // the modality's name when the version was saved, for a center's own ones
	Provider  string // a person or a role, e.g. "primary counselor"
	Frequency string // e.g. "3 groups a week"
}

// ModalityName is the intervention's modality in words: as it was named
// when the version was saved, else from the built-in list.
func (in Intervention) ModalityName() string {
	if in.Label != "" {
		return in.Label
	}
	return ModalityLabel(in.Modality, nil)
}

// NameModalities records each intervention's modality name in the version,
// so that a center's own modality reads right wherever the plan goes.
func (p *Plan) NameModalities(extra []Modality) {
	for i := range p.Problems {
		for j := range p.Problems[i].Interventions {
			in := &p.Problems[i].Interventions[j]
			in.Label = ModalityLabel(in.Modality, extra)
		}
	}
}

// NewModality makes a center's own modality from its name: the code is
// the name in lower case with underscores. It refuses a name too short or
// long, or one already in the list.
func NewModality(label string, existing []Modality) (Modality, map[string]string) {
	label = strings.Join(strings.Fields(label), " ")
	var code strings.Builder
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			code.WriteRune(r)
		case code.Len() > 0 && !strings.HasSuffix(code.String(), "_"):
			code.WriteByte('_')
		}
	}
	m := Modality{Code: strings.TrimSuffix(code.String(), "_"), Label: label}
	switch {
	case len(m.Code) < 3 || len(label) > 80:
		return m, map[string]string{"label": "Name the modality in 3 to 80 characters, with letters."}
	case knownModality(m.Code, existing) || slices.ContainsFunc(append(Modalities[:len(Modalities):len(Modalities)], existing...),
		func(x Modality) bool { return strings.EqualFold(x.Label, label) }):
		return m, map[string]string{"label": "This modality is already on the list."}
	}
	return m, nil
}

// Objective is a measurable step toward a goal with its target date.
type Objective struct {
	ID     string
	Text   string
	Target model.Date
}

// Problem is one need the plan addresses.
type Problem struct {
	ID            string
	Statement     string // the problem in the clinician's words
	Diagnosis     string // an ICD-10-CM code of the episode's diagnoses, if it relates to one
	Goal          string // the client's own words
	Objectives    []Objective
	Interventions []Intervention
}

// Signature is who signed a version and when.
type Signature struct {
	Name string
	At   time.Time
}

// Signed reports whether the signature was given.
func (s Signature) Signed() bool { return !s.At.IsZero() }

// Plan is one version of a client's treatment plan.
type Plan struct {
	ID        string
	ClientID  string
	EpisodeID string
	Version   int
	Date      model.Date // the date the plan was written
	Problems  []Problem
	// The client's own statement of what they want from treatment.
	ClientStatement string

	AuthorName string
	UpdatedAt  time.Time
	Clinician  Signature
	// SupervisorNeeded is the program's rule when the clinician signed.
	SupervisorNeeded bool
	Supervisor       Signature
	// Client is the client's signature: their typed name, given on a staff
	// device with the client present (Witness is the staff member), or later
	// in the portal.
	Client  Signature
	Witness string
}

// Signed reports whether the version is locked by the clinician's signature.
func (p Plan) Signed() bool { return p.Clinician.Signed() }

// Complete reports whether every signature the version needs was given.
func (p Plan) Complete() bool {
	return p.Signed() && p.Client.Signed() && (!p.SupervisorNeeded || p.Supervisor.Signed())
}

// Status is the version's state in words.
func (p Plan) Status() string {
	switch {
	case !p.Signed():
		return "Draft"
	case !p.Client.Signed():
		return "Awaiting the client's signature"
	case p.SupervisorNeeded && !p.Supervisor.Signed():
		return "Awaiting the supervisor's signature"
	default:
		return "Signed"
	}
}

// Objectives lists every objective of the plan with its problem, in order.
func (p Plan) Objectives() []ObjectiveRef {
	var out []ObjectiveRef
	for _, pr := range p.Problems {
		for _, o := range pr.Objectives {
			out = append(out, ObjectiveRef{Objective: o, Problem: pr.Statement})
		}
	}
	return out
}

// ObjectiveRef is an objective with the problem it belongs to, for pickers.
type ObjectiveRef struct {
	Objective
	Problem string
}

// Objective returns the objective with the id, if the plan has it.
func (p Plan) Objective(id string) (Objective, bool) {
	for _, pr := range p.Problems {
		for _, o := range pr.Objectives {
			if o.ID == id {
				return o, true
			}
		}
	}
	return Objective{}, false
}

// Field names of the plan form: "p<i>.<field>", "p<i>.o<j>.<field>" and
// "p<i>.i<j>.<field>". Problems are keyed by them.
func ProblemField(i int, name string) string         { return fmt.Sprintf("p%d.%s", i, name) }
func ObjectiveField(i, j int, name string) string    { return fmt.Sprintf("p%d.o%d.%s", i, j, name) }
func InterventionField(i, j int, name string) string { return fmt.Sprintf("p%d.i%d.%s", i, j, name) }

// Context is what a plan is checked against: the episode it belongs to and
// the center's own modalities.
type Context struct {
	Admission  model.Date
	Diagnoses  []string
	Modalities []Modality
}

// Check validates a version and returns field problems. A draft may be
// incomplete but never wrong (a target before the plan's date, a diagnosis
// not on the episode, an objective without a goal); signing needs at least
// one problem, each with a goal, an objective and an intervention.
func (p Plan) Check(c Context, signing bool) map[string]string {
	out := map[string]string{}
	switch {
	case p.Date.IsZero():
		out["date"] = "Enter the date of the plan."
	case !c.Admission.IsZero() && p.Date.Before(c.Admission):
		out["date"] = "The plan cannot be dated before the admission (" + c.Admission.String() + ")."
	}
	if len(p.ClientStatement) > maxText {
		out["client_statement"] = fmt.Sprintf("Keep this to %d characters.", maxText)
	}
	if len(p.Problems) > MaxProblems {
		out["problems"] = fmt.Sprintf("A plan holds at most %d problems.", MaxProblems)
	}
	if signing && len(p.Problems) == 0 {
		out["problems"] = "Add at least one problem with its goal and objectives before signing."
	}
	for i, pr := range p.Problems {
		f := func(name string) string { return ProblemField(i, name) }
		for name, v := range map[string]string{"statement": pr.Statement, "goal": pr.Goal} {
			if len(v) > maxText {
				out[f(name)] = fmt.Sprintf("Keep this to %d characters.", maxText)
			}
		}
		if strings.TrimSpace(pr.Statement) == "" {
			out[f("statement")] = "Describe the problem."
		}
		if pr.Diagnosis != "" && !contains(c.Diagnoses, pr.Diagnosis) {
			out[f("diagnosis")] = "Choose one of the episode's diagnoses (" + strings.Join(c.Diagnoses, ", ") + "), or none."
		}
		if strings.TrimSpace(pr.Goal) == "" && (signing || len(pr.Objectives) > 0) {
			out[f("goal")] = "Write the goal in the client's own words: objectives work toward a goal."
		}
		if len(pr.Objectives) > MaxObjectives {
			out[f("objectives")] = fmt.Sprintf("A problem holds at most %d objectives.", MaxObjectives)
		}
		if signing && len(pr.Objectives) == 0 {
			out[ObjectiveField(i, 0, "text")] = "Add at least one measurable objective."
		}
		for j, o := range pr.Objectives {
			switch {
			case strings.TrimSpace(o.Text) == "":
				out[ObjectiveField(i, j, "text")] = "Describe the objective, or clear its target date."
			case len(o.Text) > maxText:
				out[ObjectiveField(i, j, "text")] = fmt.Sprintf("Keep this to %d characters.", maxText)
			}
			switch {
			case o.Target.IsZero():
				out[ObjectiveField(i, j, "target")] = "Enter a target date."
			case !p.Date.IsZero() && o.Target.Before(p.Date):
				out[ObjectiveField(i, j, "target")] = "The target date cannot be before the plan's date (" + p.Date.String() + ")."
			}
		}
		if len(pr.Interventions) > MaxInterventions {
			out[f("interventions")] = fmt.Sprintf("A problem holds at most %d interventions.", MaxInterventions)
		}
		if signing && len(pr.Interventions) == 0 {
			out[InterventionField(i, 0, "modality")] = "Add at least one intervention."
		}
		for j, in := range pr.Interventions {
			if !knownModality(in.Modality, c.Modalities) {
				out[InterventionField(i, j, "modality")] = "Choose a modality from the list."
			}
			if strings.TrimSpace(in.Provider) == "" || len(in.Provider) > 200 {
				out[InterventionField(i, j, "provider")] = "Say who provides it (up to 200 characters)."
			}
			if strings.TrimSpace(in.Frequency) == "" || len(in.Frequency) > 200 {
				out[InterventionField(i, j, "frequency")] = "Say how often (up to 200 characters)."
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Revise starts the next version from a signed one: the same problems,
// objectives and their ids, dated today, unsigned.
func Revise(p Plan, newID string, today model.Date) Plan {
	next := Plan{ID: newID, ClientID: p.ClientID, EpisodeID: p.EpisodeID, Version: p.Version + 1, Date: today,
		ClientStatement: p.ClientStatement}
	for _, pr := range p.Problems {
		pr.Objectives = append([]Objective(nil), pr.Objectives...)
		pr.Interventions = append([]Intervention(nil), pr.Interventions...)
		next.Problems = append(next.Problems, pr)
	}
	return next
}

// AssignIDs gives new problems and objectives an id; newID makes one.
func (p *Plan) AssignIDs(newID func() string) {
	for i := range p.Problems {
		if p.Problems[i].ID == "" {
			p.Problems[i].ID = newID()
		}
		for j := range p.Problems[i].Objectives {
			if p.Problems[i].Objectives[j].ID == "" {
				p.Problems[i].Objectives[j].ID = newID()
			}
		}
	}
}

// Due is when a client's plan work falls due.
type Due struct {
	Kind string // "initial" for the first plan, "review" for the next review
	Date model.Date
}

// DueFor says what plan work an open episode has next: the initial plan
// initialDays after admission while no version is signed, else a review
// reviewDays after the later of the last signed version and the last review.
func DueFor(admission, lastSigned, lastReview model.Date, initialDays, reviewDays int) Due {
	if initialDays <= 0 {
		initialDays = DefaultInitialDays
	}
	if reviewDays <= 0 {
		reviewDays = DefaultReviewDays
	}
	if lastSigned.IsZero() {
		return Due{Kind: "initial", Date: admission.AddDays(initialDays)}
	}
	last := lastSigned
	if lastReview.After(last) {
		last = lastReview
	}
	return Due{Kind: "review", Date: last.AddDays(reviewDays)}
}
