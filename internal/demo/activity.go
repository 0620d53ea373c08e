package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
)

// careOf is what the history needs of a client's current episode.
type careOf struct {
	admitted  model.Date
	counselor string
	teen      bool
	episode   string
	diagnoses []string
}

// activity writes the days before today as the center lived them: attendance
// at every meeting (most present, some late or absent, a few clients missing
// their last two groups), group notes signed within a day or two (the last
// two days' still to write, and the last two weeks' of the clinician who is
// behind), an individual or family session last week for
// a third of the clients with its note and another booked for next week,
// and weekly drug screens, a few positive or missed.
func (g *gen) activity(ctx context.Context, db Store, series []schedule.Series, enrolled map[string][]string, inCare map[string]careOf,
	behind string, rec audit.Record) error {
	loc := Organization.Location()
	today := g.opts.Today
	from := today.AddDays(-g.opts.HistoryDays)
	// Everything is recorded by the start of today, so nothing is dated after it.
	a := store.Activity{RecordedAt: time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, loc), ScreenBy: map[string]string{}}

	clients := make([]string, 0, len(inCare))
	for id := range inCare {
		clients = append(clients, id)
	}
	slices.Sort(clients) // the same seed gives the same history

	// Each client's meetings in date order.
	type meeting struct {
		s    *schedule.Series
		date model.Date
	}
	perClient := map[string][]meeting{}
	for i := range series {
		s := &series[i]
		for _, d := range s.Recurrence.Dates(from, today.AddDays(-1)) {
			for _, c := range enrolled[s.ID] {
				if care, ok := inCare[c]; ok && !d.Before(care.admitted) {
					perClient[c] = append(perClient[c], meeting{s, d})
				}
			}
		}
	}
	attended := map[string]map[string]bool{} // series id + date -> clients present
	for k, c := range clients {
		list := perClient[c]
		slices.SortFunc(list, func(x, y meeting) int { return strings.Compare(x.date.String(), y.date.String()) })
		struggling := k%11 == 5
		for j, m := range list {
			mark := intensity.Mark{SeriesID: m.s.ID, Date: m.date, ClientID: c, Status: intensity.Present}
			switch r := g.rng.IntN(100); {
			case struggling && j >= len(list)-2:
				mark.Status = intensity.AbsentUnexcused
			case r < 84:
				mark.Telehealth = g.rng.IntN(100) < 8
			case r < 90:
				mark.Status, mark.Late = intensity.Late, 5+g.rng.IntN(30)
			case r < 93:
				mark.Status, mark.LeftEarly = intensity.LeftEarly, 15+g.rng.IntN(45)
			case r < 97:
				mark.Status = intensity.AbsentExcused
			default:
				mark.Status = intensity.AbsentUnexcused
			}
			if err := mark.Count(m.s.Minutes); err != nil {
				return fmt.Errorf("demo attendance: %w", err)
			}
			a.Marks = append(a.Marks, mark)
			if mark.Minutes > 0 {
				key := m.s.ID + m.date.String()
				if attended[key] == nil {
					attended[key] = map[string]bool{}
				}
				attended[key][c] = true
			}
		}
	}

	// Group notes: signed the day after for meetings before the last two days.
	for i := range series {
		s := &series[i]
		for _, d := range s.Recurrence.Dates(from, today.AddDays(-3)) {
			who := attended[s.ID+d.String()]
			if len(who) == 0 || (s.FacilitatorID == behind && !d.Before(today.AddDays(-14))) {
				continue
			}
			end := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc).Add(time.Duration(int(s.Start)+s.Minutes) * time.Minute)
			n := notes.GroupNote{ID: g.id(), SeriesID: s.ID, Date: d, AuthorID: s.FacilitatorID, Sections: map[string]notes.Section{},
				Topic: g.pick(topics[s.Type]), Interventions: g.pick(interventions), Dynamics: g.pick(dynamics)}
			n.SignedAt = end.Add(time.Duration(2+g.rng.IntN(18)) * time.Hour)
			for _, c := range clients {
				if who[c] {
					sec := g.section()
					if obj := g.objectives[c]; len(obj) > 0 && g.rng.IntN(3) > 0 {
						sec.Objectives = []string{obj[g.rng.IntN(len(obj))].ID}
					}
					n.Sections[c] = sec
				}
			}
			a.GroupNotes = append(a.GroupNotes, n)
		}
	}

	// Sessions: a third of the clients saw their counselor last week and
	// are booked again next week, in the early afternoon between groups.
	slot := map[string]int{}
	office := map[string]int{} // each counselor sees clients in their own office
	for k, c := range clients {
		care := inCare[c]
		if k%3 != 0 || slot[care.counselor] >= 12 {
			continue
		}
		n := slot[care.counselor]
		slot[care.counselor]++
		day := weekdayBefore(today, 1+n/3)
		start := time.Date(day.Year, day.Month, day.Day, 13+n%3, 0, 0, 0, loc)
		kind, family := schedule.AppointmentKind("individual"), ""
		if k%4 == 0 || care.teen {
			kind, family = "family", g.pick([]string{"Mother", "Father", "Partner", "Sister", "Grandmother"})
		} else if k%5 == 0 {
			kind = "vocational" // work and school goals, with the vocational note template
		}
		if _, ok := office[care.counselor]; !ok {
			office[care.counselor] = len(office) + 1
		}
		room := fmt.Sprintf("Office %d", office[care.counselor])
		past := schedule.Appointment{ID: g.id(), ClientID: c, ClinicianID: care.counselor, Kind: kind, Family: family, Room: room,
			Start: start, End: start.Add(50 * time.Minute)}
		next := past
		next.ID, next.Start, next.End = g.id(), start.AddDate(0, 0, 7), start.AddDate(0, 0, 7).Add(50*time.Minute)
		a.Appointments = append(a.Appointments, past, next)
		if len(a.Appointments)%8 != 4 { // every fourth session's note is still to write
			n := g.sessionNote(past)
			if n.SignedAt.After(a.RecordedAt) {
				n.SignedAt = a.RecordedAt
			}
			if obj := g.objectives[c]; len(obj) > 0 {
				n.Objectives = []string{obj[0].ID}
			}
			a.SessionNotes = append(a.SessionNotes, n)
		}
	}

	// Weekly screens, on a different weekday for each client.
	for k, c := range clients {
		care := inCare[c]
		a.ScreenBy[c] = care.counselor
		for w := 0; w*7 < g.opts.HistoryDays; w++ {
			d := today.AddDays(-7*w - 1 - k%4)
			if d.Before(care.admitted) || d.Before(from) {
				continue
			}
			a.Screens = append(a.Screens, g.screen(c, d))
		}
	}
	return db.ImportActivity(ctx, a, rec)
}

// weekdayBefore is the n-th weekday (Monday to Friday) before d.
func weekdayBefore(d model.Date, n int) model.Date {
	for n > 0 {
		d = d.AddDays(-1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

var topics = map[schedule.GroupType][]string{
	"process":            {"Handling cravings at work", "Trust after relapse", "Loneliness in early recovery", "Anger and what sits under it"},
	"relapse_prevention": {"Early warning signs", "High-risk situations this weekend", "Building a relapse-prevention plan", "Lapse versus relapse"},
	"skills":             {"DBT distress tolerance: TIPP", "CBT: catching automatic thoughts", "Opposite action", "Urge surfing"},
	"psychoeducation":    {"How substances change the brain", "Sleep and recovery", "Post-acute withdrawal", "Medications for addiction treatment"},
	"family_education":   {"Boundaries that help", "Talking about recovery at home", "Family roles", "Supporting without rescuing"},
	"vocational":         {"Returning to work", "Budgeting in recovery", "Interview practice", "Structuring the day"},
	"other":              {"Check-in and goals"},
}

var interventions = []string{
	"Check-in round; psychoeducation with handout; skills practice in pairs; wrap-up round.",
	"Motivational interviewing in group; chain analysis of a recent craving; role-play.",
	"Mindfulness opening; CBT thought record worked through together; homework review.",
	"Peer feedback; relapse-prevention planning worksheet; commitment round.",
}

var dynamics = []string{
	"Cohesive; members gave each other specific feedback.",
	"Quieter group today; two members welcomed a newcomer.",
	"Some tension early on, resolved by naming it; good engagement after.",
	"Energetic; humor used well to stay on topic.",
}

var (
	participation = []string{
		"Shared a recent craving at work and how it passed.", "Quiet at first; spoke after the check-in round about the weekend.",
		"Led the role-play and gave others concrete feedback.", "Described an argument at home and what helped calm it.",
		"Talked about sleep getting better since stopping use.", "Arrived distracted; re-engaged during the skills practice.",
		"Asked for feedback on a plan to avoid an old friend.", "Reported a lapse honestly and asked the group for support.",
	}
	response = []string{
		"Practised urge surfing and rated the craving lower afterwards.", "Completed the thought record with help and found a balanced thought.",
		"Named two warning signs and one coping step for each.", "Accepted peer feedback without defending.",
		"Said the handout was useful and took a copy home.", "Struggled with the exercise; will review it individually.",
	}
	progress = []string{
		"Objective 1 (attend all sessions): on track.", "Objective 2 (use a coping skill daily): practising most days.",
		"Objective 3 (build a sober support network): contacted a peer twice.", "Objective 2: reports fewer cravings than at admission.",
		"Objective 1: missed one session; re-committed.", "Objective 3: went to a mutual-help meeting.",
	}
	nextSteps = []string{
		"Log cravings daily; review next group.", "Practise the skill twice before Thursday.", "Call sponsor or peer before the weekend.",
		"Bring the relapse-prevention plan to individual session.", "Try one new mutual-help meeting this week.",
	}
)

// section is one client's part of a group note, drawn from the phrases.
func (g *gen) section() notes.Section {
	return notes.Section{Participation: g.pick(participation), Response: g.pick(response), Progress: g.pick(progress), Plan: g.pick(nextSteps)}
}

// sessionNote is a signed note of a past session, in one of the formats.
func (g *gen) sessionNote(ap schedule.Appointment) notes.SessionNote {
	n := notes.SessionNote{ID: g.id(), ClientID: ap.ClientID, AppointmentID: ap.ID, Minutes: 50, ServiceType: string(ap.Kind),
		Format: g.pick([]string{"DAP", "BIRP", "SOAP"})}
	if ap.Kind == "vocational" {
		n.Format = notes.DefaultFormat(string(ap.Kind))
	}
	text := map[string]string{
		"data":         "Reports " + g.pick([]string{"two cravings", "a stressful week at work", "better sleep", "a family argument"}) + "; used coping skills.",
		"assessment":   g.pick([]string{"Engaged and motivated; risk low.", "Ambivalent about one relationship; no safety concerns.", "Progressing toward plan goals."}),
		"plan":         g.pick(nextSteps),
		"behavior":     g.pick([]string{"On time, engaged, good eye contact.", "Tired but attentive.", "Tearful when discussing family; calmer by the end."}),
		"intervention": g.pick([]string{"Motivational interviewing; reviewed the relapse-prevention plan.", "CBT thought record; safety check.", "Family communication skills; reflective listening."}),
		"response":     g.pick([]string{"Identified one change to try this week.", "Agreed to call a peer before weekends.", "Both named one thing they would do differently."}),
		"subjective":   "\"" + g.pick([]string{"This week was hard but I stayed sober.", "I am sleeping better.", "Work is the hardest part."}) + "\"",
		"objective":    g.pick([]string{"Alert and oriented; mood euthymic.", "Affect constricted; speech normal.", "Calm, cooperative."}),
		"status":       g.pick([]string{"Working 30 hours a week at a warehouse; shifts change weekly.", "Out of work since March; looking for day shifts.", "Enrolled in a community college course, two evenings a week."}),
		"goal":         g.pick([]string{"\"A steady day job so I can keep coming to evening group.\"", "\"Finish my certificate by spring.\"", "\"Ask for a fixed schedule at work.\""}),
		"barriers":     g.pick([]string{"Rotating shifts clash with two group evenings; no car.", "Gap in work history; unsure what to say about treatment.", "Childcare on class nights."}),
		"activities":   g.pick([]string{"Updated the résumé; practised answering questions about the work gap.", "Drafted a request to the supervisor for a fixed schedule; reviewed rights to leave for treatment.", "Referred to state vocational rehabilitation; listed three openings to apply for."}),
	}
	n.Parts = map[string]string{}
	for _, f := range notes.FieldsOf(n.Format) {
		n.Parts[f.Key] = text[f.Key]
	}
	end := ap.End
	n.SignedAt = end.Add(time.Duration(1+g.rng.IntN(20)) * time.Hour)
	return n
}

// screen is a weekly urine screen: mostly negative, a few positive (with the
// counselor's response), refused or missed.
func (g *gen) screen(clientID string, d model.Date) intensity.Screen {
	s := intensity.Screen{ID: g.id(), ClientID: clientID, Date: d, Outcome: "collected", Specimen: "urine", Observed: g.rng.IntN(3) == 0,
		Results: map[string]string{}}
	for _, code := range []string{"alcohol", "amphetamines", "benzodiazepines", "cannabinoids", "cocaine", "fentanyl", "opiates"} {
		s.Results[code] = intensity.Negative
	}
	switch r := g.rng.IntN(100); {
	case r < 3:
		s.Outcome, s.Specimen, s.Observed, s.Results = "missed", "", false, nil
		s.Response = "Called the client; screen rescheduled."
	case r < 10:
		s.Results[g.pick([]string{"cannabinoids", "alcohol", "cocaine"})] = intensity.Positive
		s.Confirmation = "Sent for LC-MS/MS confirmation"
		s.Response = g.pick([]string{"Discussed with the client; screens increased to twice weekly.",
			"Reviewed the relapse-prevention plan in individual session.", "Client disclosed use; plan updated with new triggers."})
	}
	return s
}
