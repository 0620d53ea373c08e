// Package outcomes computes the figures a program director shows payers,
// accreditors and the board: admissions, census, length of stay, retention,
// completion, attendance, drug screens, PHQ-9 and GAD-7 change, level-of-care
// changes and time from inquiry to admission.
//
// Every figure is defined once, in Definitions: its name, what it means, and
// its numerator and denominator in words, which the page shows under the
// figure. Compute takes plain rows (no SQL, no HTTP) and today's date.
package outcomes

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Episode is one episode of care, with what the figures need about it.
type Episode struct {
	ID, ClientID       string
	Admitted           model.Date
	Discharged         model.Date // zero while open
	DischargeType      string     // care.DischargeType; "" when open or when no discharge summary was written
	MinWeeklyMinutes   int        // the program's weekly minimum
	InquiredAt         time.Time  // when the inquiry that led to the admission came in; zero when none
	Payer              string     // cost.Payer, from coverage or the inquiry; "" when not recorded
	ProgramID, TrackID string
}

// Mark is one client's attendance at one meeting (intensity.Status values).
type Mark struct {
	ClientID string
	Date     model.Date
	Status   string
	Minutes  int
}

// Screen is one drug or alcohol screen. Negative is true when it was
// collected and every substance tested came back negative.
type Screen struct {
	ClientID string
	Date     model.Date
	Negative bool
}

// Score is one PHQ-9 or GAD-7 total.
type Score struct {
	ClientID   string
	Instrument string // "phq-9" or "gad-7"
	Date       model.Date
	Total      int
}

// Change is a level-of-care change in an episode ("step_down" or "step_up").
type Change struct {
	EpisodeID string
	Kind      string
	Date      model.Date
}

// Input is everything Compute needs. Episodes are already filtered by
// program, track and payer type; marks, screens and scores belong to their
// clients and are matched to an episode by date.
type Input struct {
	From, To model.Date // the period, both days included
	Today    model.Date
	Loc      *time.Location // the site's zone, for the day an inquiry came in
	Episodes []Episode
	Marks    []Mark
	Screens  []Screen
	Scores   []Score
	Changes  []Change
}

// Since is the earliest admission date the figures can need for a period
// that starts on from: retention at 90 days looks at admissions 90 days
// before the period.
func Since(from model.Date) model.Date { return from.AddDays(-RetentionDays[len(RetentionDays)-1]) }

// RetentionDays are the days at which retention is counted.
var RetentionDays = []int{30, 60, 90}

// Unit is what a figure counts.
type Unit int

// The units.
const (
	People Unit = iota // a count of people (episodes)
	Share              // Num of Den
	Days               // a median in days, over Den
	Points             // a mean change in points, over Den
	Count              // a count of events (not people)
)

// Figure is one computed figure with its definition.
type Figure struct {
	Definition
	Num, Den int     // Share: numerator and denominator; People, Count: Num; Days, Points: Den is how many it rests on
	Value    float64 // Share: Num/Den; Days: the median; Points: the mean
	Clients  int     // distinct clients the figure rests on, for suppression
	Missing  string  // why the figure is not computed; "" when it is
}

// Has reports whether there is anything to show.
func (f Figure) Has() bool {
	if f.Missing != "" {
		return false
	}
	switch f.Unit {
	case People, Count:
		return true
	}
	return f.Den > 0
}

// Display is the figure in words for the page, e.g. "73% (22 of 30)".
func (f Figure) Display() string {
	if f.Missing != "" {
		return "Not computed"
	}
	if !f.Has() {
		return "No data"
	}
	switch f.Unit {
	case Share:
		return Percent(f.Num, f.Den) + " (" + strconv.Itoa(f.Num) + " of " + strconv.Itoa(f.Den) + ")"
	case Days:
		return trim(f.Value) + " days"
	case Points:
		return signed(f.Value) + " points"
	}
	return strconv.Itoa(f.Num)
}

// Percent is num of den as a whole percentage.
func Percent(num, den int) string {
	if den == 0 {
		return "–"
	}
	return strconv.Itoa(int(math.Round(100*float64(num)/float64(den)))) + "%"
}

func trim(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func signed(v float64) string {
	s := trim(v)
	if v > 0 {
		s = "+" + s
	}
	return s
}

// Stage is one step of the admissions-to-discharge funnel.
type Stage struct {
	Label string
	Count int
}

// Month is one calendar month of drug screens.
type Month struct {
	First             model.Date // its first day
	Month             string     // "2026-01"
	Label             string     // "Jan 2026"
	Screens, Negative int
	Clients           int
}

// DischargeCount is how many discharges in the period were of one type.
type DischargeCount struct {
	Type, Label string
	Count       int
}

// Bin is one bar of a distribution of score changes.
type Bin struct {
	Label string // "Better by 6 or more"
	Short string // "≤ −6", under a bar
	Count int
}

// InstrumentChange is the change on one instrument from the first score in
// the episode to the latest, with its distribution.
type InstrumentChange struct {
	Instrument Instrument
	Mean       Figure
	Improved   Figure
	Remission  Figure
	Bins       []Bin
}

// Report is every figure for a period.
type Report struct {
	From, To, End model.Date // End is the last day counted: To, or today when To is later
	Figures       []Figure   // the headline figures, in the order of Definitions
	Funnel        []Stage
	FunnelFrom    model.Date // the funnel's cohort: admissions between these days
	FunnelTo      model.Date
	Discharges    []DischargeCount
	Months        []Month
	Change        []InstrumentChange
}

// Figure returns the headline figure with that key.
func (r Report) Figure(key string) Figure {
	for _, f := range r.Figures {
		if f.Key == key {
			return f
		}
	}
	return Figure{}
}

// DischargeLabels are the discharge types in words (care.DischargeType),
// in form order; "" is an episode closed without a discharge summary.
var DischargeLabels = []struct{ Type, Label string }{
	{"completed", "Completed treatment"}, {"left_before_completion", "Left before completing"},
	{"administrative", "Administrative discharge"}, {"transferred", "Transferred to another level of care or provider"},
	{"other", "Other"}, {"", "No discharge summary recorded"},
}

func inCare(e Episode, d model.Date) bool {
	return !e.Admitted.After(d) && (e.Discharged.IsZero() || !e.Discharged.Before(d))
}

func between(d, from, to model.Date) bool { return !d.Before(from) && !d.After(to) }

// overlaps reports whether the episode was in care on any day from..to.
func overlaps(e Episode, from, to model.Date) bool {
	return !e.Admitted.After(to) && (e.Discharged.IsZero() || !e.Discharged.Before(from))
}

func minDate(a, b model.Date) model.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func median(v []int) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// Compute works out every figure for the period.
func Compute(in Input) Report {
	end := minDate(in.To, in.Today)
	r := Report{From: in.From, To: in.To, End: end, Figures: make([]Figure, 0, len(Definitions))}
	fig := func(key string) *Figure {
		r.Figures = append(r.Figures, Figure{Definition: Lookup(key)})
		return &r.Figures[len(r.Figures)-1]
	}
	clients := func(ids map[string]bool) int { return len(ids) }

	// The episodes in care at some time in the period, and by client.
	var active []Episode
	byClient := map[string][]Episode{}
	for _, e := range in.Episodes {
		if overlaps(e, in.From, end) {
			active = append(active, e)
			byClient[e.ClientID] = append(byClient[e.ClientID], e)
		}
	}
	// episodeOn finds the client's episode in care on day d.
	episodeOn := func(clientID string, d model.Date) (Episode, bool) {
		for _, e := range byClient[clientID] {
			if inCare(e, d) {
				return e, true
			}
		}
		return Episode{}, false
	}

	// Admissions.
	f := fig("admissions")
	var admitted []Episode
	seen := map[string]bool{}
	for _, e := range active {
		if between(e.Admitted, in.From, end) {
			admitted = append(admitted, e)
			seen[e.ClientID] = true
		}
	}
	f.Num, f.Clients = len(admitted), clients(seen)

	// Census.
	f = fig("census")
	seen = map[string]bool{}
	for _, e := range active {
		if !e.Admitted.After(end) && (e.Discharged.IsZero() || e.Discharged.After(end)) {
			f.Num++
			seen[e.ClientID] = true
		}
	}
	f.Clients = clients(seen)

	// Length of stay, completion and discharge types: the discharges in the period.
	var stays []int
	counts := map[string]int{}
	completed := 0
	seen = map[string]bool{}
	for _, e := range active {
		if e.Discharged.IsZero() || !between(e.Discharged, in.From, end) {
			continue
		}
		stays = append(stays, e.Admitted.DaysUntil(e.Discharged))
		counts[e.DischargeType]++
		seen[e.ClientID] = true
		if e.DischargeType == "completed" {
			completed++
		}
	}
	f = fig("length_of_stay")
	f.Den, f.Value, f.Clients = len(stays), median(stays), clients(seen)
	f = fig("completion")
	f.Num, f.Den, f.Clients = completed, len(stays), clients(seen)
	for _, l := range DischargeLabels {
		if n := counts[l.Type]; n > 0 || l.Type != "" {
			r.Discharges = append(r.Discharges, DischargeCount{Type: l.Type, Label: l.Label, Count: n})
		}
	}

	// Retention at 30, 60 and 90 days, each over the admissions that have had
	// that many days: those admitted between From and To moved back N days.
	retained := func(e Episode, n int) bool {
		return e.DischargeType == "completed" || e.Discharged.IsZero() || !e.Discharged.Before(e.Admitted.AddDays(n))
	}
	for _, n := range RetentionDays {
		f = fig("retention_" + strconv.Itoa(n))
		seen = map[string]bool{}
		for _, e := range in.Episodes {
			if between(e.Admitted, in.From.AddDays(-n), end.AddDays(-n)) {
				f.Den++
				seen[e.ClientID] = true
				if retained(e, n) {
					f.Num++
				}
			}
		}
		f.Clients = clients(seen)
	}

	// The funnel follows one cohort, the 90-day retention cohort, so that
	// every stage could be reached by everyone in it.
	last := RetentionDays[len(RetentionDays)-1]
	r.FunnelFrom, r.FunnelTo = in.From.AddDays(-last), end.AddDays(-last)
	r.Funnel = []Stage{{Label: "Admitted"}}
	for _, n := range RetentionDays {
		r.Funnel = append(r.Funnel, Stage{Label: "In care or completed at " + strconv.Itoa(n) + " days"})
	}
	r.Funnel = append(r.Funnel, Stage{Label: "Completed treatment"})
	for _, e := range in.Episodes {
		if !between(e.Admitted, r.FunnelFrom, r.FunnelTo) {
			continue
		}
		r.Funnel[0].Count++
		for i, n := range RetentionDays {
			if retained(e, n) {
				r.Funnel[i+1].Count++
			}
		}
		if e.DischargeType == "completed" && !e.Discharged.After(end) {
			r.Funnel[len(r.Funnel)-1].Count++
		}
	}

	// The weekly minimum, over client-weeks: whole weeks (Monday to Sunday)
	// inside the period, ended before today, with the episode in care all week.
	minutes := map[string]map[model.Date]int{} // client -> Monday -> minutes
	for _, m := range in.Marks {
		if minutes[m.ClientID] == nil {
			minutes[m.ClientID] = map[model.Date]int{}
		}
		minutes[m.ClientID][monday(m.Date)] += m.Minutes
	}
	f = fig("weekly_minimum")
	seen = map[string]bool{}
	for mon := monday(in.From); !mon.After(end); mon = mon.AddDays(7) {
		sun := mon.AddDays(6)
		if mon.Before(in.From) || sun.After(in.To) || !sun.Before(in.Today) {
			continue
		}
		for _, e := range active {
			if e.MinWeeklyMinutes <= 0 || !inCare(e, mon) || !inCare(e, sun) {
				continue
			}
			f.Den++
			seen[e.ClientID] = true
			if minutes[e.ClientID][mon] >= e.MinWeeklyMinutes {
				f.Num++
			}
		}
	}
	f.Clients = clients(seen)

	// Attendance rate.
	f = fig("attendance")
	seen = map[string]bool{}
	for _, m := range in.Marks {
		if !between(m.Date, in.From, end) || m.Status == "cancelled" {
			continue
		}
		if _, ok := episodeOn(m.ClientID, m.Date); !ok {
			continue
		}
		f.Den++
		seen[m.ClientID] = true
		switch m.Status {
		case "present", "late", "left_early":
			f.Num++
		}
	}
	f.Clients = clients(seen)

	// Drug screens: overall and per month.
	f = fig("screens_negative")
	seen = map[string]bool{}
	months := map[string]*Month{}
	monthSeen := map[string]map[string]bool{}
	for d := (model.Date{Year: in.From.Year, Month: in.From.Month, Day: 1}); !d.After(end); d = nextMonth(d) {
		key := d.Format("2006-01")
		months[key] = &Month{First: d, Month: key, Label: d.Format("Jan 2006")}
		monthSeen[key] = map[string]bool{}
	}
	for _, s := range in.Screens {
		if !between(s.Date, in.From, end) {
			continue
		}
		if _, ok := episodeOn(s.ClientID, s.Date); !ok {
			continue
		}
		f.Den++
		seen[s.ClientID] = true
		m := months[s.Date.Format("2006-01")]
		m.Screens++
		monthSeen[m.Month][s.ClientID] = true
		if s.Negative {
			f.Num++
			m.Negative++
		}
	}
	f.Clients = clients(seen)
	keys := make([]string, 0, len(months))
	for k := range months {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := *months[k]
		m.Clients = len(monthSeen[k])
		r.Months = append(r.Months, m)
	}

	// PHQ-9 and GAD-7: change from the first score in the episode to the latest.
	for _, ins := range Instruments {
		r.Change = append(r.Change, change(in, ins, active, end))
		c := r.Change[len(r.Change)-1]
		r.Figures = append(r.Figures, c.Mean, c.Improved, c.Remission)
	}

	// Step-downs and step-ups.
	ids := map[string]Episode{}
	for _, e := range active {
		ids[e.ID] = e
	}
	down, up := fig("step_downs"), Figure{}
	seenDown, seenUp := map[string]bool{}, map[string]bool{}
	for _, c := range in.Changes {
		e, ok := ids[c.EpisodeID]
		if !ok || !between(c.Date, in.From, end) {
			continue
		}
		switch c.Kind {
		case "step_down":
			down.Num++
			seenDown[e.ClientID] = true
		case "step_up":
			up.Num++
			seenUp[e.ClientID] = true
		}
	}
	down.Clients = clients(seenDown)
	f = fig("step_ups")
	f.Num, f.Clients = up.Num, clients(seenUp)

	// Aftercare appointments kept: not recorded yet.
	f = fig("aftercare_kept")
	f.Missing = "Aftercare appointments are written as text in the discharge summary; whether they were kept is not recorded yet."

	// Time from inquiry to admission.
	f = fig("inquiry_to_admission")
	var waits []int
	seen = map[string]bool{}
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	for _, e := range admitted {
		if e.InquiredAt.IsZero() {
			continue
		}
		d := model.DateOf(e.InquiredAt.In(loc)).DaysUntil(e.Admitted)
		if d < 0 {
			continue // an inquiry after the admission did not lead to it
		}
		waits = append(waits, d)
		seen[e.ClientID] = true
	}
	f.Den, f.Value, f.Clients = len(waits), median(waits), clients(seen)

	// Keep the order of Definitions.
	slices.SortStableFunc(r.Figures, func(a, b Figure) int { return cmp.Compare(order[a.Key], order[b.Key]) })
	return r
}

// nextMonth is the first day of the month after d's.
func nextMonth(d model.Date) model.Date {
	return model.DateOf(time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, time.UTC))
}

// monday is the Monday of d's week (weeks run Monday to Sunday, as in
// intensity.Monday).
func monday(d model.Date) model.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// change computes one instrument's change figures.
func change(in Input, ins Instrument, active []Episode, end model.Date) InstrumentChange {
	c := InstrumentChange{Instrument: ins,
		Mean: Figure{Definition: Lookup(ins.Key + "_change")}, Improved: Figure{Definition: Lookup(ins.Key + "_improved")},
		Remission: Figure{Definition: Lookup(ins.Key + "_remission")}}
	scores := map[string][]Score{}
	for _, s := range in.Scores {
		if s.Instrument == ins.Code {
			scores[s.ClientID] = append(scores[s.ClientID], s)
		}
	}
	n := ins.Reliable
	c.Bins = []Bin{
		{Label: fmt.Sprintf("Better by %d or more", n), Short: fmt.Sprintf("≤ −%d", n)},
		{Label: fmt.Sprintf("Better by 1 to %d", n-1), Short: fmt.Sprintf("−1 to −%d", n-1)},
		{Label: "No change", Short: "0"},
		{Label: fmt.Sprintf("Worse by 1 to %d", n-1), Short: fmt.Sprintf("+1 to +%d", n-1)},
		{Label: fmt.Sprintf("Worse by %d or more", n), Short: fmt.Sprintf("≥ +%d", n)},
	}
	sum := 0
	seen, cases := map[string]bool{}, map[string]bool{}
	for _, e := range active {
		var list []Score
		stop := end
		if !e.Discharged.IsZero() {
			stop = minDate(stop, e.Discharged)
		}
		for _, s := range scores[e.ClientID] {
			if between(s.Date, e.Admitted, stop) {
				list = append(list, s)
			}
		}
		if len(list) < 2 {
			continue
		}
		slices.SortStableFunc(list, func(a, b Score) int { return cmp.Compare(a.Date.String(), b.Date.String()) })
		first, latest := list[0].Total, list[len(list)-1].Total
		d := latest - first
		sum += d
		c.Mean.Den++
		c.Improved.Den++
		seen[e.ClientID] = true
		if -d >= ins.Reliable {
			c.Improved.Num++
		}
		if first >= ins.Caseness {
			c.Remission.Den++
			cases[e.ClientID] = true
			if latest < ins.Caseness {
				c.Remission.Num++
			}
		}
		switch {
		case -d >= ins.Reliable:
			c.Bins[0].Count++
		case d < 0:
			c.Bins[1].Count++
		case d == 0:
			c.Bins[2].Count++
		case d < ins.Reliable:
			c.Bins[3].Count++
		default:
			c.Bins[4].Count++
		}
	}
	if c.Mean.Den > 0 {
		c.Mean.Value = float64(sum) / float64(c.Mean.Den)
	}
	c.Mean.Clients, c.Improved.Clients, c.Remission.Clients = len(seen), len(seen), len(cases)
	return c
}

// NegativeScreen reports whether a screen counts as negative: collected,
// with at least one result, and every result negative (intensity's
// outcome and result values).
func NegativeScreen(outcome string, results map[string]string) bool {
	if outcome != "collected" || len(results) == 0 {
		return false
	}
	for _, r := range results {
		if r != "negative" {
			return false
		}
	}
	return true
}

// NoPayer is the payer-type filter for episodes whose way of paying is not
// recorded (no primary coverage at admission and none named on the inquiry).
const NoPayer = "none"

// Share is the month's share of screens negative, e.g. "60%".
func (m Month) Share() string { return Percent(m.Negative, m.Screens) }
