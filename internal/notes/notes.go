// Package notes is clinical documentation of sessions: a group note written
// once with a required individual section for each client who attended,
// checked for near-identical sections before signing (payers deny cloned
// notes, and each client's care deserves its own words), locked by the
// signature and changed only by dated addenda. No SQL, no HTTP.
package notes

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// maxField bounds each narrative field.
const maxField = 4000

// Section is one client's part of a group note.
type Section struct {
	ClientID      string
	Participation string // how they took part
	Response      string // how they responded to the interventions
	Progress      string // progress toward an objective of their plan
	Plan          string // what comes next for them
	// Objectives are the ids of the treatment-plan objectives the section
	// addressed, from the client's current signed plan.
	Objectives []string
}

// Empty reports whether nothing was written.
func (s Section) Empty() bool {
	return strings.TrimSpace(s.Participation+s.Response+s.Progress+s.Plan) == ""
}

// Text is the section's words, for the similarity check.
func (s Section) Text() string {
	return s.Participation + " " + s.Response + " " + s.Progress + " " + s.Plan
}

// Addendum is a dated change to a signed note.
type Addendum struct {
	Text   string
	ByName string
	At     time.Time
}

// GroupNote is the note of one group meeting.
type GroupNote struct {
	ID            string
	SeriesID      string
	Date          model.Date
	Topic         string
	Interventions string
	Dynamics      string
	Sections      map[string]Section // by client id; only clients who attended
	AuthorID      string
	UpdatedAt     time.Time
	Signing
}

// Signing is who wrote and signed a note, its co-signature and its
// addenda: the rules every kind of note shares.
type Signing struct {
	AuthorName   string
	SignedAt     time.Time
	SignedByName string
	CoSignNeeded bool // the program requires a supervisor's co-signature
	CoSignedAt   time.Time
	CoSignedName string
	Addenda      []Addendum
}

// Signed reports whether the note is locked.
func (s Signing) Signed() bool { return !s.SignedAt.IsZero() }

// Problems checks the note. Sections may only be written for clients who
// attended; to sign, the shared part and every attending client's section
// must be complete.
func (n GroupNote) Problems(attended []string, signing bool) map[string]string {
	p := map[string]string{}
	in := map[string]bool{}
	for _, id := range attended {
		in[id] = true
	}
	for id, s := range n.Sections {
		if !in[id] && !s.Empty() {
			p["section_"+id] = "This client did not attend: absent clients get no note, only their attendance."
		}
		for _, v := range []string{s.Participation, s.Response, s.Progress, s.Plan} {
			if utf8.RuneCountInString(v) > maxField {
				p["section_"+id] = fmt.Sprintf("Keep each part under %d characters.", maxField)
			}
		}
	}
	for k, v := range map[string]string{"topic": n.Topic, "interventions": n.Interventions, "dynamics": n.Dynamics} {
		if utf8.RuneCountInString(v) > maxField {
			p[k] = fmt.Sprintf("Keep this under %d characters.", maxField)
		}
	}
	if !signing {
		return p
	}
	if strings.TrimSpace(n.Topic) == "" {
		p["topic"] = "Give the session's topic."
	}
	if strings.TrimSpace(n.Interventions) == "" {
		p["interventions"] = "Describe the interventions used."
	}
	for _, id := range attended {
		s := n.Sections[id]
		switch {
		case strings.TrimSpace(s.Participation) == "":
			p["section_"+id] = "Describe this client's participation."
		case strings.TrimSpace(s.Response) == "":
			p["section_"+id] = "Describe this client's response."
		case strings.TrimSpace(s.Progress) == "":
			p["section_"+id] = "Describe this client's progress toward their goals."
		case strings.TrimSpace(s.Plan) == "":
			p["section_"+id] = "Give this client's plan."
		}
	}
	return p
}

// Pair is two clients whose sections are nearly the same.
type Pair struct {
	A, B  string
	Score float64 // 0 to 1
}

// SimilarThreshold is the share of shared word triples above which two
// sections are called near-identical.
const SimilarThreshold = 0.6

// Similar finds pairs of sections that are near-identical: the share of
// word triples they have in common (Jaccard over 3-word shingles, after
// lower-casing and dropping punctuation) is at least SimilarThreshold.
// Short sections compare by words instead, so "Participated well." twice
// is caught too.
func Similar(sections map[string]Section) []Pair {
	ids := make([]string, 0, len(sections))
	for id, s := range sections {
		if !s.Empty() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	shingles := map[string]map[string]bool{}
	for _, id := range ids {
		shingles[id] = shingle(sections[id].Text())
	}
	var out []Pair
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if score := jaccard(shingles[ids[i]], shingles[ids[j]]); score >= SimilarThreshold {
				out = append(out, Pair{ids[i], ids[j], score})
			}
		}
	}
	return out
}

func shingle(s string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := map[string]bool{}
	if len(words) < 3 {
		for _, w := range words {
			out[w] = true
		}
		return out
	}
	for i := 0; i+3 <= len(words); i++ {
		out[words[i]+" "+words[i+1]+" "+words[i+2]] = true
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Age says how late a note is: "" while under 24 hours, "late" from 24 and
// "overdue" from 72 hours after the session ended.
func Age(ended, now time.Time) string {
	switch d := now.Sub(ended); {
	case d >= 72*time.Hour:
		return "overdue"
	case d >= 24*time.Hour:
		return "late"
	}
	return ""
}

// Formats are the common session-note formats and their parts.
var Formats = []struct {
	Code   string
	Label  string
	Fields []Field
}{
	{"DAP", "DAP (data, assessment, plan)", []Field{
		{"data", "Data", "What the client reported and what you observed, including any measures given."},
		{"assessment", "Assessment", "Your clinical reading: progress toward plan goals, risk, what changed."},
		{"plan", "Plan", "Next steps, homework, referrals and the next session."}}},
	{"BIRP", "BIRP (behavior, intervention, response, plan)", []Field{
		{"behavior", "Behavior", "How the client presented: mood, engagement, what they brought."},
		{"intervention", "Intervention", "What you did: the approach and techniques used."},
		{"response", "Response", "How the client responded to the intervention."},
		{"plan", "Plan", "Next steps, homework, referrals and the next session."}}},
	{"SOAP", "SOAP (subjective, objective, assessment, plan)", []Field{
		{"subjective", "Subjective", "The client's own account, in their words where useful."},
		{"objective", "Objective", "What you observed and measured."},
		{"assessment", "Assessment", "Your clinical reading: progress toward plan goals, risk, what changed."},
		{"plan", "Plan", "Next steps, homework, referrals and the next session."}}},
	// Vocational counseling's own template: work and school are part of the
	// treatment plan, and what blocks them is what the session works on.
	{"VOC", "Vocational (status, goal, barriers, activities, plan)", []Field{
		{"status", "Work and school status", "Employment, school or training now, and what changed since the last session."},
		{"goal", "Vocational goal", "The goal in the client's words, and the plan objective it serves."},
		{"barriers", "Barriers", "What stands in the way: schedule conflicts with the program, transport, childcare, records, skills, what to say about treatment."},
		{"activities", "Activities", "What you worked on: résumé, applications, interview practice, accommodations, referrals such as state vocational rehabilitation."},
		{"plan", "Plan", "Next steps, who does what, and the next session."}}},
}

// DefaultFormat is the note format a session of this kind starts in:
// vocational counseling has its own template, the rest start in DAP.
func DefaultFormat(serviceType string) string {
	if serviceType == "vocational" {
		return "VOC"
	}
	return "DAP"
}

// FormatCodes are the formats' codes, in the order forms offer them.
func FormatCodes() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Code
	}
	return out
}

// Field is one part of a note format, with a line on what goes in it.
type Field struct{ Key, Label, Hint string }

// FieldsOf returns a format's parts, or nil for an unknown format.
func FieldsOf(format string) []Field {
	for _, f := range Formats {
		if f.Code == format {
			return f.Fields
		}
	}
	return nil
}

// SessionNote is the note of an individual, family, intake, medication or
// vocational counseling session.
type SessionNote struct {
	ID            string
	ClientID      string
	AppointmentID string
	Format        string
	Parts         map[string]string
	Minutes       int
	ServiceType   string   // the appointment's kind
	Objectives    []string // treatment-plan objectives the session addressed
	Signing
}

// Problems checks a session note; to sign, every part must be written.
func (n SessionNote) Problems(signing bool) map[string]string {
	p := map[string]string{}
	fields := FieldsOf(n.Format)
	if fields == nil {
		p["format"] = "Choose a note format: " + strings.Join(FormatCodes(), ", ") + "."
		return p
	}
	if n.Minutes < 1 || n.Minutes > 480 {
		p["minutes"] = "Give the session's length in minutes (1 to 480)."
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Key] = true
		v := n.Parts[f.Key]
		if utf8.RuneCountInString(v) > maxField {
			p[f.Key] = fmt.Sprintf("Keep this under %d characters.", maxField)
		} else if signing && strings.TrimSpace(v) == "" {
			p[f.Key] = "Write the " + strings.ToLower(f.Label) + " before signing."
		}
	}
	for k, v := range n.Parts {
		if !known[k] && strings.TrimSpace(v) != "" {
			p[k] = "This part is not in the " + n.Format + " format."
		}
	}
	return p
}
