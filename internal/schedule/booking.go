package schedule

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// AppointmentKind is what an appointment is for.
type AppointmentKind string

// AppointmentKinds lists the kinds in the order forms offer them.
var AppointmentKinds = []struct {
	Value AppointmentKind
	Label string
}{
	{"individual", "Individual counseling"}, {"family", "Family session"}, {"intake", "Intake assessment"}, {"medication", "Medication appointment"},
	{"vocational", "Vocational counseling"},
}

// Label is the kind in words.
func (k AppointmentKind) Label() string {
	for _, x := range AppointmentKinds {
		if x.Value == k {
			return x.Label
		}
	}
	return string(k)
}

// Appointment is a booked individual, family, intake, medication or
// vocational counseling session.
type Appointment struct {
	ID            string
	ClientID      string
	ClinicianID   string
	Kind          AppointmentKind
	Start, End    time.Time
	Room          string
	TelehealthURL string
	Family        string // who from the family takes part, for family sessions
	Note          string
	Cancelled     bool
	NoShow        bool // the client did not come
	Version       int

	ClientName    string // filled in by queries, for display
	ClinicianName string
}

// Problems checks an appointment.
func (a Appointment) Problems(now time.Time) map[string]string {
	p := map[string]string{}
	if a.Kind.Label() == string(a.Kind) {
		p["kind"] = "Choose what the appointment is for."
	}
	if a.ClinicianID == "" {
		p["clinician_id"] = "Choose the clinician."
	}
	switch {
	case a.Start.IsZero():
		p["start"] = "Enter the date and time."
	case !a.End.After(a.Start):
		p["minutes"] = "The end must be after the start."
	case a.End.Sub(a.Start) > 4*time.Hour:
		p["minutes"] = "An appointment lasts at most 4 hours."
	case a.Start.Before(now.Add(-24 * time.Hour)):
		p["start"] = "An appointment cannot be booked in the past."
	}
	if strings.TrimSpace(a.Room) == "" && a.TelehealthURL == "" {
		p["room"] = "Give a room, or a telehealth link."
	}
	if a.TelehealthURL != "" {
		if u, err := url.Parse(a.TelehealthURL); err != nil || u.Scheme != "https" || u.Host == "" {
			p["telehealth_url"] = "The telehealth link must be an https:// address."
		}
	}
	if a.Kind == "family" && strings.TrimSpace(a.Family) == "" {
		p["family"] = "Say which family members take part."
	}
	if utf8.RuneCountInString(a.Note) > 500 || utf8.RuneCountInString(a.Family) > 200 {
		p["note"] = "Keep the note under 500 characters."
	}
	return p
}

// Busy is a weekly window when a client cannot attend, such as work.
type Busy struct {
	Day      time.Weekday
	From, To model.ClockTime
	Label    string // e.g. "Work"
}

// Blackout is a date a client cannot attend at all (travel, a court date).
type Blackout struct {
	Date   model.Date
	Reason string
}

// Availability is a client's weekly busy windows and blackout dates.
type Availability struct {
	Busy      []Busy
	Blackouts []Blackout
}

// Clashes says why a client may be unable to attend from start to end (in
// loc), or "" when nothing in their availability stands in the way.
func (av Availability) Clashes(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	day := model.DateOf(s)
	for _, b := range av.Blackouts {
		if b.Date == day {
			return fmt.Sprintf("the client is not available on %s (%s)", day.Format("Mon Jan 2"), b.Reason)
		}
	}
	from := model.ClockTime(s.Hour()*60 + s.Minute())
	to := from + model.ClockTime(e.Sub(s)/time.Minute)
	for _, b := range av.Busy {
		if b.Day == s.Weekday() && from < b.To && b.From < to {
			what := strings.ToLower(b.Label)
			if what == "" {
				what = "busy"
			}
			return fmt.Sprintf("this is during the client's %s hours (%s %s-%s)", what, b.Day.String()[:3], b.From.Label(), b.To.Label())
		}
	}
	return ""
}

// Problems checks a busy window.
func (b Busy) Problems() map[string]string {
	p := map[string]string{}
	if b.To <= b.From {
		p["to"] = "The end time must be after the start time."
	}
	if utf8.RuneCountInString(b.Label) > 60 {
		p["label"] = "Keep the label short."
	}
	return p
}

// ConflictKind names what a booking clashes with.
type ConflictKind string

// The conflicts. Hard ones refuse the booking; soft ones warn and can be
// overridden by the person booking.
const (
	ClinicianBusy ConflictKind = "clinician"
	RoomBusy      ConflictKind = "room"
	ClientBusy    ConflictKind = "client"
	Full          ConflictKind = "capacity"
	Unavailable   ConflictKind = "availability"
	ClosedDay     ConflictKind = "closure"
)

// Conflict is one reason a booking cannot (or should not) go ahead.
type Conflict struct {
	Kind    ConflictKind
	Hard    bool
	Message string
}

// Conflicts is what a booking check found.
type Conflicts []Conflict

// Hard reports whether any conflict refuses the booking.
func (cs Conflicts) Hard() bool {
	for _, c := range cs {
		if c.Hard {
			return true
		}
	}
	return false
}

// Messages lists the conflicts in words.
func (cs Conflicts) Messages() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Message
	}
	return out
}

// Block is a span of time that something already occupies.
type Block struct {
	Start, End time.Time
	What       string // in words, e.g. "Relapse prevention (group) 6:00 pm-9:00 pm"
}

// Overlaps reports whether the block overlaps start-end.
func (b Block) Overlaps(start, end time.Time) bool { return b.Start.Before(end) && start.Before(b.End) }

// Check finds what a proposed appointment clashes with: what the clinician,
// the room and the client already have at that time, a closure, and the
// client's availability. The caller gathers the blocks.
func Check(a Appointment, loc *time.Location, clinician, room, client []Block, closures []Closure, av Availability) Conflicts {
	var out Conflicts
	day := model.DateOf(a.Start.In(loc))
	for _, c := range closures {
		if c.Date == day {
			out = append(out, Conflict{ClosedDay, true, fmt.Sprintf("The center is closed on %s (%s).", day.Format("Mon Jan 2"), c.Reason)})
		}
	}
	add := func(kind ConflictKind, blocks []Block, who string) {
		for _, b := range blocks {
			if b.Overlaps(a.Start, a.End) {
				out = append(out, Conflict{kind, true, fmt.Sprintf("%s is already booked then: %s.", who, b.What)})
				return
			}
		}
	}
	add(ClinicianBusy, clinician, "The clinician")
	if a.Room != "" {
		add(RoomBusy, room, "Room "+a.Room)
	}
	add(ClientBusy, client, "The client")
	if why := av.Clashes(a.Start, a.End, loc); why != "" {
		out = append(out, Conflict{Unavailable, false, "Check with the client: " + why + "."})
	}
	return out
}

// Describe is a block's description of an appointment, without the client's
// name (it may be shown to other clients' staff views and feeds).
func (a Appointment) Describe(loc *time.Location) string {
	return fmt.Sprintf("%s %s-%s", a.Kind.Label(), a.Start.In(loc).Format("3:04 pm"), a.End.In(loc).Format("3:04 pm"))
}

// Describe is a block's description of an occurrence.
func (o Occurrence) Describe(loc *time.Location) string {
	return fmt.Sprintf("%s (group) %s-%s", o.Series.Title, o.Start.In(loc).Format("3:04 pm"), o.End.In(loc).Format("3:04 pm"))
}
