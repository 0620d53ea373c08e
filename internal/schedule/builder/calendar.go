package builder

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

// Calendar is what the program calendar holds for one site-week: the input
// the builder turns into an Instance. The store fills it; nothing here reads
// a database.
type Calendar struct {
	Site       string
	Week       model.Date // the Monday
	Location   *time.Location
	Programs   map[string]model.Program // by id
	Tracks     map[string]model.Track   // by id
	Series     []schedule.Series
	Exceptions []schedule.Exception
	Closures   []schedule.Closure
	Clients    []CalendarClient
}

// CalendarClient is a client in treatment at the site.
type CalendarClient struct {
	ID           string
	Name         string
	ProgramID    string
	TrackID      string // the episode's track (the placement), taken as a preference
	CounselorID  string
	Availability schedule.Availability
	Enrolled     []string // series ids
}

// Day window in which the program calendar offers groups; availability is
// the time in it outside the client's busy windows.
const dayFrom, dayTo = 7 * 60, 22 * 60

// ParseWeek reads an ISO week such as "2026-W49" and returns its Monday.
func ParseWeek(s string) (model.Date, error) {
	y, w, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || year < 2000 || year > 2100 || week < 1 || week > 53 {
		return model.Date{}, fmt.Errorf("%q is not an ISO week such as 2026-W49", s)
	}
	// 4 January is always in week 1.
	jan4 := time.Date(year, 1, 4, 12, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(week-1))
	if _, wk := monday.ISOWeek(); wk != week {
		return model.Date{}, fmt.Errorf("%d has no week %d", year, week)
	}
	return model.DateOf(monday), nil
}

// WeekOf is the ISO week of a date, as "2026-W49".
func WeekOf(d model.Date) string {
	y, w := d.In(time.UTC).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func dayOf(d model.Date) Day { return Day((int(d.Weekday()) + 6) % 7) }

// FromCalendar builds the week's instance: every group series that meets in
// the week is a group (its occurrences are its meetings; process groups are
// the cohorts), every client in treatment a client with their program's
// minimum and the time outside their busy windows and blackout dates.
// Individual counseling is not planned here: counselors' free slots are
// not recorded in the calendar.
func FromCalendar(cal Calendar) *Instance {
	in := &Instance{Week: WeekOf(cal.Week)}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	last := cal.Week.AddDays(6)
	inWeek := map[string]bool{}
	for i := range cal.Series {
		s := &cal.Series[i]
		t, ok := cal.Tracks[s.TrackID]
		if !ok {
			continue
		}
		p := cal.Programs[t.ProgramID]
		var meets []Span
		for _, o := range s.Occurrences(cal.Week, last, loc, cal.Exceptions, cal.Closures) {
			if o.Cancelled {
				continue
			}
			st := o.Start.In(loc)
			from := st.Hour()*60 + st.Minute()
			meets = append(meets, Span{Day: dayOf(model.DateOf(st)), Start: from, End: min(1440, from+s.Minutes)})
		}
		if len(meets) == 0 {
			continue
		}
		inWeek[s.ID] = true
		closed := !s.OpenCohort && cal.Week.After(s.Recurrence.From.AddDays(7))
		in.Groups = append(in.Groups, Group{ID: s.ID, Title: s.Title, Site: cal.Site, Program: string(p.Population), Track: t.ID,
			Type: string(s.Type), Process: s.Type == "process", Meetings: meets, Capacity: s.MaxCapacity, Closed: closed,
			Facilitator: s.FacilitatorID, Room: s.Room, Telehealth: s.TelehealthURL != ""})
	}
	for _, c := range cal.Clients {
		p := cal.Programs[c.ProgramID]
		cl := Client{ID: c.ID, Name: c.Name, Site: cal.Site, Program: string(p.Population), MinMinutes: p.MinWeeklyMinutes,
			PreferTrack: c.TrackID, Available: available(cal.Week, c.Availability)}
		process := false
		for _, id := range c.Enrolled {
			if !inWeek[id] {
				continue
			}
			g := in.Groups[slices.IndexFunc(in.Groups, func(g Group) bool { return g.ID == id })]
			if g.Process {
				if process {
					continue // a second process group is not kept: one at most
				}
				process = true
			}
			cl.Current = append(cl.Current, id)
		}
		in.Clients = append(in.Clients, cl)
	}
	return in
}

// available is the week's time from 07:00 to 22:00 outside the busy
// windows, with blackout dates taken out whole.
func available(monday model.Date, av schedule.Availability) []Span {
	var out []Span
	for i := 0; i < 7; i++ {
		d := monday.AddDays(i)
		if slices.ContainsFunc(av.Blackouts, func(b schedule.Blackout) bool { return b.Date == d }) {
			continue
		}
		free := []Span{{Day: Day(i), Start: dayFrom, End: dayTo}}
		for _, b := range av.Busy {
			if b.Day != d.Weekday() {
				continue
			}
			var next []Span
			for _, f := range free {
				if int(b.To) <= f.Start || int(b.From) >= f.End {
					next = append(next, f)
					continue
				}
				if int(b.From) > f.Start {
					next = append(next, Span{Day: f.Day, Start: f.Start, End: int(b.From)})
				}
				if int(b.To) < f.End {
					next = append(next, Span{Day: f.Day, Start: int(b.To), End: f.End})
				}
			}
			free = next
		}
		out = append(out, free...)
	}
	return out
}

// Move is one client's change against their current enrolments.
type Move struct {
	Client string
	Join   []string          // group ids
	Leave  []string          // group ids
	Why    map[string]string // for each group left, why
}

// Diff is the proposal as changes against the current enrolments, for the
// clients whose week changes, in the instance's order.
func Diff(in *Instance, r *Result) []Move {
	var out []Move
	for i, c := range in.Clients {
		a := r.Assignments[i]
		planned := append([]string(nil), a.Groups...)
		if a.Process != "" {
			planned = append(planned, a.Process)
		}
		m := Move{Client: c.ID}
		for _, g := range planned {
			if !slices.Contains(c.Current, g) {
				m.Join = append(m.Join, g)
			}
		}
		for _, g := range c.Current {
			if !slices.Contains(planned, g) {
				m.Leave = append(m.Leave, g)
				if m.Why == nil {
					m.Why = map[string]string{}
				}
				m.Why[g] = "the schedule builder's week leaves it out"
				for _, l := range a.Left {
					if l.Group == g {
						m.Why[g] = l.Reason
					}
				}
			}
		}
		slices.Sort(m.Join)
		slices.Sort(m.Leave)
		if len(m.Join)+len(m.Leave) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// WhatIfGroup is a group the calendar does not have yet, for a what-if:
// one more group of a track at the given times, with seats (0 takes the
// track's capacity, or 12 if it has none).
func (cal Calendar) WhatIfGroup(trackID string, process bool, seats int, meets []Span) (Group, error) {
	t, ok := cal.Tracks[trackID]
	if !ok {
		return Group{}, fmt.Errorf("no track %q at this site", trackID)
	}
	g := Group{Title: "New " + t.Name + " group", Site: cal.Site, Program: string(cal.Programs[t.ProgramID].Population), Track: t.ID,
		Type: "other", Capacity: seats, Meetings: meets}
	if process {
		g.Process, g.Type, g.Title = true, "process", "New "+t.Name+" process group"
	}
	if g.Capacity <= 0 {
		g.Capacity = t.Capacity
	}
	if g.Capacity <= 0 {
		g.Capacity = 12
	}
	return g, nil
}
