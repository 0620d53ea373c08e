package schedule

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/model"
)

// SessionMinutes is the length of one individual counseling session the
// schedule builder plans (the hour a counselor blocks for a 50-minute
// session and its note).
const SessionMinutes = 60

// MaxWeeklyCaseload bounds a counselor's weekly individual caseload.
const MaxWeeklyCaseload = 60

// CounselingWindow is a weekly window in which a clinician sees clients
// individually at one site, in the site's local time.
type CounselingWindow struct {
	SiteID   string
	Day      time.Weekday
	From, To model.ClockTime
	Room     string // where the sessions are: an office or a room
}

func (w CounselingWindow) String() string {
	return fmt.Sprintf("%s %s-%s", w.Day.String()[:3], w.From.Label(), w.To.Label())
}

// CounselingHours is a clinician's weekly counseling hours and the most
// clients they see individually in a week (their primary clients among
// them).
type CounselingHours struct {
	Caseload int
	Windows  []CounselingWindow
}

// Problems checks counseling hours: each window within one day, long
// enough for a session, with a room; no two windows overlapping (at any
// site: a clinician is in one place at a time); a caseload in range.
// Keys name the window by position ("window_2") so a form can show them.
func (h CounselingHours) Problems() map[string]string {
	p := map[string]string{}
	if h.Caseload < 0 || h.Caseload > MaxWeeklyCaseload {
		p["caseload"] = fmt.Sprintf("Enter the most clients you see individually in a week, from 0 to %d.", MaxWeeklyCaseload)
	}
	for i, w := range h.Windows {
		key := fmt.Sprintf("window_%d", i+1)
		switch {
		case w.SiteID == "":
			p[key] = "Choose the site."
		case w.Day < time.Sunday || w.Day > time.Saturday:
			p[key] = "Choose the day."
		case w.From < 0 || w.To > 24*60 || w.To <= w.From:
			p[key] = fmt.Sprintf("%s: the end time must be after the start time.", w)
		case int(w.To-w.From) < SessionMinutes:
			p[key] = fmt.Sprintf("%s is shorter than one %d-minute session.", w, SessionMinutes)
		case strings.TrimSpace(w.Room) == "":
			p[key] = fmt.Sprintf("%s: say where the sessions are (an office or a room).", w)
		case utf8.RuneCountInString(w.Room) > 60:
			p[key] = "Keep the room name under 60 characters."
		}
		if p[key] != "" {
			continue
		}
		for _, o := range h.Windows[:i] {
			if o.Day == w.Day && o.From < w.To && w.From < o.To {
				p[key] = fmt.Sprintf("%s overlaps %s; give each time once.", w, o)
				break
			}
		}
	}
	return p
}
