package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/platform/submission"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
)

// view is what every page template receives: the page's own data in Data,
// and what the layout needs around it.
type view struct {
	Title  string
	Nav    string // which navigation item is current
	Org    model.Organization
	User   *model.User     // nil when signed out
	Portal *portal.Account // the signed-in client or family member on portal pages
	// PortalChrome shows the portal's header on its signed-out pages (sign-in, invitation).
	PortalChrome bool
	Today        model.Date // in the organization's time zone
	Now          time.Time
	RequestID    string
	Version      string
	Data         any
	loc          *time.Location
}

// view builds the common page data for r.
func (s *Server) view(r *http.Request, title, nav string) view {
	org := s.organization(r)
	loc := org.Location()
	now := s.Now().In(loc)
	v := view{Title: title, Nav: nav, Org: org, Today: model.DateOf(now), Now: now,
		RequestID: httpx.RequestID(r.Context()), Version: s.Options.Version, loc: loc}
	if sess := sessionOf(r); sess != nil {
		u := sess.User
		v.User = &u
	}
	if ps := portalOf(r); ps != nil {
		a := ps.Account
		v.Portal, v.PortalChrome = &a, true
	}
	return v
}

// Can reports whether the signed-in user has a permission, so templates show
// only the links and buttons a person may use.
func (v *view) Can(p string) bool {
	return v.User != nil && auth.Can(v.User.Role, auth.Permission(p))
}

// Local formats an instant in the center's time zone.
func (v *view) Local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format("Jan 2, 2006 3:04 pm")
}

// LocalTime formats an instant's time of day in the center's zone.
func (v *view) LocalTime(t time.Time) string { return t.In(v.loc).Format("3:04 pm") }

// LocalInput formats an instant for a datetime-local input, in the
// center's time zone.
func (v *view) LocalInput(t time.Time) string { return t.In(v.loc).Format("2006-01-02T15:04") }

// organization returns the center's settings, cached briefly: every page
// shows them and they rarely change. Other replicas see a change within the
// cache period.
func (s *Server) organization(r *http.Request) model.Organization {
	s.orgMu.Lock()
	defer s.orgMu.Unlock()
	if !s.orgLoaded.IsZero() && time.Since(s.orgLoaded) < s.Options.OrgCacheFor {
		return s.org
	}
	org, err := s.Store.Organization(r.Context())
	if err != nil {
		if s.org.Name == "" {
			s.org = model.Organization{Name: "OpenIOP", TimeZone: "UTC"}
		}
		return s.org // keep serving the last known settings
	}
	s.org, s.orgLoaded = org, time.Now()
	return org
}

// recentTracks returns the tracks with enrolment counts, cached for a few
// seconds: the home and public pages show them on every visit, and a
// census a few seconds old is fine there. The Program page reads them
// fresh. Callers must not modify the slice.
func (s *Server) recentTracks(r *http.Request) ([]store.TrackWithCount, error) {
	s.tracksMu.Lock()
	defer s.tracksMu.Unlock()
	return s.tracksLocked(r)
}

// tracksLocked is recentTracks with s.tracksMu held. A reload drops the
// summary made from the tracks before it.
func (s *Server) tracksLocked(r *http.Request) ([]store.TrackWithCount, error) {
	if !s.tracksLoaded.IsZero() && time.Since(s.tracksLoaded) < s.Options.TracksCacheFor {
		return s.tracks, nil
	}
	tracks, err := s.Store.Tracks(r.Context())
	if err != nil {
		return nil, err
	}
	s.tracks, s.tracksLoaded, s.trackDay = tracks, time.Now(), nil
	return tracks, nil
}

// trackSummary is what the home page shows of the tracks on one weekday:
// today's sessions (or the next day with some), the census and the number
// enrolled. Program data only, no client's.
type trackSummary struct {
	day     time.Weekday
	today   []sessionRow
	nextDay string
	census  []programGroup
	active  int
}

// recentTrackSummary is the summary of recentTracks for day, derived once
// per load of the tracks rather than on every visit. Callers must not
// modify it.
func (s *Server) recentTrackSummary(r *http.Request, day time.Weekday) (*trackSummary, error) {
	s.tracksMu.Lock()
	defer s.tracksMu.Unlock()
	tracks, err := s.tracksLocked(r)
	if err != nil {
		return nil, err
	}
	if sum := s.trackDay; sum != nil && sum.day == day {
		return sum, nil
	}
	today, next := meetingToday(tracks, day)
	sum := &trackSummary{day: day, today: sessionRows(today), nextDay: next, census: census(tracks)}
	for _, g := range sum.census {
		sum.active += g.Enrolled
	}
	s.trackDay = sum
	return sum, nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return s.static.url(name) },
		"date": func(d model.Date) string {
			if d.IsZero() {
				return ""
			}
			return d.Format("Jan 2, 2006")
		},
		"isoDate":       func(d model.Date) string { return d.String() },
		"submissionKey": submission.NewKey, // a form's key, so that submitting it twice saves once
		"money":         cost.FormatUSD,
		"categoryNames": consent.CategoryLabels,
		"channelLabel":  consent.ChannelLabel,
		"telHref": func(phone string) template.URL {
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' || r == '+' {
					return r
				}
				return -1
			}, phone)
			return template.URL("tel:" + digits) // #nosec G203 -- only digits and + remain
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
		"hours": func(minutes int) string {
			h := float64(minutes) / 60
			if h == float64(int(h)) {
				return strconv.Itoa(int(h))
			}
			return strconv.FormatFloat(h, 'f', 1, 64)
		},
		"problemList": problemList,
		"browser":     browserLabel,
		"lines":       func(s string) []string { return strings.Split(s, "\n") },
		// invalid marks a form control whose field has a problem, pointing
		// screen readers at the message (id "<name>-error").
		"invalid": func(problems map[string]string, name string) template.HTMLAttr {
			if problems[name] == "" {
				return ""
			}
			// #nosec G203 -- name is a field name written in our templates, and escaped
			return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + template.HTMLEscapeString(name) + `-error"`)
		},
		"span": spanWords,
		"add":  func(a, b int) int { return a + b },
		"list": func(xs ...string) []string { return xs },
		"short": func(s string, n int) string {
			if r := []rune(s); len(r) > n {
				return string(r[:n]) + "…"
			}
			return s
		},
		"describe":   func(p string) string { return describe(auth.Permission(p)) },
		"channel":    admissions.ChannelLabel,
		"outcome":    admissions.OutcomeLabel,
		"scoreName":  scoreName,
		"levelLabel": func(l string) string { return placement.Level(l).Label() },
		"roleLabel":  func(r model.Role) string { return r.Label() },
		"roles":      func() []model.Role { return model.Roles },

		// Treatment plans.
		"progresses":  func() []plan.Progress { return plan.Progresses },
		"reviewField": plan.ReviewField,
		"string":      func(p plan.Progress) string { return string(p) },
		"objectiveText": func(p plan.Plan, id string) string {
			if o, ok := p.Objective(id); ok {
				return o.Text
			}
			return "An objective no longer in this version"
		},
		"reviewProgress": func(r plan.Review, id string) string { return string(reviewEntry(r, id).Progress) },
		"reviewComment":  func(r plan.Review, id string) string { return reviewEntry(r, id).Comment },
	}
}

func reviewEntry(r plan.Review, objectiveID string) plan.ReviewEntry {
	for _, e := range r.Entries {
		if e.ObjectiveID == objectiveID {
			return e
		}
	}
	return plan.ReviewEntry{}
}

// scoreName names a self-assessment score key.
func scoreName(k string) string {
	return map[string]string{"audit_c": "AUDIT-C", "dast_10": "DAST-10", "phq_2": "PHQ-2", "phq_9_item_9": "PHQ-9 question 9",
		"gad_2": "GAD-2"}[k]
}

// fieldOrder is the order fields appear in on forms, so the error summary
// lists problems top to bottom as the person will meet them.
var fieldOrder = []string{"first_name", "last_name", "preferred_name", "pronouns", "date_of_birth", "sex_at_birth",
	"phone", "email", "address", "emergency_name", "emergency_relationship", "emergency_phone",
	"name", "credentials", "role", "password", "from", "to", "actor", "action", "client"}

type problem struct{ Field, Message string }

// problemList orders form problems as the fields appear.
func problemList(problems map[string]string) []problem {
	var out []problem
	seen := map[string]bool{}
	for _, f := range fieldOrder {
		if m, ok := problems[f]; ok {
			out = append(out, problem{f, m})
			seen[f] = true
		}
	}
	rest := len(out)
	for f, m := range problems {
		if !seen[f] {
			out = append(out, problem{f, m})
		}
	}
	// Fields not in fieldOrder (numbered rows such as a plan's problems) in name order, which is form order.
	slices.SortFunc(out[rest:], func(a, b problem) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// describe says what a permission allows, in words for the "no access" page.
func describe(p auth.Permission) string {
	switch p {
	case auth.ViewOutbox:
		return "read the emails queued for clients"
	case auth.ViewSchedule:
		return "view the day's schedule"
	case auth.ViewCaseload:
		return "view a caseload"
	case auth.SearchClients:
		return "search the client list"
	case auth.ViewClientHeader:
		return "open client records"
	case auth.CreateClient:
		return "register new clients"
	case auth.EditClient:
		return "change client demographics"
	case auth.ManageUsers:
		return "manage staff accounts"
	case auth.ViewAuditLog:
		return "read the audit log"
	case auth.ViewProgram:
		return "view the program structure"
	case auth.ManageSettings:
		return "change the center's settings"
	case auth.ViewClinical:
		return "read clinical records (assessments, measures, episode history)"
	case auth.RecordClinical:
		return "record clinical care (measures, assessments, level-of-care changes, discharge)"
	case auth.AdmitClient:
		return "admit clients to a program"
	case auth.ManageInstruments:
		return "switch screening instruments on or off"
	case auth.ManagePrograms:
		return "change program settings"
	case auth.ManageInquiries:
		return "work the admissions inquiries"
	case auth.ManageSchedule:
		return "manage clients' schedules"
	case auth.RecordAttendance:
		return "take attendance"
	case auth.ViewBilling:
		return "see billing reports"
	case auth.CheckIn:
		return "check clients in"
	case auth.CoSignNotes:
		return "co-sign notes as a supervisor"
	default:
		return string(p)
	}
}

// browserLabel names the browser and system of a User-Agent header in a
// few words ("Chrome on Windows"), for the list of a person's sessions; the
// header itself is too long to read.
func browserLabel(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	pick := func(pairs ...string) string {
		for i := 0; i+1 < len(pairs); i += 2 {
			if strings.Contains(ua, pairs[i]) {
				return pairs[i+1]
			}
		}
		return ""
	}
	name := pick("Edg/", "Edge", "Firefox/", "Firefox", "HeadlessChrome", "Headless Chrome", "Chrome/", "Chrome", "Safari/", "Safari", "curl/", "curl")
	system := pick("iPhone", "iPhone", "iPad", "iPad", "Android", "Android", "Windows", "Windows", "Mac OS X", "macOS", "CrOS", "ChromeOS", "Linux", "Linux")
	switch {
	case name == "":
		return "Other browser"
	case system == "":
		return name
	}
	return name + " on " + system
}

// spanWords is a duration as people say it: "40 min", "3 h 5 min", "2 days 4 h".
func spanWords(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		out := fmt.Sprintf("%d day%s", days, map[bool]string{true: "", false: "s"}[days == 1])
		if hours > 0 {
			out += fmt.Sprintf(" %d h", hours)
		}
		return out
	case hours > 0:
		if mins > 0 {
			return fmt.Sprintf("%d h %d min", hours, mins)
		}
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", mins)
}
