package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// safetyWindow is how far back the alerts page shows answered alerts and
// measures the time to response.
const safetyWindow = 90 * 24 * time.Hour

type safetyAlertsData struct {
	Mine           bool
	Open, Answered []care.SafetyAlert
	Median         time.Duration
	MedianOf       int
	Now            time.Time
}

// safetyAlerts lists open safety alerts (for the clinician their caseload's,
// for a director everyone's) and the last 90 days' responses with the time
// each took.
func (s *Server) safetyAlerts(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Safety alerts", "safety")
	mine := r.URL.Query().Get("all") != "1" && !canSeeAllSafetyAlerts(*v.User)
	q := store.SafetyAlertQuery{Since: s.Now().Add(-safetyWindow), Limit: 500}
	if mine {
		q.CounselorID = v.User.ID
	}
	all, err := s.Store.SafetyAlerts(r.Context(), q)
	if err != nil {
		return err
	}
	if all, err = careTeamOnly(s, r, all, func(a care.SafetyAlert) string { return a.ClientID }); err != nil {
		return err
	}
	if err := auditShown(s, r, "client.safety_alert", "safety alerts", all, func(a care.SafetyAlert) string { return a.ClientID }); err != nil {
		return err
	}
	d := safetyAlertsData{Mine: mine, Now: s.Now()}
	for _, a := range all {
		if a.Open() {
			d.Open = append(d.Open, a)
		} else {
			d.Answered = append(d.Answered, a)
		}
	}
	d.Median, d.MedianOf = care.MedianResponse(d.Answered)
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "safety_alerts", &v)
}

type safetyAlertData struct {
	Client   model.Client
	Alert    care.SafetyAlert
	Actions  []care.SafetyAction
	Action   string
	Note     string
	Problems map[string]string
	Now      time.Time
	Saved    bool
}

// loadSafetyAlert reads the client (care-team rule applies) and the alert.
func (s *Server) loadSafetyAlert(r *http.Request) (model.Client, care.SafetyAlert, error) {
	c, err := s.loadClient(r)
	if err != nil {
		return c, care.SafetyAlert{}, err
	}
	id := r.PathValue("alid")
	if !model.ValidID(id) {
		return c, care.SafetyAlert{}, model.NotFound("web.safetyAlert", "safety alert")
	}
	a, err := s.Store.SafetyAlert(r.Context(), c.ID, id)
	return c, a, err
}

// safetyAlertShow shows one alert: emergency guidance first, why it was
// raised, and the response or the form to record one.
func (s *Server) safetyAlertShow(w http.ResponseWriter, r *http.Request) error {
	c, a, err := s.loadSafetyAlert(r)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.safety_alert", c.ID, "alert="+a.ID); err != nil {
		return err
	}
	return s.renderSafetyAlert(w, r, http.StatusOK, safetyAlertData{Client: c, Alert: a, Saved: r.URL.Query().Get("saved") == "1"})
}

func (s *Server) renderSafetyAlert(w http.ResponseWriter, r *http.Request, status int, d safetyAlertData) error {
	v := s.view(r, "Safety alert", "safety")
	d.Actions, d.Now = care.SafetyActions, s.Now()
	v.Data = d
	return s.pages.Page(w, status, "safety_alert", &v)
}

// safetyAlertRespond records what a clinician did about an open alert.
func (s *Server) safetyAlertRespond(w http.ResponseWriter, r *http.Request) error {
	c, a, err := s.loadSafetyAlert(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.safetyAlertRespond", model.KindInvalid, "The form could not be read: %v", err)
	}
	actions := make([]string, len(care.SafetyActions))
	for i, x := range care.SafetyActions {
		actions[i] = string(x)
	}
	resp := care.SafetyResponse{Action: care.SafetyAction(f.OneOf("action", actions, false, "Choose what was done.")),
		Note: f.String("note", 4000), ByID: sessionOf(r).User.ID}
	f.Merge(resp.Problems())
	if f.OK() {
		err = s.Store.RespondToSafetyAlert(r.Context(), c.ID, a.ID, resp, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderSafetyAlert(w, r, http.StatusUnprocessableEntity,
			safetyAlertData{Client: c, Alert: a, Action: string(resp.Action), Note: resp.Note, Problems: f.Problems})
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/safety-alerts/"+a.ID+"?saved=1", http.StatusSeeOther)
	return nil
}

type measuresDueData struct {
	Mine  bool
	Due   []store.DueMeasure
	Today model.Date
	By    model.Date
}

// measuresDue lists measures assigned (by the program schedule or by hand)
// that are due or overdue, for the clinician's caseload or everyone.
func (s *Server) measuresDue(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Measures due", "measures")
	mine, counselor, horizon := dueListScope(r, v)
	due, err := s.Store.MeasuresDue(r.Context(), horizon, counselor)
	if err != nil {
		return err
	}
	if due, err = careTeamOnly(s, r, due, func(d store.DueMeasure) string { return d.ClientID }); err != nil {
		return err
	}
	if err := auditShown(s, r, "client.measure", "measures due", due, func(d store.DueMeasure) string { return d.ClientID }); err != nil {
		return err
	}
	v.Data = measuresDueData{Mine: mine, Due: due, Today: v.Today, By: horizon}
	return s.pages.Page(w, http.StatusOK, "measures_due", &v)
}

// measureScheduleSet adds an instrument to a program's measure schedule or
// changes how often it is given.
func (s *Server) measureScheduleSet(w http.ResponseWriter, r *http.Request) error {
	const op = "web.measureScheduleSet"
	id := r.PathValue("pid")
	if !model.ValidID(id) {
		return model.NotFound(op, "program")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf(op, model.KindInvalid, "The form could not be read: %v", err)
	}
	ms := care.MeasureSchedule{ProgramID: id, Instrument: f.String("instrument", 20), EveryDays: f.Int("every_days", 0),
		AtAdmission: f.String("at_admission", 3) == "yes", SetByID: sessionOf(r).User.ID}
	_, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	f.Merge(ms.Problems(!off[ms.Instrument]))
	if !f.OK() {
		return model.Errorf(op, model.KindInvalid, "%s", strings.Join(sortedMessages(f.Problems), " "))
	}
	if err := s.Store.SetMeasureSchedule(r.Context(), ms, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program?saved=1#measures-"+id, http.StatusSeeOther)
	return nil
}

// measureScheduleRemove takes an instrument off a program's schedule.
func (s *Server) measureScheduleRemove(w http.ResponseWriter, r *http.Request) error {
	id, code := r.PathValue("pid"), r.PathValue("code")
	if !model.ValidID(id) || instrument.Get(code) == nil {
		return model.NotFound("web.measureScheduleRemove", "scheduled measure")
	}
	if err := s.Store.RemoveMeasureSchedule(r.Context(), id, code, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/program?saved=1#measures-"+id, http.StatusSeeOther)
	return nil
}

// canSeeAllSafetyAlerts is who the alerts are raised to besides the primary
// counselor: the clinical directors.
func canSeeAllSafetyAlerts(u model.User) bool {
	return u.Role == model.RoleClinicalDirector
}
