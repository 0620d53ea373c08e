// Package builder is the schedule builder: it assigns the clients of a
// site-week to process groups (and so tracks), other groups and individual
// counseling slots, so that as many clients as possible reach their program's
// weekly minimum, then keeps continuity, then honours preferences, then
// balances group sizes and counselor load. It explains every client left
// short. Pure Go: no SQL, no HTTP, no clock (a time box is handed in).
//
// The polynomial layers are solved exactly with internal/schedule/flow
// (process-group placement as a transportation problem, individual slots as
// a per-counselor assignment); the NP-hard headline objective (clients
// meeting a threshold) is improved by large-neighbourhood search. See
// docs/schedule-builder.md.
package builder

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/model"
)

// Day is a weekday of the planned week, Monday = 0 ... Sunday = 6.
type Day int

var dayNames = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func (d Day) String() string {
	if d < 0 || int(d) >= len(dayNames) {
		return fmt.Sprintf("day %d", int(d))
	}
	return dayNames[d]
}

// Span is a time on one day of the week, in minutes after midnight [Start, End).
type Span struct {
	Day        Day `json:"day"`
	Start, End int
}

// String reads as the pages do, e.g. "Tue 6:00 pm-9:00 pm", since reasons
// built from it are shown to directors beside the week's times.
func (s Span) String() string {
	return fmt.Sprintf("%s %s-%s", s.Day, model.ClockTime(s.Start).Label(), model.ClockTime(s.End).Label())
}

func (s Span) from() int { return int(s.Day)*1440 + s.Start }

// Overlaps reports whether two spans share a minute.
func (s Span) Overlaps(o Span) bool { return s.Day == o.Day && s.Start < o.End && o.Start < s.End }

// Within reports whether s lies entirely inside o.
func (s Span) Within(o Span) bool { return s.Day == o.Day && o.Start <= s.Start && s.End <= o.End }

// Client is a person to place this week.
type Client struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"` // for explanations; the engine never needs it
	Site    string `json:"site"`
	Program string `json:"program"` // groups are only for clients of their program (adult, adolescent)
	// MinMinutes and MinDays are the program's weekly minimum (9 h on 3 days for adults).
	MinMinutes int `json:"min_minutes"`
	MinDays    int `json:"min_days"`
	// Sessions is the number of individual counseling sessions required this week.
	Sessions int `json:"sessions"`
	// Available lists the weekly windows in which the client can attend.
	Available []Span `json:"available"`
	// Current lists the groups the client is enrolled in now (continuity).
	Current []string `json:"current,omitempty"`
	// Counselor is the primary counselor; empty means any counselor of the site.
	Counselor        string `json:"counselor,omitempty"`
	PreferTrack      string `json:"prefer_track,omitempty"`
	PreferTelehealth bool   `json:"prefer_telehealth,omitempty"`
}

// Group is one weekly group of the master schedule: all of its meetings are
// attended together (a client joins the series, not single meetings).
type Group struct {
	ID      string `json:"id"`
	Title   string `json:"title,omitempty"`
	Site    string `json:"site"`
	Program string `json:"program"`
	Track   string `json:"track,omitempty"`
	Type    string `json:"type,omitempty"`
	// Process marks a process group (cohort): a client is in at most one,
	// and it carries the client's track.
	Process     bool   `json:"process,omitempty"`
	Meetings    []Span `json:"meetings"`
	Capacity    int    `json:"capacity"`
	Closed      bool   `json:"closed,omitempty"` // a closed cohort keeps its members and admits no one
	Facilitator string `json:"facilitator,omitempty"`
	Room        string `json:"room,omitempty"`
	Telehealth  bool   `json:"telehealth,omitempty"`
}

// Minutes is the group's time per week.
func (g Group) Minutes() int {
	m := 0
	for _, s := range g.Meetings {
		m += s.End - s.Start
	}
	return m
}

// When is the group's meetings in words.
func (g Group) When() string {
	parts := make([]string, len(g.Meetings))
	for i, s := range g.Meetings {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// Label is the group's title, or its id.
func (g Group) Label() string {
	if g.Title != "" {
		return g.Title
	}
	return g.ID
}

// Counselor offers individual counseling slots this week.
type Counselor struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Site  string `json:"site"`
	Slots []Span `json:"slots"`
	// Caseload is the most clients the counselor sees this week, counting
	// the clients for whom they are the primary counselor.
	Caseload int `json:"caseload"`
}

// Instance is one week to plan, for one site or a network of sites.
type Instance struct {
	Week       string      `json:"week"`
	Clients    []Client    `json:"clients"`
	Groups     []Group     `json:"groups"`
	Counselors []Counselor `json:"counselors"`
	// SessionsCount makes individual sessions count toward the weekly
	// hours (a program rule; off by default).
	SessionsCount bool `json:"sessions_count,omitempty"`
}

// Problem is one inconsistency in an instance, naming the item.
type Problem struct {
	Item    string // e.g. `group "pm-2"`
	Message string
}

func (p Problem) Error() string { return p.Item + ": " + p.Message }

// InvalidError lists everything wrong with an instance.
type InvalidError []Problem

func (e InvalidError) Error() string {
	msgs := make([]string, len(e))
	for i, p := range e {
		msgs[i] = p.Error()
	}
	return "the week cannot be planned as given: " + strings.Join(msgs, "; ")
}

// Validate checks an instance and returns an *InvalidError naming every
// inconsistent item, or nil.
func (in *Instance) Validate() error {
	var ps InvalidError
	bad := func(item, format string, args ...any) { ps = append(ps, Problem{item, fmt.Sprintf(format, args...)}) }
	span := func(item string, s Span) bool {
		switch {
		case s.Day < 0 || s.Day > 6:
			bad(item, "day %d is not a weekday (0 is Monday, 6 is Sunday)", int(s.Day))
		case s.Start < 0 || s.End > 1440 || s.Start >= s.End:
			bad(item, "%s is not a time span within one day", s)
		default:
			return true
		}
		return false
	}
	groups := map[string]*Group{}
	for i := range in.Groups {
		g := &in.Groups[i]
		item := fmt.Sprintf("group %q", g.ID)
		if g.ID == "" {
			bad(fmt.Sprintf("group #%d", i+1), "has no id")
			continue
		}
		if groups[g.ID] != nil {
			bad(item, "is listed twice")
			continue
		}
		groups[g.ID] = g
		if g.Capacity < 0 {
			bad(item, "capacity %d is negative", g.Capacity)
		}
		if len(g.Meetings) == 0 {
			bad(item, "has no meetings")
		}
		for j, s := range g.Meetings {
			if span(item, s) {
				for _, o := range g.Meetings[:j] {
					if s.Overlaps(o) {
						bad(item, "meetings %s and %s overlap", o, s)
					}
				}
			}
		}
	}
	// The master schedule must not double-book a facilitator or a room.
	for i := range in.Groups {
		for j := i + 1; j < len(in.Groups); j++ {
			a, b := &in.Groups[i], &in.Groups[j]
			if a.Site != b.Site || !meetingsOverlap(a.Meetings, b.Meetings) {
				continue
			}
			if a.Facilitator != "" && a.Facilitator == b.Facilitator {
				bad(fmt.Sprintf("group %q", b.ID), "facilitator %q also runs group %q at the same time", b.Facilitator, a.ID)
			}
			if a.Room != "" && a.Room == b.Room {
				bad(fmt.Sprintf("group %q", b.ID), "room %q is also used by group %q at the same time", b.Room, a.ID)
			}
		}
	}
	counselors := map[string]*Counselor{}
	for i := range in.Counselors {
		k := &in.Counselors[i]
		item := fmt.Sprintf("counselor %q", k.ID)
		if k.ID == "" || counselors[k.ID] != nil {
			bad(item, "has no id or is listed twice")
			continue
		}
		counselors[k.ID] = k
		if k.Caseload < 0 {
			bad(item, "caseload limit %d is negative", k.Caseload)
		}
		for j, s := range k.Slots {
			if span(item, s) {
				for _, o := range k.Slots[:j] {
					if s.Overlaps(o) {
						bad(item, "slots %s and %s overlap", o, s)
					}
				}
				for _, g := range in.Groups {
					if g.Facilitator == k.ID && g.Site == k.Site && meetingsOverlap(g.Meetings, []Span{s}) {
						bad(item, "slot %s is during group %q, which they facilitate", s, g.ID)
					}
				}
			}
		}
	}
	seen := map[string]bool{}
	for i := range in.Clients {
		c := &in.Clients[i]
		item := fmt.Sprintf("client %q", c.ID)
		if c.ID == "" || seen[c.ID] {
			bad(fmt.Sprintf("client #%d", i+1), "has no id or its id %q is listed twice", c.ID)
			continue
		}
		seen[c.ID] = true
		if c.MinMinutes < 0 || c.MinDays < 0 || c.MinDays > 7 || c.Sessions < 0 {
			bad(item, "weekly minimum (%d minutes, %d days, %d sessions) is out of range", c.MinMinutes, c.MinDays, c.Sessions)
		}
		for j, s := range c.Available {
			if span(item, s) {
				for _, o := range c.Available[:j] {
					if s.Overlaps(o) || s.Day == o.Day && (s.End == o.Start || o.End == s.Start) {
						bad(item, "availability windows %s and %s overlap or touch; give them as one window", o, s)
					}
				}
			}
		}
		process := 0
		for _, id := range c.Current {
			g := groups[id]
			if g == nil {
				bad(item, "is enrolled in group %q, which is not in the week", id)
				continue
			}
			if g.Process {
				process++
			}
		}
		if process > 1 {
			bad(item, "is enrolled in %d process groups; a client is in one at most", process)
		}
		if c.Counselor != "" {
			if k := counselors[c.Counselor]; k == nil {
				bad(item, "primary counselor %q is not in the week", c.Counselor)
			} else if k.Site != c.Site {
				bad(item, "primary counselor %q works at site %q, not %q", c.Counselor, k.Site, c.Site)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	e := ps
	return &e
}

func meetingsOverlap(a, b []Span) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Overlaps(y) {
				return true
			}
		}
	}
	return false
}

// Sites lists the instance's sites, sorted.
func (in *Instance) Sites() []string {
	set := map[string]bool{}
	for _, c := range in.Clients {
		set[c.Site] = true
	}
	for _, g := range in.Groups {
		set[g.Site] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// IsInvalid reports whether err is an instance's inconsistency.
func IsInvalid(err error) bool {
	var ie *InvalidError
	return errors.As(err, &ie)
}
