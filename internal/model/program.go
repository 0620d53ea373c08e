package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// NewID returns a new random, time-ordered identifier (UUIDv7). Identifiers
// appear in URLs, so they are never sequential numbers.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s looks like one of our identifiers. Handlers use it
// to answer "not found" for malformed ids without touching the database.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Organization is the treatment center running OpenIOP. There is one per
// installation.
type Organization struct {
	Name     string
	Phone    string // the main line, shown on every public page
	Email    string
	Address  string // street, city, state and ZIP on one line each
	Hours    string // office hours in words, e.g. "Mon-Fri 8:00-20:00"
	TimeZone string // IANA name, e.g. "America/Chicago"
	Website  string
}

// Location returns the organization's time zone, or UTC if it is unset or
// unknown (config validation rejects unknown zones before they are stored).
func (o Organization) Location() *time.Location {
	if loc, err := time.LoadLocation(o.TimeZone); err == nil && o.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Site is a physical location where the program meets.
type Site struct {
	ID       string
	Name     string
	Address  string
	Phone    string
	TimeZone string
}

// Population is who a program serves; it sets the weekly-hours minimum.
type Population string

// The populations.
const (
	Adults      Population = "adult"
	Adolescents Population = "adolescent"
)

// Label is the population in words.
func (p Population) Label() string {
	switch p {
	case Adolescents:
		return "Adolescents (13-17)"
	default:
		return "Adults (18+)"
	}
}

// DefaultMinWeeklyMinutes is the intensive outpatient floor for a population:
// at least 9 hours a week for adults and 6 for adolescents (SAMHSA Advisory
// 2021, citing the ASAM Criteria 3rd ed.; see shared/reference/clinical.md §1.1).
func DefaultMinWeeklyMinutes(p Population) int {
	if p == Adolescents {
		return 6 * 60
	}
	return 9 * 60
}

// Program is a treatment program at a site, such as "Adult IOP".
type Program struct {
	ID               string
	SiteID           string
	Name             string
	Population       Population
	LevelOfCare      LevelOfCare
	MinWeeklyMinutes int // the weekly attendance minimum for this program
	Description      string
	// ReviewIntervalDays is how often a client's continued stay is reviewed
	// (payers commonly ask every 30 days).
	ReviewIntervalDays int
	// PlanInitialDays is how many days after admission the first treatment
	// plan is due; PlanReviewDays how often a signed plan is reviewed.
	PlanInitialDays, PlanReviewDays int
	Accountability
}

// Accountability is what a program holds its clients and staff to, beyond
// the weekly minimum: when attendance raises an alert, what makes a day
// billable, and whether notes need a supervisor's co-signature.
type Accountability struct {
	AbsenceAlerts  int  // alert after this many unexcused absences in a row
	IdleAlertDays  int  // alert after this many days without attending
	PerDiemMinutes int  // minutes of services in a day that make it billable
	CoSignRequired bool // notes need a supervisor's co-signature
	// An authorization alerts when this few units or days are left.
	AuthAlertUnits, AuthAlertDays int
	// IndividualSessions is how many individual counseling sessions a
	// client has each week (0: none required); the schedule builder plans
	// them in the counselors' counseling hours.
	IndividualSessions int
}

// DefaultAccountability is what a new program starts with: an alert after 2
// unexcused absences in a row or 7 days without attending, and a billable
// day at 3 hours of services (a common per-diem rule; payers differ), and
// an authorization alert at 3 units or 5 days left, and one individual
// session a week.
var DefaultAccountability = Accountability{AbsenceAlerts: 2, IdleAlertDays: 7, PerDiemMinutes: 180, AuthAlertUnits: 3, AuthAlertDays: 5, IndividualSessions: 1}

// AccountabilityProblems checks a program's weekly minimum and its
// accountability settings.
func (p Program) AccountabilityProblems() map[string]string {
	out := map[string]string{}
	if p.MinWeeklyMinutes < 60 || p.MinWeeklyMinutes > 40*60 {
		out["min_weekly_hours"] = "Enter the weekly minimum in hours, from 1 to 40."
	}
	if p.AbsenceAlerts < 1 || p.AbsenceAlerts > 10 {
		out["absence_alerts"] = "Enter a number of absences from 1 to 10."
	}
	if p.IdleAlertDays < 1 || p.IdleAlertDays > 60 {
		out["idle_alert_days"] = "Enter a number of days from 1 to 60."
	}
	if p.PerDiemMinutes < 30 || p.PerDiemMinutes > 12*60 {
		out["per_diem_hours"] = "Enter the hours of services that make a billable day, from 0.5 to 12."
	}
	if p.AuthAlertUnits < 0 || p.AuthAlertUnits > 50 {
		out["auth_alert_units"] = "Enter a number of units from 0 to 50."
	}
	if p.AuthAlertDays < 0 || p.AuthAlertDays > 60 {
		out["auth_alert_days"] = "Enter a number of days from 0 to 60."
	}
	if p.IndividualSessions < 0 || p.IndividualSessions > 7 {
		out["individual_sessions"] = "Enter the individual sessions a week, from 0 (none) to 7."
	}
	return out
}

// DefaultReviewIntervalDays is the continued-stay review interval when a
// program sets none.
const DefaultReviewIntervalDays = 30

// MinWeeklyHours is MinWeeklyMinutes in hours, for display.
func (p Program) MinWeeklyHours() float64 { return float64(p.MinWeeklyMinutes) / 60 }

// TrackKind is when a track meets, in the words clients choose by.
type TrackKind string

// The track kinds.
const (
	Morning   TrackKind = "morning"
	Afternoon TrackKind = "afternoon"
	Evening   TrackKind = "evening"
	Weekend   TrackKind = "weekend"
)

// ClockTime is a time of day in minutes after midnight, in the site's zone.
type ClockTime int

// ParseClock parses "HH:MM" (24-hour).
func ParseClock(s string) (ClockTime, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day in the form HH:MM", s)
	}
	return ClockTime(t.Hour()*60 + t.Minute()), nil
}

// String formats the time as HH:MM.
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Label formats the time for people in the US, e.g. "6:00 pm".
func (c ClockTime) Label() string {
	h, m := int(c)/60, int(c)%60
	suffix := "am"
	if h >= 12 && h < 24 { // 24:00, the end of a day, is midnight again
		suffix = "pm"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	return fmt.Sprintf("%d:%02d %s", h12, m, suffix)
}

// Track is a recurring weekly block of a program, e.g. "Evening: Mon/Wed/Thu
// 18:00-21:00". Clients are enrolled in one track at a time.
type Track struct {
	ID        string
	ProgramID string
	Name      string
	Kind      TrackKind
	Days      []time.Weekday // the days it meets, Sunday first
	Start     ClockTime
	End       ClockTime
	Room      string
	Capacity  int
}

// WeeklyMinutes is the scheduled time per week.
func (t Track) WeeklyMinutes() int { return len(t.Days) * int(t.End-t.Start) }

// MeetsOn reports whether the track meets on day d.
func (t Track) MeetsOn(d time.Weekday) bool {
	for _, x := range t.Days {
		if x == d {
			return true
		}
	}
	return false
}

// DaysLabel lists the meeting days, e.g. "Mon, Wed, Thu".
func (t Track) DaysLabel() string {
	names := make([]string, len(t.Days))
	for i, d := range t.Days {
		names[i] = d.String()[:3]
	}
	return strings.Join(names, ", ")
}

// TimeLabel is the meeting time, e.g. "6:00 pm - 9:00 pm".
func (t Track) TimeLabel() string { return t.Start.Label() + " - " + t.End.Label() }

// Problems validates a track and returns field problems.
func (t Track) Problems() map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(t.Name) == "" {
		p["name"] = "Enter a name for the track."
	}
	if len(t.Days) == 0 {
		p["days"] = "Choose at least one meeting day."
	}
	if t.End <= t.Start {
		p["end"] = "The end time must be after the start time."
	}
	if t.Capacity < 0 {
		p["capacity"] = "Capacity cannot be negative."
	}
	return p
}

// EncodeDays stores weekdays compactly as digits, Sunday = 0 ("135" = Mon,
// Wed, Fri).
func EncodeDays(days []time.Weekday) string {
	var b strings.Builder
	for _, d := range days {
		b.WriteByte(byte('0' + d)) // #nosec G115 -- a weekday is 0 to 6
	}
	return b.String()
}

// DecodeDays is the inverse of EncodeDays.
func DecodeDays(s string) ([]time.Weekday, error) {
	days := make([]time.Weekday, 0, len(s))
	for _, c := range s {
		if c < '0' || c > '6' {
			return nil, fmt.Errorf("bad weekday %q in %q", c, s)
		}
		days = append(days, time.Weekday(c-'0'))
	}
	return days, nil
}
