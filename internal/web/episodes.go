package web

import (
	"net/http"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type admitFormData struct {
	Client     model.Client
	Admit      care.Admit
	Diagnoses  string
	Programs   []model.Program
	Tracks     []store.TrackWithCount
	Counselors []model.User
	Levels     []model.LevelOfCare
	Assessment *care.Assessment
	Problems   map[string]string
}

// admitOptions fills the choices of the admission form.
func (s *Server) admitOptions(r *http.Request, d *admitFormData) error {
	var err error
	if d.Programs, err = s.Store.Programs(r.Context()); err != nil {
		return err
	}
	if d.Tracks, err = s.Store.Tracks(r.Context()); err != nil {
		return err
	}
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Active && (u.Role == model.RoleClinician || u.Role == model.RoleClinicalDirector) {
			d.Counselors = append(d.Counselors, u)
		}
	}
	d.Levels = model.LevelsOfCare
	if d.Admit.AssessmentID != "" {
		a, err := s.Store.Assessment(r.Context(), d.Client.ID, d.Admit.AssessmentID)
		if err == nil {
			d.Assessment = &a
		} else if model.KindOf(err) != model.KindNotFound {
			return err
		}
	}
	return nil
}

// admitNew shows the admission form, filled in from a decided assessment
// when one is named.
func (s *Server) admitNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	v := s.view(r, "Admit "+c.DisplayName(), "clients")
	d := admitFormData{Client: c, Admit: care.Admit{Date: v.Today, Level: model.IntensiveOutpatient, CounselorID: v.User.ID}}
	if id := r.URL.Query().Get("assessment"); model.ValidID(id) {
		d.Admit.AssessmentID = id
	}
	if err := s.admitOptions(r, &d); err != nil {
		return err
	}
	if a := d.Assessment; a != nil {
		if a.Decision.Made() {
			d.Admit.Level = a.Decision.Level
		}
		var codes []string
		for _, sg := range a.Suggestions() {
			if !sg.Incomplete {
				codes = append(codes, sg.Code)
			}
		}
		d.Diagnoses = strings.Join(codes, " ")
	} else {
		d.Admit.AssessmentID = ""
	}
	if err := s.auditRead(r, audit.ActionRead, "client.demographics", c.ID, "admission form"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "admit_form", &v)
}

// admitCreate admits the client. Bad input re-shows the form; a second open
// episode in the same program is refused.
func (s *Server) admitCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.admitCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "Admit "+c.DisplayName(), "clients")
	diagnoses := f.String("diagnoses", 200)
	a := care.Admit{ProgramID: f.String("program_id", 40), TrackID: f.String("track_id", 40),
		Level: model.LevelOfCare(f.String("level_of_care", 40)), Date: f.Date("admission_date"),
		CounselorID: f.String("counselor_id", 40), Diagnoses: care.ParseDiagnoses(diagnoses),
		AssessmentID: f.String("assessment_id", 40), Reason: f.String("note", 2000)}
	if a.AssessmentID != "" && !model.ValidID(a.AssessmentID) {
		a.AssessmentID = ""
	}
	f.Merge(a.Problems(v.Today))
	if a.CounselorID != "" {
		if u, err := s.Store.User(r.Context(), a.CounselorID); err != nil || !u.Active {
			f.Problems["counselor_id"] = "Choose an active counselor."
		}
	}
	var ep model.Episode
	if f.OK() {
		ep, err = s.Store.Admit(r.Context(), c.ID, a, v.User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		d := admitFormData{Client: c, Admit: a, Diagnoses: diagnoses, Problems: f.Problems}
		if err := s.admitOptions(r, &d); err != nil {
			return err
		}
		v.Data = d
		return s.pages.Page(w, http.StatusUnprocessableEntity, "admit_form", &v)
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/episodes/"+ep.ID+"?admitted=1", http.StatusSeeOther)
	return nil
}

// loadEpisode reads the client and the episode named in the path; an
// episode of another client is not found.
func (s *Server) loadEpisode(r *http.Request) (model.Client, model.Episode, error) {
	c, err := s.loadClient(r)
	if err != nil {
		return c, model.Episode{}, err
	}
	id := r.PathValue("eid")
	if !model.ValidID(id) {
		return c, model.Episode{}, model.NotFound("web.loadEpisode", "episode")
	}
	ep, err := s.Store.Episode(r.Context(), c.ID, id)
	return c, ep, err
}

type episodeData struct {
	Client      model.Client
	Episode     model.Episode
	Events      []care.Event
	Discharge   *care.Discharge
	Review      care.ReviewEntry
	Problems    map[string]string
	Overdue     bool
	Flash       string
	Outcomes    []outcomeRow
	Assessments []care.Assessment
	// The utilization review packet form on each continued-stay review:
	// the client's payers, and the review whose form has problems.
	URPayers []billing.Coverage
	URUnits  []struct {
		Value billing.Unit
		Label string
	}
	UREvent    string
	URProblems map[string]string
}

// outcomeRow compares an instrument's first and latest score in an episode.
type outcomeRow struct {
	Title         string
	First, Latest care.Measure
	Change        int
	Count         int
}

// outcomes pairs, for each instrument given during the episode, the first
// result with the latest.
func outcomes(ms []care.Measure, ep model.Episode) []outcomeRow {
	var out []outcomeRow
	for _, in := range instrument.All() {
		var row outcomeRow
		for _, m := range ms {
			if m.Instrument != in.Code || m.On.Before(ep.AdmissionDate) || (!ep.DischargeDate.IsZero() && m.On.After(ep.DischargeDate)) {
				continue
			}
			if row.Count == 0 {
				row.First = m
			}
			row.Latest = m
			row.Count++
		}
		if row.Count > 0 {
			row.Title = in.Title
			row.Change = row.Latest.Result.Total - row.First.Result.Total
			out = append(out, row)
		}
	}
	return out
}

// episodeShow shows an episode: where it stands, its full history, and the
// actions that move it on.
func (s *Server) episodeShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderEpisode(w, r, http.StatusOK, "episode", care.ReviewEntry{}, nil)
}

func (s *Server) renderEpisode(w http.ResponseWriter, r *http.Request, status int, page string, review care.ReviewEntry, problems map[string]string) error {
	return s.renderEpisodeWith(w, r, status, page, review, problems, "", nil)
}

// renderEpisodeUR shows the episode again with the utilization review
// packet form of one review and what is wrong with it.
func (s *Server) renderEpisodeUR(w http.ResponseWriter, r *http.Request, status int, eventID string, problems map[string]string) error {
	return s.renderEpisodeWith(w, r, status, "episode", care.ReviewEntry{}, nil, eventID, problems)
}

func (s *Server) renderEpisodeWith(w http.ResponseWriter, r *http.Request, status int, page string, review care.ReviewEntry, problems map[string]string,
	urEvent string, urProblems map[string]string) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	d, err := s.episodeData(r, c, ep)
	if err != nil {
		return err
	}
	d.Review, d.Problems, d.UREvent, d.URProblems = review, problems, urEvent, urProblems
	if sess := sessionOf(r); sess != nil && auth.Can(sess.User.Role, auth.DiscloseRecords) {
		if d.URPayers, err = s.Store.Coverages(r.Context(), c.ID); err != nil {
			return err
		}
		d.URUnits = billing.Units
	}
	detail := "episode=" + ep.ID
	if page == "discharge_summary" {
		if d.Discharge == nil {
			return model.NotFound("web.dischargeSummary", "discharge summary")
		}
		detail += " discharge summary"
	}
	if err := s.auditRead(r, audit.ActionRead, "client.episode", c.ID, detail); err != nil {
		return err
	}
	v := s.view(r, ep.ProgramName+" episode", "clients")
	if page == "discharge_summary" {
		v.Title = "Discharge summary"
	}
	if d.Review.Date.IsZero() {
		d.Review.Date = v.Today
	}
	d.Overdue = ep.Status == model.EpisodeActive && !ep.ReviewDue.IsZero() && ep.ReviewDue.Before(v.Today)
	switch {
	case r.URL.Query().Get("admitted") == "1":
		d.Flash = "The client was admitted."
	case r.URL.Query().Get("changed") == "1":
		d.Flash = "The change was recorded."
	case r.URL.Query().Get("reviewed") == "1":
		d.Flash = "The review was recorded. The next one is due " + ep.ReviewDue.Format("Jan 2, 2006") + "."
	case r.URL.Query().Get("discharged") == "1":
		d.Flash = "The client was discharged. The summary below can be printed for the client and the next provider."
	}
	v.Data = d
	return s.pages.Page(w, status, page, &v)
}

func (s *Server) episodeData(r *http.Request, c model.Client, ep model.Episode) (episodeData, error) {
	d := episodeData{Client: c, Episode: ep}
	var err error
	if d.Events, err = s.Store.EpisodeEvents(r.Context(), ep.ID); err != nil {
		return d, err
	}
	if ep.Status == model.EpisodeDischarged {
		dis, err := s.Store.Discharge(r.Context(), ep.ID)
		if err == nil {
			d.Discharge = &dis
		} else if model.KindOf(err) != model.KindNotFound {
			return d, err
		}
	}
	ms, err := s.Store.Measures(r.Context(), c.ID)
	if err != nil {
		return d, err
	}
	d.Outcomes = outcomes(ms, ep)
	all, err := s.Store.Assessments(r.Context(), c.ID)
	if err != nil {
		return d, err
	}
	for _, a := range all {
		if a.Decision.Made() {
			d.Assessments = append(d.Assessments, a)
		}
	}
	return d, nil
}

// reviewCreate records a continued-stay review from the episode page.
func (s *Server) reviewCreate(w http.ResponseWriter, r *http.Request) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.reviewCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "", "clients")
	rv := care.ReviewEntry{Date: f.Date("date"), Note: f.String("note", 4000)}
	events, err := s.Store.EpisodeEvents(r.Context(), ep.ID)
	if err != nil {
		return err
	}
	f.Merge(rv.Problems(ep, store.LastEventDate(events), v.Today))
	if !f.OK() {
		return s.renderEpisode(w, r, http.StatusUnprocessableEntity, "episode", rv, f.Problems)
	}
	prog, err := s.Store.Program(r.Context(), ep.ProgramID)
	if err != nil {
		return err
	}
	if err := s.Store.ReviewEpisode(r.Context(), ep, rv, v.User.ID, prog.ReviewIntervalDays, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/episodes/"+ep.ID+"?reviewed=1", http.StatusSeeOther)
	return nil
}

type changeFormData struct {
	Client      model.Client
	Episode     model.Episode
	Change      care.Change
	Levels      []model.LevelOfCare
	Tracks      []store.TrackWithCount
	Assessments []care.Assessment
	Problems    map[string]string
}

func (s *Server) changeForm(w http.ResponseWriter, r *http.Request, status int, c model.Client, ep model.Episode, ch care.Change, problems map[string]string) error {
	d := changeFormData{Client: c, Episode: ep, Change: ch, Levels: model.LevelsOfCare, Problems: problems}
	tracks, err := s.Store.Tracks(r.Context())
	if err != nil {
		return err
	}
	for _, t := range tracks {
		if t.ProgramID == ep.ProgramID {
			d.Tracks = append(d.Tracks, t)
		}
	}
	all, err := s.Store.Assessments(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.Decision.Made() {
			d.Assessments = append(d.Assessments, a)
		}
	}
	v := s.view(r, "Change level of care or track", "clients")
	v.Data = d
	return s.pages.Page(w, status, "episode_change", &v)
}

// changeNew shows the step down / step up / track change form.
func (s *Server) changeNew(w http.ResponseWriter, r *http.Request) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	if ep.Status != model.EpisodeActive {
		return model.Errorf("web.changeNew", model.KindConflict, "This episode is closed: it was discharged. Admit the client again to record new care.")
	}
	if err := s.auditRead(r, audit.ActionRead, "client.episode", c.ID, "change form episode="+ep.ID); err != nil {
		return err
	}
	v := s.view(r, "", "clients")
	ch := care.Change{Kind: care.EventKind(r.URL.Query().Get("kind")), Date: v.Today,
		ToLevel: model.LevelOfCare(r.URL.Query().Get("level"))}
	if id := r.URL.Query().Get("assessment"); model.ValidID(id) {
		ch.AssessmentID = id
	}
	return s.changeForm(w, r, http.StatusOK, c, ep, ch, nil)
}

// changeCreate records the change, or re-shows the form with the problems.
func (s *Server) changeCreate(w http.ResponseWriter, r *http.Request) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.changeCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "", "clients")
	ch := care.Change{Kind: care.EventKind(f.String("kind", 20)), Date: f.Date("date"),
		ToLevel: model.LevelOfCare(f.String("to_level", 40)), ToTrackID: f.String("to_track_id", 40),
		Reason: f.String("reason", 2000), AssessmentID: f.String("assessment_id", 40)}
	tracks, err := s.Store.Tracks(r.Context())
	if err != nil {
		return err
	}
	inProgram := map[string]bool{}
	for _, t := range tracks {
		if t.ProgramID == ep.ProgramID {
			inProgram[t.ID] = true
		}
	}
	if ch.AssessmentID != "" {
		if _, err := s.Store.Assessment(r.Context(), c.ID, ch.AssessmentID); err != nil || !model.ValidID(ch.AssessmentID) {
			f.Problems["assessment_id"] = "Choose one of this client's assessments."
		}
	}
	events, err := s.Store.EpisodeEvents(r.Context(), ep.ID)
	if err != nil {
		return err
	}
	f.Merge(ch.Problems(ep, store.LastEventDate(events), v.Today, inProgram))
	if !f.OK() {
		return s.changeForm(w, r, http.StatusUnprocessableEntity, c, ep, ch, f.Problems)
	}
	prog, err := s.Store.Program(r.Context(), ep.ProgramID)
	if err != nil {
		return err
	}
	if err := s.Store.ChangeEpisode(r.Context(), ep, ch, v.User.ID, prog.ReviewIntervalDays, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/episodes/"+ep.ID+"?changed=1", http.StatusSeeOther)
	return nil
}

type dischargeFormData struct {
	Client    model.Client
	Episode   model.Episode
	Discharge care.Discharge
	Types     []care.DischargeType
	Levels    []model.LevelOfCare
	Outcomes  []outcomeRow
	Problems  map[string]string
}

func (s *Server) dischargeForm(w http.ResponseWriter, r *http.Request, status int, c model.Client, ep model.Episode, d care.Discharge, problems map[string]string) error {
	ms, err := s.Store.Measures(r.Context(), c.ID)
	if err != nil {
		return err
	}
	v := s.view(r, "Discharge "+c.DisplayName(), "clients")
	v.Data = dischargeFormData{Client: c, Episode: ep, Discharge: d, Types: care.DischargeTypes, Levels: model.LevelsOfCare,
		Outcomes: outcomes(ms, ep), Problems: problems}
	return s.pages.Page(w, status, "discharge_form", &v)
}

// dischargeNew shows the discharge form.
func (s *Server) dischargeNew(w http.ResponseWriter, r *http.Request) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	if ep.Status != model.EpisodeActive {
		return model.Errorf("web.dischargeNew", model.KindConflict, "This episode is already discharged.")
	}
	if err := s.auditRead(r, audit.ActionRead, "client.episode", c.ID, "discharge form episode="+ep.ID); err != nil {
		return err
	}
	v := s.view(r, "", "clients")
	return s.dischargeForm(w, r, http.StatusOK, c, ep, care.Discharge{Date: v.Today}, nil)
}

// dischargeCreate closes the episode with its summary and aftercare plan.
func (s *Server) dischargeCreate(w http.ResponseWriter, r *http.Request) error {
	c, ep, err := s.loadEpisode(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.dischargeCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "", "clients")
	d := care.Discharge{EpisodeID: ep.ID, Date: f.Date("date"), Type: care.DischargeType(f.String("type", 40)),
		Reason: f.String("reason", 8000), Services: f.String("services", 8000), Progress: f.String("progress", 8000),
		NextLevel: f.String("next_level", 40), Provider: f.String("provider", 8000), Appointments: f.String("appointments", 8000),
		Supports: f.String("supports", 8000), RelapsePlan: f.String("relapse_plan", 8000), ByID: v.User.ID}
	events, err := s.Store.EpisodeEvents(r.Context(), ep.ID)
	if err != nil {
		return err
	}
	f.Merge(d.Problems(ep, store.LastEventDate(events), v.Today))
	if !f.OK() {
		return s.dischargeForm(w, r, http.StatusUnprocessableEntity, c, ep, d, f.Problems)
	}
	if err := s.Store.DischargeEpisode(r.Context(), ep, d, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/episodes/"+ep.ID+"/summary?discharged=1", http.StatusSeeOther)
	return nil
}

// dischargeSummary is the printable discharge summary and aftercare plan.
func (s *Server) dischargeSummary(w http.ResponseWriter, r *http.Request) error {
	return s.renderEpisode(w, r, http.StatusOK, "discharge_summary", care.ReviewEntry{}, nil)
}

type reviewsData struct {
	Due     []store.DueReview
	Mine    bool
	Horizon model.Date
	Today   model.Date
}

// reviewsDue lists continued-stay reviews that are overdue or due within a
// week: the signed-in clinician's own by default, everyone's on request.
func (s *Server) reviewsDue(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Continued-stay reviews", "reviews")
	mine, counselor, horizon := dueListScope(r, v)
	due, err := s.Store.ReviewsDue(r.Context(), horizon, counselor)
	if err != nil {
		return err
	}
	if due, err = careTeamOnly(s, r, due, func(d store.DueReview) string { return d.Client.ID }); err != nil {
		return err
	}
	if err := auditShown(s, r, "client.episode", "reviews due", due, func(d store.DueReview) string { return d.Client.ID }); err != nil {
		return err
	}
	v.Data = reviewsData{Due: due, Mine: mine, Horizon: horizon, Today: v.Today}
	return s.pages.Page(w, http.StatusOK, "reviews", &v)
}

// dueListScope is what a due list shows: the viewer's caseload unless
// all=1 asks for everyone's (counselor is then empty), up to a week ahead.
func dueListScope(r *http.Request, v view) (mine bool, counselor string, horizon model.Date) {
	mine = r.URL.Query().Get("all") != "1"
	if mine {
		counselor = v.User.ID
	}
	return mine, counselor, v.Today.AddDays(7)
}

// auditShown records a query that showed clients' records, naming every
// client shown; nothing is recorded when the list was empty.
func auditShown[T any](s *Server, r *http.Request, category, what string, rows []T, clientID func(T) string) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, x := range rows {
		ids[i] = clientID(x)
	}
	return s.auditRead(r, audit.ActionQuery, category, "", what+"; shown="+strings.Join(ids, ","))
}
