package web

import (
	"cmp"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type attendanceRow struct {
	store.Roster
	Mark    intensity.Mark
	Taken   bool
	CheckIn *intensity.CheckIn
	Problem string
}

type attendanceData struct {
	Series   schedule.Series
	Date     model.Date
	Start    time.Time
	Rows     []attendanceRow
	Statuses []struct {
		Value intensity.Status
		Label string
	}
	Saved     bool
	Problems  map[string]string
	Code      string // today's check-in code for the kiosk
	CheckedIn int
	Cancelled bool   // the meeting was cancelled, or the center closed
	Moved     bool   // the meeting was moved from its usual time
	Reason    string // why it was cancelled, moved or closed
}

// attendanceShow is the facilitator's one screen for a meeting: every
// enrolled client with a status, minutes late or left early, and telehealth.
func (s *Server) attendanceShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderAttendance(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderAttendance(w http.ResponseWriter, r *http.Request, status int, typed map[string]intensity.Mark, problems map[string]string) error {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return err
	}
	loc := s.siteLocation(r)
	v := s.view(r, "Attendance", "schedule")
	date := v.Today
	if d, err := model.ParseDate(r.URL.Query().Get("date")); err == nil {
		date = d
	}
	if err := s.openGroup(r, sr, date); err != nil {
		return err
	}
	occ, err := s.meeting(r, sr, date)
	if err != nil {
		return err
	}
	roster, err := s.Store.GroupRoster(r.Context(), sr.ID)
	if err != nil {
		return err
	}
	taken, err := s.Store.Attendance(r.Context(), sr.ID, date)
	if err != nil {
		return err
	}
	d := attendanceData{Series: sr, Date: date, Start: occ.Start, Statuses: intensity.Statuses, Saved: r.URL.Query().Get("saved") == "1",
		Problems: problems, Cancelled: occ.Cancelled, Reason: cmp.Or(occ.Closed, occ.Reason), Moved: occ.Moved}
	ins, err := s.Store.CheckIns(r.Context(), sr.ID, date)
	if err != nil {
		return err
	}
	if !occ.Cancelled && model.DateOf(occ.Start.In(loc)) == v.Today && v.Can(string(auth.CheckIn)) {
		if d.Code, err = s.Store.MeetingCode(r.Context(), sr.ID, date); err != nil {
			return err
		}
	}
	d.CheckedIn = len(ins)
	var ids []string
	for _, c := range roster {
		// Once people check themselves in, those who did not are left for
		// the facilitator to mark; before that everyone starts as present.
		// Before the meeting starts nobody is marked: only announced
		// absences can be recorded ahead.
		row := attendanceRow{Roster: c}
		if len(ins) == 0 && !occ.Start.After(s.Now()) {
			row.Mark.Status = intensity.Present
		}
		if in, ok := ins[c.ClientID]; ok {
			row.CheckIn, row.Mark = &in, in.Suggest(occ.Start, sr.Minutes)
		}
		if m, ok := taken[c.ClientID]; ok {
			row.Mark, row.Taken = m, true
		}
		if m, ok := typed[c.ClientID]; ok {
			row.Mark = m
		}
		row.Problem = problems[c.ClientID]
		d.Rows = append(d.Rows, row)
		ids = append(ids, c.ClientID)
	}
	if len(ids) > 0 {
		if err := s.auditRead(r, audit.ActionQuery, "client.attendance", "", "roster "+sr.ID+" "+date.String()+"; shown="+strings.Join(ids, ",")); err != nil {
			return err
		}
	}
	v.Data = d
	return s.pages.Page(w, status, "attendance", &v)
}

// attendanceSave records the meeting's attendance in one go; any problem
// re-shows the screen with what was entered and stores nothing.
func (s *Server) attendanceSave(w http.ResponseWriter, r *http.Request) error {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.attendanceSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	date, err := model.ParseDate(r.URL.Query().Get("date"))
	if err != nil {
		return model.Invalid("web.attendanceSave", map[string]string{"date": "Give the meeting's date."})
	}
	if err := s.openGroup(r, sr, date); err != nil {
		return err
	}
	occ, err := s.meeting(r, sr, date)
	if err != nil {
		return err
	}
	// Rows left without a status are not saved: a sheet may record only
	// the absences announced ahead, or only the clients marked so far.
	var marks []intensity.Mark
	typed := map[string]intensity.Mark{}
	for _, id := range f.Values("client", 200, 40) {
		m := intensity.Mark{SeriesID: sr.ID, Date: date, ClientID: id, Status: intensity.Status(f.String("status_"+id, 20)),
			Late: f.Int("late_"+id, 0), LeftEarly: f.Int("left_"+id, 0), Telehealth: f.String("tele_"+id, 3) == "on"}
		typed[id] = m
		if m.Status != "" {
			marks = append(marks, m)
		}
	}
	if len(marks) == 0 && f.OK() {
		f.Problems["attendance"] = "Choose a status for at least one client."
	}
	if occ.Start.After(s.Now()) {
		f.Merge(intensity.NotYetProblems(marks))
	}
	if !f.OK() {
		return s.renderAttendance(w, r, http.StatusUnprocessableEntity, typed, f.Problems)
	}
	err = s.Store.SaveAttendance(r.Context(), sr.ID, date, marks, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderAttendance(w, r, http.StatusUnprocessableEntity, typed, fields)
	} else if err != nil {
		return err
	}
	s.forgetAlerts()
	http.Redirect(w, r, "/program/groups/"+sr.ID+"/attendance?date="+date.String()+"&saved=1", http.StatusSeeOther)
	return nil
}

// meeting is one meeting of a group, named by its original date, with the
// group's exceptions and the center's closures applied: it may be cancelled
// or moved to another time or day.
func (s *Server) meeting(r *http.Request, sr schedule.Series, date model.Date) (schedule.Occurrence, error) {
	ex, err := s.Store.Exceptions(r.Context())
	if err != nil {
		return schedule.Occurrence{}, err
	}
	closures, err := s.Store.Closures(r.Context())
	if err != nil {
		return schedule.Occurrence{}, err
	}
	for _, o := range sr.Occurrences(date.AddDays(-14), date.AddDays(14), s.siteLocation(r), ex, closures) {
		if o.Date == date {
			return o, nil
		}
	}
	return schedule.Occurrence{}, model.Errorf("web.meeting", model.KindNotFound, "%s does not meet on %s.", sr.Title, date.Format("Mon Jan 2"))
}

// clientWeek is a client's intensity this week against their program's
// minimum, and their open alerts by the program's thresholds.
func (s *Server) clientWeek(r *http.Request, clientID string, p model.Program, today model.Date) (intensity.Week, []intensity.Alert, error) {
	ctx := r.Context()
	week, err := s.weekOf(r, clientID, p.MinWeeklyMinutes, intensity.Monday(today))
	if err != nil {
		return week, nil, err
	}
	marks, err := s.Store.ClientMarks(ctx, clientID, today.AddDays(-60))
	if err != nil {
		return week, nil, err
	}
	alerts := intensity.Alerts(clientID, week, marks, p.AbsenceAlerts, p.IdleAlertDays, today)
	screens, err := s.Store.Screens(ctx, clientID)
	if err != nil {
		return week, nil, err
	}
	for _, sc := range screens {
		if sc.Date.AddDays(14).Before(today) {
			break // newest first: the rest are older
		}
		if a, ok := intensity.ScreenAlert(sc); ok {
			alerts = append(alerts, a)
		}
	}
	acked, err := s.Store.Acked(ctx, clientID)
	if err != nil {
		return week, nil, err
	}
	alerts = slices.DeleteFunc(alerts, func(a intensity.Alert) bool { return acked[a.Kind+"|"+a.Key] })
	return week, alerts, nil
}

// recentWeeks is a client's last n weeks up to the one from monday, oldest
// first. A week holds the meetings of the groups the client is in now, from
// the day they joined, and every meeting they have attendance for, in any
// group (they may have moved track since).
func (s *Server) recentWeeks(r *http.Request, clientID string, minimum int, monday model.Date, n int) ([]intensity.Week, error) {
	ctx := r.Context()
	loc := s.siteLocation(r)
	first, last := monday.AddDays(-7*(n-1)), monday.AddDays(6)
	occ, err := s.Store.Occurrences(ctx, store.SeriesFilter{ClientID: clientID}, first, last, loc)
	if err != nil {
		return nil, err
	}
	enrolments, err := s.Store.Enrolments(ctx, clientID)
	if err != nil {
		return nil, err
	}
	joined := map[string]model.Date{}
	for _, e := range enrolments {
		joined[e.Series.ID] = model.DateOf(e.EnrolledAt.In(loc))
	}
	marks, err := s.Store.ClientMarks(ctx, clientID, first)
	if err != nil {
		return nil, err
	}
	byMeeting := map[string]*intensity.Mark{}
	for i := range marks {
		byMeeting[marks[i].SeriesID+marks[i].Date.String()] = &marks[i]
	}
	meetings := make([][]intensity.Meeting, n)
	add := func(day model.Date, m intensity.Meeting) {
		if w := int(day.In(time.UTC).Sub(first.In(time.UTC)).Hours()) / (24 * 7); w >= 0 && w < n {
			meetings[w] = append(meetings[w], m)
		}
	}
	seen := map[string]bool{}
	for _, o := range occ {
		key := o.Series.ID + o.Date.String()
		mark := byMeeting[key]
		if o.Cancelled || (mark == nil && o.Date.Before(joined[o.Series.ID])) {
			continue
		}
		seen[key] = true
		add(model.DateOf(o.Start.In(loc)), intensity.Meeting{Start: o.Start, Minutes: o.Series.Minutes, Mark: mark})
	}
	// Attendance in groups the client has left since.
	left := map[string]schedule.Series{}
	for i := range marks {
		m := &marks[i]
		if seen[m.SeriesID+m.Date.String()] || m.Date.After(last) {
			continue
		}
		sr, ok := left[m.SeriesID]
		if !ok {
			if sr, err = s.Store.Series(ctx, m.SeriesID); err != nil {
				return nil, err
			}
			left[m.SeriesID] = sr
		}
		start := time.Date(m.Date.Year, m.Date.Month, m.Date.Day, 0, 0, 0, 0, loc).Add(time.Duration(sr.Start) * time.Minute)
		add(m.Date, intensity.Meeting{Start: start, Minutes: sr.Minutes, Mark: m})
	}
	weeks := make([]intensity.Week, n)
	for i := range weeks {
		weeks[i] = intensity.WeekOf(first.AddDays(7*i), minimum, meetings[i], s.Now())
	}
	return weeks, nil
}

// weekOf is a client's intensity in the week from monday.
func (s *Server) weekOf(r *http.Request, clientID string, minimum int, monday model.Date) (intensity.Week, error) {
	weeks, err := s.recentWeeks(r, clientID, minimum, monday, 1)
	if err != nil {
		return intensity.Week{}, err
	}
	return weeks[0], nil
}

// alertAck records that the counselor saw an alert and what they did.
func (s *Server) alertAck(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.alertAck", model.KindInvalid, "The form could not be read: %v", err)
	}
	a := intensity.Alert{ClientID: c.ID, Kind: f.OneOf("kind", []string{"shortfall", "absences", "no_attendance", "screen"}, false, "Unknown alert."),
		Key: f.String("key", 40)}
	if !f.OK() {
		return model.Invalid("web.alertAck", f.Problems)
	}
	if err := s.Store.AckAlert(r.Context(), a, f.String("note", 500), sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	s.forgetAlerts()
	http.Redirect(w, r, "/alerts", http.StatusSeeOther)
	return nil
}

// billableDays exports, for a date range, each client's services per day
// (groups attended, sessions kept), whether the day meets their program's
// per-diem rule (by default 3 hours), and which services still wait for a
// signed note, as CSV.
func (s *Server) billableDays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err1 := model.ParseDate(q.Get("from"))
	to, err2 := model.ParseDate(q.Get("to"))
	v := s.view(r, "Billable days", "billing")
	if err1 != nil || err2 != nil || to.Before(from) || from.AddDays(92).Before(to) {
		if q.Get("from") != "" || q.Get("to") != "" {
			return model.Invalid("web.billableDays", map[string]string{"from": "Give from and to as dates, at most 92 days apart."})
		}
		v.Data = struct{ From, To model.Date }{intensity.Monday(v.Today).AddDays(-7), intensity.Monday(v.Today).AddDays(-1)}
		return s.pages.Page(w, http.StatusOK, "billing", &v)
	}
	days, _, err := s.servicesBetween(r, from, to)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(days))
	for _, d := range days {
		ids = append(ids, d.ClientID)
	}
	if err := s.auditRead(r, audit.ActionExport, "client.attendance", "", "billable days "+from.String()+".."+to.String()+"; shown="+strings.Join(slices.Compact(ids), ",")); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="billable-days-`+from.String()+`-`+to.String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"client_id", "record_number", "client", "date", "minutes", "billable", "services", "rule_minutes", "awaiting_notes"})
	for _, d := range days {
		_ = cw.Write([]string{d.ClientID, d.MRN, csvSafe(d.Name), d.Date.String(), strconv.Itoa(d.Minutes), strconv.FormatBool(d.Billable),
			strings.Join(d.Services, "; "), strconv.Itoa(d.Rule), strings.Join(d.Undocumented, "; ")})
	}
	cw.Flush()
	return cw.Error()
}

// servicesBetween gathers the services of the dates (groups attended, and
// kept appointments that have happened), of every client or of those named:
// summed into days held to each client's per-diem rule, and the kept
// sessions on their own, which billing bills on days that are not per-diem
// days.
func (s *Server) servicesBetween(r *http.Request, from, to model.Date, clientIDs ...string) ([]intensity.Day, []billing.Session, error) {
	services, err := s.Store.GroupServices(r.Context(), from, to, clientIDs...)
	if err != nil {
		return nil, nil, err
	}
	loc := s.siteLocation(r)
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	appts, err := s.Store.Appointments(r.Context(), store.AppointmentFilter{From: start, To: end, ClientIDs: clientIDs})
	if err != nil {
		return nil, nil, err
	}
	documented, err := s.Store.SignedSessionMinutes(r.Context(), start, end, clientIDs...)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	var sessions []billing.Session
	for _, a := range appts {
		if a.Cancelled || a.NoShow || a.End.After(now) {
			continue // only kept appointments that have happened
		}
		// The signed note's minutes are what was documented; until then, the booking's length.
		minutes, ok := documented[a.ID]
		if !ok {
			minutes = int(a.End.Sub(a.Start) / time.Minute)
		}
		date := model.DateOf(a.Start.In(loc))
		services = append(services, intensity.Service{ClientID: a.ClientID, Name: a.ClientName, Date: date,
			Minutes: minutes, What: "appointment:" + string(a.Kind), Documented: ok})
		sessions = append(sessions, billing.Session{ID: a.ID, ClientID: a.ClientID, Name: a.ClientName, Date: date, Kind: string(a.Kind),
			Minutes: minutes, Documented: ok, ClinicianID: a.ClinicianID})
	}
	slices.SortStableFunc(services, func(a, b intensity.Service) int {
		if c := strings.Compare(a.ClientID, b.ClientID); c != 0 {
			return c
		}
		return strings.Compare(a.Date.String(), b.Date.String())
	})
	spans, err := s.Store.PerDiemSpans(r.Context(), from, to, clientIDs...)
	if err != nil {
		return nil, nil, err
	}
	days := intensity.Days(services, func(id string, d model.Date) int { return intensity.PerDiemOn(spans[id], d) })
	return days, sessions, nil
}

type alertRow struct {
	Client model.Client
	Week   intensity.Week
	Alerts []intensity.Alert
}

// alertsPage lists the attendance alerts of the signed-in counselor's
// caseload, to act on and acknowledge.
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Alerts", "alerts")
	list, _, err := s.Store.SearchClients(r.Context(), store.ClientQuery{CounselorID: v.User.ID, Limit: 200})
	if err != nil {
		return err
	}
	rows, err := s.caseloadAlerts(r, list, v.Today)
	if err != nil {
		return err
	}
	var ids []string
	for _, row := range rows {
		ids = append(ids, row.Client.ID)
	}
	if len(ids) > 0 {
		if err := s.auditRead(r, audit.ActionQuery, "client.alert", "", "shown="+strings.Join(ids, ",")); err != nil {
			return err
		}
	}
	v.Data = struct{ Rows []alertRow }{rows}
	return s.pages.Page(w, http.StatusOK, "alerts", &v)
}

// caseloadAlerts finds the open alerts of the clients in care among list.
func (s *Server) caseloadAlerts(r *http.Request, list []model.Client, today model.Date) ([]alertRow, error) {
	programs, err := s.Store.Programs(r.Context())
	if err != nil {
		return nil, err
	}
	byID := map[string]model.Program{}
	for _, p := range programs {
		byID[p.ID] = p
	}
	var rows []alertRow
	for _, c := range list {
		if c.Current == nil || c.Current.Status != model.EpisodeActive {
			continue
		}
		ep, err := s.Store.Episode(r.Context(), c.ID, c.Current.ID)
		if err != nil {
			return nil, err
		}
		week, alerts, err := s.clientWeek(r, c.ID, byID[ep.ProgramID], today)
		if err != nil {
			return nil, err
		}
		if len(alerts) > 0 {
			rows = append(rows, alertRow{Client: c, Week: week, Alerts: alerts})
		}
	}
	return rows, nil
}

// caseloadAlertsCached is the open alerts of each client of a counselor's
// caseload, for the home page. They are kept a minute per counselor: the
// home page is opened far more often than attendance changes, and the
// alerts page itself is always current.
func (s *Server) caseloadAlertsCached(r *http.Request, userID string, list []model.Client, today model.Date) (map[string][]intensity.Alert, error) {
	s.alertsMu.Lock()
	c, ok := s.alertsCache[userID]
	s.alertsMu.Unlock()
	if ok && s.Now().Sub(c.at) < time.Minute {
		return c.alerts, nil
	}
	rows, err := s.caseloadAlerts(r, list, today)
	if err != nil {
		return nil, err
	}
	alerts := map[string][]intensity.Alert{}
	for _, row := range rows {
		alerts[row.Client.ID] = row.Alerts
	}
	s.alertsMu.Lock()
	if s.alertsCache == nil {
		s.alertsCache = map[string]cachedAlerts{}
	}
	s.alertsCache[userID] = cachedAlerts{at: s.Now(), alerts: alerts}
	s.alertsMu.Unlock()
	return alerts, nil
}

// forgetAlerts drops the cached alert counts after an alert changes.
func (s *Server) forgetAlerts() {
	s.alertsMu.Lock()
	clear(s.alertsCache)
	s.alertsMu.Unlock()
}

type cachedAlerts struct {
	at     time.Time
	alerts map[string][]intensity.Alert // by client
}

// screenCreate records a drug or alcohol screen from the chart.
func (s *Server) screenCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.screenCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	sc := intensity.Screen{ClientID: c.ID, Date: f.Date("date"), Outcome: f.String("outcome", 20), Specimen: f.String("specimen", 20),
		Observed: f.String("observed", 3) == "on", Prescribed: f.String("prescribed", 1000), Confirmation: f.String("confirmation", 1000),
		Response: f.String("response", 1000), Results: map[string]string{}}
	for _, sub := range intensity.Substances {
		if v := f.String("result_"+sub.Code, 20); v != "" {
			sc.Results[sub.Code] = v
		}
	}
	if f.OK() {
		err = s.Store.CreateScreen(r.Context(), &sc, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return model.Invalid("web.screenCreate", f.Problems)
	}
	s.forgetAlerts()
	http.Redirect(w, r, "/clients/"+c.ID+"?screen=1#screens-title", http.StatusSeeOther)
	return nil
}
