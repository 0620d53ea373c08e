// Package selfassess is the public "Is an IOP right for me?" self-assessment:
// the questions (with the validated screeners' exact items from
// internal/instrument), reading a person's answers from a form or JSON, the
// screeners' published scoring, and the recommendation from
// internal/placement's one rule set. It stores nothing and knows no HTTP.
package selfassess

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/placement"
)

// Option is one answer to a question.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Question is one question. Kind is "number" (a whole number from Min to
// Max), "one" (one of Options) or "many" (any of Options, possibly none).
type Question struct {
	Key      string   `json:"key"`
	Text     string   `json:"text"`
	Hint     string   `json:"hint,omitempty"`
	Kind     string   `json:"kind"`
	Options  []Option `json:"options,omitempty"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
	Optional bool     `json:"optional,omitempty"`
	// AskIf names the substance that makes the question apply ("alcohol",
	// "drugs" for any other, "opioids", "sedatives"); empty means always.
	AskIf string `json:"ask_if,omitempty"`
	// Instrument and Item name the validated screener item this question
	// is, scored by the screener's published rules.
	Instrument string `json:"instrument,omitempty"`
	Item       string `json:"item,omitempty"`
}

// Section groups questions under a heading.
type Section struct {
	Key       string     `json:"key"`
	Title     string     `json:"title"`
	Intro     string     `json:"intro,omitempty"`
	Questions []Question `json:"questions"`
}

var yesNo = []Option{{"yes", "Yes"}, {"no", "No"}}

// fromInstrument turns screener items into questions with their exact
// wording and answer options (the option's score is its value).
func fromInstrument(code, prefix, askIf string, items ...string) []Question {
	in := instrument.Get(code)
	var out []Question
	for _, it := range in.Items {
		if len(items) > 0 && !slices.Contains(items, it.ID) {
			continue
		}
		q := Question{Key: prefix + it.ID, Text: it.Text, Kind: "one", AskIf: askIf, Instrument: code, Item: it.ID}
		for _, o := range it.Options {
			q.Options = append(q.Options, Option{strconv.Itoa(o.Value), o.Label})
		}
		out = append(out, q)
	}
	return out
}

// Sections is the whole self-assessment, in the order it is asked. The
// questions about right now come first, so that an emergency is answered
// before anything else.
var Sections = buildSections()

func buildSections() []Section {
	mood := fromInstrument("phq-9", "phq_", "", "q1", "q2", "q9")
	mood = append(mood, fromInstrument("gad-7", "gad_", "", "q1", "q2")...)
	for i := range mood {
		mood[i].Hint = "Over the last 2 weeks, how often have you been bothered by this?"
	}
	return []Section{
		{Key: "now", Title: "First, right now", Intro: "If either is yes, call 911 now, or go to the nearest emergency room.",
			Questions: []Question{
				{Key: "medical_emergency_now", Kind: "one", Options: yesNo,
					Text: "Are you having a medical emergency right now, such as chest pain, trouble breathing, or signs of an overdose?"},
				{Key: "severe_withdrawal_now", Kind: "one", Options: yesNo,
					Text: "Right now, are you having a seizure, seeing or hearing things that are not there, or feeling very confused after stopping or cutting down?"},
			}},
		{Key: "about", Title: "About you", Questions: []Question{
			{Key: "age", Kind: "number", Min: 10, Max: 120, Text: "How old are you?"},
			{Key: "sex", Kind: "one", Optional: true, Options: []Option{{"female", "Female"}, {"male", "Male"}},
				Text: "Sex assigned at birth", Hint: "Optional. The alcohol questions are scored a little differently for women and men."},
		}},
		{Key: "use", Title: "Alcohol and drugs", Questions: []Question{
			{Key: "substances", Kind: "many", Text: "In the past 12 months, which have you used? Choose all that apply.",
				Hint: "Count medicines only if you took more than prescribed, or ones not prescribed to you.",
				Options: []Option{{"alcohol", "Alcohol"}, {"cannabis", "Cannabis (marijuana)"},
					{"opioids", "Opioids (heroin, fentanyl, pain pills)"}, {"stimulants", "Stimulants (cocaine, meth, ADHD pills)"},
					{"sedatives", "Sedatives (benzodiazepines such as Xanax, sleeping pills)"}, {"other", "Something else"}}},
			{Key: "frequency", Kind: "one", AskIf: "any", Text: "How often do you use the one you use most?",
				Options: []Option{{"less_than_monthly", "Less than once a month"}, {"monthly", "A few times a month"},
					{"weekly", "About once a week"}, {"several_weekly", "Several times a week"}, {"daily", "Every day or almost every day"}}},
		}},
		{Key: "alcohol", Title: "About drinking", Intro: "The AUDIT-C questions, a short, widely used alcohol screen.",
			Questions: fromInstrument("audit-c", "audit_c_", "alcohol")},
		{Key: "drugs", Title: "About drug use", Intro: "The DAST-10 questions, a short, widely used drug screen. Think of the past 12 months and not of alcohol.",
			Questions: fromInstrument("dast-10", "dast_", "drugs")},
		{Key: "mood", Title: "How you have been feeling", Intro: "Questions from the PHQ-9 and GAD-7, used by doctors everywhere.",
			Questions: mood},
		{Key: "body", Title: "Withdrawal and health", Questions: []Question{
			{Key: "withdrawal_history", Kind: "one", Options: yesNo, AskIf: "any",
				Text: "Have you ever had a seizure, or delirium (the DTs), when you stopped or cut down?"},
			{Key: "withdrawal_now", Kind: "one", Options: yesNo, AskIf: "any",
				Text: "When you go without, do you get shaky, sweaty, sick to your stomach, or very anxious?"},
			{Key: "daily_heavy_alcohol", Kind: "one", Options: yesNo, AskIf: "alcohol",
				Text: "Do you drink heavily every day or almost every day (4 or more drinks for women, 5 or more for men)?"},
			{Key: "daily_benzo", Kind: "one", Options: yesNo, AskIf: "sedatives",
				Text: "Do you take benzodiazepines or other sedatives every day?"},
			{Key: "daily_opioid", Kind: "one", Options: yesNo, AskIf: "opioids", Text: "Do you use opioids every day?"},
			{Key: "serious_medical", Kind: "one", Options: yesNo,
				Text: "Do you have a serious medical condition that needs regular care (for example heart, liver or lung disease, diabetes that is hard to control)?"},
			{Key: "pregnant", Kind: "one", Options: []Option{{"yes", "Yes"}, {"no", "No"}, {"not_applicable", "Does not apply to me"}},
				Text: "Are you pregnant?"},
		}},
		{Key: "home", Title: "Home and support", Questions: []Question{
			{Key: "stable_housing", Kind: "one", Options: yesNo, Text: "Do you have a stable place to live?"},
			{Key: "safe_home", Kind: "one", Options: yesNo, Text: "Do you feel safe where you live?"},
			{Key: "others_use_at_home", Kind: "one", Options: yesNo, Text: "Does anyone you live with drink heavily or use drugs?"},
			{Key: "supportive_person", Kind: "one", Options: yesNo, Text: "Is there someone in your life who supports you getting help?"},
		}},
		{Key: "life", Title: "Your week and your plans", Questions: []Question{
			{Key: "duties", Kind: "many", Text: "Which do you need to keep up with? Choose all that apply.",
				Options: []Option{{"work", "A job"}, {"school", "School"}, {"caregiving", "Caring for children or family"}}},
			{Key: "recent_treatment", Kind: "one", Text: "In the past 30 days, have you been in treatment?",
				Options: []Option{{"none", "No"}, {"residential", "Yes, a residential or inpatient program"},
					{"hospital", "Yes, a hospital stay or detox"}, {"outpatient", "Yes, outpatient counseling"}}},
			{Key: "readiness", Kind: "number", Min: 0, Max: 10,
				Text: "On a scale of 0 to 10, how ready are you to make a change?", Hint: "0 is not ready at all, 10 is completely ready."},
			{Key: "can_attend", Kind: "one", Options: []Option{{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}},
				Text: "Could you come to treatment about 9 hours a week (for example 3 hours, 3 days a week)?"},
			{Key: "times", Kind: "many", Optional: true, Text: "Which times could work for you?",
				Options: []Option{{"morning", "Mornings"}, {"afternoon", "Afternoons (after school)"}, {"evening", "Evenings"}, {"weekend", "Weekends"}}},
		}},
	}
}

// QuestionByKey returns the question with key k.
func QuestionByKey(k string) (Question, bool) {
	for _, s := range Sections {
		for _, q := range s.Questions {
			if q.Key == k {
				return q, true
			}
		}
	}
	return Question{}, false
}

// Answers are a person's answers by question key; a "many" question may
// have several values.
type Answers map[string][]string

// Get returns the single answer to key, or "".
func (a Answers) Get(key string) string {
	if v := a[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether key was answered with v.
func (a Answers) Has(key, v string) bool { return slices.Contains(a[key], v) }

// Scores are the screeners' totals; a screener not asked is absent.
type Scores map[string]int

// Result is a scored self-assessment.
type Result struct {
	Self           placement.Self
	Scores         Scores
	Recommendation placement.Recommendation
	Teen           bool
	Times          []string
}

// asks reports whether q applies given the substances chosen.
func asks(q Question, a Answers) bool {
	subs := a["substances"]
	switch q.AskIf {
	case "":
		return true
	case "any":
		return len(subs) > 0
	case "drugs":
		return slices.ContainsFunc(subs, func(s string) bool { return s != "alcohol" })
	default:
		return slices.Contains(subs, q.AskIf)
	}
}

// Asked reports whether the question with key applies to these answers,
// for forms that show every question.
func (a Answers) Asked(key string) bool {
	q, ok := QuestionByKey(key)
	return ok && asks(q, a)
}

// Problems checks the answers: every question that applies answered within
// its options or range, nothing unknown. The messages speak to the person.
func Problems(a Answers) map[string]string {
	p := map[string]string{}
	known := map[string]bool{}
	for _, s := range Sections {
		for _, q := range s.Questions {
			known[q.Key] = true
			vals := a[q.Key]
			if !asks(q, a) {
				continue
			}
			if q.Instrument == "audit-c" && q.Item != "q1" && a.Get("audit_c_q1") == "0" && len(vals) == 0 {
				continue // "Never" drinks: the other two questions do not apply
			}
			if len(vals) == 0 || (q.Kind != "many" && vals[0] == "") {
				if !q.Optional && q.Kind != "many" {
					p[q.Key] = "Please answer this question."
				}
				continue
			}
			switch q.Kind {
			case "number":
				n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
				if err != nil || n < q.Min || n > q.Max || len(vals) > 1 {
					p[q.Key] = fmt.Sprintf("Enter a whole number from %d to %d.", q.Min, q.Max)
				}
			case "one":
				if len(vals) > 1 || !hasOption(q, vals[0]) {
					p[q.Key] = "Choose one of the answers."
				}
			case "many":
				for _, v := range vals {
					if !hasOption(q, v) {
						p[q.Key] = fmt.Sprintf("%q is not one of the choices.", short(v))
					}
				}
			}
		}
	}
	for k := range a {
		if !known[k] {
			p[k] = fmt.Sprintf("There is no question %q.", short(k))
		}
	}
	return p
}

func hasOption(q Question, v string) bool {
	return slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v })
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}

// ProblemsError carries a message per question key.
type ProblemsError struct{ Problems map[string]string }

func (e *ProblemsError) Error() string {
	return fmt.Sprintf("the self-assessment answers are incomplete or invalid (%d problems)", len(e.Problems))
}

// Assess validates and scores the answers and asks the placement rules for
// a recommendation.
func Assess(a Answers) (Result, error) {
	if p := Problems(a); len(p) > 0 {
		return Result{}, &ProblemsError{p}
	}
	yes := func(k string) bool { return a.Get(k) == "yes" }
	num := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(a.Get(k))); return n }
	s := placement.Self{
		Age: num("age"), Substances: a["substances"], Frequency: a.Get("frequency"),
		WithdrawalHistory: yes("withdrawal_history"), WithdrawalNow: yes("withdrawal_now"),
		SevereWithdrawalNow: yes("severe_withdrawal_now"), DailyHeavyAlcohol: yes("daily_heavy_alcohol"),
		DailyBenzo: yes("daily_benzo"), DailyOpioid: yes("daily_opioid"), SeriousMedical: yes("serious_medical"),
		Pregnant: yes("pregnant"), MedicalEmergencyNow: yes("medical_emergency_now"),
		StableHousing: yes("stable_housing"), SafeHome: yes("safe_home"), OthersUseAtHome: yes("others_use_at_home"),
		SupportivePerson: yes("supportive_person"), Duties: a["duties"], RecentTreatment: a.Get("recent_treatment"),
		Readiness: num("readiness"), CanAttend: a.Get("can_attend"),
	}
	scores := Scores{}
	score := func(code, prefix string, sex instrument.Sex) (instrument.Result, error) {
		in := instrument.Get(code)
		answers := map[string]int{}
		for _, it := range in.Items {
			if v := a.Get(prefix + it.ID); v != "" {
				answers[it.ID], _ = strconv.Atoi(v) // Problems checked it is an option's value
			}
		}
		return in.Score(answers, sex)
	}
	if slices.Contains(s.Substances, "alcohol") {
		r, err := score("audit-c", "audit_c_", instrument.Sex(a.Get("sex")))
		if err != nil {
			return Result{}, err
		}
		s.HasAuditC, s.AuditC, scores["audit_c"] = true, r.Total, r.Total
		s.AuditCPositive = r.Band == "positive screen"
	}
	if slices.ContainsFunc(s.Substances, func(x string) bool { return x != "alcohol" }) {
		r, err := score("dast-10", "dast_", "")
		if err != nil {
			return Result{}, err
		}
		s.HasDAST, s.DAST, scores["dast_10"] = true, r.Total, r.Total
	}
	s.PHQ2 = num("phq_q1") + num("phq_q2")
	s.PHQ9Item9 = num("phq_q9")
	s.GAD2 = num("gad_q1") + num("gad_q2")
	scores["phq_2"], scores["phq_9_item_9"], scores["gad_2"] = s.PHQ2, s.PHQ9Item9, s.GAD2
	rec, err := placement.RecommendSelf(s)
	if err != nil {
		return Result{}, err
	}
	return Result{Self: s, Scores: scores, Recommendation: rec, Teen: s.Age >= 13 && s.Age < 18, Times: a["times"]}, nil
}

// Summary is a result as the API returns it and as it is kept with an
// inquiry.
type Summary struct {
	ID      string             `json:"id,omitempty"`
	Level   placement.Level    `json:"level"`
	Label   string             `json:"label"`
	Crisis  bool               `json:"crisis"`
	Reasons []placement.Reason `json:"reasons"`
	Notes   []string           `json:"notes"`
	Scores  Scores             `json:"scores"`
}

// Summarize is the result's summary.
func (r Result) Summarize(id string) Summary {
	return Summary{ID: id, Level: r.Recommendation.Level, Label: r.Recommendation.Level.Label(),
		Crisis: r.Recommendation.Crisis, Reasons: r.Recommendation.Reasons, Notes: r.Recommendation.Notes, Scores: r.Scores}
}

// AnswersFromJSON reads the API's answers object: each value a number, a
// string, or an array of them. A value of another shape is a problem.
func AnswersFromJSON(m map[string]json.RawMessage) (Answers, map[string]string) {
	a, p := Answers{}, map[string]string{}
	for k, raw := range m {
		var one any
		if err := json.Unmarshal(raw, &one); err != nil {
			p[k] = "This answer could not be read."
			continue
		}
		scalar := func(v any) (string, bool) {
			switch x := v.(type) {
			case string:
				return x, true
			case float64:
				if x != float64(int64(x)) {
					return "", false
				}
				return strconv.FormatInt(int64(x), 10), true
			case bool:
				if x {
					return "yes", true
				}
				return "no", true
			}
			return "", false
		}
		switch v := one.(type) {
		case []any:
			if len(v) > 12 {
				p[k] = "Too many values."
				continue
			}
			vals := []string{}
			for _, e := range v {
				s, ok := scalar(e)
				if !ok {
					p[k] = "Each value in the list must be a string or a whole number."
					break
				}
				vals = append(vals, s)
			}
			a[k] = vals
		default:
			s, ok := scalar(v)
			if !ok {
				p[k] = "Give a string, a whole number, true/false or a list."
				continue
			}
			a[k] = []string{s}
		}
	}
	return a, p
}
