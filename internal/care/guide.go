package care

// RatingGuide describes each 0-4 risk rating of each dimension, in our own
// words, so that two clinicians rating the same person land on the same
// number. It follows the public structure of multidimensional addiction
// assessment (shared/reference/clinical.md §2.1-2.2); it is not ASAM text.
var RatingGuide = [7][5]string{
	{},
	{ // 1: intoxication and withdrawal
		"No intoxication and no withdrawal signs or risk.",
		"Mild withdrawal or intoxication that passes without help; no history of complicated withdrawal.",
		"Moderate withdrawal that needs monitoring and may need medication; manageable outside a hospital.",
		"Severe withdrawal, or a history of seizures, delirium or hallucinations in withdrawal; needs medical supervision.",
		"Dangerous withdrawal now (seizure, delirium, unstable vital signs): needs emergency or inpatient medical care.",
	},
	{ // 2: biomedical
		"No physical health problems, or they are stable and do not affect treatment.",
		"Mild or well-managed conditions; the person can attend to them with their usual care.",
		"Conditions that need regular attention and coordination with medical care during treatment.",
		"Serious conditions that need close medical monitoring or daily nursing care.",
		"Severe, unstable conditions that need hospital care.",
	},
	{ // 3: emotional, behavioral or cognitive
		"No mental health symptoms, or they are stable and do not get in the way.",
		"Mild symptoms that respond to support; no danger to self or others.",
		"Symptoms that interfere with daily life or recovery and need integrated mental health care.",
		"Serious symptoms (frequent impulsive acts, severe mood or anxiety symptoms) needing daily structure and psychiatric support.",
		"Severe symptoms with danger to self or others, or unable to care for self: needs 24-hour psychiatric care.",
	},
	{ // 4: readiness to change
		"Engaged and committed to change; takes part actively.",
		"Willing to take part but ambivalent about some goals.",
		"Reluctant or mostly externally motivated (court, family, employer); needs motivational work.",
		"Does not see a problem; takes part only under pressure.",
		"Refuses treatment despite serious harm.",
	},
	{ // 5: relapse or continued-use potential
		"Low risk of relapse or continued use; has strong coping skills.",
		"Some risk; recognizes triggers and has coping skills that mostly work.",
		"Real risk: uses or craves under stress and has limited coping skills; needs treatment several days a week.",
		"High risk: continued use or relapse despite recent treatment; little control without daily structure.",
		"Very high risk: uses continuously and cannot stop without 24-hour structure.",
	},
	{ // 6: recovery and living environment
		"A safe, supportive home, work or school and relationships.",
		"Mostly supportive, with some people or places that make recovery harder.",
		"Limited support: others at home use, or there is conflict, isolation or unstable work.",
		"The home works against recovery (active use, violence) or housing is unstable; needs a different setting or recovery housing.",
		"Immediately unsafe: no housing, or violence or exploitation that puts the person in danger.",
	},
}

// CrisisFindings are the crisis findings a clinician can tick; any of them
// turns the recommendation into "emergency help now".
var CrisisFindings = []string{
	"Suicidal thoughts with intent or a plan, or a recent attempt",
	"Thoughts of harming someone else with intent or a plan",
	"Dangerous withdrawal now (seizure, delirium, hallucinations, unstable vital signs)",
	"A medical emergency (for example overdose signs, chest pain, loss of consciousness)",
}
