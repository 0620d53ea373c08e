package instrument

import "strconv"

// AUDIT: Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The
// Alcohol Use Disorders Identification Test. Guidelines for Use in Primary
// Care. 2nd ed. Geneva: World Health Organization; 2001 (WHO/MSD/MSB/01.6a).
// Item wording, answer scores, skip instructions and risk zones are the
// manual's. Its licence allows free reproduction "but not for sale or for use
// in conjunction with commercial purposes" (clinical.md §3.1): a commercial
// deployment needs WHO's permission, or the center switches it off.

const auditLicence = "© World Health Organization 2001. May be freely reproduced and translated for non-commercial purposes; " +
	"not for sale or for use in conjunction with commercial purposes without WHO's permission."

const auditCitation = "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use Disorders Identification Test. " +
	"Guidelines for Use in Primary Care. 2nd ed. Geneva: World Health Organization; 2001. WHO/MSD/MSB/01.6a."

var (
	auditFrequencyLastYear = []Option{
		{0, "Never", ""}, {1, "Less than monthly", ""}, {2, "Monthly", ""}, {3, "Weekly", ""}, {4, "Daily or almost daily", ""},
	}
	auditYesNo = []Option{{0, "No", ""}, {2, "Yes, but not in the last year", ""}, {4, "Yes, during the last year", ""}}

	auditItems = []Item{
		{ID: "q1", Text: "How often do you have a drink containing alcohol?", Options: []Option{
			{0, "Never", ""}, {1, "Monthly or less", ""}, {2, "2 to 4 times a month", ""}, {3, "2 to 3 times a week", ""}, {4, "4 or more times a week", ""}}},
		{ID: "q2", Text: "How many drinks containing alcohol do you have on a typical day when you are drinking?", Options: []Option{
			{0, "1 or 2", ""}, {1, "3 or 4", ""}, {2, "5 or 6", ""}, {3, "7, 8, or 9", ""}, {4, "10 or more", ""}}},
		{ID: "q3", Text: "How often do you have six or more drinks on one occasion?", Options: auditFrequencyLastYear},
		{ID: "q4", Text: "How often during the last year have you found that you were not able to stop drinking once you had started?", Options: auditFrequencyLastYear},
		{ID: "q5", Text: "How often during the last year have you failed to do what was normally expected from you because of drinking?", Options: auditFrequencyLastYear},
		{ID: "q6", Text: "How often during the last year have you needed a first drink in the morning to get yourself going after a heavy drinking session?", Options: auditFrequencyLastYear},
		{ID: "q7", Text: "How often during the last year have you had a feeling of guilt or remorse after drinking?", Options: auditFrequencyLastYear},
		{ID: "q8", Text: "How often during the last year have you been unable to remember what happened the night before because you had been drinking?", Options: auditFrequencyLastYear},
		{ID: "q9", Text: "Have you or someone else been injured as a result of your drinking?", Options: auditYesNo},
		{ID: "q10", Text: "Has a relative or friend or a doctor or another health worker been concerned about your drinking or suggested you cut down?", Options: auditYesNo},
	}
)

// auditSkips follows the manual's skip instructions: "Never" on question 1
// goes to questions 9 and 10, and so does a total of 0 on questions 2 and 3.
// The skipped questions score 0.
func auditSkips(a map[string]int) map[string]bool {
	skip := map[string]bool{}
	from := 0
	switch q1, ok := a["q1"]; {
	case ok && q1 == 0:
		from = 2
	default:
		q2, ok2 := a["q2"]
		q3, ok3 := a["q3"]
		if ok2 && ok3 && q2+q3 == 0 {
			from = 4
		}
	}
	if from > 0 {
		for i := from; i <= 8; i++ {
			skip["q"+strconv.Itoa(i)] = true
		}
	}
	return skip
}

var audit = &Instrument{
	Code:  "audit",
	Title: "AUDIT (Alcohol Use Disorders Identification Test)",
	Instructions: "These questions are about your use of alcoholic beverages during the past year. " +
		"A drink means one standard drink (for example a can of beer, a glass of wine or a shot of spirits).",
	Items: auditItems,
	// WHO manual, Table 3 (risk levels): Zone I 0-7, Zone II 8-15,
	// Zone III 16-19, Zone IV 20-40.
	Bands: []Band{
		{0, 7, "zone I: low risk"}, {8, 15, "zone II: hazardous use"}, {16, 19, "zone III: harmful use"},
		{20, 40, "zone IV: possible dependence"},
	},
	ScoringNote: "Sum of all 10 questions (0 to 40); questions skipped by the form's instructions score 0. " +
		"Dependence subscale (questions 4 to 6) of 4 or more: assess for dependence. Any points on questions 7 to 10: alcohol-related harm.",
	LOINCTotal: "75624-7",
	Citation:   auditCitation,
	Licence:    auditLicence,
	Commercial: false,
	skipped:    auditSkips,
	assess: func(a map[string]int, _ Sex, r *Result) {
		r.Subscales["consumption"] = sum(a, "q1", "q2", "q3")
		r.Subscales["dependence"] = sum(a, "q4", "q5", "q6")
		r.Subscales["harm"] = sum(a, "q7", "q8", "q9", "q10")
		if r.Subscales["dependence"] >= 4 {
			r.Flags = append(r.Flags, Flag{Code: "dependence_symptoms",
				Message: "Questions 4 to 6 add up to 4 or more: assess for alcohol dependence."})
		}
		if r.Subscales["harm"] > 0 {
			r.Flags = append(r.Flags, Flag{Code: "alcohol_related_harm",
				Message: "Points on questions 7 to 10 mean alcohol-related harm is already being experienced: follow up."})
		}
	},
}

// AUDIT-C: the AUDIT's three consumption questions. Positive at 4 or more
// for men and 3 or more for women (Bush K, Kivlahan DR, McDonell MB, Fihn
// SD, Bradley KA. Arch Intern Med 1998;158:1789-95; Bradley KA et al.
// Alcohol Clin Exp Res 2007;31:1208-17). Without sex, the lower cut-off
// applies, so no positive screen is missed, and the result says so.
var auditC = &Instrument{
	Code:         "audit-c",
	Title:        "AUDIT-C (AUDIT alcohol consumption questions)",
	Instructions: "These questions are about your use of alcoholic beverages during the past year.",
	Items:        auditItems[:3],
	ScoringNote: "Sum of questions 1 to 3 (0 to 12). Positive screen at 4 or more for men and 3 or more for women; " +
		"without sex the lower cut-off applies.",
	LOINCPanel: "72109-2",
	LOINCTotal: "75626-2",
	Citation: "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol consumption questions (AUDIT-C). " +
		"Arch Intern Med. 1998;158(16):1789-1795. Bradley KA, DeBenedetti AF, Volk RJ, et al. AUDIT-C as a brief screen for " +
		"alcohol misuse in primary care. Alcohol Clin Exp Res. 2007;31(7):1208-1217.",
	Licence:     "Available for use in the public domain (SAMHSA-HRSA Center for Integrated Health Solutions). Items are from the WHO AUDIT.",
	Commercial:  true,
	SexSpecific: true,
	skipped: func(a map[string]int) map[string]bool {
		if q1, ok := a["q1"]; ok && q1 == 0 {
			return map[string]bool{"q2": true, "q3": true} // no drinking: nothing to count
		}
		return nil
	},
	assess: func(_ map[string]int, sex Sex, r *Result) {
		cut := 3
		switch sex {
		case Male:
			cut = 4
			r.Notes = append(r.Notes, "Cut-off for men: 4 or more.")
		case Female:
			r.Notes = append(r.Notes, "Cut-off for women: 3 or more.")
		default:
			r.Notes = append(r.Notes, "Sex not given: the lower cut-off (3 or more, used for women) was applied so that no positive screen is missed.")
		}
		r.Band = "negative screen"
		if r.Total >= cut {
			r.Band = "positive screen"
			r.Flags = append(r.Flags, Flag{Code: "positive_screen",
				Message: "Positive AUDIT-C: likely hazardous drinking or an alcohol use disorder; assess further (for example the full AUDIT)."})
		}
	},
}

// DAST-10: Skinner HA. The Drug Abuse Screening Test. Addict Behav
// 1982;7(4):363-371. Yes scores 1 on every question except question 3,
// where No scores 1. Bands from the DAST-10 scoring guide (clinical.md §3.1).
// Item wording is the published wording, kept exactly.
var dast10 = &Instrument{
	Code:  "dast-10",
	Title: "DAST-10 (Drug Abuse Screening Test)",
	Instructions: "These questions are about drug use in the past 12 months, not including alcohol or tobacco. " +
		"Drug use means using prescribed or over-the-counter medicines more than directed, or any non-medical use of drugs.",
	Items: []Item{
		{ID: "q1", Text: "Have you used drugs other than those required for medical reasons?", Options: yesNo},
		{ID: "q2", Text: "Do you abuse more than one drug at a time?", Options: yesNo},
		{ID: "q3", Text: "Are you always able to stop using drugs when you want to?", Options: yesNoReversed},
		{ID: "q4", Text: "Have you had \"blackouts\" or \"flashbacks\" as a result of drug use?", Options: yesNo},
		{ID: "q5", Text: "Do you ever feel bad or guilty about your drug use?", Options: yesNo},
		{ID: "q6", Text: "Does your spouse (or parents) ever complain about your involvement with drugs?", Options: yesNo},
		{ID: "q7", Text: "Have you neglected your family because of your use of drugs?", Options: yesNo},
		{ID: "q8", Text: "Have you engaged in illegal activities in order to obtain drugs?", Options: yesNo},
		{ID: "q9", Text: "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?", Options: yesNo},
		{ID: "q10", Text: "Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, convulsions, bleeding, etc.)?", Options: yesNo},
	},
	Bands: []Band{
		{0, 0, "no problems reported"}, {1, 2, "low level"}, {3, 5, "moderate level"}, {6, 8, "substantial level"}, {9, 10, "severe level"},
	},
	ScoringNote: "One point for each Yes, except question 3, where No scores the point (0 to 10).",
	LOINCPanel:  "82666-9",
	LOINCTotal:  "82667-7",
	Citation:    "Skinner HA. The Drug Abuse Screening Test. Addict Behav. 1982;7(4):363-371.",
	Licence: "© 1982 Harvey A. Skinner, PhD, and the Centre for Addiction and Mental Health, Toronto. May be reproduced for " +
		"non-commercial use (clinical, research, training) with credit; commercial use needs permission.",
	Commercial: false,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 3 {
			r.Flags = append(r.Flags, Flag{Code: "further_assessment",
				Message: "A score of 3 or more (moderate level or above) calls for further assessment of drug use."})
		}
	},
}

var (
	yesNo         = []Option{{0, "No", "LA32-8"}, {1, "Yes", "LA33-6"}}
	yesNoReversed = []Option{{1, "No", "LA32-8"}, {0, "Yes", "LA33-6"}}
)
