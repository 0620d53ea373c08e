package builder

import (
	"crypto/sha256"
	"encoding/hex"
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
	// NotBefore, when set, is the moment from which sessions may be
	// planned (the store sets now): a week already under way books no
	// individual session in its past.
	NotBefore time.Time
	// Counselors are the staff with counseling hours at the site, and the
	// clients' primary counselors (who may have none).
	Counselors []CalendarCounselor
}

// CalendarCounselor is a clinician's weekly counseling hours at the site
// and what already fills that time this week.
type CalendarCounselor struct {
	ID       string
	Name     string
	Caseload int                         // the most clients they see individually in a week
	Hours    []schedule.CounselingWindow // at this site, in its local time
	// Busy is what already holds them this week: the groups they facilitate
	// (at any site) and their appointments.
	Busy []schedule.Block
}

// CalendarClient is a client in treatment at the site.
type CalendarClient struct {
	ID          string
	Name        string
	ProgramID   string
	TrackID     string // the episode's track (the placement), taken as a preference
	CounselorID string
	// CounselorName names the primary counselor in reasons, even one who
	// has no counseling hours here.
	CounselorName string
	Availability  schedule.Availability
	Enrolled      []string // series ids
	// Booked is how many individual counseling appointments the client
	// already has this week; they count toward the program's sessions.
	Booked int
	// Appointments are the client's appointments this week (any kind): the
	// week plans nothing over them.
	Appointments []schedule.Block
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
// minimum and the time outside their busy windows and blackout dates, and
// the program's individual sessions not yet booked with their primary
// counselor, in that counselor's free counseling hours cut into sessions.
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
	counselors := map[string]bool{}
	for _, k := range cal.Counselors {
		if counselors[k.ID] {
			continue
		}
		counselors[k.ID] = true
		// The week's groups they facilitate are out too, even a meeting a
		// substitute takes (the master schedule still names them).
		var leads []Span
		for _, g := range in.Groups {
			if g.Facilitator == k.ID {
				leads = append(leads, g.Meetings...)
			}
		}
		in.Counselors = append(in.Counselors, Counselor{ID: k.ID, Name: k.Name, Site: cal.Site, Caseload: k.Caseload,
			Slots: sessionSlots(cal.Week, loc, k, leads, cal.Closures, cal.NotBefore)})
	}
	for _, c := range cal.Clients {
		p := cal.Programs[c.ProgramID]
		cl := Client{ID: c.ID, Name: c.Name, Site: cal.Site, Program: string(p.Population), MinMinutes: p.MinWeeklyMinutes,
			PreferTrack: c.TrackID, Available: available(cal.Week, loc, c.Availability, c.Appointments), Counselor: c.CounselorID,
			Sessions: max(0, p.IndividualSessions-c.Booked)}
		if c.CounselorID != "" && !counselors[c.CounselorID] {
			// A primary counselor with no counseling hours here: listed with
			// no slots, so the client's missing session is explained.
			counselors[c.CounselorID] = true
			in.Counselors = append(in.Counselors, Counselor{ID: c.CounselorID, Name: c.CounselorName, Site: cal.Site})
		}
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

// sessionSlots cuts a counselor's counseling hours this week into
// sessions of schedule.SessionMinutes, leaving out closed days, the time
// they are already busy (a group they facilitate, an appointment) and the
// time before notBefore.
func sessionSlots(monday model.Date, loc *time.Location, k CalendarCounselor, leads []Span, closures []schedule.Closure, notBefore time.Time) []Span {
	var out []Span
	busy := k.Busy
	if !notBefore.IsZero() {
		busy = append(slices.Clone(busy), schedule.Block{End: notBefore, What: "the past"})
	}
	for i := 0; i < 7; i++ {
		d := monday.AddDays(i)
		if slices.ContainsFunc(closures, func(c schedule.Closure) bool { return c.Date == d }) {
			continue
		}
		var free []Span
		for _, w := range k.Hours {
			if w.Day == d.Weekday() {
				free = append(free, Span{Day: Day(i), Start: int(w.From), End: int(w.To)})
			}
		}
		free = cutBlocks(free, d, loc, busy)
		for _, g := range leads {
			if g.Day == Day(i) {
				free = cut(free, g.Start, g.End)
			}
		}
		for _, f := range free {
			for t := f.Start; t+schedule.SessionMinutes <= f.End; t += schedule.SessionMinutes {
				out = append(out, Span{Day: Day(i), Start: t, End: t + schedule.SessionMinutes})
			}
		}
	}
	slices.SortFunc(out, func(a, b Span) int { return a.from() - b.from() })
	return out
}

// cutBlocks takes what the blocks hold of date d out of that day's spans.
func cutBlocks(free []Span, d model.Date, loc *time.Location, blocks []schedule.Block) []Span {
	dayStart := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	next := dayStart.AddDate(0, 0, 1)
	for _, b := range blocks {
		from, to := b.Start.In(loc), b.End.In(loc)
		if !from.Before(next) || !to.After(dayStart) {
			continue
		}
		start, end := 0, 1440
		if from.After(dayStart) {
			start = from.Hour()*60 + from.Minute()
		}
		if to.Before(next) {
			end = to.Hour()*60 + to.Minute()
		}
		free = cut(free, start, end)
	}
	return free
}

// cut takes the minutes [start, end) out of a day's spans.
func cut(spans []Span, start, end int) []Span {
	var next []Span
	for _, f := range spans {
		if end <= f.Start || start >= f.End {
			next = append(next, f)
			continue
		}
		if start > f.Start {
			next = append(next, Span{Day: f.Day, Start: f.Start, End: start})
		}
		if end < f.End {
			next = append(next, Span{Day: f.Day, Start: end, End: f.End})
		}
	}
	return next
}

// available is the week's time from 07:00 to 22:00 outside the busy
// windows and the appointments, with blackout dates taken out whole.
func available(monday model.Date, loc *time.Location, av schedule.Availability, appts []schedule.Block) []Span {
	var out []Span
	for i := 0; i < 7; i++ {
		d := monday.AddDays(i)
		if slices.ContainsFunc(av.Blackouts, func(b schedule.Blackout) bool { return b.Date == d }) {
			continue
		}
		free := []Span{{Day: Day(i), Start: dayFrom, End: dayTo}}
		for _, b := range av.Busy {
			if b.Day == d.Weekday() {
				free = cut(free, int(b.From), int(b.To))
			}
		}
		free = cutBlocks(free, d, loc, appts)
		out = append(out, free...)
	}
	return out
}

// Move is one client's change against their current enrolments, and the
// individual sessions the week books for them.
type Move struct {
	Client   string
	Join     []string          // group ids
	Leave    []string          // group ids
	Why      map[string]string // for each group left, why
	Site     string            // the client's site, whose time zone the sessions are in
	Sessions []Booking         // individual sessions to book, in the week's order
}

// Booking is one planned individual counseling session: with whom, on
// which date and at what time of that day (the site's local time).
type Booking struct {
	Counselor string
	Date      model.Date
	Span      Span
}

// Fingerprint names a list of moves, sessions included, so that an apply
// can check it makes exactly the proposal that was shown.
func Fingerprint(moves []Move) string {
	h := sha256.New()
	for _, m := range moves {
		fmt.Fprintf(h, "%s+%s-%s", m.Client, strings.Join(m.Join, ","), strings.Join(m.Leave, ","))
		for _, b := range m.Sessions {
			fmt.Fprintf(h, "*%s@%s/%d-%d", b.Counselor, b.Date, b.Span.Start, b.Span.End)
		}
		fmt.Fprint(h, ";")
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// Diff is the proposal as changes against the current enrolments and the
// individual sessions to book, for the clients whose week changes or who
// have sessions planned, in the instance's order.
func Diff(in *Instance, r *Result) []Move {
	var out []Move
	monday, _ := ParseWeek(in.Week) // an instance from FromCalendar always names its week
	for i, c := range in.Clients {
		a := r.Assignments[i]
		planned := append([]string(nil), a.Groups...)
		if a.Process != "" {
			planned = append(planned, a.Process)
		}
		m := Move{Client: c.ID, Site: c.Site}
		for _, s := range a.Sessions {
			m.Sessions = append(m.Sessions, Booking{Counselor: s.Counselor, Date: monday.AddDays(int(s.Span.Day)), Span: s.Span})
		}
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
		if len(m.Join)+len(m.Leave)+len(m.Sessions) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// WhatIfName words a what-if group as its question asks about it:
// "new Evening process group with 12 seats".
func (g Group) WhatIfName() string {
	return fmt.Sprintf("%s with %d seats", strings.ToLower(g.Title[:1])+g.Title[1:], g.Capacity)
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
