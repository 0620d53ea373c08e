package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/billing"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

// coverageData is a client's coverage and authorizations page.
type coverageData struct {
	Client       model.Client
	Level        model.LevelOfCare // the current episode's, empty when not in care
	Coverage     []billing.Coverage
	Standings    []billing.Standing
	Payers       []billing.Payer // active ones, for the forms
	Cov          billing.Coverage
	CovProblems  map[string]string
	Auth         billing.Authorization
	AuthProblems map[string]string
	Flash        string
	Decisions    []billing.Decision
	Dec          billing.Decision
	DecProblems  map[string]string
	Outcomes     []struct {
		Value billing.Outcome
		Label string
	}
	Levels []model.LevelOfCare
	Units  []struct {
		Value billing.Unit
		Label string
	}
	Relationships []struct {
		Value billing.Relationship
		Label string
	}
}

// billingCard is the chart's summary of coverage and authorizations.
type billingCard struct {
	Coverage  []billing.Coverage
	Standings []billing.Standing
	Today     model.Date
}

// standings counts each authorization's use from the client's services and
// names its alerts at the program's threshold. Only authorizations still in
// effect or ended in the last 30 days are counted.
func (s *Server) standings(r *http.Request, c model.Client, auths []billing.Authorization, today model.Date) ([]billing.Standing, model.LevelOfCare, error) {
	all, err := s.standingsOf(r, []model.Client{c}, map[string][]billing.Authorization{c.ID: auths}, today)
	var level model.LevelOfCare
	if ep := c.Current; ep != nil && ep.Status == model.EpisodeActive {
		level = ep.LevelOfCare
	}
	return all[c.ID], level, err
}

// standingsOf is standings for many clients at once: their services are
// read in one pass, whatever the number of clients.
func (s *Server) standingsOf(r *http.Request, clients []model.Client, auths map[string][]billing.Authorization, today model.Date) (map[string][]billing.Standing, error) {
	from := today
	var ids []string
	shown := map[string][]billing.Authorization{}
	for _, c := range clients {
		for _, a := range auths[c.ID] {
			if a.To.Before(today.AddDays(-30)) {
				continue
			}
			shown[c.ID] = append(shown[c.ID], a)
			if a.From.Before(from) {
				from = a.From
			}
		}
		if len(shown[c.ID]) > 0 {
			ids = append(ids, c.ID)
		}
	}
	out := map[string][]billing.Standing{}
	if len(ids) == 0 {
		return out, nil
	}
	programs, err := s.Store.Programs(r.Context())
	if err != nil {
		return nil, err
	}
	thresholds := map[string]billing.Threshold{}
	for _, p := range programs {
		thresholds[p.ID] = billing.Threshold{Units: p.AuthAlertUnits, Days: p.AuthAlertDays}
	}
	days, sessions, err := s.servicesBetween(r, from, today, ids...)
	if err != nil {
		return nil, err
	}
	for _, c := range clients {
		t, level := billing.DefaultThreshold, model.LevelOfCare("")
		if ep := c.Current; ep != nil && ep.Status == model.EpisodeActive {
			level = ep.LevelOfCare
			if x, ok := thresholds[ep.ProgramID]; ok {
				t = x
			}
		}
		for _, a := range shown[c.ID] {
			out[c.ID] = append(out[c.ID], billing.Stand(a, days, sessions, today, t, level))
		}
	}
	return out, nil
}

func (s *Server) coveragePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCoverage(w, r, http.StatusOK, coverageForms{})
}

// coverageForms are the page's three forms as typed, with their problems;
// nil shows them fresh.
type coverageForms struct {
	cov         *billing.Coverage
	covProblems map[string]string
	auth        *billing.Authorization
	authProbs   map[string]string
	dec         *billing.Decision
	decProblems map[string]string
}

func (s *Server) renderCoverageDecision(w http.ResponseWriter, r *http.Request, d *billing.Decision, problems map[string]string) error {
	return s.renderCoverage(w, r, http.StatusUnprocessableEntity, coverageForms{dec: d, decProblems: problems})
}

func (s *Server) renderCoverage(w http.ResponseWriter, r *http.Request, status int, forms coverageForms) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	cov, a := forms.cov, forms.auth
	v := s.view(r, "Coverage: "+c.DisplayName(), "clients")
	d := coverageData{Client: c, CovProblems: forms.covProblems, AuthProblems: forms.authProbs, DecProblems: forms.decProblems,
		Levels: model.LevelsOfCare, Units: billing.Units, Relationships: billing.Relationships, Outcomes: billing.Outcomes}
	if d.Decisions, err = s.Store.Decisions(r.Context(), c.ID); err != nil {
		return err
	}
	if d.Coverage, err = s.Store.Coverages(r.Context(), c.ID); err != nil {
		return err
	}
	auths, err := s.Store.Authorizations(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if d.Standings, d.Level, err = s.standings(r, c, auths, v.Today); err != nil {
		return err
	}
	payers, err := s.Store.Payers(r.Context())
	if err != nil {
		return err
	}
	for _, p := range payers {
		if p.Active {
			d.Payers = append(d.Payers, p)
		}
	}
	// The forms: what was typed, else the record asked to edit, else a blank one.
	q := r.URL.Query()
	switch {
	case cov != nil:
		d.Cov = *cov
	default:
		d.Cov = billing.Coverage{Relationship: billing.Self, Priority: billing.Primary, From: v.Today}
		if i := slices.IndexFunc(d.Coverage, func(x billing.Coverage) bool { return x.ID == q.Get("coverage") }); i >= 0 {
			d.Cov = d.Coverage[i]
		}
	}
	switch {
	case a != nil:
		d.Auth = *a
	default:
		level := d.Level
		if level == "" {
			level = model.IntensiveOutpatient
		}
		d.Auth = billing.Authorization{Level: level, Unit: billing.PerDiem, From: v.Today}
		if i := slices.IndexFunc(auths, func(x billing.Authorization) bool { return x.ID == q.Get("authorization") }); i >= 0 {
			d.Auth = auths[i]
		}
	}
	if forms.dec != nil {
		d.Dec = *forms.dec
	} else {
		d.Dec = billing.Decision{Outcome: billing.Approved, DecidedOn: v.Today,
			Auth: billing.Authorization{Level: d.Auth.Level, Unit: billing.PerDiem, From: v.Today}}
	}
	switch q.Get("done") {
	case "decision":
		d.Flash = "The payer's decision was recorded."
	case "coverage":
		d.Flash = "The coverage was saved."
	case "authorization":
		d.Flash = "The authorization was saved. Its units are counted from the client's attendance and kept sessions."
	}
	if err := s.auditRead(r, audit.ActionRead, "client.coverage", c.ID, "coverage and authorizations"); err != nil {
		return err
	}
	v.Data = d
	return s.pages.Page(w, status, "coverage", &v)
}

// coverageSave adds or corrects a coverage of the client.
func (s *Server) coverageSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.coverageSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	cov := billing.Coverage{ID: f.String("id", 40), ClientID: c.ID, PayerID: f.String("payer", 40), Plan: f.String("plan", 120),
		MemberID: f.String("member_id", 80), GroupID: f.String("group_id", 50), Subscriber: f.String("subscriber", 120),
		SubscriberBirth: f.Date("subscriber_birth"), Relationship: billing.Relationship(f.String("relationship", 20)),
		Priority: billing.Priority(f.String("priority", 20)), From: f.Date("from"), To: f.Date("to"), VerifiedOn: f.Date("verified_on"),
		Notes: f.String("notes", 2000)}
	if cov.ID != "" && !model.ValidID(cov.ID) {
		return model.NotFound("web.coverageSave", "coverage")
	}
	today := s.view(r, "", "").Today
	f.Merge(cov.Problems(today))
	if f.OK() {
		err = s.Store.SaveCoverage(r.Context(), &cov, today, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderCoverage(w, r, http.StatusUnprocessableEntity, coverageForms{cov: &cov, covProblems: f.Problems})
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/coverage?done=coverage", http.StatusSeeOther)
	return nil
}

// authorizationSave adds or corrects a payer authorization of the client.
func (s *Server) authorizationSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.authorizationSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	a := billing.Authorization{ID: f.String("id", 40), ClientID: c.ID, PayerID: f.String("payer", 40), Number: f.String("number", 50),
		Level: model.LevelOfCare(f.String("level", 40)), Unit: billing.Unit(f.String("unit", 20)), Units: f.Int("units", 0),
		From: f.Date("from"), To: f.Date("to"), Contact: f.String("contact", 200), Notes: f.String("notes", 2000)}
	if a.ID != "" && !model.ValidID(a.ID) {
		return model.NotFound("web.authorizationSave", "authorization")
	}
	f.Merge(a.Problems())
	if f.OK() {
		err = s.Store.SaveAuthorization(r.Context(), &a, sessionOf(r).User.ID, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.renderCoverage(w, r, http.StatusUnprocessableEntity, coverageForms{auth: &a, authProbs: f.Problems})
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/coverage?done=authorization", http.StatusSeeOther)
	return nil
}

// billingCardOf is the chart's coverage card, or nil when the client has
// neither coverage nor authorizations.
func (s *Server) billingCardOf(r *http.Request, c model.Client, today model.Date) (*billingCard, error) {
	covs, err := s.Store.Coverages(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	auths, err := s.Store.Authorizations(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	if len(covs) == 0 && len(auths) == 0 {
		return nil, nil
	}
	card := &billingCard{Today: today}
	for _, x := range covs {
		if x.ActiveOn(today) {
			card.Coverage = append(card.Coverage, x)
		}
	}
	if card.Standings, _, err = s.standings(r, c, auths, today); err != nil {
		return nil, err
	}
	return card, nil
}
