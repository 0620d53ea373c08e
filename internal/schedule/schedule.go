// Package schedule is the program's calendar: recurring group series with
// RFC 5545 weekly recurrence, their exceptions and the center's closures,
// appointments, clients' availability, and the conflicts between them. It
// expands and checks; it has no SQL and no HTTP.
package schedule

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// GroupType is the kind of group a series is.
type GroupType string

// GroupTypes lists the group types in the order forms offer them.
var GroupTypes = []struct {
	Value GroupType
	Label string
}{
	{"process", "Process group"}, {"psychoeducation", "Psychoeducation workshop"}, {"relapse_prevention", "Relapse-prevention group"},
	{"skills", "Skills group (CBT, DBT skills)"}, {"family_education", "Family education"}, {"vocational", "Vocational and life skills"},
	{"other", "Other"},
}

// Label is the type in words.
func (g GroupType) Label() string {
	for _, t := range GroupTypes {
		if t.Value == g {
			return t.Label
		}
	}
	return string(g)
}

// Valid reports whether g is a known type.
func (g GroupType) Valid() bool { return g.Label() != string(g) }

// Recurrence is the subset of RFC 5545 recurrence an IOP needs: weekly on
// some days from a first date, until a date or for a number of
// occurrences (or open-ended).
type Recurrence struct {
	Days  []time.Weekday
	From  model.Date // DTSTART's date
	Until model.Date // zero: no end date
	Count int        // 0: no count
}

var rruleDays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// ParseRRule reads an RRULE value such as "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301".
// Only weekly rules with BYDAY are accepted; anything else is an error that
// says what is not supported.
func ParseRRule(s string, from model.Date) (Recurrence, error) {
	r := Recurrence{From: from}
	s = strings.TrimPrefix(strings.TrimSpace(s), "RRULE:")
	if s == "" {
		return r, fmt.Errorf("the recurrence rule is empty")
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			return r, fmt.Errorf("%q is not NAME=VALUE", part)
		}
		k = strings.ToUpper(k)
		if seen[k] {
			return r, fmt.Errorf("%s is given twice", k)
		}
		seen[k] = true
		switch k {
		case "FREQ":
			if strings.ToUpper(v) != "WEEKLY" {
				return r, fmt.Errorf("only weekly recurrence (FREQ=WEEKLY) is supported, not %s", v)
			}
		case "BYDAY":
			for _, d := range strings.Split(strings.ToUpper(v), ",") {
				wd, ok := rruleDays[d]
				if !ok {
					return r, fmt.Errorf("%q is not a day (use MO, TU, WE, TH, FR, SA, SU)", d)
				}
				if !slices.Contains(r.Days, wd) {
					r.Days = append(r.Days, wd)
				}
			}
		case "UNTIL":
			d, err := parseRRuleDate(v)
			if err != nil {
				return r, err
			}
			r.Until = d
		case "COUNT":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return r, fmt.Errorf("COUNT must be a whole number from 1 to 1000, not %q", v)
			}
			r.Count = n
		case "INTERVAL":
			if v != "1" {
				return r, fmt.Errorf("only every-week recurrence (INTERVAL=1) is supported, not INTERVAL=%s", v)
			}
		case "WKST":
		default:
			return r, fmt.Errorf("%s is not supported in a recurrence rule", k)
		}
	}
	if !seen["FREQ"] {
		return r, fmt.Errorf("the rule needs FREQ=WEEKLY")
	}
	if len(r.Days) == 0 {
		return r, fmt.Errorf("the rule needs BYDAY with at least one day")
	}
	if !r.Until.IsZero() && r.Count > 0 {
		return r, fmt.Errorf("give UNTIL or COUNT, not both")
	}
	slices.Sort(r.Days)
	return r, nil
}

func parseRRuleDate(v string) (model.Date, error) {
	if len(v) >= 8 {
		if t, err := time.Parse("20060102", v[:8]); err == nil {
			return model.DateOf(t), nil
		}
	}
	return model.Date{}, fmt.Errorf("UNTIL must be a date like 20270301, not %q", v)
}

// RRule writes the recurrence as an RRULE value.
func (r Recurrence) RRule() string {
	codes := make([]string, len(r.Days))
	for i, d := range r.Days {
		codes[i] = strings.ToUpper(d.String()[:2])
	}
	s := "FREQ=WEEKLY;BYDAY=" + strings.Join(codes, ",")
	if !r.Until.IsZero() {
		s += ";UNTIL=" + r.Until.Format("20060102")
	}
	if r.Count > 0 {
		s += ";COUNT=" + strconv.Itoa(r.Count)
	}
	return s
}

// Dates lists the dates the recurrence falls on from from to to inclusive.
func (r Recurrence) Dates(from, to model.Date) []model.Date {
	var out []model.Date
	n := 0
	for d := r.From; !d.After(to); d = d.AddDays(1) {
		if !r.Until.IsZero() && d.After(r.Until) {
			break
		}
		if !slices.Contains(r.Days, d.Weekday()) {
			continue
		}
		n++
		if r.Count > 0 && n > r.Count {
			break
		}
		if !d.Before(from) {
			out = append(out, d)
		}
	}
	return out
}

// Last is the last date the recurrence can fall on; zero when open-ended.
func (r Recurrence) Last() model.Date {
	switch {
	case !r.Until.IsZero():
		return r.Until
	case r.Count > 0:
		d := r.From
		for n := 0; ; d = d.AddDays(1) {
			if slices.Contains(r.Days, d.Weekday()) {
				n++
				if n == r.Count {
					return d
				}
			}
		}
	}
	return model.Date{}
}

// Series is a recurring group, such as "Relapse prevention, Mondays 6-9 pm".
type Series struct {
	ID              string
	TrackID         string
	Title           string // the topic or curriculum, e.g. "Living in Balance, session cycle A"
	Type            GroupType
	Recurrence      Recurrence
	Start           model.ClockTime // in the site's time zone
	Minutes         int
	FacilitatorID   string
	CoFacilitatorID string
	Room            string
	TelehealthURL   string
	MinCapacity     int
	MaxCapacity     int
	OpenCohort      bool // rolling admission; a closed cohort admits only at its start
	Version         int  // bumped by every change, for calendar SEQUENCE

	// Filled in by queries, for display.
	FacilitatorName string
	TrackName       string
	Enrolled        int
	Waitlisted      int
}

// End is the clock time the group ends.
func (s Series) End() model.ClockTime { return s.Start + model.ClockTime(s.Minutes) }

// WeeklyMinutes is the group's time per week.
func (s Series) WeeklyMinutes() int { return s.Minutes * len(s.Recurrence.Days) }

// Problems checks a series.
func (s Series) Problems() map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(s.Title) == "" {
		p["title"] = "Enter the group's topic or curriculum."
	} else if utf8.RuneCountInString(s.Title) > 120 {
		p["title"] = "Keep the topic under 120 characters."
	}
	if !s.Type.Valid() {
		p["type"] = "Choose the type of group."
	}
	if len(s.Recurrence.Days) == 0 {
		p["days"] = "Choose at least one day."
	}
	if s.Recurrence.From.IsZero() {
		p["from"] = "Enter the first date."
	}
	if !s.Recurrence.Until.IsZero() && s.Recurrence.Until.Before(s.Recurrence.From) {
		p["until"] = "The end date cannot be before the first date."
	}
	if s.Minutes < 15 || s.Minutes > 8*60 {
		p["minutes"] = "A group lasts from 15 minutes to 8 hours."
	} else if int(s.Start)+s.Minutes > 24*60 {
		p["minutes"] = "The group must end by midnight."
	}
	if s.Start < 0 || s.Start >= 24*60 {
		p["start"] = "Enter the start time as HH:MM."
	}
	if s.FacilitatorID == "" {
		p["facilitator_id"] = "Choose the facilitator."
	} else if s.CoFacilitatorID == s.FacilitatorID {
		p["co_facilitator_id"] = "The co-facilitator must be someone else."
	}
	if strings.TrimSpace(s.Room) == "" && s.TelehealthURL == "" {
		p["room"] = "Give a room, a telehealth link, or both."
	}
	if s.TelehealthURL != "" {
		if u, err := url.Parse(s.TelehealthURL); err != nil || u.Scheme != "https" || u.Host == "" {
			p["telehealth_url"] = "The telehealth link must be an https:// address."
		}
	}
	switch {
	case s.MaxCapacity < 1 || s.MaxCapacity > 100:
		p["max_capacity"] = "The maximum is from 1 to 100 people."
	case s.MinCapacity < 0 || s.MinCapacity > s.MaxCapacity:
		p["min_capacity"] = "The minimum must be from 0 to the maximum."
	}
	return p
}

// Overlap reports whether two series can meet at the same time: they share
// a weekday, their date ranges overlap and their hours overlap.
func Overlap(a, b Series) bool {
	shares := slices.ContainsFunc(a.Recurrence.Days, func(d time.Weekday) bool { return slices.Contains(b.Recurrence.Days, d) })
	if !shares || a.Start >= b.End() || b.Start >= a.End() {
		return false
	}
	aLast, bLast := a.Recurrence.Last(), b.Recurrence.Last()
	if !aLast.IsZero() && aLast.Before(b.Recurrence.From) || !bLast.IsZero() && bLast.Before(a.Recurrence.From) {
		return false
	}
	return true
}

// Exception changes one occurrence of a series: cancels it, or moves it to
// another date and time.
type Exception struct {
	SeriesID  string
	Date      model.Date // the occurrence's original date
	Cancelled bool
	NewDate   model.Date      // for a move
	NewStart  model.ClockTime // for a move
	Reason    string
}

// Closure is a day the center is closed (a holiday, weather): no group meets
// and nothing may be booked.
type Closure struct {
	Date   model.Date
	Reason string
}

// Occurrence is one meeting of a series.
type Occurrence struct {
	Series    *Series
	Date      model.Date // the original date, which identifies it
	Start     time.Time
	End       time.Time
	Cancelled bool
	Moved     bool
	Closed    string // the closure reason, when the center is closed that day
	Reason    string // why it was cancelled or moved
	// SubstituteID and SubstituteName name who facilitates this one meeting
	// in place of the group's facilitators, when a director has named someone.
	SubstituteID, SubstituteName string
}

// Occurrences expands a series between two dates in the site's time zone,
// applying its exceptions and the center's closures (a closure cancels the
// occurrence). Cancelled occurrences are returned marked, so calendars can
// show and feeds can withdraw them.
func (s *Series) Occurrences(from, to model.Date, loc *time.Location, exceptions []Exception, closures []Closure) []Occurrence {
	closed := map[model.Date]string{}
	for _, c := range closures {
		closed[c.Date] = c.Reason
	}
	ex := map[model.Date]Exception{}
	for _, e := range exceptions {
		if e.SeriesID == s.ID {
			ex[e.Date] = e
		}
	}
	// A move can bring an occurrence into the window from outside it.
	lo, hi := from.AddDays(-14), to.AddDays(14)
	var out []Occurrence
	for _, d := range s.Recurrence.Dates(lo, hi) {
		o := Occurrence{Series: s, Date: d}
		day, start := d, s.Start
		if e, ok := ex[d]; ok {
			o.Reason = e.Reason
			if e.Cancelled {
				o.Cancelled = true
			} else if !e.NewDate.IsZero() {
				o.Moved, day, start = true, e.NewDate, e.NewStart
			}
		}
		if day.Before(from) || day.After(to) {
			continue
		}
		if why, ok := closed[day]; ok {
			o.Cancelled, o.Closed = true, why
		}
		o.Start = clockOn(day, start, loc)
		o.End = o.Start.Add(time.Duration(s.Minutes) * time.Minute)
		out = append(out, o)
	}
	return out
}

// clockOn is the instant of a clock time on a date in a zone.
func clockOn(d model.Date, c model.ClockTime, loc *time.Location) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, int(c)/60, int(c)%60, 0, 0, loc)
}
