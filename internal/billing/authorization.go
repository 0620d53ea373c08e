package billing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

// Unit is what an authorization counts.
type Unit string

// The units: per diem counts billable days (H0015 is billed per day), per
// hour counts whole hours of services, per session counts each group
// attended and each session kept.
const (
	PerDiem    Unit = "per_diem"
	PerHour    Unit = "per_hour"
	PerSession Unit = "per_session"
)

// Units lists the units with their labels.
var Units = []struct {
	Value Unit
	Label string
}{{PerDiem, "Days (per diem)"}, {PerHour, "Hours"}, {PerSession, "Sessions"}}

// Label is the unit in words.
func (u Unit) Label() string {
	for _, x := range Units {
		if x.Value == u {
			return x.Label
		}
	}
	return string(u)
}

// Noun names n of the unit: "1 day", "3 hours".
func (u Unit) Noun(n int) string {
	w := map[Unit]string{PerDiem: "day", PerHour: "hour", PerSession: "session"}[u]
	if n != 1 {
		w += "s"
	}
	return fmt.Sprintf("%d %s", n, w)
}

// Authorization is what a payer agreed to pay for: units of a level of care
// between two dates.
type Authorization struct {
	ID, ClientID string
	PayerID      string
	PayerName    string // read only
	Number       string // the payer's authorization number, printed on claims
	Level        model.LevelOfCare
	Unit         Unit
	Units        int
	From, To     model.Date
	Contact      string // the reviewer or line that granted it
	Notes        string
}

// Covers reports whether the authorization is in effect on d.
func (a Authorization) Covers(d model.Date) bool { return !d.Before(a.From) && !d.After(a.To) }

// Problems checks an authorization on its own: every field, end not before
// start, and at least one unit.
func (a Authorization) Problems() map[string]string {
	out := map[string]string{}
	if a.PayerID == "" {
		out["payer"] = "Choose the payer."
	}
	if n := strings.TrimSpace(a.Number); n == "" {
		out["number"] = "Enter the authorization number the payer gave."
	} else if len(n) > 50 || strings.ContainsAny(n, "*~:^") {
		out["number"] = "An authorization number has at most 50 characters and no * ~ : or ^."
	}
	if !a.Level.Valid() {
		out["level"] = "Choose the level of care the payer authorized."
	}
	if a.Unit.Label() == string(a.Unit) {
		out["unit"] = "Choose what the authorization counts: days, hours or sessions."
	}
	if a.Units < 1 || a.Units > 1000 {
		out["units"] = "Enter the units authorized, from 1 to 1000."
	}
	switch {
	case a.From.IsZero():
		out["from"] = "Enter the first day authorized."
	case a.To.IsZero():
		out["to"] = "Enter the last day authorized."
	case a.To.Before(a.From):
		out["to"] = "The authorization cannot end before it starts."
	case a.From.AddDays(366).Before(a.To):
		out["to"] = "An authorization runs at most a year; enter a new one for the next period."
	}
	return out
}

// Overlaps reports whether b is another authorization of the same client,
// payer and level whose dates share a day with a's: two would count the
// same services twice.
func (a Authorization) Overlaps(b Authorization) bool {
	return a.ID != b.ID && a.ClientID == b.ClientID && a.PayerID == b.PayerID && a.Level == b.Level && !b.To.Before(a.From) && !a.To.Before(b.From)
}

// OverlapProblem is the error of a that overlaps one of others, or nil.
func (a Authorization) OverlapProblem(others []Authorization) map[string]string {
	for _, b := range others {
		if a.Overlaps(b) {
			return map[string]string{"from": fmt.Sprintf("Authorization %s for the same payer and level already covers %s to %s: change its dates, or these.",
				b.Number, b.From.Format("Jan 2, 2006"), b.To.Format("Jan 2, 2006"))}
		}
	}
	return nil
}

// UnitsOn is what a per-diem day of services uses of an authorization
// counting u: one day (per diem), its whole hours of services (per hour),
// or each service (per session). A day short of the per-diem rule is not
// billed as a day and uses nothing; its kept sessions are billed, and
// counted, on their own (SessionUnits).
func UnitsOn(u Unit, d intensity.Day) int {
	if !d.Billable {
		return 0
	}
	switch u {
	case PerDiem:
		return 1
	case PerHour:
		return d.Minutes / 60
	default:
		return len(d.Services)
	}
}

// SessionUnits is what a session kept on a day that is not a per-diem day
// uses of an authorization counting u: a per-diem authorization counts IOP
// days, not sessions.
func SessionUnits(u Unit, s Session) int {
	switch u {
	case PerSession:
		return 1
	case PerHour:
		return s.Minutes / 60
	}
	return 0
}

// Threshold is when an authorization's remaining units or days call for a
// new request: the program's setting (default 3 units or 5 days left).
type Threshold struct{ Units, Days int }

// DefaultThreshold is the alert threshold a new program starts with.
var DefaultThreshold = Threshold{Units: 3, Days: 5}

// Standing is an authorization as of a day: what has been used, what is
// left, and what a biller or counselor should act on.
type Standing struct {
	Authorization
	Used      int
	Remaining int          // never below 0
	DaysLeft  int          // days from today to the end, counting both; 0 once over
	Beyond    []model.Date // service days that found no units left
	Alerts    []string
	State     string // "active", "upcoming", "ended", "used up"
}

// Stand counts an authorization's use from the client's days of services
// and the sessions kept on their own, as Lines bills them, as of today; and
// names what needs doing: few units or days left (at the threshold),
// services beyond the units, and a level of care the authorization does not
// cover (level is the client's current one; empty when not in care).
func Stand(a Authorization, days []intensity.Day, sessions []Session, today model.Date, t Threshold, level model.LevelOfCare) Standing {
	s := Standing{Authorization: a}
	perDiem := map[string]bool{}
	type use struct {
		date model.Date
		n    int
	}
	var uses []use
	for _, d := range days {
		if d.ClientID == a.ClientID && d.Billable {
			perDiem[d.Date.String()] = true
			if a.Covers(d.Date) {
				uses = append(uses, use{d.Date, UnitsOn(a.Unit, d)})
			}
		}
	}
	for _, x := range sessions {
		if x.ClientID == a.ClientID && !perDiem[x.Date.String()] && a.Covers(x.Date) {
			uses = append(uses, use{x.Date, SessionUnits(a.Unit, x)})
		}
	}
	slices.SortStableFunc(uses, func(x, y use) int { return strings.Compare(x.date.String(), y.date.String()) })
	for _, u := range uses {
		if u.n == 0 {
			continue
		}
		if s.Used+u.n > a.Units && !slices.Contains(s.Beyond, u.date) {
			s.Beyond = append(s.Beyond, u.date)
		}
		s.Used += u.n
	}
	s.Remaining = max(a.Units-s.Used, 0)
	switch {
	case today.Before(a.From):
		s.State, s.DaysLeft = "upcoming", a.From.DaysUntil(a.To)+1
	case today.After(a.To):
		s.State = "ended"
	case s.Remaining == 0:
		s.State, s.DaysLeft = "used up", today.DaysUntil(a.To)+1
	default:
		s.State, s.DaysLeft = "active", today.DaysUntil(a.To)+1
	}
	if len(s.Beyond) > 0 {
		s.Alerts = append(s.Alerts, fmt.Sprintf("%s beyond the %s authorized (from %s): not billed until the payer authorizes more.",
			plural(len(s.Beyond), "service day"), a.Unit.Noun(a.Units), s.Beyond[0].Format("Jan 2")))
	}
	if s.State == "active" || s.State == "used up" {
		switch {
		case s.Remaining == 0:
			s.Alerts = append(s.Alerts, "No units left: ask the payer for more before the next service.")
		case s.Remaining <= t.Units:
			s.Alerts = append(s.Alerts, fmt.Sprintf("Only %s left: request a continued stay.", a.Unit.Noun(s.Remaining)))
		case s.DaysLeft <= t.Days:
			s.Alerts = append(s.Alerts, fmt.Sprintf("Ends %s (%s left): request a continued stay.", a.To.Format("Jan 2"), plural(s.DaysLeft, "day")))
		}
		if level != "" && level != a.Level {
			s.Alerts = append(s.Alerts, fmt.Sprintf("The client is now at %s; this authorization covers %s.", level.Label(), a.Level.Label()))
		}
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
