package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

type programData struct {
	Sites       []model.Site
	Programs    []programWithTracks
	Saved       bool
	Instruments []*instrument.Instrument // those the center uses, for the measure schedule form
}

type programWithTracks struct {
	model.Program
	SiteName string
	Group    programGroup
	// What was typed into the accountability form, and what is wrong with it.
	Typed    accountabilityForm
	Problems map[string]string
	Measures []care.MeasureSchedule // the program's measure schedule
}

// accountabilityForm is the accountability settings as typed, in hours.
type accountabilityForm struct {
	MinWeeklyHours, AbsenceAlerts, IdleAlertDays, PerDiemHours string
	AuthAlertUnits, AuthAlertDays                              string
	IndividualSessions                                         string
	CoSignRequired                                             bool
}

func accountabilityOf(p model.Program) accountabilityForm {
	return accountabilityForm{MinWeeklyHours: hoursValue(p.MinWeeklyMinutes), AbsenceAlerts: strconv.Itoa(p.AbsenceAlerts),
		IdleAlertDays: strconv.Itoa(p.IdleAlertDays), PerDiemHours: hoursValue(p.PerDiemMinutes), CoSignRequired: p.CoSignRequired,
		AuthAlertUnits: strconv.Itoa(p.AuthAlertUnits), AuthAlertDays: strconv.Itoa(p.AuthAlertDays), IndividualSessions: strconv.Itoa(p.IndividualSessions)}
}

func hoursValue(minutes int) string { return strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64) }

// programShow shows the sites, programs and tracks with their weekly hours
// against each program's minimum, and current enrolment as counts.
func (s *Server) programShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderProgram(w, r, http.StatusOK, "", accountabilityForm{}, nil)
}

func (s *Server) renderProgram(w http.ResponseWriter, r *http.Request, status int, programID string, typed accountabilityForm, problems map[string]string) error {
	ctx := r.Context()
	sites, err := s.Store.Sites(ctx)
	if err != nil {
		return err
	}
	programs, err := s.Store.Programs(ctx)
	if err != nil {
		return err
	}
	tracks, err := s.Store.Tracks(ctx)
	if err != nil {
		return err
	}
	siteName := map[string]string{}
	for _, st := range sites {
		siteName[st.ID] = st.Name
	}
	groups := map[string]programGroup{}
	for _, g := range census(tracks) {
		if len(g.Tracks) > 0 {
			groups[g.Tracks[0].ProgramID] = g
		}
	}
	schedules, err := s.Store.MeasureSchedules(ctx, "")
	if err != nil {
		return err
	}
	enabled, _, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	d := programData{Sites: sites, Saved: r.URL.Query().Get("saved") == "1", Instruments: enabled}
	for _, p := range programs {
		row := programWithTracks{Program: p, SiteName: siteName[p.SiteID], Group: groups[p.ID], Typed: accountabilityOf(p)}
		for _, ms := range schedules {
			if ms.ProgramID == p.ID {
				row.Measures = append(row.Measures, ms)
			}
		}
		if p.ID == programID {
			row.Typed, row.Problems = typed, problems
		}
		d.Programs = append(d.Programs, row)
	}
	v := s.view(r, "Program", "program")
	v.Data = d
	return s.pages.Page(w, status, "program", &v)
}

// programAccountability sets a program's weekly minimum, alert thresholds,
// per-diem rule and co-signature requirement.
func (s *Server) programAccountability(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("pid")
	if !model.ValidID(id) {
		return model.NotFound("web.programAccountability", "program")
	}
	prog, err := s.Store.Program(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.programAccountability", model.KindInvalid, "The form could not be read: %v", err)
	}
	typed := accountabilityForm{MinWeeklyHours: f.String("min_weekly_hours", 10), AbsenceAlerts: f.String("absence_alerts", 10),
		IdleAlertDays: f.String("idle_alert_days", 10), PerDiemHours: f.String("per_diem_hours", 10), CoSignRequired: f.String("cosign_required", 3) == "on",
		AuthAlertUnits: f.String("auth_alert_units", 10), AuthAlertDays: f.String("auth_alert_days", 10),
		IndividualSessions: f.String("individual_sessions", 10)}
	if !r.PostForm.Has("individual_sessions") {
		// A form from before the setting existed keeps the program's value.
		typed.IndividualSessions = strconv.Itoa(prog.IndividualSessions)
	}
	minutes := func(name, v string) int {
		h, err := strconv.ParseFloat(v, 64)
		if err != nil || h != h || h*60 != float64(int(h*60)) {
			f.Problems[name] = "Enter hours as a number, such as 9 or 2.5."
			return 0
		}
		return int(h * 60)
	}
	whole := func(name, v string) int {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Problems[name] = "Enter a whole number."
		}
		return n
	}
	minWeekly := minutes("min_weekly_hours", typed.MinWeeklyHours)
	a := model.Accountability{AbsenceAlerts: whole("absence_alerts", typed.AbsenceAlerts), IdleAlertDays: whole("idle_alert_days", typed.IdleAlertDays),
		PerDiemMinutes: minutes("per_diem_hours", typed.PerDiemHours), CoSignRequired: typed.CoSignRequired,
		AuthAlertUnits: whole("auth_alert_units", typed.AuthAlertUnits), AuthAlertDays: whole("auth_alert_days", typed.AuthAlertDays),
		IndividualSessions: whole("individual_sessions", typed.IndividualSessions)}
	f.Merge(model.Program{MinWeeklyMinutes: minWeekly, Accountability: a}.AccountabilityProblems())
	if f.OK() {
		err = s.Store.SetAccountability(r.Context(), id, minWeekly, a, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderProgram(w, r, http.StatusUnprocessableEntity, id, typed, f.Problems)
	}
	s.forgetAlerts()
	http.Redirect(w, r, "/program?saved=1#prog-"+id, http.StatusSeeOther)
	return nil
}

// programReviewInterval sets how often a program's clients are reviewed.
// Due dates already set stay; each review from now on uses the new interval.
func (s *Server) programReviewInterval(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("pid")
	if !model.ValidID(id) {
		return model.NotFound("web.programReviewInterval", "program")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.programReviewInterval", model.KindInvalid, "The form could not be read: %v", err)
	}
	days := f.Int("days", 0)
	if f.OK() && (days < 1 || days > 365) {
		f.Problems["days"] = "Enter a number of days from 1 to 365."
	}
	if !f.OK() {
		return model.Errorf("web.programReviewInterval", model.KindInvalid, "%s", f.Problems["days"])
	}
	if err := s.Store.SetReviewInterval(r.Context(), id, days, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program?saved=1", http.StatusSeeOther)
	return nil
}

// trackCreate adds a track to a program, e.g. "Evening: Mon/Wed/Thu
// 18:00-21:00".
func (s *Server) trackCreate(w http.ResponseWriter, r *http.Request) error {
	pid := r.PathValue("pid")
	if !model.ValidID(pid) {
		return model.NotFound("web.trackCreate", "program")
	}
	if _, err := s.Store.Program(r.Context(), pid); err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.trackCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	t := model.Track{ProgramID: pid, Name: f.String("name", 80), Kind: model.TrackKind(f.OneOf("kind",
		[]string{"morning", "afternoon", "evening", "weekend"}, false, "Choose when the track meets.")),
		Room: f.String("room", 60), Capacity: f.Int("capacity", 0)}
	for _, d := range f.Values("days", 7, 1) {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			f.Problems["days"] = "Choose days of the week."
			break
		}
		t.Days = append(t.Days, time.Weekday(n))
	}
	start, errS := model.ParseClock(f.String("start", 5))
	end, errE := model.ParseClock(f.String("end", 5))
	if errS != nil || errE != nil {
		f.Problems["start"] = "Enter the start and end times as HH:MM."
	}
	t.Start, t.End = start, end
	f.Merge(t.Problems())
	if !f.OK() {
		return model.Invalid("web.trackCreate", f.Problems)
	}
	if err := s.Store.CreateTrack(r.Context(), &t, s.record(r)); err != nil {
		return err
	}
	s.tracksMu.Lock()
	s.tracksLoaded = time.Time{} // show the new track at once
	s.tracksMu.Unlock()
	http.Redirect(w, r, "/program/tracks/"+t.ID+"?saved=track", http.StatusSeeOther)
	return nil
}
