package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
	outc "github.com/openiop/openiop/internal/outcomes"
	"github.com/openiop/openiop/internal/store"
)

type landingData struct {
	Tracks []store.TrackWithCount
}

// landing is the center's public front page: who it is, how to reach it, and
// when its tracks meet. It shows no client data.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	cached, err := s.recentTracks(r)
	if err != nil {
		return err
	}
	tracks := slices.Clone(cached)
	// Adults first, then by time of day: how people look for a track.
	slices.SortStableFunc(tracks, func(a, b store.TrackWithCount) int {
		if a.Population != b.Population {
			return cmp.Compare(populationOrder(a.Population), populationOrder(b.Population))
		}
		return cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind))
	})
	v := s.view(r, "", "")
	v.Data = landingData{Tracks: tracks}
	return s.pages.Page(w, http.StatusOK, "landing", &v)
}

func populationOrder(p model.Population) int {
	if p == model.Adults {
		return 0
	}
	return 1
}

func kindOrder(k model.TrackKind) int {
	return map[model.TrackKind]int{model.Morning: 0, model.Afternoon: 1, model.Evening: 2, model.Weekend: 3}[k]
}

// programGroup is a program with its tracks, for the census.
type programGroup struct {
	Name     string
	Tracks   []store.TrackWithCount
	Enrolled int
	Capacity int
}

// sessionRow is one line of today's sessions: a track, or the sections of
// a program that meet at the same time (a large center runs dozens), so the
// home page stays a glance. Fields are plain values for fast rendering.
type sessionRow struct {
	Start, End, Name, Program, Room string
	Sections                        int
	Enrolled, Capacity              int
	Full                            bool
}

type homeData struct {
	Safety        []care.SafetyAlert     // open safety alerts for my clients (a director: everyone's)
	Emergency     []store.EmergencyGrant // uses of emergency access the director has not yet reviewed
	Today         []sessionRow           // tracks meeting today, by start time
	NextDay       string                 // when nothing meets today: the next day something does
	Census        []programGroup
	Active        int
	ShowCaseload  bool
	Caseload      []caseloadRow
	CaseloadTotal int
	// Continued-stay reviews of my caseload: counts only, the names are on /reviews.
	ReviewsOverdue, ReviewsDueSoon int
	// Treatment plans and plan reviews of my caseload: counts only, the names are on /plans.
	PlansOverdue, PlansDueSoon int
	// Measures assigned to my caseload: counts only, the names are on /measures/due.
	MeasuresOverdue, MeasuresDueSoon int
	AbsencesWaiting                  int // absences my clients told ahead in the portal, not yet answered
	// Check-ins of the last two days reporting use, strong cravings or a very low mood.
	CheckIns []store.FlaggedCheckIn
	// Clients of my caseload with open attendance or screen alerts, and the
	// first few alerts in words.
	AlertClients int
	AlertLines   []homeAlert
	// Authorizations of my caseload running low, ending, exceeded or for
	// another level of care, in words.
	AuthLines []homeAlert
	// Open admissions inquiries and how many are past their next step.
	ShowInquiries                   bool
	Notices                         []store.Notice // unread in-app notices (schedule changes)
	InquiriesOpen, InquiriesOverdue int
}

// homeAlertLines is how many alerts the home page spells out; the rest are
// on the alerts page.
const homeAlertLines = 5

// homeAlert is one alert on the home page.
type homeAlert struct{ ClientID, Name, Message string }

// caseloadRow is a client on the caseload, flattened for the template.
type caseloadRow struct {
	ID, Name, Initials, Pronouns, Track string
	Day                                 int
	Alerts                              int // open attendance and screen alerts
	Changes                             []scoreChange
}

// scoreChange is how a caseload client's PHQ-9 or GAD-7 moved in the
// episode, by the reliable-change threshold.
type scoreChange struct {
	Title         string
	Direction     outc.Direction
	First, Latest int
	Threshold     int
}

// home is the staff start page: today's sessions, the census, and for
// clinicians their caseload. What each part shows depends on the role.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.view(r, "Home", "home")
	var d homeData
	if v.Can(string(auth.ViewSchedule)) {
		sum, err := s.recentTrackSummary(r, v.Today.Weekday())
		if err != nil {
			return err
		}
		d.NextDay, d.Today, d.Census, d.Active = sum.nextDay, sum.today, sum.census, sum.active
	}
	if v.Can(string(auth.ViewCaseload)) {
		d.ShowCaseload = true
		list, total, err := s.Store.SearchClients(ctx, store.ClientQuery{CounselorID: v.User.ID, Limit: 100})
		if err != nil {
			return err
		}
		d.CaseloadTotal = total
		for _, c := range list {
			row := caseloadRow{ID: c.ID, Name: c.DisplayName(), Initials: c.Initials(), Pronouns: c.Pronouns}
			if c.Current != nil {
				row.Track, row.Day = c.Current.TrackName, c.Current.DaysInCare(v.Today)
			}
			d.Caseload = append(d.Caseload, row)
		}
		if v.Can(string(auth.ViewClinical)) && len(list) > 0 {
			if err := s.caseloadChanges(r, list, &d); err != nil {
				return err
			}
		}
		if len(list) > 0 {
			if err := s.auditRead(r, audit.ActionQuery, "client.caseload", "", clientIDs(list)); err != nil {
				return err
			}
		}
		if v.Can(string(auth.RecordAttendance)) && len(list) > 0 {
			alerts, err := s.caseloadAlertsCached(r, v.User.ID, list, v.Today)
			if err != nil {
				return err
			}
			var ids []string
			for i := range d.Caseload {
				row := &d.Caseload[i]
				if n := len(alerts[row.ID]); n > 0 {
					row.Alerts, d.AlertClients = n, d.AlertClients+1
					ids = append(ids, row.ID)
					for _, a := range alerts[row.ID] {
						if len(d.AlertLines) < homeAlertLines {
							d.AlertLines = append(d.AlertLines, homeAlert{ClientID: row.ID, Name: row.Name, Message: a.Message})
						}
					}
				}
			}
			if len(ids) > 0 {
				if err := s.auditRead(r, audit.ActionQuery, "client.alert", "", "home; shown="+strings.Join(ids, ",")); err != nil {
					return err
				}
			}
		}
		if err := s.homeAuthorizations(r, list, v.Today, &d); err != nil {
			return err
		}
	}
	if v.Can(string(auth.ViewClinical)) {
		var err error
		d.ReviewsOverdue, d.ReviewsDueSoon, err = s.Store.CountReviewsDue(ctx, v.Today, v.Today.AddDays(7), v.User.ID)
		if err != nil {
			return err
		}
		if err := s.homeSafety(r, *v.User, &d); err != nil {
			return err
		}
		measures, err := s.Store.MeasuresDue(ctx, v.Today.AddDays(7), v.User.ID)
		if err != nil {
			return err
		}
		for _, m := range measures {
			if m.Overdue(v.Today) {
				d.MeasuresOverdue++
			} else {
				d.MeasuresDueSoon++
			}
		}
		aq := store.AbsenceQuery{PendingOnly: true, From: v.Today}
		if !canSeeAllSafetyAlerts(*v.User) {
			aq.CounselorID = v.User.ID
		}
		waiting, err := s.Store.Absences(ctx, aq)
		if err != nil {
			return err
		}
		d.AbsencesWaiting = len(waiting)
		if d.CheckIns, err = s.Store.FlaggedCheckIns(ctx, aq.CounselorID, v.Today.AddDays(-1)); err != nil {
			return err
		}
		if d.CheckIns, err = careTeamOnly(s, r, d.CheckIns, func(c store.FlaggedCheckIn) string { return c.ClientID }); err != nil {
			return err
		}
		if err := auditShown(s, r, "client.checkin", "check-ins to look at", d.CheckIns, func(c store.FlaggedCheckIn) string { return c.ClientID }); err != nil {
			return err
		}
		plans, err := s.Store.PlansDue(ctx, v.Today.AddDays(7), v.User.ID)
		if err != nil {
			return err
		}
		for _, p := range plans {
			if p.Date.Before(v.Today) {
				d.PlansOverdue++
			} else {
				d.PlansDueSoon++
			}
		}
	}
	var err error
	if d.Notices, err = s.Store.Notices(ctx, v.User.ID); err != nil {
		return err
	}
	if v.Can(string(auth.ManageInquiries)) {
		d.ShowInquiries = true
		if d.InquiriesOpen, d.InquiriesOverdue, err = s.Store.CountOpenInquiries(ctx, s.Now()); err != nil {
			return err
		}
	}
	if v.Can(string(auth.ManageCareTeams)) {
		if d.Emergency, err = s.Store.EmergencyGrants(ctx, s.Now().AddDate(0, 0, -90), true); err != nil {
			return err
		}
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "home", &v)
}

// homeSafety puts the open safety alerts on the home page: the primary
// counselor's own, and for a clinical director everyone's. Names are shown,
// so the read is audited.
func (s *Server) homeSafety(r *http.Request, u model.User, d *homeData) error {
	q := store.SafetyAlertQuery{OpenOnly: true, Limit: 20}
	if !canSeeAllSafetyAlerts(u) {
		q.CounselorID = u.ID
	}
	open, err := s.Store.SafetyAlerts(r.Context(), q)
	if err != nil {
		return err
	}
	if open, err = careTeamOnly(s, r, open, func(a care.SafetyAlert) string { return a.ClientID }); err != nil {
		return err
	}
	d.Safety = open
	return auditShown(s, r, "client.safety_alert", "home", open, func(a care.SafetyAlert) string { return a.ClientID })
}

// sessionRows turns tracks meeting today (sorted by start) into lines,
// merging the sections of one program that meet at the same time.
func sessionRows(tracks []store.TrackWithCount) []sessionRow {
	var rows []sessionRow
	index := map[string]int{}
	for _, t := range tracks {
		key := fmt.Sprintf("%d-%d-%s", t.Start, t.End, t.ProgramID)
		i, ok := index[key]
		if !ok {
			index[key] = len(rows)
			rows = append(rows, sessionRow{Start: t.Start.Label(), End: t.End.Label(), Name: t.Name, Program: t.ProgramName, Room: t.Room})
			i = len(rows) - 1
		}
		r := &rows[i]
		r.Sections++
		r.Enrolled += t.Enrolled
		r.Capacity += t.Capacity
		if r.Sections > 1 {
			r.Name, r.Room = fmt.Sprintf("%d %s groups", r.Sections, strings.ToLower(string(t.Kind))), ""
		}
		r.Full = r.Capacity > 0 && r.Enrolled >= r.Capacity
	}
	return rows
}

// meetingToday returns the tracks that meet on day, by start time; when
// none do, it names the next day on which one does.
func meetingToday(tracks []store.TrackWithCount, day time.Weekday) ([]store.TrackWithCount, string) {
	var today []store.TrackWithCount
	for _, t := range tracks {
		if t.MeetsOn(day) {
			today = append(today, t)
		}
	}
	sortByStart(today)
	if len(today) > 0 || len(tracks) == 0 {
		return today, ""
	}
	for i := 1; i <= 7; i++ {
		next := (day + time.Weekday(i)) % 7
		for _, t := range tracks {
			if t.MeetsOn(next) {
				return nil, next.String()
			}
		}
	}
	return nil, ""
}

func sortByStart(ts []store.TrackWithCount) {
	slices.SortStableFunc(ts, func(a, b store.TrackWithCount) int { return cmp.Compare(a.Start, b.Start) })
}

// census groups tracks by program with enrolment totals.
func census(tracks []store.TrackWithCount) []programGroup {
	var out []programGroup
	idx := map[string]int{}
	for _, t := range tracks {
		i, ok := idx[t.ProgramID]
		if !ok {
			i = len(out)
			idx[t.ProgramID] = i
			out = append(out, programGroup{Name: t.ProgramName})
		}
		out[i].Tracks = append(out[i].Tracks, t)
		out[i].Enrolled += t.Enrolled
		out[i].Capacity += t.Capacity
	}
	return out
}

// idsOf lists the clients' ids.
func idsOf(cs []model.Client) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// clientIDs lists the ids of clients shown on a page, for the audit record
// of a list or search: which clients' names a person saw.
func clientIDs(cs []model.Client) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return "shown=" + strings.Join(ids, ",")
}

// noticeRead dismisses one of the signed-in person's notices.
func (s *Server) noticeRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.ReadNotice(r.Context(), sessionOf(r).User.ID, r.PathValue("nid")); err != nil {
		return err
	}
	http.Redirect(w, r, "/home", http.StatusSeeOther)
	return nil
}

// homeAuthorizations lists the payer authorizations of the caseload that
// need a continued-stay request or another level: the counselor writes the
// review the payer asks for.
func (s *Server) homeAuthorizations(r *http.Request, caseload []model.Client, today model.Date, d *homeData) error {
	if len(caseload) == 0 {
		return nil
	}
	auths, err := s.Store.AuthorizationsEndingFrom(r.Context(), today.AddDays(-14), idsOf(caseload)...)
	if err != nil {
		return err
	}
	mine := map[string][]billing.Authorization{}
	for _, a := range auths {
		mine[a.ClientID] = append(mine[a.ClientID], a)
	}
	standings, err := s.standingsOf(r, caseload, mine, today)
	if err != nil {
		return err
	}
	var ids []string
	for _, c := range caseload {
		for _, st := range standings[c.ID] {
			for _, a := range st.Alerts {
				d.AuthLines = append(d.AuthLines, homeAlert{ClientID: c.ID, Name: c.DisplayName(), Message: st.PayerName + " " + st.Number + ": " + a})
			}
			if len(st.Alerts) > 0 {
				ids = append(ids, c.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return s.auditRead(r, audit.ActionQuery, "client.coverage", "", "home authorizations; shown="+strings.Join(slices.Compact(ids), ","))
}

// caseloadChanges marks each caseload client whose PHQ-9 or GAD-7 moved
// reliably since the first score of the episode, or stayed within the
// threshold (the outcomes page's definition).
func (s *Server) caseloadChanges(r *http.Request, list []model.Client, d *homeData) error {
	var codes []string
	titles := map[string]string{}
	for _, ins := range outc.Instruments {
		codes = append(codes, ins.Code)
		titles[ins.Code] = ins.Title
	}
	changes, err := s.Store.ScoreChanges(r.Context(), idsOf(list), codes)
	if err != nil {
		return err
	}
	var shown []string
	for i := range d.Caseload {
		row := &d.Caseload[i]
		for _, c := range changes[row.ID] {
			if c.Count < 2 {
				continue
			}
			dir, threshold, ok := outc.ChangeOf(c.Instrument, c.First, c.Latest)
			if ok {
				row.Changes = append(row.Changes, scoreChange{Title: titles[c.Instrument], Direction: dir, First: c.First, Latest: c.Latest, Threshold: threshold})
			}
		}
		if len(row.Changes) > 0 {
			shown = append(shown, row.ID)
		}
	}
	if len(shown) == 0 {
		return nil
	}
	return s.auditRead(r, audit.ActionQuery, "client.measures", "", "home score changes; shown="+strings.Join(shown, ","))
}
