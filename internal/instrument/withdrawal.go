package instrument

import "fmt"

// Withdrawal scales are rated by a clinician, not answered by the client.
// A severe score asks for an urgent medical review and may mean a higher
// level of care than intensive outpatient (clinical.md §2.4 and §3.1).

// WithdrawalFlag marks a severe withdrawal score.
const WithdrawalFlag = "severe_withdrawal"

// anchored builds a 0..max scale where only some points carry the
// published description; the points between them are labelled as lying
// between their neighbours, in our own words.
func anchored(max int, anchors map[int]string) []Option {
	opts := make([]Option, 0, max+1)
	for v := 0; v <= max; v++ {
		label, ok := anchors[v]
		if !ok {
			lo, hi := v-1, v+1
			for anchors[lo] == "" && lo > 0 {
				lo--
			}
			for anchors[hi] == "" && hi < max {
				hi++
			}
			label = fmt.Sprintf("%d: between %d and %d", v, lo, hi)
		}
		opts = append(opts, Option{Value: v, Label: label})
	}
	return opts
}

// CIWA-Ar: Sullivan JT, Sykora K, Schneiderman J, Naranjo CA, Sellers EM.
// Assessment of alcohol withdrawal: the revised Clinical Institute
// Withdrawal Assessment for Alcohol scale (CIWA-Ar). Br J Addict
// 1989;84:1353-1357. "This scale is not copyrighted and may be used freely."
// Bands vary by protocol (clinical.md §3.1); these are CamCOPS's: below 8
// minimal, 8 to 14 moderate, 15 or more severe. A center may adopt
// stricter ones.
var ciwaAr = &Instrument{
	Code:                  "ciwa-ar",
	ClinicianAdministered: true,
	Title:                 "CIWA-Ar (Clinical Institute Withdrawal Assessment for Alcohol, revised)",
	Instructions: "Clinician-rated. Take the pulse and blood pressure, then rate each item by asking and observing. " +
		"Points between two descriptions are for signs that lie between them.",
	Items: []Item{
		{ID: "nausea", Text: "Nausea and vomiting. Ask \"Do you feel sick to your stomach? Have you vomited?\" Observation.",
			Options: anchored(7, map[int]string{0: "no nausea and no vomiting", 1: "mild nausea with no vomiting",
				4: "intermittent nausea with dry heaves", 7: "constant nausea, frequent dry heaves and vomiting"})},
		{ID: "tremor", Text: "Tremor. Arms extended and fingers spread apart. Observation.",
			Options: anchored(7, map[int]string{0: "no tremor", 1: "not visible, but can be felt fingertip to fingertip",
				4: "moderate, with patient's arms extended", 7: "severe, even with arms not extended"})},
		{ID: "sweats", Text: "Paroxysmal sweats. Observation.",
			Options: anchored(7, map[int]string{0: "no sweat visible", 1: "barely perceptible sweating, palms moist",
				4: "beads of sweat obvious on forehead", 7: "drenching sweats"})},
		{ID: "anxiety", Text: "Anxiety. Ask \"Do you feel nervous?\" Observation.",
			Options: anchored(7, map[int]string{0: "no anxiety, at ease", 1: "mildly anxious",
				4: "moderately anxious, or guarded, so anxiety is inferred",
				7: "equivalent to acute panic states as seen in severe delirium or acute schizophrenic reactions"})},
		{ID: "agitation", Text: "Agitation. Observation.",
			Options: anchored(7, map[int]string{0: "normal activity", 1: "somewhat more than normal activity",
				4: "moderately fidgety and restless", 7: "paces back and forth during most of the interview, or constantly thrashes about"})},
		{ID: "tactile", Text: "Tactile disturbances. Ask \"Have you any itching, pins and needles sensations, any burning, any numbness, or do you feel bugs crawling on or under your skin?\" Observation.",
			Options: []Option{{0, "none", ""}, {1, "very mild itching, pins and needles, burning or numbness", ""},
				{2, "mild itching, pins and needles, burning or numbness", ""}, {3, "moderate itching, pins and needles, burning or numbness", ""},
				{4, "moderately severe hallucinations", ""}, {5, "severe hallucinations", ""}, {6, "extremely severe hallucinations", ""},
				{7, "continuous hallucinations", ""}}},
		{ID: "auditory", Text: "Auditory disturbances. Ask \"Are you more aware of sounds around you? Are they harsh? Do they frighten you? Are you hearing anything that is disturbing to you? Are you hearing things you know are not there?\" Observation.",
			Options: []Option{{0, "not present", ""}, {1, "very mild harshness or ability to frighten", ""},
				{2, "mild harshness or ability to frighten", ""}, {3, "moderate harshness or ability to frighten", ""},
				{4, "moderately severe hallucinations", ""}, {5, "severe hallucinations", ""}, {6, "extremely severe hallucinations", ""},
				{7, "continuous hallucinations", ""}}},
		{ID: "visual", Text: "Visual disturbances. Ask \"Does the light appear to be too bright? Is its color different? Does it hurt your eyes? Are you seeing anything that is disturbing to you? Are you seeing things you know are not there?\" Observation.",
			Options: []Option{{0, "not present", ""}, {1, "very mild sensitivity", ""}, {2, "mild sensitivity", ""},
				{3, "moderate sensitivity", ""}, {4, "moderately severe hallucinations", ""}, {5, "severe hallucinations", ""},
				{6, "extremely severe hallucinations", ""}, {7, "continuous hallucinations", ""}}},
		{ID: "headache", Text: "Headache, fullness in head. Ask \"Does your head feel different? Does it feel like there is a band around your head?\" Do not rate for dizziness or lightheadedness. Otherwise, rate severity.",
			Options: []Option{{0, "not present", ""}, {1, "very mild", ""}, {2, "mild", ""}, {3, "moderate", ""},
				{4, "moderately severe", ""}, {5, "severe", ""}, {6, "very severe", ""}, {7, "extremely severe", ""}}},
		{ID: "orientation", Text: "Orientation and clouding of sensorium. Ask \"What day is this? Where are you? Who am I?\"",
			Options: []Option{{0, "oriented and can do serial additions", ""}, {1, "cannot do serial additions or is uncertain about date", ""},
				{2, "disoriented for date by no more than 2 calendar days", ""}, {3, "disoriented for date by more than 2 calendar days", ""},
				{4, "disoriented for place and/or person", ""}}},
	},
	Bands:       []Band{{0, 7, "minimal"}, {8, 14, "moderate"}, {15, 67, "severe"}},
	ScoringNote: "Sum of the 10 items (0 to 67). Below 8 minimal, 8 to 14 moderate, 15 or more severe (bands vary by protocol). 15 or more: urgent medical review.",
	Citation: "Sullivan JT, Sykora K, Schneiderman J, Naranjo CA, Sellers EM. Assessment of alcohol withdrawal: the revised " +
		"Clinical Institute Withdrawal Assessment for Alcohol scale (CIWA-Ar). Br J Addict. 1989;84(11):1353-1357.",
	Licence:    "Public domain: \"This scale is not copyrighted and may be used freely\" (Sullivan et al. 1989).",
	Commercial: true,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 15 {
			r.Flags = append(r.Flags, Flag{Code: WithdrawalFlag, Urgent: true,
				Message: "Severe alcohol withdrawal (15 or more): urgent medical review; risk of seizures and delirium. Medically supervised withdrawal management is likely needed before or instead of intensive outpatient care."})
		}
	},
}

// COWS: Wesson DR, Ling W. The Clinical Opiate Withdrawal Scale (COWS).
// J Psychoactive Drugs 2003;35(2):253-259. Bands are the authors': 5-12
// mild, 13-24 moderate, 25-36 moderately severe, more than 36 severe.
var cows = &Instrument{
	Code:                  "cows",
	ClinicianAdministered: true,
	Title:                 "COWS (Clinical Opiate Withdrawal Scale)",
	Instructions: "Clinician-rated. For each item, choose the description that best matches the client's signs or symptoms. " +
		"Rate only what relates to opioid withdrawal: if the client had a complaint before (for example joint pain), score only the added part.",
	Items: []Item{
		{ID: "pulse", Text: "Resting pulse rate (beats per minute), measured after the client has been sitting or lying for one minute.",
			Options: []Option{{0, "pulse rate 80 or below", ""}, {1, "pulse rate 81-100", ""}, {2, "pulse rate 101-120", ""}, {4, "pulse rate greater than 120", ""}}},
		{ID: "sweating", Text: "Sweating over the past half hour, not accounted for by room temperature or activity.",
			Options: []Option{{0, "no report of chills or flushing", ""}, {1, "subjective report of chills or flushing", ""},
				{2, "flushed or observable moistness on face", ""}, {3, "beads of sweat on brow or face", ""}, {4, "sweat streaming off face", ""}}},
		{ID: "restlessness", Text: "Restlessness, observed during the assessment.",
			Options: []Option{{0, "able to sit still", ""}, {1, "reports difficulty sitting still, but is able to do so", ""},
				{3, "frequent shifting or extraneous movements of legs/arms", ""}, {5, "unable to sit still for more than a few seconds", ""}}},
		{ID: "pupils", Text: "Pupil size.",
			Options: []Option{{0, "pupils pinned or normal size for room light", ""}, {1, "pupils possibly larger than normal for room light", ""},
				{2, "pupils moderately dilated", ""}, {5, "pupils so dilated that only the rim of the iris is visible", ""}}},
		{ID: "aches", Text: "Bone or joint aches. If the client had pain before, score only the added part attributed to opioid withdrawal.",
			Options: []Option{{0, "not present", ""}, {1, "mild diffuse discomfort", ""}, {2, "reports severe diffuse aching of joints/muscles", ""},
				{4, "rubbing joints or muscles and unable to sit still because of discomfort", ""}}},
		{ID: "runny_nose", Text: "Runny nose or tearing, not accounted for by cold symptoms or allergies.",
			Options: []Option{{0, "not present", ""}, {1, "nasal stuffiness or unusually moist eyes", ""}, {2, "nose running or tearing", ""},
				{4, "nose constantly running or tears streaming down cheeks", ""}}},
		{ID: "gi_upset", Text: "Gastrointestinal upset over the last half hour.",
			Options: []Option{{0, "no GI symptoms", ""}, {1, "stomach cramps", ""}, {2, "nausea or loose stool", ""}, {3, "vomiting or diarrhea", ""},
				{5, "multiple episodes of diarrhea or vomiting", ""}}},
		{ID: "tremor", Text: "Tremor, observed on outstretched hands.",
			Options: []Option{{0, "no tremor", ""}, {1, "tremor can be felt, but not observed", ""}, {2, "slight tremor observable", ""},
				{4, "gross tremor or muscle twitching", ""}}},
		{ID: "yawning", Text: "Yawning, observed during the assessment.",
			Options: []Option{{0, "no yawning", ""}, {1, "yawning once or twice during assessment", ""}, {2, "yawning three or more times during assessment", ""},
				{4, "yawning several times a minute", ""}}},
		{ID: "anxiety", Text: "Anxiety or irritability.",
			Options: []Option{{0, "none", ""}, {1, "reports increasing irritability or anxiousness", ""}, {2, "obviously irritable or anxious", ""},
				{4, "so irritable or anxious that participation in the assessment is difficult", ""}}},
		{ID: "gooseflesh", Text: "Gooseflesh skin.",
			Options: []Option{{0, "skin is smooth", ""}, {3, "piloerection of skin can be felt or hairs standing up on arms", ""}, {5, "prominent piloerection", ""}}},
	},
	Bands: []Band{{0, 4, "no active withdrawal"}, {5, 12, "mild"}, {13, 24, "moderate"}, {25, 36, "moderately severe"}, {37, 48, "severe"}},
	ScoringNote: "Sum of the 11 items (0 to 48). 5 to 12 mild, 13 to 24 moderate, 25 to 36 moderately severe, more than 36 severe. " +
		"25 or more: urgent medical review.",
	Citation:   "Wesson DR, Ling W. The Clinical Opiate Withdrawal Scale (COWS). J Psychoactive Drugs. 2003;35(2):253-259.",
	Licence:    "Published by Wesson and Ling (2003) and widely reproduced in federal guidance; no formal licence statement was found (clinical.md §3.1), so commercial use is not assumed.",
	Commercial: false,
	assess: func(_ map[string]int, _ Sex, r *Result) {
		if r.Total >= 25 {
			r.Flags = append(r.Flags, Flag{Code: WithdrawalFlag, Urgent: true,
				Message: "Moderately severe or severe opioid withdrawal (25 or more): urgent medical review; medically supervised withdrawal management may be needed."})
		}
	},
}
