package instrument

// ASQ: the Ask Suicide-Screening Questions of the US National Institute of
// Mental Health (Horowitz LM, Bridge JA, Teach SJ, et al. Arch Pediatr
// Adolesc Med 2012;166(12):1170-1176, validated for adults in Horowitz LM,
// Snyder DJ, Boudreaux ED, et al. Psychosomatics 2020;61(6):713-722). Item
// wording and the screening rule are those of the NIMH ASQ Suicide Risk
// Screening Toolkit (asqToolkit): Yes to any of questions 1 to 4 is a
// positive screen; then question 5 (acuity) tells an acute positive screen
// (Yes: imminent risk) from a non-acute one (No: potential risk). Question
// 5 is asked only after a Yes to questions 1 to 4 and is not counted in the
// total. No LOINC codes for the items or the panel were confirmed, so none
// are given; the answers use the shared LOINC Yes/No answer codes.

const asqToolkit = "https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials"

// asqScreen are the screening questions, 1 to 4; asqAcuity is question 5.
var asqScreen = []string{"q1", "q2", "q3", "q4"}

const asqAcuity = "q5"

// The result bands of the ASQ. The table of bands holds negative and
// positive; assess tells an acute positive screen from a non-acute one.
const (
	asqNegative         = "negative"
	asqPositive         = "positive"
	asqAcutePositive    = "acute positive"
	asqNonAcutePositive = "non-acute positive"
)

// asqCrisis ends every positive-screen message.
const asqCrisis = " Follow the ASQ clinical pathway and show crisis resources: the 988 Suicide & Crisis Lifeline " +
	"(call or text 988), and 911 for immediate danger."

func asqAnsweredYes(a map[string]int) bool {
	for _, id := range asqScreen {
		if a[id] == 1 {
			return true
		}
	}
	return false
}

var asq = &Instrument{
	Code:                  "asq",
	ClinicianAdministered: true,
	Title:                 "ASQ (Ask Suicide-Screening Questions)",
	Instructions: "Ask the person each of questions 1 to 4 directly and record Yes or No. " +
		"If the person answers Yes to any of them, also ask question 5; if all four are No, the screen is complete.",
	Items: []Item{
		{ID: "q1", Text: "In the past few weeks, have you wished you were dead?", Options: yesNo},
		{ID: "q2", Text: "In the past few weeks, have you felt that you or your family would be better off if you were dead?", Options: yesNo},
		{ID: "q3", Text: "In the past week, have you been having thoughts about killing yourself?", Options: yesNo},
		{ID: "q4", Text: "Have you ever tried to kill yourself?", Options: yesNo},
		// Optional so that it is never scored; check requires it after a
		// Yes to questions 1 to 4.
		{ID: asqAcuity, Optional: true, Text: "Are you having thoughts of killing yourself right now?", Options: yesNo},
	},
	Bands: []Band{{0, 0, asqNegative}, {1, 4, asqPositive}},
	ScoringNote: "Questions 1 to 4 score 1 for Yes (total 0 to 4); question 5 is not counted. " +
		"0: negative screen. 1 or more: positive screen, and question 5 must be asked: " +
		"Yes is an acute positive screen (imminent risk: emergency safety and full mental health evaluation now; " +
		"the person may not leave until evaluated and must be kept safe), No a non-acute positive screen " +
		"(potential risk: brief suicide safety assessment before the person leaves). " +
		"A Yes to question 5 is always an acute positive screen. NIMH also counts a refusal to answer as a positive screen; " +
		"this form records only Yes or No, so record a refusal in the clinical note and follow the positive-screen pathway.",
	Citation: "Horowitz LM, Bridge JA, Teach SJ, et al. Ask Suicide-Screening Questions (ASQ): a brief instrument for the " +
		"pediatric emergency department. Arch Pediatr Adolesc Med. 2012;166(12):1170-1176. Horowitz LM, Snyder DJ, " +
		"Boudreaux ED, et al. Validation of the Ask Suicide-Screening Questions for adult medical inpatients: a brief tool " +
		"for all ages. Psychosomatics. 2020;61(6):713-722. Wording: NIMH ASQ Suicide Risk Screening Toolkit, " + asqToolkit + ".",
	Licence: "A free resource from the US National Institute of Mental Health (NIMH), a US government work; no permission is " +
		"needed to use it clinically. A formal public-domain statement has not been confirmed: see the toolkit page, " + asqToolkit + ".",
	Commercial: true,
	check: func(a map[string]int) map[string]string {
		if _, ok := a[asqAcuity]; !ok && asqAnsweredYes(a) {
			return map[string]string{asqAcuity: "Answer question 5 (thoughts of killing yourself right now): " +
				"it must be asked when any of questions 1 to 4 is answered Yes."}
		}
		return nil
	},
	assess: func(a map[string]int, _ Sex, r *Result) {
		acute := a[asqAcuity] == 1
		switch {
		case acute:
			r.Band = asqAcutePositive
			r.Flags = append(r.Flags, Flag{Code: SuicideRiskFlag, Urgent: true,
				Message: "Acute positive ASQ screen: imminent risk of suicide identified. Do not leave the person alone; " +
					"keep them safe and arrange an emergency (STAT) safety and full mental health evaluation now. " +
					"The person may not leave until evaluated." + asqCrisis})
			if !asqAnsweredYes(a) {
				r.Notes = append(r.Notes, "Question 5 (thoughts of killing yourself right now) was answered Yes although "+
					"questions 1 to 4 were all No: treated as an acute positive screen. The total counts questions 1 to 4 only.")
			}
		case asqAnsweredYes(a):
			r.Band = asqNonAcutePositive
			r.Flags = append(r.Flags, Flag{Code: SuicideRiskFlag, Urgent: true,
				Message: "Non-acute positive ASQ screen: potential risk of suicide identified. A brief suicide safety assessment " +
					"is needed before the person leaves; the person may not leave until evaluated for safety." + asqCrisis})
		default:
			r.Band = asqNegative
		}
	},
}
