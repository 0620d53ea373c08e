// Package instrument holds the screening and measurement instruments
// OpenIOP uses (PHQ-9, GAD-7, AUDIT, DAST-10, ...) as data plus exact
// scoring. Every instrument carries its citation and licence note, and
// every band boundary and flag is tested against the published rule. It is
// pure Go: no storage, no HTTP.
//
// Scores support clinical judgement; they never replace it. A flag marked
// Urgent (such as PHQ-9 item 9 above zero) must be shown with emergency
// guidance before anything else.
package instrument

import (
	"fmt"
	"sort"
	"strings"
)

// Option is one answer to an item, with the points it scores.
type Option struct {
	Value int    `json:"value"`
	Label string `json:"label"`
	LOINC string `json:"loinc,omitempty"` // the LOINC answer code (LA...), where one exists
}

// Item is one question.
type Item struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Options  []Option `json:"options"`
	LOINC    string   `json:"loinc,omitempty"`
	Optional bool     `json:"optional,omitempty"` // asked but not scored, may be left out (e.g. the PHQ difficulty item) unless the instrument's check requires it
}

// Band is a named range of the total score, inclusive at both ends.
type Band struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Label string `json:"label"`
}

// Flag is a finding that needs attention, beyond the band.
type Flag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Urgent  bool   `json:"urgent,omitempty"` // show emergency guidance first
}

// Sex is sex assigned at birth, for instruments whose cut-offs differ by it.
type Sex string

// The values of Sex; "" means not given.
const (
	Female Sex = "female"
	Male   Sex = "male"
)

// Result is a scored administration.
type Result struct {
	Total     int            `json:"total"`
	Max       int            `json:"max"`
	Band      string         `json:"band"`
	Flags     []Flag         `json:"flags"`
	Subscales map[string]int `json:"subscales"`
	Notes     []string       `json:"notes,omitempty"` // how the score was reached, e.g. which cut-off applied
}

// Urgent reports whether any flag is urgent.
func (r Result) Urgent() bool {
	for _, f := range r.Flags {
		if f.Urgent {
			return true
		}
	}
	return false
}

// Instrument is a questionnaire with its scoring.
type Instrument struct {
	Code         string `json:"code"` // stable identifier used in URLs and records, e.g. "phq-9"
	Title        string `json:"title"`
	Instructions string `json:"instructions"` // the stem read before the items
	Items        []Item `json:"items"`
	Bands        []Band `json:"bands"`
	ScoringNote  string `json:"scoring"` // how the total is read, in words, with the source's cut-offs
	LOINCPanel   string `json:"loinc_panel,omitempty"`
	LOINCTotal   string `json:"loinc_total,omitempty"`
	Citation     string `json:"citation"`
	Licence      string `json:"licence"`
	// Commercial says whether the licence allows use in a commercial
	// product or service without the owner's permission.
	Commercial bool `json:"commercial_use_allowed"`
	// SexSpecific is true when cut-offs depend on sex assigned at birth.
	SexSpecific bool `json:"sex_specific,omitempty"`
	// ClinicianAdministered is true for an instrument a clinician rates or
	// asks (withdrawal scales, the ASQ), never one a client fills in alone.
	ClinicianAdministered bool `json:"clinician_administered,omitempty"`

	// skipped returns the items that may be left unanswered given the
	// answers so far (the instrument's own skip instructions); they score 0.
	skipped func(answers map[string]int) map[string]bool
	// check, if set, returns further problems, a message per item id, that
	// depend on the answers (e.g. an optional item that other answers make
	// necessary). Problems adds them where it found none for the item.
	check func(answers map[string]int) map[string]string
	// assess adds flags, subscales, notes and, if needed, the band, to a
	// result whose total is computed.
	assess func(answers map[string]int, sex Sex, r *Result)
}

// MaxScore is the highest possible total.
func (in *Instrument) MaxScore() int {
	total := 0
	for _, it := range in.Items {
		if it.Optional {
			continue
		}
		hi := 0
		for _, o := range it.Options {
			hi = max(hi, o.Value)
		}
		total += hi
	}
	return total
}

// Problems checks answers against the instrument: every required item has
// an answer among its options, no unknown item is answered, and the
// instrument's own check passes. It returns a message per item id.
func (in *Instrument) Problems(answers map[string]int) map[string]string {
	p := map[string]string{}
	known := map[string]bool{}
	var skip map[string]bool
	if in.skipped != nil {
		skip = in.skipped(answers)
	}
	for i, it := range in.Items {
		known[it.ID] = true
		v, ok := answers[it.ID]
		if !ok {
			if !it.Optional && !skip[it.ID] {
				p[it.ID] = fmt.Sprintf("Answer question %d.", i+1)
			}
			continue
		}
		if !it.valid(v) {
			p[it.ID] = fmt.Sprintf("Question %d takes one of %s, not %d.", i+1, it.allowed(), v)
		}
	}
	for id := range answers {
		if !known[id] {
			p[id] = fmt.Sprintf("%s has no question %q.", in.Title, id)
		}
	}
	if in.check != nil {
		for id, msg := range in.check(answers) {
			if _, ok := p[id]; !ok {
				p[id] = msg
			}
		}
	}
	return p
}

func (it Item) valid(v int) bool {
	for _, o := range it.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func (it Item) allowed() string {
	vals := make([]string, len(it.Options))
	for i, o := range it.Options {
		vals[i] = fmt.Sprint(o.Value)
	}
	sort.Strings(vals)
	return strings.Join(vals, ", ")
}

// ProblemsError is returned by Score for answers that do not fit.
type ProblemsError struct {
	Instrument string
	Problems   map[string]string
}

func (e *ProblemsError) Error() string {
	keys := make([]string, 0, len(e.Problems))
	for k := range e.Problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Problems[k]
	}
	return fmt.Sprintf("%s answers are incomplete or invalid (%s)", e.Instrument, strings.Join(parts, "; "))
}

// Score scores a complete set of answers. Incomplete or invalid answers
// are an error listing every problem; nothing is guessed.
func (in *Instrument) Score(answers map[string]int, sex Sex) (Result, error) {
	if sex != "" && sex != Female && sex != Male {
		return Result{}, &ProblemsError{in.Title, map[string]string{"sex": `Sex must be "female", "male" or left out.`}}
	}
	if p := in.Problems(answers); len(p) > 0 {
		return Result{}, &ProblemsError{in.Title, p}
	}
	r := Result{Max: in.MaxScore(), Flags: []Flag{}, Subscales: map[string]int{}}
	for _, it := range in.Items {
		if !it.Optional {
			r.Total += answers[it.ID] // a skipped item is absent and scores 0
		}
	}
	r.Band = bandOf(in.Bands, r.Total)
	if in.assess != nil {
		in.assess(answers, sex, &r)
	}
	return r, nil
}

func bandOf(bands []Band, total int) string {
	for _, b := range bands {
		if total >= b.Min && total <= b.Max {
			return b.Label
		}
	}
	return ""
}

// sum adds the answers to the given items.
func sum(answers map[string]int, ids ...string) int {
	t := 0
	for _, id := range ids {
		t += answers[id]
	}
	return t
}

// registry lists the instruments in the order they are offered.
var registry = []*Instrument{phq9, phq2, gad7, gad2, asq, audit, auditC, dast10, ciwaAr, cows}

// All returns every instrument.
func All() []*Instrument { return append([]*Instrument(nil), registry...) }

// Get returns the instrument with the code (case-insensitive), or nil.
func Get(code string) *Instrument {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, in := range registry {
		if in.Code == code {
			return in
		}
	}
	return nil
}
