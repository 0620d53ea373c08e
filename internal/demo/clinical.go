package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
)

// primaries are the demo's primary substances with the ICD-10-CM code of a
// moderate or severe disorder, weighted roughly as IOP admissions are.
var primaries = []struct {
	substance, code string
	weight          int
}{
	{"alcohol", "F10.20", 45}, {"opioid", "F11.20", 20}, {"cannabis", "F12.20", 15}, {"stimulant", "F15.20", 10}, {"cocaine", "F14.20", 10},
}

// coOccurring are mental health diagnoses common in IOP clients.
var coOccurring = []string{"F32.1", "F41.1", "F43.10", "F33.1"}

// clinicalHistory gives an active episode what a real one has by now: the
// admission assessment that placed the client, diagnoses, a review date, and
// PHQ-9 and GAD-7 every two weeks, mostly improving.
func (g *gen) clinicalHistory(ep *model.Episode, teen bool) ([]care.Assessment, []care.Measure, error) {
	today := g.opts.Today
	r := g.rng.IntN(100)
	primary := primaries[0]
	for _, p := range primaries {
		if r < p.weight {
			primary = p
			break
		}
		r -= p.weight
	}
	if teen && primary.substance != "alcohol" {
		primary = primaries[2] // cannabis, the commonest for adolescents
	}
	ep.Diagnoses = []string{primary.code}
	if g.rng.IntN(100) < 45 {
		ep.Diagnoses = append(ep.Diagnoses, g.pick(coOccurring))
	}
	// Reviews every 30 days; about one in seven is a few days overdue.
	days := ep.DaysInCare(today) - 1
	k := days/30 + 1
	if g.rng.IntN(7) == 0 && days >= 30 {
		k = days / 30
	}
	ep.ReviewDue = ep.AdmissionDate.AddDays(30 * k)

	met := []string{"larger_longer", "cut_down", "craving", "time_spent", "role_failure", "activities_given_up", "tolerance", "withdrawal"}
	n := 4 + g.rng.IntN(4)
	a := care.Assessment{ID: g.id(), ClientID: ep.ClientID, EpisodeID: ep.ID, AssessedOn: ep.AdmissionDate,
		Ratings:    [7]int{0, g.rng.IntN(2), g.rng.IntN(2), 1 + g.rng.IntN(2), 1 + g.rng.IntN(2), 2, 1 + g.rng.IntN(2)},
		Findings:   []diagnosis.Finding{{Substance: primary.substance, Met: met[:n]}},
		Evidence:   [7]string{"", "", "", "", "", "Use most days in the past month despite attempts to cut down; two relapses after outpatient counseling.", ""},
		AssessorID: ep.PrimaryCounselorID}
	if err := a.Evaluate(ep.AdmissionDate); err != nil {
		return nil, nil, fmt.Errorf("demo assessment: %w", err)
	}
	a.Decision = care.Decision{Level: model.LevelOfCare(a.Recommendation.Level), ByID: ep.PrimaryCounselorID}
	if string(a.Recommendation.Level) != string(model.IntensiveOutpatient) {
		a.Decision = care.Decision{Level: model.IntensiveOutpatient, ByID: ep.PrimaryCounselorID,
			Reason: "Prefers to keep working; strong family support and recovery housing nearby."}
	}

	var ms []care.Measure
	phq, gad := 8+g.rng.IntN(12), 6+g.rng.IntN(10)
	for on := ep.AdmissionDate; !on.After(today); on = on.AddDays(14) {
		for _, x := range []struct {
			code  string
			total *int
		}{{"phq-9", &phq}, {"gad-7", &gad}} {
			m := care.Measure{ID: g.id(), ClientID: ep.ClientID, EpisodeID: ep.ID, Instrument: x.code, On: on,
				Answers: g.answers(instrument.Get(x.code), *x.total), ByID: ep.PrimaryCounselorID}
			if err := care.Score(&m, true, today); err != nil {
				return nil, nil, fmt.Errorf("demo measure: %w", err)
			}
			ms = append(ms, m)
			*x.total = max(0, *x.total-g.rng.IntN(5)+1) // mostly down, sometimes up
		}
	}
	return []care.Assessment{a}, ms, nil
}

// answers spreads a total over an instrument's scored items. The last PHQ-9
// item (thoughts of self-harm) stays 0 so the demo raises no false alarms.
func (g *gen) answers(in *instrument.Instrument, total int) map[string]int {
	out := map[string]int{}
	var scored []instrument.Item
	for _, it := range in.Items {
		if !it.Optional {
			out[it.ID] = 0
			scored = append(scored, it)
		}
	}
	if in.Code == "phq-9" {
		scored = scored[:len(scored)-1]
	}
	for left := total; left > 0; {
		it := scored[g.rng.IntN(len(scored))]
		if out[it.ID] < 3 {
			out[it.ID]++
			left--
		}
		if full := func() bool {
			for _, s := range scored {
				if out[s.ID] < 3 {
					return false
				}
			}
			return true
		}(); full {
			break
		}
	}
	return out
}

// safetyAlert gives the demo clinician one client whose PHQ-9 yesterday
// answered item 9 (thoughts of self-harm) above "not at all", stored as any
// measure is, so it raises the safety alert the clinician's home page leads
// with and the crisis steps are there to try.
func (g *gen) safetyAlert(ctx context.Context, db Store, inCare map[string]careOf, clients []string, counselorID string, rec audit.Record) error {
	for _, id := range clients {
		c := inCare[id]
		if c.counselor != counselorID || c.teen || c.daysIn(g.opts.Today) < 7 {
			continue
		}
		on := g.opts.Today.AddDays(-1)
		m := care.Measure{ClientID: id, EpisodeID: c.episode, Instrument: "phq-9", On: on,
			Answers: g.answers(instrument.Get("phq-9"), 14), ByID: counselorID}
		m.Answers["q9"] = 1
		if err := care.Score(&m, true, g.opts.Today); err != nil {
			return fmt.Errorf("demo safety measure: %w", err)
		}
		return db.CreateMeasure(ctx, &m, rec)
	}
	return nil
}

// emergencyUse has a second clinician open, for a stated reason, the record
// of a client outside their care team (the demo clinician's), so the
// clinical director's home page has a use of emergency access to review.
func emergencyUse(ctx context.Context, db Store, inCare map[string]careOf, clients []string, clinicians []model.User, rec audit.Record) error {
	if len(clinicians) < 2 {
		return nil
	}
	for _, id := range clients {
		if inCare[id].counselor != clinicians[0].ID {
			continue
		}
		c, err := db.Client(ctx, id)
		if err != nil {
			return err
		}
		r := rec
		r.ActorID, r.ActorRole = clinicians[1].ID, string(model.RoleClinician)
		_, err = db.GrantEmergencyAccess(ctx, c.MRN, clinicians[1].ID,
			"Covering the evening group: the client arrived in distress and their counselor is away today.", 4*time.Hour, r)
		return err
	}
	return nil
}
