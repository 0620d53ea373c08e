// Package intensity is accountability arithmetic: what a client's attendance
// at a group meeting counts for, their week against the program minimum
// (attended, scheduled, still possible, projected shortfall), and the
// alerts a primary counselor should see. It computes; it stores nothing.
package intensity

import (
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// Status is what happened for one client at one meeting.
type Status string

// The statuses, in the order the attendance screen offers them.
const (
	Present         Status = "present"
	Late            Status = "late"
	LeftEarly       Status = "left_early"
	AbsentExcused   Status = "absent_excused"
	AbsentUnexcused Status = "absent_unexcused"
	Cancelled       Status = "cancelled" // cancelled by the program
)

// Statuses lists the statuses with their labels.
var Statuses = []struct {
	Value Status
	Label string
}{
	{Present, "Present"}, {Late, "Late"}, {LeftEarly, "Left early"}, {AbsentExcused, "Absent, excused"},
	{AbsentUnexcused, "Absent, unexcused"}, {Cancelled, "Cancelled by program"},
}

// Label is the status in words.
func (s Status) Label() string {
	for _, x := range Statuses {
		if x.Value == s {
			return x.Label
		}
	}
	return string(s)
}

// Ahead reports whether the status can be known before the meeting starts:
// an absence the client announced, or the program cancelling. Whether
// someone came can only be recorded once the meeting has begun.
func (s Status) Ahead() bool { return s == AbsentExcused || s == Cancelled }

// NotYetProblems checks the marks of a meeting that has not started.
func NotYetProblems(marks []Mark) map[string]string {
	p := map[string]string{}
	for _, m := range marks {
		if m.Status != "" && !m.Status.Ahead() {
			p[m.ClientID] = "This meeting has not started: only an excused absence or a program cancellation can be recorded ahead."
		}
	}
	return p
}

// Mark is one client's attendance at one meeting.
type Mark struct {
	SeriesID   string
	Date       model.Date // the meeting's original date
	ClientID   string
	Status     Status
	Late       int // minutes late
	LeftEarly  int // minutes left before the end
	Telehealth bool
	Minutes    int // what counts toward the week; set by Count
}

// Count validates a mark against the meeting's length and sets the minutes
// it counts for: the full session when present, less the minutes missed
// when late or leaving early, none when absent or cancelled.
func (m *Mark) Count(session int) error {
	switch m.Status {
	case Present:
		m.Late, m.LeftEarly, m.Minutes = 0, 0, session
	case Late, LeftEarly:
		missed := m.Late
		if m.Status == LeftEarly {
			missed, m.Late = m.LeftEarly, 0
		} else {
			m.LeftEarly = 0
		}
		if missed < 1 || missed >= session {
			what := "late"
			if m.Status == LeftEarly {
				what = "left early"
			}
			return fmt.Errorf("give how many minutes %s, from 1 to %d (the session is %d minutes)", what, session-1, session)
		}
		m.Minutes = session - missed
	case AbsentExcused, AbsentUnexcused, Cancelled:
		m.Late, m.LeftEarly, m.Minutes, m.Telehealth = 0, 0, 0, false
	default:
		return fmt.Errorf("choose present, late, left early, absent (excused or not) or cancelled")
	}
	return nil
}

// Meeting is one scheduled meeting in a client's week.
type Meeting struct {
	Start   time.Time
	Minutes int
	Mark    *Mark // nil until attendance is taken
}

// Week is a client's week against the program minimum.
type Week struct {
	From      model.Date // Monday
	Minimum   int        // the program's weekly minimum, in minutes
	Scheduled int        // every meeting this week that is not cancelled
	Attended  int        // minutes counted from attendance taken
	Possible  int        // minutes of meetings still to come
	Unmarked  int        // minutes of meetings that began but whose attendance is not taken yet
}

// Meets reports whether the minimum is already reached.
func (w Week) Meets() bool { return w.Minimum > 0 && w.Attended >= w.Minimum }

// CanMeet reports whether the minimum can still be reached this week.
// Meetings not yet marked count as possible: a missing mark is not an
// absence.
func (w Week) CanMeet() bool { return w.Attended+w.Possible+w.Unmarked >= w.Minimum }

// Shortfall is how far below the minimum the week will end even if every
// remaining meeting is attended (0 when it can still be met).
func (w Week) Shortfall() int { return max(0, w.Minimum-w.Attended-w.Possible-w.Unmarked) }

// WeekOf sums a client's meetings of a week as of now. Meetings cancelled
// by the program count for neither side.
func WeekOf(monday model.Date, minimum int, meetings []Meeting, now time.Time) Week {
	w := Week{From: monday, Minimum: minimum}
	for _, m := range meetings {
		if m.Mark != nil && m.Mark.Status == Cancelled {
			continue
		}
		w.Scheduled += m.Minutes
		switch {
		case m.Mark != nil:
			w.Attended += m.Mark.Minutes
		case m.Start.After(now):
			w.Possible += m.Minutes
		default:
			w.Unmarked += m.Minutes
		}
	}
	return w
}

// Monday is the first day of the week that holds d (weeks run Monday to
// Sunday).
func Monday(d model.Date) model.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// Alert is something a primary counselor should act on.
type Alert struct {
	ClientID string
	Kind     string // shortfall, absences, no_attendance
	Key      string // what makes this alert distinct (the week, the last absence), for acknowledgement
	Message  string
}

// Alerts finds a client's alerts from their week and their marks, newest
// last: a projected shortfall this week; consecutive unexcused absences
// (the last n marks); no attendance for idleDays while meetings continue.
func Alerts(clientID string, week Week, marks []Mark, n, idleDays int, today model.Date) []Alert {
	var out []Alert
	if week.Minimum > 0 && !week.CanMeet() {
		out = append(out, Alert{clientID, "shortfall", week.From.String(),
			fmt.Sprintf("Will fall %s short of the weekly minimum this week, even attending every remaining session.", hours(week.Shortfall()))})
	}
	if n > 0 && len(marks) >= n {
		last := marks[len(marks)-n:]
		all := true
		for _, m := range last {
			all = all && m.Status == AbsentUnexcused
		}
		if all {
			out = append(out, Alert{clientID, "absences", last[n-1].Date.String(),
				fmt.Sprintf("%d unexcused absences in a row, the latest on %s.", n, last[n-1].Date.Format("Mon Jan 2"))})
		}
	}
	var lastPresent model.Date
	for _, m := range marks {
		if m.Minutes > 0 && m.Date.After(lastPresent) {
			lastPresent = m.Date
		}
	}
	if idleDays > 0 && len(marks) > 0 && !lastPresent.IsZero() && lastPresent.AddDays(idleDays).Before(today) {
		out = append(out, Alert{clientID, "no_attendance", lastPresent.String(),
			fmt.Sprintf("Has not attended since %s (%d days).", lastPresent.Format("Mon Jan 2"), daysBetween(lastPresent, today))})
	}
	return out
}

func daysBetween(a, b model.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

func hours(minutes int) string {
	h := float64(minutes) / 60
	if h == float64(int(h)) {
		return fmt.Sprintf("%d hours", int(h))
	}
	return fmt.Sprintf("%.1f hours", h)
}

// Service is time a client spent in a service on a date: a group attended
// or an appointment kept.
type Service struct {
	ClientID, MRN, Name string
	Date                model.Date
	Minutes             int
	What                string // e.g. "group:process", "appointment:individual"
	Documented          bool   // its note is signed: payers want the note before the claim
}

// Day is a client's services on one date and whether they meet the
// per-diem rule.
type Day struct {
	ClientID, MRN, Name string
	Date                model.Date
	Minutes             int
	Services            []string
	Rule                int // the per-diem minutes the day was held to
	Billable            bool
	Undocumented        []string // services of the day whose note is not signed yet
}

// PerDiemSpan is the per-diem rule of one episode of care: from admission
// to discharge (open while in care).
type PerDiemSpan struct {
	From, To model.Date // To is zero while the episode is open
	Minutes  int
}

// PerDiemOn is the rule of the episode in care on a date (the latest
// admission wins when episodes touch), or 0 when none was.
func PerDiemOn(spans []PerDiemSpan, d model.Date) int {
	rule := 0
	for _, s := range spans {
		if !d.Before(s.From) && (s.To.IsZero() || !d.After(s.To)) {
			rule = s.Minutes
		}
	}
	return rule
}

// DefaultPerDiemMinutes is the per-diem rule's default: at least 3 hours of
// services in the day.
const DefaultPerDiemMinutes = 180

// Days sums services per client and date, in the order first seen, and
// marks as billable the days with at least the client's per-diem minutes
// that day (their program's rule; DefaultPerDiemMinutes when perDiem gives 0).
func Days(services []Service, perDiem func(clientID string, date model.Date) int) []Day {
	var out []Day
	index := map[string]int{}
	for _, s := range services {
		k := s.ClientID + "|" + s.Date.String()
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Day{ClientID: s.ClientID, MRN: s.MRN, Name: s.Name, Date: s.Date})
		}
		out[i].Minutes += s.Minutes
		out[i].Services = append(out[i].Services, s.What)
		if !s.Documented {
			out[i].Undocumented = append(out[i].Undocumented, s.What)
		}
	}
	for i := range out {
		rule := perDiem(out[i].ClientID, out[i].Date)
		if rule <= 0 {
			rule = DefaultPerDiemMinutes
		}
		out[i].Rule, out[i].Billable = rule, out[i].Minutes >= rule
	}
	return out
}
