// Package diagnosis is the substance use disorder checklist: the eleven
// criteria a clinician checks for one substance, the severity their count
// gives, and the ICD-10-CM code that severity and any remission specifier
// suggest (shared/reference/clinical.md §6.1 and §6.2).
//
// The structure follows DSM-5: a disorder needs at least 2 of the 11
// criteria within 12 months; 2-3 is mild, 4-5 moderate, 6 or more severe.
// The criterion wording is our own paraphrase, not APA text, which is
// copyrighted. Suggested codes support the clinician and the coder; they
// are not a diagnosis. The package is pure Go: no storage, no HTTP.
package diagnosis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/placement"
)

// Criterion is one item of the checklist.
type Criterion struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Criteria are the 11 criteria in DSM-5 order. IDs are stored with
// findings, so they never change; the text may be reworded.
var Criteria = []Criterion{
	{"larger_longer", "Took the substance in larger amounts, or for longer, than intended."},
	{"cut_down", "A persistent wish, or failed efforts, to cut down or control use."},
	{"time_spent", "Much time spent getting, using or recovering from the substance."},
	{"craving", "Craving for the substance."},
	{"role_failure", "Failing major role duties at work, school or home because of use."},
	{"social_problems", "Continued use despite recurring social or relationship problems it causes or worsens."},
	{"activities_given_up", "Gave up or cut back important activities because of use."},
	{"hazardous_use", "Repeated use in physically hazardous situations (for example, driving)."},
	{"physical_psychological", "Continued use despite knowing it causes or worsens a physical or psychological problem."},
	{"tolerance", "Tolerance: needing more for the same effect, or getting less effect from the same amount."},
	{"withdrawal", "Withdrawal symptoms, or using to relieve or avoid them."},
}

// CriterionByID finds a criterion by its ID.
func CriterionByID(id string) (Criterion, bool) {
	i := slices.IndexFunc(Criteria, func(c Criterion) bool { return c.ID == id })
	if i < 0 {
		return Criterion{}, false
	}
	return Criteria[i], true
}

// Substance is a substance class and its ICD-10-CM category.
type Substance struct {
	Code        string `json:"code"`         // stored with findings; never changes
	Label       string `json:"label"`        // the class, for pick lists
	Disorder    string `json:"disorder"`     // the disorder's name, for descriptions
	ICDCategory string `json:"icd_category"` // F10 to F19
	ICDName     string `json:"icd_name"`     // the substance as the ICD-10-CM code titles name it
}

// Substances are the classes of ICD-10-CM F10-F19 (clinical.md §6.1), in
// code order.
var Substances = []Substance{
	{"alcohol", "Alcohol", "Alcohol use disorder", "F10", "alcohol"},
	{"opioid", "Opioids", "Opioid use disorder", "F11", "opioid"},
	{"cannabis", "Cannabis", "Cannabis use disorder", "F12", "cannabis"},
	{"sedative", "Sedatives, hypnotics or anxiolytics", "Sedative, hypnotic or anxiolytic use disorder", "F13", "sedative, hypnotic or anxiolytic"},
	{"cocaine", "Cocaine", "Cocaine use disorder", "F14", "cocaine"},
	{"stimulant", "Other stimulants", "Stimulant use disorder (other than cocaine)", "F15", "other stimulant"},
	{"hallucinogen", "Hallucinogens", "Hallucinogen use disorder", "F16", "hallucinogen"},
	{"tobacco", "Nicotine or tobacco", "Tobacco use disorder", "F17", "nicotine"},
	{"inhalant", "Inhalants", "Inhalant use disorder", "F18", "inhalant"},
	{"other", "Other or multiple substances", "Other or unknown substance use disorder", "F19", "other psychoactive substance"},
}

// SubstanceByCode finds a substance class by its code.
func SubstanceByCode(code string) (Substance, bool) {
	i := slices.IndexFunc(Substances, func(s Substance) bool { return s.Code == code })
	if i < 0 {
		return Substance{}, false
	}
	return Substances[i], true
}

// Remission is the DSM-5 remission specifier.
type Remission string

// The specifiers. In both, no criterion but craving has been met for the
// period named.
const (
	NoRemission        Remission = ""
	EarlyRemission     Remission = "early"     // at least 3 but less than 12 months
	SustainedRemission Remission = "sustained" // 12 months or more
)

// Label is the specifier in plain words.
func (r Remission) Label() string {
	switch r {
	case NoRemission:
		return "Not in remission"
	case EarlyRemission:
		return "In early remission (3 to 12 months)"
	case SustainedRemission:
		return "In sustained remission (12 months or more)"
	}
	return string(r)
}

// Finding is a checklist completed for one substance. With a remission
// specifier, Met holds the criteria met before remission: that count gives
// the severity the remission code rests on.
type Finding struct {
	Substance string
	Met       []string // criterion IDs
	Remission Remission
}

// Problems checks the finding and returns a problem per field ("substance",
// "met", "remission"), naming the value at fault.
func (f Finding) Problems() map[string]string {
	p := map[string]string{}
	switch _, ok := SubstanceByCode(f.Substance); {
	case f.Substance == "":
		p["substance"] = "Choose the substance this checklist is for."
	case !ok:
		codes := make([]string, len(Substances))
		for i, s := range Substances {
			codes[i] = s.Code
		}
		p["substance"] = fmt.Sprintf("Unknown substance %q: choose one of %s.", f.Substance, strings.Join(codes, ", "))
	}
	var met []string
	seen := map[string]bool{}
	for _, id := range f.Met {
		switch _, ok := CriterionByID(id); {
		case !ok:
			met = append(met, fmt.Sprintf("Unknown criterion %q.", id))
		case seen[id]:
			met = append(met, fmt.Sprintf("Criterion %q is checked more than once.", id))
		}
		seen[id] = true
	}
	if len(met) > 0 {
		p["met"] = strings.Join(met, " ")
	}
	switch f.Remission {
	case NoRemission:
	case EarlyRemission, SustainedRemission:
		if f.Count() < 2 {
			p["remission"] = "A remission specifier needs the criteria that were met before remission."
		}
	default:
		p["remission"] = fmt.Sprintf("Unknown remission %q: leave it empty, or choose %q or %q.", f.Remission, EarlyRemission, SustainedRemission)
	}
	return p
}

// Count is the number of different known criteria met; unknown and
// repeated IDs do not count (Problems reports them).
func (f Finding) Count() int {
	seen := map[string]bool{}
	for _, id := range f.Met {
		if _, ok := CriterionByID(id); ok {
			seen[id] = true
		}
	}
	return len(seen)
}

// Severity is the severity the count gives.
func (f Finding) Severity() placement.Severity {
	return placement.SeverityOf(f.Count())
}

// SeverityLabel is a severity in plain words, with its criteria range.
func SeverityLabel(s placement.Severity) string {
	switch s {
	case placement.NoSUD:
		return "No substance use disorder (0-1 criteria)"
	case placement.Mild:
		return "Mild (2-3 criteria)"
	case placement.Moderate:
		return "Moderate (4-5 criteria)"
	case placement.Severe:
		return "Severe (6 or more criteria)"
	case placement.Unknown:
		return "Not assessed"
	}
	return string(s)
}

// Suggestion is a suggested ICD-10-CM code with what the clinician and the
// coder need to know about it.
type Suggestion struct {
	Code        string             `json:"code,omitempty"`
	Description string             `json:"description,omitempty"`
	Severity    placement.Severity `json:"severity"`
	// Incomplete marks a code that is only a category: the coder must add
	// characters this package cannot know (the tobacco product).
	Incomplete bool     `json:"incomplete,omitempty"`
	Notes      []string `json:"notes"`
}

// Notes that go with suggestions.
const (
	NoteNotDiagnosis = "A suggestion for the clinician and coder to confirm; it is not a diagnosis."
	NoteHierarchy    = "Code only the highest documented: use < abuse < dependence (ICD-10-CM guideline I.C.5.b.3)."
	NoteRemission    = "Remission codes need the provider's clinical judgement and documentation."
	NoteOtherCodes   = "Only the uncomplicated and in-remission codes are suggested: codes with intoxication, withdrawal or a substance-induced disorder are for the coder to choose from the documentation."
	NoteTobaccoCode  = "F17.2 is only the category: the full nicotine dependence code also names the tobacco product (and remission, if any), and is to be completed by the coder."
	NoteTobaccoMild  = "OpenIOP has no confirmed ICD-10-CM code for tobacco use disorder, mild: F17 holds only nicotine dependence. Some crosswalks give Z72.0 (tobacco use), which is not confirmed; the coder decides."
	NoteNoDisorder   = "Fewer than 2 criteria are met: this does not meet the threshold for a substance use disorder, so no code is suggested."
	NoteProblems     = "No code is suggested until the checklist's problems are fixed."
)

// Suggest suggests the ICD-10-CM code for a finding (clinical.md §6.1):
// mild gives F1x.10, moderate and severe F1x.20, with 1 as the 5th
// character in early or sustained remission. It returns false, with notes
// saying why, when there is no code to suggest.
func Suggest(f Finding) (Suggestion, bool) {
	if len(f.Problems()) > 0 {
		return Suggestion{Notes: []string{NoteProblems}}, false
	}
	sub, _ := SubstanceByCode(f.Substance)
	sev := f.Severity()
	s := Suggestion{Severity: sev, Notes: []string{NoteNotDiagnosis}}
	if sev == placement.NoSUD {
		s.Notes = append(s.Notes, NoteNoDisorder)
		return s, false
	}
	desc := sub.Disorder + ", " + string(sev)
	switch f.Remission {
	case EarlyRemission:
		desc += ", in early remission"
	case SustainedRemission:
		desc += ", in sustained remission"
	}
	if sub.Code == "tobacco" {
		if sev == placement.Mild {
			s.Description = desc
			s.Notes = append(s.Notes, NoteTobaccoMild)
			return s, false
		}
		s.Code, s.Incomplete = sub.ICDCategory+".2", true
		s.Description = desc + " (ICD-10-CM: " + sub.ICDName + " dependence)"
		s.Notes = append(s.Notes, NoteTobaccoCode)
		if f.Remission != NoRemission {
			s.Notes = append(s.Notes, NoteRemission)
		}
		s.Notes = append(s.Notes, NoteOtherCodes)
		return s, true
	}
	// ICD-10-CM names mild "abuse" (4th character 1) and moderate or severe
	// "dependence" (2); the 5th character is 0 uncomplicated, 1 in remission.
	fourth, title := "2", "dependence"
	if sev == placement.Mild {
		fourth, title = "1", "abuse"
	}
	fifth, status := "0", "uncomplicated"
	if f.Remission != NoRemission {
		fifth, status = "1", "in remission"
	}
	s.Code = sub.ICDCategory + "." + fourth + fifth
	s.Description = desc + " (ICD-10-CM: " + sub.ICDName + " " + title + ", " + status + ")"
	s.Notes = append(s.Notes, NoteHierarchy)
	if f.Remission != NoRemission {
		s.Notes = append(s.Notes, NoteRemission)
	}
	s.Notes = append(s.Notes, NoteOtherCodes)
	return s, true
}
