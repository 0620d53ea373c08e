package instrument

// The Patient Health Questionnaire and GAD-7 were developed by Drs. Robert
// L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues with an
// educational grant from Pfizer Inc. The copyright holder states that "no
// permission is required to reproduce, translate, display or distribute"
// them (phqscreeners.com). LOINC codes are those of the LHC-Forms PHQ-9
// Questionnaire (LHNCBC/lforms test/data/R4/phq9.json) and the HL7 Personal
// Health Record IG GAD-7 example; see shared/reference/clinical.md §3.1.

const phqLicence = "Public domain. Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues " +
	"with an educational grant from Pfizer Inc. No permission is required to reproduce, translate, display or distribute (phqscreeners.com)."

// frequency2w is the PHQ and GAD-7 answer scale, with LOINC answer codes.
var frequency2w = []Option{
	{0, "Not at all", "LA6568-5"},
	{1, "Several days", "LA6569-3"},
	{2, "More than half the days", "LA6570-1"},
	{3, "Nearly every day", "LA6571-9"},
}

// difficulty is the PHQ/GAD closing question about function; it is asked
// but not scored.
func difficulty(loinc string) Item {
	return Item{ID: "difficulty", Optional: true, LOINC: loinc,
		Text: "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
		Options: []Option{{0, "Not difficult at all", "LA6572-7"}, {1, "Somewhat difficult", "LA6573-5"},
			{2, "Very difficult", "LA6575-0"}, {3, "Extremely difficult", "LA6574-3"}}}
}

var phqItems = []Item{
	{ID: "q1", LOINC: "44250-9", Text: "Little interest or pleasure in doing things", Options: frequency2w},
	{ID: "q2", LOINC: "44255-8", Text: "Feeling down, depressed, or hopeless", Options: frequency2w},
	{ID: "q3", LOINC: "44259-0", Text: "Trouble falling or staying asleep, or sleeping too much", Options: frequency2w},
	{ID: "q4", LOINC: "44254-1", Text: "Feeling tired or having little energy", Options: frequency2w},
	{ID: "q5", LOINC: "44251-7", Text: "Poor appetite or overeating", Options: frequency2w},
	{ID: "q6", LOINC: "44258-2", Text: "Feeling bad about yourself — or that you are a failure or have let yourself or your family down", Options: frequency2w},
	{ID: "q7", LOINC: "44252-5", Text: "Trouble concentrating on things, such as reading the newspaper or watching television", Options: frequency2w},
	{ID: "q8", LOINC: "44253-3", Text: "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual", Options: frequency2w},
	{ID: "q9", LOINC: "44260-8", Text: "Thoughts that you would be better off dead or of hurting yourself in some way", Options: frequency2w},
}

// SuicideRiskFlag is raised by PHQ-9 item 9 above zero, whatever the total:
// it asks for a same-day suicide risk assessment (clinical.md §3.1 safety
// rules; Kroenke, Spitzer & Williams 2001).
const SuicideRiskFlag = "suicide_risk"

var phq9 = &Instrument{
	Code:         "phq-9",
	Title:        "PHQ-9 (Patient Health Questionnaire-9)",
	Instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
	Items:        append(append([]Item(nil), phqItems...), difficulty("69722-7")),
	// Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief
	// depression severity measure. J Gen Intern Med 2001;16(9):606-613.
	Bands: []Band{
		{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately severe"}, {20, 27, "severe"},
	},
	ScoringNote: "Sum of items 1 to 9 (0 to 27); the difficulty question is not scored. Item 9 above 0 is a suicide risk flag whatever the total.",
	LOINCPanel:  "44249-1",
	LOINCTotal:  "44261-6",
	Citation:    "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med. 2001;16(9):606-613.",
	Licence:     phqLicence,
	Commercial:  true,
	assess: func(a map[string]int, _ Sex, r *Result) {
		if a["q9"] > 0 {
			r.Flags = append(r.Flags, Flag{Code: SuicideRiskFlag, Urgent: true,
				Message: "Item 9 (thoughts of being better off dead or of self-harm) was answered above \"Not at all\". Assess suicide risk the same day, whatever the total."})
		}
		if r.Total >= 10 {
			r.Flags = append(r.Flags, Flag{Code: "depression_likely",
				Message: "A total of 10 or more suggests major depression (sensitivity 88%, specificity 88% in the validation study); confirm by clinical interview."})
		}
	},
}

var phq2 = &Instrument{
	Code:         "phq-2",
	Title:        "PHQ-2 (Patient Health Questionnaire-2)",
	Instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
	Items:        append([]Item(nil), phqItems[:2]...),
	// Kroenke K, Spitzer RL, Williams JB. The Patient Health Questionnaire-2:
	// validity of a two-item depression screener. Med Care 2003;41:1284-92.
	Bands:       []Band{{0, 2, "negative screen"}, {3, 6, "positive screen"}},
	ScoringNote: "Sum of the two items (0 to 6); 3 or more is a positive screen.",
	LOINCTotal:  "55758-7",
	Citation:    "Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of a two-item depression screener. Med Care. 2003;41(11):1284-1292.",
	Licence:     phqLicence,
	Commercial:  true,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 3 {
			r.Flags = append(r.Flags, Flag{Code: "positive_screen", Message: "A score of 3 or more is a positive screen: give the full PHQ-9."})
		}
	},
}

var gadItems = []Item{
	{ID: "q1", LOINC: "69725-0", Text: "Feeling nervous, anxious, or on edge", Options: frequency2w},
	{ID: "q2", LOINC: "68509-9", Text: "Not being able to stop or control worrying", Options: frequency2w},
	{ID: "q3", LOINC: "69733-4", Text: "Worrying too much about different things", Options: frequency2w},
	{ID: "q4", LOINC: "69734-2", Text: "Trouble relaxing", Options: frequency2w},
	{ID: "q5", LOINC: "69735-9", Text: "Being so restless that it is hard to sit still", Options: frequency2w},
	{ID: "q6", LOINC: "69689-8", Text: "Becoming easily annoyed or irritable", Options: frequency2w},
	{ID: "q7", LOINC: "69736-7", Text: "Feeling afraid, as if something awful might happen", Options: frequency2w},
}

var gad7 = &Instrument{
	Code:         "gad-7",
	Title:        "GAD-7 (Generalized Anxiety Disorder-7)",
	Instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
	Items:        append(append([]Item(nil), gadItems...), difficulty("")), // no LOINC code for this item was confirmed
	// Spitzer RL, Kroenke K, Williams JB, Löwe B. A brief measure for
	// assessing generalized anxiety disorder: the GAD-7. Arch Intern Med
	// 2006;166:1092-7. Cut-points 5, 10 and 15 for mild, moderate, severe.
	Bands:       []Band{{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 21, "severe"}},
	ScoringNote: "Sum of items 1 to 7 (0 to 21); the difficulty question is not scored. 10 or more: evaluate further.",
	LOINCPanel:  "69737-5",
	LOINCTotal:  "70274-6",
	Citation:    "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097.",
	Licence:     phqLicence,
	Commercial:  true,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 10 {
			r.Flags = append(r.Flags, Flag{Code: "anxiety_likely",
				Message: "A total of 10 or more is the usual cut-point for further evaluation of an anxiety disorder (sensitivity 89%, specificity 82% for GAD)."})
		}
	},
}

var gad2 = &Instrument{
	Code:         "gad-2",
	Title:        "GAD-2 (Generalized Anxiety Disorder-2)",
	Instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
	Items:        append([]Item(nil), gadItems[:2]...),
	// Kroenke K, Spitzer RL, Williams JB, Monahan PO, Löwe B. Anxiety
	// disorders in primary care. Ann Intern Med 2007;146:317-25: a score of
	// 3 or more is the cut-point.
	Bands:       []Band{{0, 2, "negative screen"}, {3, 6, "positive screen"}},
	ScoringNote: "Sum of the two items (0 to 6); 3 or more is a positive screen.",
	Citation:    "Kroenke K, Spitzer RL, Williams JBW, Monahan PO, Löwe B. Anxiety disorders in primary care: prevalence, impairment, comorbidity, and detection. Ann Intern Med. 2007;146(5):317-325.",
	Licence:     phqLicence,
	Commercial:  true,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 3 {
			r.Flags = append(r.Flags, Flag{Code: "positive_screen", Message: "A score of 3 or more is a positive screen: give the full GAD-7."})
		}
	},
}
