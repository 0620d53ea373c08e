package placement

import (
	"fmt"
	"slices"
	"strings"
)

// SelfRule is one condition that sets a dimension's rating in the public
// self-assessment, in plain words. A dimension's rating is the highest
// Rating among its rules that hold, and its evidence is what the person said
// that made those rules hold. docs/placement.md lists the same rules; a test
// keeps the two in step.
type SelfRule struct {
	Dimension Dimension
	Rating    int
	When      string
}

// selfRule pairs the documented condition with the code that tests it, so
// the documentation cannot drift from what FromSelf does.
type selfRule struct {
	SelfRule
	holds    func(Self) bool
	evidence func(Self) []string
}

// SelfRules is every condition FromSelf uses, most demanding first within
// each dimension. "Light use" is defined by lightUse and in the doc.
var SelfRules = exportSelfRules()

func exportSelfRules() []SelfRule {
	out := make([]SelfRule, len(selfRules))
	for i, r := range selfRules {
		out[i] = r.SelfRule
	}
	return out
}

var selfRules = []selfRule{
	// Dimension 1. Alcohol and sedative withdrawal can cause seizures and
	// delirium; opioid withdrawal is rarely dangerous in itself (clinical.md §2.4).
	{SelfRule{1, 3, "Drinks heavily or takes sedatives every day, and has had seizures or delirium (DTs) when stopping before."},
		func(s Self) bool { return dailySedating(s) && s.WithdrawalHistory },
		func(s Self) []string {
			return []string{"You " + dailyUse(s, false) + " and have had seizures or DTs when stopping before."}
		}},
	{SelfRule{1, 3, "Drinks heavily or takes sedatives every day, and gets withdrawal symptoms (shaking, sweating, nausea, strong anxiety) when going without."},
		func(s Self) bool { return dailySedating(s) && s.WithdrawalNow },
		func(s Self) []string {
			return []string{"You " + dailyUse(s, false) + " and get shaky, sweaty, sick to your stomach or very anxious when you go without."}
		}},
	{SelfRule{1, 2, "Drinks heavily, takes sedatives or uses opioids every day."},
		func(s Self) bool { return dailySedating(s) || s.DailyOpioid },
		func(s Self) []string { return []string{"You " + dailyUse(s, true) + "."} }},
	{SelfRule{1, 2, "Gets withdrawal symptoms (shaking, sweating, nausea, strong anxiety) when going without."},
		func(s Self) bool { return s.WithdrawalNow },
		func(Self) []string {
			return []string{"You get shaky, sweaty, sick to your stomach or very anxious when you go without."}
		}},
	// Not in the first mapping: a past seizure or DTs makes the next
	// withdrawal more likely to be severe, so it counts while use goes on.
	{SelfRule{1, 2, "Has had seizures or DTs when stopping before, and still uses about once a week or more."},
		func(s Self) bool { return s.WithdrawalHistory && freq(s) >= freqWeekly },
		func(s Self) []string {
			return []string{"You have had seizures or DTs when stopping before, and you still use " + freqWords(s.Frequency) + "."}
		}},
	{SelfRule{1, 1, "Uses several times a week or every day."},
		func(s Self) bool { return freq(s) >= freqSeveralWeekly },
		func(s Self) []string { return []string{"You use " + freqWords(s.Frequency) + "."} }},

	// Dimension 2. Stopping alcohol or sedatives suddenly in pregnancy
	// needs medical care around the clock; for opioids the usual care is
	// medicine (buprenorphine or methadone), which does not need it, so
	// daily opioid use in pregnancy rates 2 (see docs/placement.md).
	{SelfRule{2, 3, "Is pregnant and drinks heavily or takes sedatives every day."},
		func(s Self) bool { return s.Pregnant && dailySedating(s) },
		func(s Self) []string { return []string{"You are pregnant and " + dailyUse(s, false) + "."} }},
	{SelfRule{2, 2, "Is pregnant, and use is more than light."},
		func(s Self) bool { return s.Pregnant && !lightUse(s) },
		func(s Self) []string { return []string{pregnantWords(s)} }},
	{SelfRule{2, 2, "Has a serious medical condition that needs regular care, and use is more than light."},
		func(s Self) bool { return s.SeriousMedical && !lightUse(s) },
		func(Self) []string { return []string{"You have a serious medical condition that needs regular care."} }},
	{SelfRule{2, 1, "Is pregnant or has a serious medical condition that needs regular care."},
		func(s Self) bool { return s.Pregnant || s.SeriousMedical },
		func(s Self) []string {
			var e []string
			if s.Pregnant {
				e = append(e, "You are pregnant.")
			}
			if s.SeriousMedical {
				e = append(e, "You have a serious medical condition that needs regular care.")
			}
			return e
		}},

	// Dimension 3. The screeners only say a closer look is needed; a
	// positive screen alone never rates 3 or more.
	{SelfRule{3, 2, "The mood questions (PHQ-2) score 3 or more (a positive screen), and use is more than light."},
		func(s Self) bool { return s.PHQ2 >= 3 && !lightUse(s) },
		func(s Self) []string { return []string{moodWords(s.PHQ2)} }},
	{SelfRule{3, 2, "The worry questions (GAD-2) score 3 or more (a positive screen), and use is more than light."},
		func(s Self) bool { return s.GAD2 >= 3 && !lightUse(s) },
		func(s Self) []string { return []string{worryWords(s.GAD2)} }},
	{SelfRule{3, 1, "The mood or worry questions (PHQ-2 or GAD-2) score 1 or more."},
		func(s Self) bool { return s.PHQ2 > 0 || s.GAD2 > 0 },
		func(s Self) []string {
			var e []string
			if s.PHQ2 > 0 {
				e = append(e, moodWords(s.PHQ2))
			}
			if s.GAD2 > 0 {
				e = append(e, worryWords(s.GAD2))
			}
			return e
		}},

	// Dimension 4.
	{SelfRule{4, 2, "Readiness to change is 0 to 3 out of 10, and use is more than light."},
		func(s Self) bool { return s.Readiness <= 3 && !lightUse(s) },
		readinessWords},
	{SelfRule{4, 1, "Readiness to change is 6 or less out of 10."},
		func(s Self) bool { return s.Readiness <= 6 },
		readinessWords},

	// Dimension 5. DAST-10 bands: 3-5 moderate, 6-8 substantial, 9-10 severe.
	{SelfRule{5, 3, "The drug questions (DAST-10) score 9 or 10 (severe)."},
		func(s Self) bool { return s.HasDAST && s.DAST >= 9 },
		func(s Self) []string { return []string{dastWords(s.DAST)} }},
	{SelfRule{5, 3, "The drinking questions (AUDIT-C) score 10 or more of 12."},
		func(s Self) bool { return s.HasAuditC && s.AuditC >= 10 },
		func(s Self) []string { return []string{auditWords(s)} }},
	{SelfRule{5, 3, "Was in residential or hospital treatment in the past 30 days and uses every day again."},
		func(s Self) bool { return afterHigherCare(s) && freq(s) == freqDaily },
		func(s Self) []string {
			return []string{"You were in " + treatmentWords(s.RecentTreatment) + " in the past 30 days and are using every day or almost every day again."}
		}},
	{SelfRule{5, 2, "The drug questions (DAST-10) score 6 to 8 (substantial)."},
		func(s Self) bool { return s.HasDAST && s.DAST >= 6 && s.DAST <= 8 },
		func(s Self) []string { return []string{dastWords(s.DAST)} }},
	{SelfRule{5, 2, "The drinking questions (AUDIT-C) score 7 to 9."},
		func(s Self) bool { return s.HasAuditC && s.AuditC >= 7 && s.AuditC <= 9 },
		func(s Self) []string { return []string{auditWords(s)} }},
	{SelfRule{5, 2, "Uses every day or almost every day."},
		func(s Self) bool { return freq(s) == freqDaily },
		func(s Self) []string { return []string{"You use " + freqWords(s.Frequency) + "."} }},
	// Step-down: keep structured support right after 24-hour care.
	{SelfRule{5, 2, "Was in residential or hospital treatment in the past 30 days."},
		func(s Self) bool { return afterHigherCare(s) },
		func(s Self) []string {
			return []string{"You were in " + treatmentWords(s.RecentTreatment) + " in the past 30 days."}
		}},
	{SelfRule{5, 2, "The drug questions (DAST-10) score 3 to 5, or the drinking questions (AUDIT-C) are a positive screen, and use is about once a week or several times a week."},
		func(s Self) bool {
			f := freq(s)
			return (f == freqWeekly || f == freqSeveralWeekly) && (dastModerate(s) || auditPositive(s))
		},
		func(s Self) []string {
			var e []string
			if dastModerate(s) {
				e = append(e, dastWords(s.DAST))
			}
			if auditPositive(s) {
				e = append(e, auditWords(s))
			}
			return append(e, "You use "+freqWords(s.Frequency)+".")
		}},
	// With light use this rates 0, so that early intervention, not
	// outpatient treatment, is the answer (as the diagnosis proxy intends).
	{SelfRule{5, 1, "The drinking questions (AUDIT-C) are a positive screen, the drug questions (DAST-10) score 1 or more, or use is a few times a month or more; and use is more than light."},
		func(s Self) bool {
			return (auditPositive(s) || (s.HasDAST && s.DAST >= 1) || freq(s) >= freqMonthly) && !lightUse(s)
		},
		func(s Self) []string {
			var e []string
			if auditPositive(s) {
				e = append(e, auditWords(s))
			}
			if s.HasDAST && s.DAST >= 1 {
				e = append(e, dastWords(s.DAST))
			}
			if freq(s) >= freqMonthly {
				e = append(e, "You use "+freqWords(s.Frequency)+".")
			}
			return e
		}},

	// Dimension 6.
	{SelfRule{6, 3, "Has no stable place to live, and use is more than light."},
		func(s Self) bool { return !s.StableHousing && !lightUse(s) },
		func(Self) []string { return []string{noHousing} }},
	{SelfRule{6, 3, "Does not feel safe where they live, and use is more than light."},
		func(s Self) bool { return !s.SafeHome && !lightUse(s) },
		func(Self) []string { return []string{unsafeHome} }},
	{SelfRule{6, 2, "Lives with someone who drinks heavily or uses drugs, and use is more than light."},
		func(s Self) bool { return s.OthersUseAtHome && !lightUse(s) },
		func(Self) []string { return []string{othersUse} }},
	{SelfRule{6, 2, "Has no one who supports them getting help, and use is more than light."},
		func(s Self) bool { return !s.SupportivePerson && !lightUse(s) },
		func(Self) []string { return []string{noSupport} }},
	{SelfRule{6, 1, "Has no stable or safe place to live, lives with someone who drinks heavily or uses drugs, or has no one who supports them getting help."},
		func(s Self) bool { return !s.StableHousing || !s.SafeHome || s.OthersUseAtHome || !s.SupportivePerson },
		func(s Self) []string {
			var e []string
			for _, c := range []struct {
				on   bool
				text string
			}{{!s.StableHousing, noHousing}, {!s.SafeHome, unsafeHome}, {s.OthersUseAtHome, othersUse}, {!s.SupportivePerson, noSupport}} {
				if c.on {
					e = append(e, c.text)
				}
			}
			return e
		}},
}

const (
	noHousing  = "You said you do not have a stable place to live."
	unsafeHome = "You said you do not feel safe where you live."
	othersUse  = "You said someone you live with drinks heavily or uses drugs."
	noSupport  = "You said there is no one in your life who supports you getting help."
)

// The crisis findings, in the order they are shown.
const (
	crisisSelfHarm   = "You said you have had thoughts that you would be better off dead or of hurting yourself."
	crisisMedical    = "You said you are having a medical emergency right now, such as chest pain, trouble breathing or signs of an overdose."
	crisisWithdrawal = "You said that right now you are having a seizure, seeing or hearing things that are not there, or feeling very confused: this can be dangerous withdrawal."
)

// FromSelf turns self-assessment answers into the engine's input: a 0-4 rating per dimension with
// plain-language evidence written to the person ("You said ..."), crisis findings, and a diagnosis proxy.
func FromSelf(s Self) Input {
	var in Input
	if s.PHQ9Item9 > 0 {
		in.Crisis = append(in.Crisis, crisisSelfHarm)
	}
	if s.MedicalEmergencyNow {
		in.Crisis = append(in.Crisis, crisisMedical)
	}
	if s.SevereWithdrawalNow {
		in.Crisis = append(in.Crisis, crisisWithdrawal)
	}
	for _, r := range selfRules {
		if r.holds(s) && r.Rating > in.Ratings[r.Dimension] {
			in.Ratings[r.Dimension] = r.Rating
		}
	}
	// Evidence comes only from the rules at the rating given, so every
	// sentence shown explains that rating.
	for _, r := range selfRules {
		if in.Ratings[r.Dimension] == r.Rating && r.holds(s) {
			for _, e := range r.evidence(s) {
				if !slices.Contains(in.Evidence[r.Dimension], e) {
					in.Evidence[r.Dimension] = append(in.Evidence[r.Dimension], e)
				}
			}
		}
	}
	// Only a diagnosis can say there is a disorder, so the self-assessment
	// says "none" only for light use, and otherwise leaves it unknown.
	if lightUse(s) {
		in.Diagnosis = NoSUD
	}
	return in
}

// unknownDiagnosisNote starts Recommend's note for a clinician who recorded
// no diagnosis; the self-assessment already decides that with lightUse.
const unknownDiagnosisNote = "No diagnosis was recorded"

// RecommendSelf is Recommend(FromSelf(s)) plus notes for the person (adolescent programs, the 9-hour
// attendance question, pregnancy, step-down), never changing the level the rules give.
func RecommendSelf(s Self) (Recommendation, error) {
	rec, err := Recommend(FromSelf(s))
	if err != nil {
		return rec, err
	}
	rec.Notes = slices.DeleteFunc(rec.Notes, func(n string) bool { return strings.HasPrefix(n, unknownDiagnosisNote) })
	switch {
	case s.Age >= 13 && s.Age <= 17:
		rec.Notes = append(rec.Notes, "Teens are seen in the adolescent program: about 6 hours a week, after school, with family sessions.")
	case s.Age > 0 && s.Age < 13:
		rec.Notes = append(rec.Notes, "The center's programs serve people aged 13 and up. Please talk with a parent or another adult you trust, "+
			"and with a pediatrician or school counselor, who can help you find the right care.")
	}
	if rec.Level == IntensiveOutpatient && (s.CanAttend == "no" || s.CanAttend == "unsure") {
		said := "You said you cannot come"
		if s.CanAttend == "unsure" {
			said = "You are not sure you can come"
		}
		rec.Notes = append(rec.Notes, said+" about 9 hours a week. An intensive outpatient program usually means about 9 hours a week "+
			"(about 6 for teens), for example 3 hours on 3 days. Talk it through with the center: an evening or weekend schedule, "+
			"or outpatient counseling, may be possible.")
	}
	if s.Pregnant {
		rec.Notes = append(rec.Notes, "Because you are pregnant, please tell the center and your prenatal care provider about your use, "+
			"so they can care for you and the pregnancy together. Do not stop alcohol, sedatives (such as benzodiazepines) or opioids "+
			"suddenly on your own: stopping some substances suddenly can be dangerous in pregnancy. For opioids, treatment with "+
			"medicine (buprenorphine or methadone) is the usual care in pregnancy.")
	}
	if afterHigherCare(s) && !rec.Crisis {
		rec.Notes = append(rec.Notes, "Stepping down from "+treatmentWords(s.RecentTreatment)+" into an IOP (or day treatment) is common: it keeps "+
			"structured support while you return to daily life. Tell the center about your recent treatment so your care can continue.")
	}
	if s.PHQ2 >= 3 || s.GAD2 >= 3 {
		rec.Notes = append(rec.Notes, "Your answers about mood or worry suggest talking with a doctor or mental health professional "+
			"about how you have been feeling. The center can help with this too.")
	}
	if !s.StableHousing || !s.SafeHome {
		rec.Notes = append(rec.Notes, "If you do not have a stable or safe place to live, tell the center: staff can help you look for "+
			"safe housing, such as a recovery residence, alongside treatment. If you are in danger right now, call 911.")
	}
	return rec, nil
}

// SelfProblems validates a Self (age 10-120, readiness 0-10, codes among SelfSubstances/SelfFrequencies/
// SelfTreatments, CanAttend yes/no/unsure, scores in range) returning a message per field key
// (use keys: "age", "substances", "frequency", "readiness", "recent_treatment", "can_attend", ...).
func SelfProblems(s Self) map[string]string {
	p := map[string]string{}
	if s.Age < 10 || s.Age > 120 {
		p["age"] = "Enter an age from 10 to 120."
	}
	for _, v := range s.Substances {
		if !slices.Contains(SelfSubstances, v) {
			p["substances"] = fmt.Sprintf("%q is not one of the choices.", v)
		}
	}
	switch {
	case s.Frequency != "" && !slices.Contains(SelfFrequencies, s.Frequency):
		p["frequency"] = fmt.Sprintf("%q is not one of the choices.", s.Frequency)
	case s.Frequency == "" && len(s.Substances) > 0:
		// Unanswered would read as "no use" and understate the need.
		p["frequency"] = "Please say how often you use."
	case s.Frequency != "" && len(s.Substances) == 0:
		p["frequency"] = "How often applies only when a substance is chosen."
	}
	for _, v := range s.Duties {
		if !slices.Contains([]string{"work", "school", "caregiving"}, v) {
			p["duties"] = fmt.Sprintf("%q is not one of the choices.", v)
		}
	}
	if !slices.Contains(SelfTreatments, s.RecentTreatment) {
		p["recent_treatment"] = "Choose one of the answers about treatment in the past 30 days."
	}
	if s.Readiness < 0 || s.Readiness > 10 {
		p["readiness"] = "Enter a whole number from 0 to 10."
	}
	if !slices.Contains([]string{"yes", "no", "unsure"}, s.CanAttend) {
		p["can_attend"] = "Choose yes, no or not sure."
	}
	score := func(key string, v, max int, name string) {
		if v < 0 || v > max {
			p[key] = fmt.Sprintf("The %s score must be from 0 to %d, not %d.", name, max, v)
		}
	}
	score("audit_c", s.AuditC, 12, "AUDIT-C")
	score("dast_10", s.DAST, 10, "DAST-10")
	score("phq_2", s.PHQ2, 6, "PHQ-2")
	score("phq_9_item_9", s.PHQ9Item9, 3, "PHQ-9 question 9")
	score("gad_2", s.GAD2, 6, "GAD-2")
	// A score without its screen, or a positive flag that contradicts the
	// published cut-offs (3+ women, 4+ men), means the scoring went wrong.
	if p["audit_c"] == "" {
		switch {
		case !s.HasAuditC && (s.AuditC != 0 || s.AuditCPositive):
			p["audit_c"] = "An AUDIT-C result was given, but the drinking questions were not asked."
		case s.AuditC >= 4 && !s.AuditCPositive:
			p["audit_c"] = "An AUDIT-C of 4 or more is a positive screen for everyone."
		case s.AuditCPositive && s.AuditC < 3:
			p["audit_c"] = "An AUDIT-C below 3 is not a positive screen."
		}
	}
	if p["dast_10"] == "" && !s.HasDAST && s.DAST != 0 {
		p["dast_10"] = "A DAST-10 score was given, but the drug questions were not asked."
	}
	return p
}

// Frequencies in order; an unknown code counts as no use (SelfProblems
// reports it).
const (
	freqNone = iota
	freqLessThanMonthly
	freqMonthly
	freqWeekly
	freqSeveralWeekly
	freqDaily
)

func freq(s Self) int { return slices.Index(SelfFrequencies, s.Frequency) + 1 }

func freqWords(f string) string {
	switch f {
	case "less_than_monthly":
		return "less than once a month"
	case "monthly":
		return "a few times a month"
	case "weekly":
		return "about once a week"
	case "several_weekly":
		return "several times a week"
	case "daily":
		return "every day or almost every day"
	}
	return "sometimes"
}

func dailySedating(s Self) bool { return s.DailyHeavyAlcohol || s.DailyBenzo }

// auditPositive: the caller's sex-specific result, and 4 or more is
// positive whatever the sex.
func auditPositive(s Self) bool { return s.HasAuditC && (s.AuditCPositive || s.AuditC >= 4) }

func dastModerate(s Self) bool { return s.HasDAST && s.DAST >= 3 && s.DAST <= 5 }

func afterHigherCare(s Self) bool {
	return s.RecentTreatment == "residential" || s.RecentTreatment == "hospital"
}

// lightUse is the self-assessment's stand-in for "no substance use
// disorder": every screen asked is negative, use is a few times a month or
// less, and nothing else points to a disorder (daily use, withdrawal now or
// before, treatment in the past 30 days). With light use, the answers about
// health, mood, readiness and home rate at most 1: they matter, but do not
// by themselves call for addiction treatment, and early intervention fits.
func lightUse(s Self) bool {
	return !auditPositive(s) && !(s.HasDAST && s.DAST >= 3) && freq(s) <= freqMonthly &&
		!s.DailyHeavyAlcohol && !s.DailyBenzo && !s.DailyOpioid && !s.WithdrawalNow && !s.WithdrawalHistory &&
		(s.RecentTreatment == "" || s.RecentTreatment == "none")
}

// dailyUse says which daily use the person reported, e.g. "drink heavily
// every day".
func dailyUse(s Self, opioids bool) string {
	var what []string
	if s.DailyHeavyAlcohol {
		what = append(what, "drink heavily")
	}
	if s.DailyBenzo {
		what = append(what, "take sedatives such as benzodiazepines")
	}
	if opioids && s.DailyOpioid {
		what = append(what, "use opioids")
	}
	return joinAnd(what) + " every day"
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func pregnantWords(s Self) string {
	if s.DailyOpioid {
		return "You are pregnant and use opioids every day."
	}
	return "You are pregnant."
}

func moodWords(n int) string {
	how := "at times"
	if n >= 3 {
		how = "often"
	}
	return fmt.Sprintf("You said you have %s felt down or had little interest in things over the last 2 weeks (mood questions: %d of 6; 3 or more is a positive screen).", how, n)
}

func worryWords(n int) string {
	how := "at times"
	if n >= 3 {
		how = "often"
	}
	return fmt.Sprintf("You said you have %s felt nervous or unable to stop worrying over the last 2 weeks (worry questions: %d of 6; 3 or more is a positive screen).", how, n)
}

func readinessWords(s Self) []string {
	return []string{fmt.Sprintf("You rated how ready you are to make a change at %d out of 10.", s.Readiness)}
}

func dastWords(n int) string {
	band := "low"
	switch {
	case n >= 9:
		band = "severe"
	case n >= 6:
		band = "substantial"
	case n >= 3:
		band = "moderate"
	}
	return fmt.Sprintf("Your answers to the drug questions (DAST-10) score %d of 10, in the %s range.", n, band)
}

func auditWords(s Self) string {
	if auditPositive(s) {
		return fmt.Sprintf("Your answers to the drinking questions (AUDIT-C) score %d of 12, a positive screen.", s.AuditC)
	}
	return fmt.Sprintf("Your answers to the drinking questions (AUDIT-C) score %d of 12.", s.AuditC)
}

func treatmentWords(t string) string {
	if t == "hospital" {
		return "a hospital stay or detox"
	}
	return "a residential or inpatient program"
}
