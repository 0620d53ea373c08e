package intensity

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// Substances are the classes a screen panel reports, with the LOINC code of
// the urine screen where shared/reference/clinical.md §6.3 confirms one.
var Substances = []struct {
	Code, Label, LOINC string
}{
	{"alcohol", "Alcohol (EtG or breath)", ""}, {"amphetamines", "Amphetamines", "3349-8"}, {"barbiturates", "Barbiturates", "3372-0"},
	{"benzodiazepines", "Benzodiazepines", "3390-2"}, {"buprenorphine", "Buprenorphine", "38373-7"}, {"cannabinoids", "Cannabinoids (THC)", "26747-6"},
	{"cocaine", "Cocaine", "3394-4"}, {"fentanyl", "Fentanyl", "74372-4"}, {"methadone", "Methadone", "41466-4"}, {"opiates", "Opiates", "8220-6"},
	{"oxycodone", "Oxycodone", "89302-4"}, {"pcp", "PCP", "3937-0"},
}

// SubstanceLabel names a substance code.
func SubstanceLabel(code string) string {
	for _, s := range Substances {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// Results a panel line can have. Refused and missed apply to the whole
// screen.
const (
	Negative = "negative"
	Positive = "positive"
	Invalid  = "invalid"
)

// Screen is one drug or alcohol screen: a specimen collected (or refused or
// missed), the result per substance, the lab's confirmation and the
// clinician's response.
type Screen struct {
	ID           string
	ClientID     string
	Date         model.Date
	Specimen     string // urine, saliva, breath
	Observed     bool
	Outcome      string            // collected, refused, missed
	Results      map[string]string // substance code -> negative, positive, invalid
	Prescribed   string            // positives explained by a prescription, e.g. "buprenorphine (MOUD)"
	Confirmation string            // lab confirmation, e.g. "LC-MS/MS pending" or "confirmed positive"
	Response     string            // what the clinician did
	ByName       string
}

// Problems checks a screen.
func (s Screen) Problems(today model.Date) map[string]string {
	p := map[string]string{}
	switch {
	case s.Date.IsZero():
		p["date"] = "Enter the date."
	case s.Date.After(today):
		p["date"] = "The date cannot be in the future."
	}
	switch s.Outcome {
	case "collected":
		if s.Specimen != "urine" && s.Specimen != "saliva" && s.Specimen != "breath" {
			p["specimen"] = "Choose urine, saliva or breath."
		}
		if len(s.Results) == 0 {
			p["results"] = "Record a result for at least one substance."
		}
		for code, r := range s.Results {
			if SubstanceLabel(code) == code {
				p["results"] = fmt.Sprintf("%q is not a substance on the panel.", code)
			} else if r != Negative && r != Positive && r != Invalid {
				p["results"] = "Each result is negative, positive or invalid."
			}
		}
	case "refused", "missed":
		if len(s.Results) > 0 {
			p["results"] = "A refused or missed screen has no results."
		}
	default:
		p["outcome"] = "Choose collected, refused or missed."
	}
	for k, v := range map[string]string{"prescribed": s.Prescribed, "confirmation": s.Confirmation, "response": s.Response} {
		if utf8.RuneCountInString(v) > 1000 {
			p[k] = "Keep this under 1000 characters."
		}
	}
	return p
}

// Positives lists the substances that screened positive.
func (s Screen) Positives() []string {
	var out []string
	for _, sub := range Substances {
		if s.Results[sub.Code] == Positive {
			out = append(out, sub.Label)
		}
	}
	return out
}

// Summary is the screen in a few words, e.g. "Positive: Cannabinoids (THC)".
func (s Screen) Summary() string {
	switch s.Outcome {
	case "refused":
		return "Refused"
	case "missed":
		return "Missed"
	}
	if pos := s.Positives(); len(pos) > 0 {
		return "Positive: " + strings.Join(pos, ", ")
	}
	for _, r := range s.Results {
		if r == Invalid {
			return "Invalid specimen"
		}
	}
	return "Negative"
}

// Concern reports whether the screen needs the counselor's attention: a
// positive not explained by a prescription, or a refused or missed screen.
func (s Screen) Concern() bool {
	return s.Outcome != "collected" || (len(s.Positives()) > 0 && strings.TrimSpace(s.Prescribed) == "")
}

// ScreenAlert is the alert for a screen of concern.
func ScreenAlert(s Screen) (Alert, bool) {
	if !s.Concern() {
		return Alert{}, false
	}
	return Alert{ClientID: s.ClientID, Kind: "screen", Key: s.ID,
		Message: fmt.Sprintf("Drug screen on %s: %s.", s.Date.Format("Mon Jan 2"), s.Summary())}, true
}
