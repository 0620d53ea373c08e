package outcomes

// Definition says what a figure is: the page shows it under the figure and
// the CSV carries it, so the words and the arithmetic cannot drift apart.
type Definition struct {
	Key         string
	Name        string
	Unit        Unit
	Definition  string
	Numerator   string // in words; "" for counts and medians
	Denominator string // in words; for medians and means, what they are taken over
	Source      string // where a threshold comes from, when it has one
	Cite        string // the source in a few words, under the figure
	Counts      string // what Num and Den count when not episodes of care, e.g. "client-weeks"
}

// Instrument is a symptom measure whose change from admission is reported,
// with the thresholds for reliable improvement and for caseness.
type Instrument struct {
	Key, Code, Title string
	Reliable         int // a fall of at least this many points is a reliable improvement
	Caseness         int // a score at or above this is a clinical case; below it, in remission
}

// TalkingTherapies is the source of the PHQ-9 and GAD-7 thresholds.
//
// NHS Talking Therapies for anxiety and depression (formerly IAPT) manual:
// reliable improvement is a fall of 6 or more points on the PHQ-9 and 4 or
// more on the GAD-7 (the scales' measurement error); caseness is a PHQ-9
// of 10 or more and a GAD-7 of 8 or more, and "recovery" is moving from
// caseness to below it. Read in two independent secondary texts, not in the
// manual itself: ClinicalTrials.gov NCT05134103, outcome measures ("IAPT
// definition of reliable improvement: reduction in PHQ-9 score of 6 or more,
// and reduction in GAD-7 score of 4 or more"; recovery from "scoring >9 on
// the PHQ-9 or >7 on the GAD-7" to below) and cbtwatch.com citing the IAPT
// manual (the same four numbers). The PHQ-9 bands themselves are Kroenke,
// Spitzer & Williams 2001 (10 or more: moderate), see internal/instrument.
const TalkingTherapies = "NHS Talking Therapies (IAPT) manual: reliable improvement is a fall of 6 or more points on the PHQ-9 and 4 or more on the GAD-7; caseness is PHQ-9 10 or more, GAD-7 8 or more (read via ClinicalTrials.gov NCT05134103 and a second text citing the manual)."

// TalkingTherapiesCite names the source in a few words.
const TalkingTherapiesCite = "NHS Talking Therapies (IAPT) manual"

// Instruments are the measures whose change is reported.
var Instruments = []Instrument{
	{Key: "phq9", Code: "phq-9", Title: "PHQ-9", Reliable: 6, Caseness: 10},
	{Key: "gad7", Code: "gad-7", Title: "GAD-7", Reliable: 4, Caseness: 8},
}

// Definitions are every headline figure, in the order the page shows them.
var Definitions = []Definition{
	{Key: "admissions", Name: "Admissions", Unit: People,
		Definition:  "Episodes of care that began in the period.",
		Denominator: "Counted once per episode: a client admitted twice counts twice."},
	{Key: "census", Name: "Census", Unit: People,
		Definition: "Episodes of care still open at the end of the period's last day (or today, when the period runs on)."},
	{Key: "length_of_stay", Name: "Length of stay", Unit: Days,
		Definition:  "The median number of days from admission to discharge.",
		Denominator: "Episodes discharged in the period."},
	{Key: "retention_30", Name: "Retention at 30 days", Unit: Share,
		Definition:  "Of the clients who have had 30 days since admission, the share still in care on day 30 or discharged having completed treatment.",
		Numerator:   "Episodes still open on day 30 after admission, or discharged as completed.",
		Denominator: "Episodes admitted between 30 days before the period's start and 30 days before its end."},
	{Key: "retention_60", Name: "Retention at 60 days", Unit: Share,
		Definition:  "Of the clients who have had 60 days since admission, the share still in care on day 60 or discharged having completed treatment.",
		Numerator:   "Episodes still open on day 60 after admission, or discharged as completed.",
		Denominator: "Episodes admitted between 60 days before the period's start and 60 days before its end."},
	{Key: "retention_90", Name: "Retention at 90 days", Unit: Share,
		Definition:  "Of the clients who have had 90 days since admission, the share still in care on day 90 or discharged having completed treatment.",
		Numerator:   "Episodes still open on day 90 after admission, or discharged as completed.",
		Denominator: "Episodes admitted between 90 days before the period's start and 90 days before its end."},
	{Key: "completion", Name: "Completion rate", Unit: Share,
		Definition:  "Of the discharges in the period, the share discharged as having completed treatment.",
		Numerator:   "Discharges in the period with the type \"completed\".",
		Denominator: "Every discharge in the period, whatever its type (the types are in the table below)."},
	{Key: "weekly_minimum", Name: "Weeks meeting the weekly minimum", Unit: Share, Counts: "client-weeks",
		Definition:  "Of the client-weeks in the period, the share in which the client attended at least the program's weekly minimum of hours.",
		Numerator:   "Client-weeks with attended minutes (from attendance taken) at or above the program's minimum.",
		Denominator: "Client-weeks: each whole week (Monday to Sunday) inside the period and over before today, for each episode in care all seven days."},
	{Key: "attendance", Name: "Attendance rate", Unit: Share, Counts: "meetings",
		Definition:  "Of the group meetings clients were expected at, the share they attended.",
		Numerator:   "Attendance marked present, late or left early.",
		Denominator: "Every attendance mark in the period for a client in care, except meetings the program cancelled."},
	{Key: "screens_negative", Name: "Drug screens negative", Unit: Share, Counts: "screens",
		Definition:  "Of the drug and alcohol screens in the period, the share negative for every substance tested (per month in the chart below).",
		Numerator:   "Screens collected with every result negative.",
		Denominator: "Every screen recorded for a client in care: collected, refused or missed (a refused or missed screen counts as not negative)."},
	{Key: "phq9_change", Name: "PHQ-9 change from admission", Unit: Points,
		Definition:  "The mean change from the first PHQ-9 in the episode to the latest (a negative change is fewer symptoms).",
		Denominator: "Episodes in care in the period with at least two PHQ-9 scores in the episode."},
	{Key: "phq9_improved", Name: "PHQ-9 reliable improvement", Unit: Share,
		Definition:  "The share whose PHQ-9 fell by 6 points or more from the first score to the latest.",
		Numerator:   "Episodes whose latest PHQ-9 is at least 6 points below the first.",
		Denominator: "Episodes in care in the period with at least two PHQ-9 scores in the episode.",
		Source:      TalkingTherapies, Cite: TalkingTherapiesCite},
	{Key: "phq9_remission", Name: "PHQ-9 remission", Unit: Share,
		Definition:  "Of those who started at caseness (a first PHQ-9 of 10 or more), the share whose latest PHQ-9 is below 10.",
		Numerator:   "Episodes whose latest PHQ-9 is 9 or less.",
		Denominator: "Episodes with at least two PHQ-9 scores whose first was 10 or more.",
		Source:      TalkingTherapies, Cite: TalkingTherapiesCite},
	{Key: "gad7_change", Name: "GAD-7 change from admission", Unit: Points,
		Definition:  "The mean change from the first GAD-7 in the episode to the latest (a negative change is fewer symptoms).",
		Denominator: "Episodes in care in the period with at least two GAD-7 scores in the episode."},
	{Key: "gad7_improved", Name: "GAD-7 reliable improvement", Unit: Share,
		Definition:  "The share whose GAD-7 fell by 4 points or more from the first score to the latest.",
		Numerator:   "Episodes whose latest GAD-7 is at least 4 points below the first.",
		Denominator: "Episodes in care in the period with at least two GAD-7 scores in the episode.",
		Source:      TalkingTherapies, Cite: TalkingTherapiesCite},
	{Key: "gad7_remission", Name: "GAD-7 remission", Unit: Share,
		Definition:  "Of those who started at caseness (a first GAD-7 of 8 or more), the share whose latest GAD-7 is below 8.",
		Numerator:   "Episodes whose latest GAD-7 is 7 or less.",
		Denominator: "Episodes with at least two GAD-7 scores whose first was 8 or more.",
		Source:      TalkingTherapies, Cite: TalkingTherapiesCite},
	{Key: "step_downs", Name: "Step-downs", Unit: Count, Counts: "changes",
		Definition: "Changes to a less intensive level of care recorded in the period."},
	{Key: "step_ups", Name: "Step-ups", Unit: Count, Counts: "changes",
		Definition: "Changes to a more intensive level of care recorded in the period."},
	{Key: "aftercare_kept", Name: "Aftercare appointments kept", Unit: Share,
		Definition:  "Of the aftercare appointments made at discharge, the share the client kept.",
		Numerator:   "Aftercare appointments kept.",
		Denominator: "Aftercare appointments made at discharges in the period."},
	{Key: "inquiry_to_admission", Name: "Time from inquiry to admission", Unit: Days,
		Definition:  "The median number of days from the day the inquiry came in to the day of admission.",
		Denominator: "Admissions in the period that came from an inquiry on the admissions board."},
}

var order = func() map[string]int {
	m := map[string]int{}
	for i, d := range Definitions {
		m[d.Key] = i
	}
	return m
}()

// Lookup returns the definition with that key (the zero Definition when
// there is none, which a test rules out).
func Lookup(key string) Definition {
	if i, ok := order[key]; ok {
		return Definitions[i]
	}
	return Definition{Key: key}
}
