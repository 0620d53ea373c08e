package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/relapse"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

const clientsPerPage = 25

type clientListData struct {
	Query   string
	Status  string
	Clients []model.Client
	Total   int
	Page    int
	Pages   int
	Filters []statusFilter
	// CareTeamOnly says the list holds only clients the viewer cares for.
	CareTeamOnly bool
}

type statusFilter struct {
	Value, Label string
	Current      bool
}

// clientList shows the client list (GET) and search results (POST). Search
// words travel in the body, never in the address: names in URLs end up in
// browser history, proxy logs and the browser's storage. An htmx request
// (typing in the search box) gets only the results block.
func (s *Server) clientList(w http.ResponseWriter, r *http.Request) error {
	var text, status, pageStr string
	if r.Method == http.MethodPost {
		f, err := form.Parse(w, r)
		if err != nil {
			return model.Errorf("web.clientList", model.KindInvalid, "The search could not be read: %v", err)
		}
		text, status, pageStr = f.String("q", 100), f.String("status", 20), f.String("page", 6)
	} else {
		status, pageStr = r.URL.Query().Get("status"), r.URL.Query().Get("page")
	}
	if len([]rune(text)) > 100 {
		text = string([]rune(text)[:100])
	}
	switch store.ClientStatus(status) {
	case store.StatusActive, store.StatusDischarged, store.StatusNotAdmitted, store.StatusAny:
	default:
		status = string(store.StatusActive)
		if text != "" {
			status = string(store.StatusAny) // a search looks everywhere unless told otherwise
		}
	}
	page := max(atoiOr(pageStr, 1), 1)
	q := store.ClientQuery{Text: text, Status: store.ClientStatus(status), Limit: clientsPerPage, Offset: (page - 1) * clientsPerPage}
	u := sessionOf(r).User
	limited := false
	if auth.CareTeamLimited(u.Role) {
		q.CareTeamOf, q.Now = u.ID, s.Now()
		on, err := s.Store.CareTeamRule(r.Context())
		if err != nil {
			return err
		}
		limited = on
	}
	list, total, err := s.Store.SearchClients(r.Context(), q)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		if err := s.auditRead(r, audit.ActionQuery, "client.list", "", clientIDs(list)); err != nil {
			return err
		}
	}
	d := clientListData{Query: text, Status: status, Clients: list, Total: total, Page: page, CareTeamOnly: limited,
		Pages: max(1, (total+clientsPerPage-1)/clientsPerPage)}
	for _, f := range []struct{ v, l string }{{"active", "In treatment"}, {"registered", "Not yet admitted"}, {"discharged", "Discharged"}, {"all", "All"}} {
		d.Filters = append(d.Filters, statusFilter{Value: f.v, Label: f.l, Current: f.v == status})
	}
	v := s.view(r, "Clients", "clients")
	v.Data = d
	w.Header().Set("Vary", "HX-Request")
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "client-results" {
		return s.pages.Fragment(w, http.StatusOK, "clients", "results", &v)
	}
	return s.pages.Page(w, http.StatusOK, "clients", &v)
}

type clientShowData struct {
	Billing     *billingCard // coverage and authorizations, for clinicians and billing staff
	Client      model.Client
	Age         int
	Episodes    []model.Episode
	Created     bool
	Updated     bool
	Clinical    bool // the viewer may read the clinical record below the header
	Trends      []trend
	Assessments []care.Assessment
	Assigned    []care.Assignment
	Screens     []intensity.Screen
	ScreenTrend []intensity.Screen // the last 16, oldest first
	GroupNotes  []store.ClientNote
	Topics      []curriculum.Progress // the current track's curriculum: attended, missed, ahead
	Sessions    []store.SessionNoteSummary
	Substances  []struct{ Code, Label, LOINC string }
	CanAdmit    bool
	Flash       string
	Plan        *plan.Plan // the newest version of the treatment plan, if any
	Relapse     *relapse.Plan
	Emergency   bool // the viewer reached the record by emergency access
	Portal      portalCard
}

// clientShow shows a client's chart header: who they are, how to reach
// them and where they are in care.
func (s *Server) clientShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	eps, err := s.Store.Episodes(r.Context(), c.ID)
	if err != nil {
		return err
	}
	v := s.view(r, c.DisplayName(), "clients")
	d := clientShowData{Client: c, Age: c.Age(v.Today), Episodes: eps, Clinical: v.Can(string(auth.ViewClinical)),
		Created: r.URL.Query().Get("created") == "1", Updated: r.URL.Query().Get("updated") == "1"}
	d.CanAdmit = v.Can(string(auth.AdmitClient))
	if auth.CareTeamLimited(v.User.Role) {
		why, err := s.Store.CareTeamAccess(r.Context(), c.ID, v.User.ID, s.Now())
		if err != nil {
			return err
		}
		d.Emergency = why == store.AccessEmergency
	}
	if r.URL.Query().Get("assigned") == "1" {
		d.Flash = "The instrument was assigned. It will be completed when a result is recorded."
	}
	for _, e := range eps {
		if e.Status == model.EpisodeActive {
			d.CanAdmit = false // one open episode at a time; change or discharge it first
		}
	}
	if d.Clinical || v.Can(string(auth.ManageCoverage)) {
		if d.Billing, err = s.billingCardOf(r, c, v.Today); err != nil {
			return err
		}
	}
	detail := ""
	if d.Clinical {
		ms, err := s.Store.Measures(r.Context(), c.ID)
		if err != nil {
			return err
		}
		d.Trends = trends(ms)
		if d.Assigned, err = s.Store.OpenAssignments(r.Context(), c.ID); err != nil {
			return err
		}
		if d.Screens, err = s.Store.Screens(r.Context(), c.ID); err != nil {
			return err
		}
		d.ScreenTrend = slices.Clone(d.Screens[:min(len(d.Screens), 16)])
		slices.Reverse(d.ScreenTrend)
		d.Substances = intensity.Substances
		if d.GroupNotes, err = s.Store.ClientGroupNotes(r.Context(), c.ID); err != nil {
			return err
		}
		if d.Sessions, err = s.Store.ClientSessionNotes(r.Context(), c.ID); err != nil {
			return err
		}
		if d.Topics, err = s.topicProgress(r, c, d.GroupNotes); err != nil {
			return err
		}
		if d.Assessments, err = s.Store.Assessments(r.Context(), c.ID); err != nil {
			return err
		}
		plans, err := s.Store.TreatmentPlans(r.Context(), c.ID)
		if err != nil {
			return err
		}
		if len(plans) > 0 {
			d.Plan = &plans[0]
		}
		rpp, err := s.Store.RelapsePlans(r.Context(), c.ID)
		if err != nil {
			return err
		}
		if len(rpp) > 0 {
			d.Relapse = &rpp[0]
		}
		if d.Portal, err = s.portalCardOf(r, c.ID, v.Today); err != nil {
			return err
		}
		detail = "with clinical record"
	}
	if d.Billing != nil {
		detail = strings.TrimSpace(detail + " with coverage and authorizations")
	}
	if err := s.auditRead(r, audit.ActionRead, "client.demographics", c.ID, detail); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "client", &v)
}

// loadClient reads the client named in the path. A malformed id or an
// unknown one is "not found" alike, and the failed lookup is audited (a run
// of them is how someone probing for records shows up).
func (s *Server) loadClient(r *http.Request) (model.Client, error) {
	id := r.PathValue("id")
	if !model.ValidID(id) {
		return model.Client{}, model.NotFound("web.loadClient", "client")
	}
	c, err := s.Store.Client(r.Context(), id)
	if model.KindOf(err) == model.KindNotFound {
		rec := s.record(r)
		rec.Action, rec.Category, rec.ClientID, rec.Outcome, rec.Detail = audit.ActionRead, "client.demographics", id, audit.OutcomeFailure, "not found"
		if aerr := s.Audit.Record(r.Context(), rec); aerr != nil {
			return c, aerr
		}
	}
	if err != nil {
		return c, err
	}
	// Outside the care team a record reads as missing: the same 404, so
	// that probing ids tells nothing; the refusal is audited as denied.
	if sess := sessionOf(r); sess != nil && auth.CareTeamLimited(sess.User.Role) {
		why, err := s.Store.CareTeamAccess(r.Context(), c.ID, sess.User.ID, s.Now())
		if err != nil {
			return model.Client{}, err
		}
		if why == "" {
			rec := s.record(r)
			rec.Action, rec.Category, rec.ClientID, rec.Outcome, rec.Detail = audit.ActionRead, "client.demographics", c.ID, audit.OutcomeDenied, "outside the care team"
			if aerr := s.Audit.Record(r.Context(), rec); aerr != nil {
				return model.Client{}, aerr
			}
			return model.Client{}, model.NotFound("web.loadClient", "client")
		}
		if why == store.AccessEmergency {
			rec := s.record(r)
			rec.Action, rec.Category, rec.ClientID, rec.Detail = audit.ActionEmergency, "client.emergency_access", c.ID, r.Method+" "+r.URL.Path
			if err := s.Audit.Record(r.Context(), rec); err != nil {
				return model.Client{}, err
			}
		}
	}
	return c, nil
}

type clientFormData struct {
	Client   model.Client
	Problems map[string]string
	Action   string
	Submit   string
	Cancel   string
	New      bool
}

// clientNew shows the registration form.
func (s *Server) clientNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderClientForm(w, r, http.StatusOK, clientFormData{Action: "/clients", Submit: "Register client", Cancel: "/clients", New: true})
}

func (s *Server) renderClientForm(w http.ResponseWriter, r *http.Request, status int, d clientFormData) error {
	title := "Register a client"
	if !d.New {
		title = "Edit " + d.Client.DisplayName()
	}
	v := s.view(r, title, "clients")
	v.Data = d
	return s.pages.Page(w, status, "client_form", &v)
}

// readClientForm fills c from the posted form and returns the problems.
func (s *Server) readClientForm(w http.ResponseWriter, r *http.Request, c *model.Client) (map[string]string, error) {
	f, err := form.Parse(w, r)
	if err != nil {
		return nil, model.Errorf("web.readClientForm", model.KindInvalid, "The form could not be read: %v", err)
	}
	c.FirstName = f.String("first_name", 80)
	c.LastName = f.String("last_name", 80)
	c.PreferredName = f.String("preferred_name", 80)
	c.Pronouns = f.String("pronouns", 40)
	c.DateOfBirth = f.Date("date_of_birth")
	c.SexAtBirth = f.OneOf("sex_at_birth", []string{"female", "male"}, true, "Choose female, male or not recorded.")
	c.Phone = f.String("phone", 20)
	c.Email = f.String("email", 254)
	c.Address = f.String("address", 300)
	c.EmergencyName = f.String("emergency_name", 80)
	c.EmergencyRel = f.String("emergency_relationship", 40)
	c.EmergencyPhn = f.String("emergency_phone", 20)
	c.Normalize()
	today := model.DateOf(s.Now().In(s.organization(r).Location()))
	f.Merge(c.Problems(today))
	return f.Problems, nil
}

// clientCreate registers a client. Invalid input re-shows the form with the
// person's entries and a message at each field; nothing is stored.
func (s *Server) clientCreate(w http.ResponseWriter, r *http.Request) error {
	var c model.Client
	problems, err := s.readClientForm(w, r, &c)
	if err != nil {
		return err
	}
	d := clientFormData{Client: c, Problems: problems, Action: "/clients", Submit: "Register client", Cancel: "/clients", New: true}
	if len(problems) > 0 {
		return s.renderClientForm(w, r, http.StatusUnprocessableEntity, d)
	}
	if err := s.Store.CreateClient(r.Context(), &c, s.record(r)); err != nil {
		if fields := model.FieldsOf(err); fields != nil {
			d.Problems = fields
			return s.renderClientForm(w, r, http.StatusUnprocessableEntity, d)
		}
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"?created=1", http.StatusSeeOther)
	return nil
}

// clientEdit shows the demographics form filled in.
func (s *Server) clientEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.demographics", c.ID, "edit form"); err != nil {
		return err
	}
	return s.renderClientForm(w, r, http.StatusOK, clientFormData{Client: c, Action: "/clients/" + c.ID,
		Submit: "Save changes", Cancel: "/clients/" + c.ID})
}

// clientUpdate saves corrected demographics.
func (s *Server) clientUpdate(w http.ResponseWriter, r *http.Request) error {
	existing, err := s.loadClient(r)
	if err != nil {
		return err
	}
	c := model.Client{ID: existing.ID, MRN: existing.MRN}
	problems, err := s.readClientForm(w, r, &c)
	if err != nil {
		return err
	}
	d := clientFormData{Client: c, Problems: problems, Action: "/clients/" + c.ID, Submit: "Save changes", Cancel: "/clients/" + c.ID}
	if len(problems) > 0 {
		return s.renderClientForm(w, r, http.StatusUnprocessableEntity, d)
	}
	if err := s.Store.UpdateClient(r.Context(), &c, s.record(r)); err != nil {
		if fields := model.FieldsOf(err); fields != nil {
			d.Problems = fields
			return s.renderClientForm(w, r, http.StatusUnprocessableEntity, d)
		}
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"?updated=1", http.StatusSeeOther)
	return nil
}

// topicProgress is where the client stands on their current track's
// curriculum, from their attendance since admission and the topics the
// signed notes of those meetings record. Nil without a track or curriculum.
func (s *Server) topicProgress(r *http.Request, c model.Client, written []store.ClientNote) ([]curriculum.Progress, error) {
	if c.Current == nil || c.Current.TrackID == "" {
		return nil, nil
	}
	topics, err := s.Store.CurriculumTopics(r.Context(), c.Current.TrackID)
	if err != nil || len(topics) == 0 {
		return nil, err
	}
	series, err := s.Store.ListSeries(r.Context(), store.SeriesFilter{TrackID: c.Current.TrackID})
	if err != nil {
		return nil, err
	}
	began := map[string]model.Date{}
	for _, sr := range series {
		began[sr.ID] = sr.Recurrence.From
	}
	documented := map[string]string{}
	for _, n := range written {
		documented[n.Note.SeriesID+"|"+n.Date.String()] = n.Note.Topic
	}
	marks, err := s.Store.ClientMarks(r.Context(), c.ID, c.Current.AdmissionDate)
	if err != nil {
		return nil, err
	}
	var meetings []curriculum.Meeting
	for _, m := range marks {
		from, inTrack := began[m.SeriesID]
		if !inTrack || m.Status == intensity.Cancelled {
			continue
		}
		planned, _ := curriculum.Planned(topics, from, m.Date)
		meetings = append(meetings, curriculum.Meeting{Date: m.Date, Planned: planned.Title,
			Documented: documented[m.SeriesID+"|"+m.Date.String()], Attended: m.Status == intensity.Present || m.Status == intensity.Late || m.Status == intensity.LeftEarly})
	}
	return curriculum.ProgressOf(topics, meetings), nil
}
