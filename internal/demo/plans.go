package demo

import (
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/store"
)

// problemText is a plan's problem, goal, objectives and interventions for a
// diagnosis, written as a counselor and client would.
type problemText struct {
	statement, goal string
	objectives      []string
	interventions   []plan.Intervention
}

var substanceProblems = map[string]problemText{
	"F10.20": {"Daily drinking with failed attempts to cut down; missed work after weekends.",
		"I want to stay sober so I can keep my job and be there for my kids.",
		[]string{"Attend at least 9 hours of groups each week", "Name three personal triggers and a coping step for each", "Go 30 days without a drink, confirmed by breath tests"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "3 groups a week"}, {Modality: "relapse_prevention", Provider: "Group facilitator", Frequency: "Weekly"}}},
	"F11.20": {"Opioid use disorder; two overdoses in the past year.",
		"I want to stay alive and get my life back on track.",
		[]string{"Take buprenorphine as prescribed, confirmed at each medication visit", "Carry naloxone and teach one family member to use it", "Attend at least 9 hours of groups each week"},
		[]plan.Intervention{{Modality: "moud", Provider: "Medical provider", Frequency: "Weekly medication visit"}, {Modality: "motivational_interviewing", Provider: "Primary counselor", Frequency: "Weekly individual session"}}},
	"F12.20": {"Cannabis use most days, affecting school or work and sleep.",
		"I want to sleep without smoking and finish what I start.",
		[]string{"Keep a sleep log five nights a week", "Use one new coping skill when cravings come, recorded in group"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "Weekly individual session"}, {Modality: "mindfulness", Provider: "Group facilitator", Frequency: "2 groups a week"}}},
	"F14.20": {"Cocaine use on weekends with spending that strains the household budget.",
		"I want to stop using and get my money under control.",
		[]string{"Make a weekend plan every Friday with the group", "Hand over cash cards to a trusted person on weekends"},
		[]plan.Intervention{{Modality: "relapse_prevention", Provider: "Group facilitator", Frequency: "3 groups a week"}, {Modality: "vocational_counseling", Provider: "Vocational counselor", Frequency: "Every two weeks"}}},
	"F15.20": {"Methamphetamine use with days of no sleep and paranoia.",
		"I want my mind to feel like mine again.",
		[]string{"Attend at least 9 hours of groups each week", "Build a daily routine with set sleep and meal times"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "3 groups a week"}, {Modality: "psychoeducation", Provider: "Group facilitator", Frequency: "Weekly"}}},
}

var mentalHealthProblems = map[string]problemText{
	"F32.1": {"Depressed mood and low energy most days (PHQ-9 in the moderate range).",
		"I want to feel like getting up in the morning.",
		[]string{"Bring PHQ-9 below 10", "Plan one enjoyable activity each day and log it"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "Weekly individual session"}}},
	"F33.1": {"Recurrent depression that lifts and returns; hopelessness after relapses.",
		"I want to notice the signs early and ask for help.",
		[]string{"Bring PHQ-9 below 10", "Name three early warning signs of a low period"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "Weekly individual session"}}},
	"F41.1": {"Constant worry and tension that drinking or using used to quiet.",
		"I want to calm down without using.",
		[]string{"Bring GAD-7 below 10", "Practise a breathing or grounding skill daily"},
		[]plan.Intervention{{Modality: "dbt_skills", Provider: "Group facilitator", Frequency: "Weekly skills group"}, {Modality: "mindfulness", Provider: "Primary counselor", Frequency: "Daily practice, reviewed weekly"}}},
	"F43.10": {"Trauma reactions (nightmares, startle) that drive use.",
		"I want to feel safe in my own home.",
		[]string{"Use a grounding skill when a memory hits, at least once a week", "Sleep through the night four nights a week"},
		[]plan.Intervention{{Modality: "cbt", Provider: "Primary counselor", Frequency: "Weekly individual session"}, {Modality: "art_experiential", Provider: "Group facilitator", Frequency: "Weekly"}}},
}

var clientStatements = []string{
	"I want my family to trust me again.",
	"I want to keep my job and stop hiding.",
	"I am tired of starting over. I want this time to stick.",
	"I want to be healthy for my kids.",
	"I want to finish school.",
}

// plans writes treatment plans for clients in care: most signed within a
// week of admission by counselor and client, reviewed every 30 days, some
// revised after a review; a few new or late clients have none or a draft,
// so the plans-due list has work on it. It returns each client's
// objectives, for notes to point at.
func (g *gen) plans(inCare map[string]careOf, clients []string, names map[string]string) ([]store.PlanImport, map[string][]plan.Objective) {
	loc, _ := time.LoadLocation(Organization.TimeZone)
	today := g.opts.Today
	var out []store.PlanImport
	objectives := map[string][]plan.Objective{}
	for k, c := range clients {
		care := inCare[c]
		days := care.daysIn(today)
		if days < 4 || k%11 == 5 { // just admitted, or late with the plan
			continue
		}
		p := plan.Plan{ID: g.id(), ClientID: c, EpisodeID: care.episode, Version: 1,
			Date: care.admitted.AddDays(min(days-1, 2+g.rng.IntN(4))), ClientStatement: g.pick(clientStatements)}
		diagnoses := care.diagnoses
		for i, d := range diagnoses {
			text, ok := substanceProblems[d]
			if i > 0 || !ok {
				if text, ok = mentalHealthProblems[d]; !ok {
					continue
				}
			}
			pr := plan.Problem{ID: g.id(), Statement: text.statement, Diagnosis: d, Goal: text.goal, Interventions: text.interventions}
			for j, o := range text.objectives {
				pr.Objectives = append(pr.Objectives, plan.Objective{ID: g.id(), Text: o, Target: p.Date.AddDays(28 + 14*j)})
			}
			p.Problems = append(p.Problems, pr)
		}
		if k%13 == 7 { // a draft still being written with the client
			out = append(out, store.PlanImport{Plan: p, ClinicianID: care.counselor})
			continue
		}
		signedAt := p.Date.In(loc).Add(time.Duration(15*60+g.rng.IntN(120)) * time.Minute)
		p.Clinician.At, p.Client.At, p.Client.Name = signedAt, signedAt.Add(3*time.Minute), names[c]
		imp := store.PlanImport{Plan: p, ClinicianID: care.counselor}
		for _, pr := range p.Problems {
			objectives[c] = append(objectives[c], pr.Objectives...)
		}
		// Reviews every 30 days from the plan; a third of the reviewed plans were revised after their review.
		for rd := p.Date.AddDays(30); !rd.After(today); rd = rd.AddDays(30) {
			if today.AddDays(-3).Before(rd) && k%5 == 0 {
				break // this one is due and not yet done
			}
			rv := plan.Review{ID: g.id(), PlanID: p.ID, ClientID: c, Date: rd, At: rd.In(loc).Add(16 * time.Hour)}
			for i, o := range p.Objectives() {
				progress := plan.Progressing
				if i == 0 && rd.After(p.Date.AddDays(40)) {
					progress = plan.Met
				} else if (k+i)%6 == 0 {
					progress = plan.NotStarted
				}
				rv.Entries = append(rv.Entries, plan.ReviewEntry{ObjectiveID: o.ID, Progress: progress})
			}
			rv.Summary = "Reviewed with " + strings.Fields(names[c])[0] + "; attendance and measures discussed."
			imp.Reviews = append(imp.Reviews, rv)
		}
		out = append(out, imp)
		if len(imp.Reviews) > 0 && k%3 == 0 {
			last := imp.Reviews[len(imp.Reviews)-1].Date
			next := plan.Revise(p, g.id(), last)
			next.Problems[0].Objectives[0].Text += ", and call a peer before each weekend"
			for i := range next.Problems {
				for j := range next.Problems[i].Objectives {
					if o := &next.Problems[i].Objectives[j]; o.Target.Before(next.Date.AddDays(14)) {
						o.Target = next.Date.AddDays(30) // a revision sets new targets for what is still open
					}
				}
			}
			at := last.In(loc).Add(17 * time.Hour)
			next.Clinician.At, next.Client.At, next.Client.Name = at, at.Add(2*time.Minute), names[c]
			out = append(out, store.PlanImport{Plan: next, ClinicianID: care.counselor})
			objectives[c] = nil
			for _, pr := range next.Problems {
				objectives[c] = append(objectives[c], pr.Objectives...)
			}
		}
	}
	return out, objectives
}

func (c careOf) daysIn(today model.Date) int {
	return int(today.In(time.UTC).Sub(c.admitted.In(time.UTC)).Hours()/24) + 1
}
