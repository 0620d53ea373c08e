package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type planData struct {
	Client     model.Client
	Episode    model.Episode
	Plan       plan.Plan
	Versions   []plan.Plan // of the episode, newest first
	Reviews    []plan.Review
	Rows       []problemRow // the draft as form rows, with blank rows to add to
	Modalities []plan.Modality
	Problems   map[string]string
	Saved      string
	Due        plan.Due
	Editable   bool // a draft, and the viewer may write it
	CanReview  bool

	// Evidence for a review, beside each objective and for the whole plan.
	Evidence    map[string][]store.ObjectiveNote
	Trends      []trend
	Screens     []intensity.Screen
	WeeksChart  template.HTML
	ReviewTyped plan.Review
}

// problemRow is one problem of the plan form with its field names.
type problemRow struct {
	Number        int
	ID            string
	Statement     string
	Diagnosis     string
	Goal          string
	F             map[string]string
	Objectives    []objectiveRow
	Interventions []interventionRow
	Blank         bool
}

type objectiveRow struct {
	ID, Text, Target string
	F                map[string]string
}

type interventionRow struct {
	Modality, Provider, Frequency string
	F                             map[string]string
}

func problemNames(i int) map[string]string {
	return map[string]string{"id": plan.ProblemField(i, "id"), "statement": plan.ProblemField(i, "statement"),
		"diagnosis": plan.ProblemField(i, "diagnosis"), "goal": plan.ProblemField(i, "goal")}
}

func objectiveNames(i, j int) map[string]string {
	return map[string]string{"id": plan.ObjectiveField(i, j, "id"), "text": plan.ObjectiveField(i, j, "text"),
		"target": plan.ObjectiveField(i, j, "target")}
}

func interventionNames(i, j int) map[string]string {
	return map[string]string{"modality": plan.InterventionField(i, j, "modality"), "provider": plan.InterventionField(i, j, "provider"),
		"frequency": plan.InterventionField(i, j, "frequency")}
}

// rowsOf lays a draft out as form rows: each problem with one blank
// objective and intervention to add, and one blank problem after them.
// typedDates keeps what was typed into target dates that did not parse.
func rowsOf(p plan.Plan, typedDates map[string]string) []problemRow {
	var rows []problemRow
	for i, pr := range p.Problems {
		row := problemRow{Number: i + 1, ID: pr.ID, Statement: pr.Statement, Diagnosis: pr.Diagnosis, Goal: pr.Goal, F: problemNames(i)}
		for j, o := range pr.Objectives {
			f := objectiveNames(i, j)
			target := o.Target.String()
			if t, ok := typedDates[f["target"]]; ok {
				target = t
			}
			row.Objectives = append(row.Objectives, objectiveRow{ID: o.ID, Text: o.Text, Target: target, F: f})
		}
		if len(pr.Objectives) < plan.MaxObjectives {
			row.Objectives = append(row.Objectives, objectiveRow{F: objectiveNames(i, len(pr.Objectives))})
		}
		for j, in := range pr.Interventions {
			row.Interventions = append(row.Interventions, interventionRow{Modality: in.Modality, Provider: in.Provider, Frequency: in.Frequency,
				F: interventionNames(i, j)})
		}
		if len(pr.Interventions) < plan.MaxInterventions {
			row.Interventions = append(row.Interventions, interventionRow{F: interventionNames(i, len(pr.Interventions))})
		}
		rows = append(rows, row)
	}
	if n := len(p.Problems); n < plan.MaxProblems {
		rows = append(rows, problemRow{Number: n + 1, F: problemNames(n), Blank: true,
			Objectives:    []objectiveRow{{F: objectiveNames(n, 0)}},
			Interventions: []interventionRow{{F: interventionNames(n, 0)}}})
	}
	return rows
}

// planFromForm reads the plan form. Rows left empty are dropped, so the
// rows that remain are renumbered: problems are keyed by the compacted
// positions, which the re-shown form uses too.
func planFromForm(f *form.Form, p plan.Plan) (plan.Plan, map[string]string) {
	typed := map[string]string{}
	p.Date = f.Date("date")
	p.ClientStatement = f.String("client_statement", 4000)
	p.Problems = nil
	for i := range plan.MaxProblems {
		names := problemNames(i)
		pr := plan.Problem{ID: f.String(names["id"], 40), Statement: f.String(names["statement"], 4000),
			Diagnosis: f.String(names["diagnosis"], 10), Goal: f.String(names["goal"], 4000)}
		for j := range plan.MaxObjectives {
			on := objectiveNames(i, j)
			text, target := f.String(on["text"], 4000), f.String(on["target"], 20)
			if text == "" && target == "" {
				continue
			}
			o := plan.Objective{ID: f.String(on["id"], 40), Text: text}
			if target != "" {
				d, err := model.ParseDate(target)
				if err != nil {
					typed[plan.ObjectiveField(len(p.Problems), len(pr.Objectives), "target")] = target
					f.Problems[plan.ObjectiveField(len(p.Problems), len(pr.Objectives), "target")] = "Enter the target date as YYYY-MM-DD."
				}
				o.Target = d
			}
			pr.Objectives = append(pr.Objectives, o)
		}
		for j := range plan.MaxInterventions {
			in := interventionNames(i, j)
			x := plan.Intervention{Modality: f.String(in["modality"], 40), Provider: f.String(in["provider"], 400), Frequency: f.String(in["frequency"], 400)}
			if x != (plan.Intervention{}) {
				pr.Interventions = append(pr.Interventions, x)
			}
		}
		if pr.Statement == "" && pr.Goal == "" && pr.Diagnosis == "" && len(pr.Objectives) == 0 && len(pr.Interventions) == 0 {
			continue
		}
		p.Problems = append(p.Problems, pr)
	}
	return p, typed
}

// plansHome shows a client's plan for their open episode (or latest): the
// current version, drafts and history, and what falls due.
func (s *Server) plansHome(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	versions, err := s.Store.TreatmentPlans(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.plan", c.ID, "treatment plan versions"); err != nil {
		return err
	}
	if len(versions) > 0 {
		http.Redirect(w, r, planPath(c.ID, versions[0].ID), http.StatusSeeOther)
		return nil
	}
	v := s.view(r, "Treatment plan: "+c.DisplayName(), "clients")
	d := planData{Client: c, CanReview: v.Can(string(auth.RecordClinical))}
	if c.Current != nil {
		d.Episode = *c.Current
		if prog, err := s.Store.Program(r.Context(), c.Current.ProgramID); err == nil {
			d.Due = plan.DueFor(c.Current.AdmissionDate, model.Date{}, model.Date{}, prog.PlanInitialDays, prog.PlanReviewDays)
		}
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "plan", &v)
}

// planStart opens the draft of the client's open episode: a new first
// version, the draft already begun, or a revision of the signed version.
func (s *Server) planStart(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if c.Current == nil || c.Current.Status != model.EpisodeActive {
		return model.Errorf("web.planStart", model.KindInvalid, "%s has no open episode: a treatment plan is written for an open episode.", c.DisplayName())
	}
	v := s.view(r, "", "clients")
	p, err := s.Store.StartPlan(r.Context(), c.ID, c.Current.ID, v.Today, v.User.ID, s.record(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, planPath(c.ID, p.ID), http.StatusSeeOther)
	return nil
}

// planShow shows one version: the form while it is a draft, the signed
// plan with its signatures, review and history once signed.
func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderPlan(w, r, http.StatusOK, planTyped{}, nil)
}

// planTyped is what was typed into one of the plan page's forms, to show
// again with its problems.
type planTyped struct {
	Plan   *plan.Plan
	Dates  map[string]string // target dates as typed, where they did not parse
	Review *plan.Review
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, status int, typed planTyped, problems map[string]string) error {
	ctx := r.Context()
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("plid")
	if !model.ValidID(id) {
		return model.NotFound("web.planShow", "treatment plan")
	}
	all, err := s.Store.TreatmentPlans(ctx, c.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(x plan.Plan) bool { return x.ID == id })
	if i < 0 {
		return model.NotFound("web.planShow", "treatment plan")
	}
	p := all[i]
	ep, err := s.Store.Episode(ctx, c.ID, p.EpisodeID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.plan", c.ID, "treatment plan version "+p.ID); err != nil {
		return err
	}
	v := s.view(r, "Treatment plan: "+c.DisplayName(), "clients")
	own, err := s.Store.Modalities(r.Context())
	if err != nil {
		return err
	}
	d := planData{Client: c, Episode: ep, Plan: p, Modalities: append(plan.Modalities[:len(plan.Modalities):len(plan.Modalities)], own...), Problems: problems, Saved: r.URL.Query().Get("saved"),
		Editable: !p.Signed() && v.Can(string(auth.RecordClinical)), CanReview: v.Can(string(auth.RecordClinical))}
	for _, x := range all {
		if x.EpisodeID == ep.ID {
			d.Versions = append(d.Versions, x)
		}
	}
	if typed.Plan != nil && !p.Signed() {
		t := *typed.Plan
		t.EpisodeID, t.Version, t.AuthorName, t.UpdatedAt = p.EpisodeID, p.Version, p.AuthorName, p.UpdatedAt
		d.Plan = t
	}
	if d.Editable {
		d.Rows = rowsOf(d.Plan, typed.Dates)
	}
	reviews, err := s.Store.PlanReviews(ctx, c.ID)
	if err != nil {
		return err
	}
	var lastReview model.Date
	for _, rv := range reviews {
		if rv.PlanID == p.ID {
			d.Reviews = append(d.Reviews, rv)
		}
		if lastReview.IsZero() && slices.ContainsFunc(d.Versions, func(x plan.Plan) bool { return x.ID == rv.PlanID }) {
			lastReview = rv.Date
		}
	}
	prog, err := s.Store.Program(ctx, ep.ProgramID)
	if err != nil {
		return err
	}
	var lastSigned model.Date
	for _, x := range d.Versions {
		if x.Signed() && lastSigned.IsZero() {
			lastSigned = x.Date
		}
	}
	if ep.Status == model.EpisodeActive {
		d.Due = plan.DueFor(ep.AdmissionDate, lastSigned, lastReview, prog.PlanInitialDays, prog.PlanReviewDays)
	}
	if p.Signed() && d.CanReview {
		if err := s.planEvidence(r, &d, prog, v.Today); err != nil {
			return err
		}
	}
	d.ReviewTyped = plan.Review{Date: v.Today}
	if typed.Review != nil {
		d.ReviewTyped = *typed.Review
	}
	v.Data = d
	return s.pages.Page(w, status, "plan", &v)
}

// planEvidence gathers what a review weighs beside each objective: the
// notes that addressed it, and for the plan as a whole the weekly hours,
// measure trends and drug screens since the plan was written.
func (s *Server) planEvidence(r *http.Request, d *planData, prog model.Program, today model.Date) error {
	ctx := r.Context()
	notes, err := s.Store.ObjectiveNotes(ctx, d.Client.ID)
	if err != nil {
		return err
	}
	d.Evidence = map[string][]store.ObjectiveNote{}
	for _, n := range notes {
		d.Evidence[n.ObjectiveID] = append(d.Evidence[n.ObjectiveID], n)
	}
	ms, err := s.Store.Measures(ctx, d.Client.ID)
	if err != nil {
		return err
	}
	d.Trends = trends(ms)
	screens, err := s.Store.Screens(ctx, d.Client.ID)
	if err != nil {
		return err
	}
	for _, sc := range screens {
		if !sc.Date.Before(d.Plan.Date) {
			d.Screens = append(d.Screens, sc)
		}
	}
	weeks, err := s.recentWeeks(r, d.Client.ID, prog.MinWeeklyMinutes, intensity.Monday(today), 8)
	if err != nil {
		return err
	}
	d.WeeksChart = weeksChart(weeks, d.Episode.AdmissionDate)
	return nil
}

// planSave saves the draft, or signs it as the clinician.
func (s *Server) planSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("plid")
	if !model.ValidID(id) {
		return model.NotFound("web.planSave", "treatment plan")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.planSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	p, typedDates := planFromForm(f, plan.Plan{ID: id, ClientID: c.ID})
	sign := f.String("action", 10) == "sign"
	if !f.OK() {
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, planTyped{Plan: &p, Dates: typedDates}, f.Problems)
	}
	own, err := s.Store.Modalities(r.Context())
	if err != nil {
		return err
	}
	err = s.Store.SavePlan(r.Context(), &p, sign, own, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, planTyped{Plan: &p, Dates: typedDates}, fields)
	} else if err != nil {
		return err
	}
	saved := "draft"
	if sign {
		saved = "signed"
	}
	http.Redirect(w, r, planPath(c.ID, id)+"?saved="+saved, http.StatusSeeOther)
	return nil
}

// planClientSign records the client's signature, typed on the staff device
// with the client present.
func (s *Server) planClientSign(w http.ResponseWriter, r *http.Request) error {
	return s.planAction(w, r, "client", func(c model.Client, id string, f *form.Form) error {
		name := f.String("client_signature", 200)
		if f.String("present", 3) != "on" {
			return model.Invalid("web.planClientSign", map[string]string{"present": "Confirm that the client is here with you and typed their own name."})
		}
		return s.Store.SignPlanAsClient(r.Context(), c.ID, id, name, sessionOf(r).User.ID, s.record(r))
	})
}

// planSupervisorSign adds the supervisor's signature.
func (s *Server) planSupervisorSign(w http.ResponseWriter, r *http.Request) error {
	return s.planAction(w, r, "supervisor", func(c model.Client, id string, _ *form.Form) error {
		return s.Store.SignPlanAsSupervisor(r.Context(), c.ID, id, sessionOf(r).User.ID, s.record(r))
	})
}

// planReview records a review of the signed version.
func (s *Server) planReview(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("plid")
	if !model.ValidID(id) {
		return model.NotFound("web.planReview", "treatment plan")
	}
	p, err := s.Store.TreatmentPlan(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.planReview", model.KindInvalid, "The form could not be read: %v", err)
	}
	rv := plan.Review{PlanID: id, ClientID: c.ID, Date: f.Date("date"), Summary: f.String("summary", 4000)}
	for _, o := range p.Objectives() {
		rv.Entries = append(rv.Entries, plan.ReviewEntry{ObjectiveID: o.ID,
			Progress: plan.Progress(f.String(plan.ReviewField(o.ID, "progress"), 20)), Comment: f.String(plan.ReviewField(o.ID, "comment"), 4000)})
	}
	problems := f.Problems
	if f.OK() {
		v := s.view(r, "", "clients")
		err = s.Store.AddPlanReview(r.Context(), &rv, v.Today, v.User.ID, s.record(r))
		if problems = model.FieldsOf(err); problems == nil && err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, planTyped{Review: &rv}, problems)
	}
	http.Redirect(w, r, planPath(c.ID, id)+"?saved=review", http.StatusSeeOther)
	return nil
}

func (s *Server) planAction(w http.ResponseWriter, r *http.Request, saved string, do func(model.Client, string, *form.Form) error) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("plid")
	if !model.ValidID(id) {
		return model.NotFound("web.planAction", "treatment plan")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.planAction", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := do(c, id, f); err != nil {
		if fields := model.FieldsOf(err); fields != nil {
			return s.renderPlan(w, r, http.StatusUnprocessableEntity, planTyped{}, fields)
		}
		return err
	}
	http.Redirect(w, r, planPath(c.ID, id)+"?saved="+saved, http.StatusSeeOther)
	return nil
}

type planChangesData struct {
	Client   model.Client
	From, To plan.Plan
	Changes  []plan.Change
	Versions []plan.Plan
}

// planChanges shows what changed between two versions of a plan: by
// default from the version before to this one.
func (s *Server) planChanges(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	all, err := s.Store.TreatmentPlans(r.Context(), c.ID)
	if err != nil {
		return err
	}
	var to plan.Plan
	for _, p := range all {
		if p.ID == r.PathValue("plid") {
			to = p
		}
	}
	if to.ID == "" {
		return model.NotFound("web.planChanges", "treatment plan")
	}
	var versions []plan.Plan
	var from plan.Plan
	fromID := r.URL.Query().Get("from")
	for _, p := range all {
		if p.EpisodeID != to.EpisodeID || p.ID == to.ID {
			continue
		}
		versions = append(versions, p)
		if (fromID == "" && p.Version == to.Version-1) || p.ID == fromID {
			from = p
		}
	}
	if fromID != "" && from.ID == "" {
		return model.NotFound("web.planChanges", "treatment plan version")
	}
	if err := s.auditRead(r, audit.ActionRead, "client.plan", c.ID, "treatment plan changes "+from.ID+".."+to.ID); err != nil {
		return err
	}
	v := s.view(r, "Plan changes: "+c.DisplayName(), "clients")
	v.Data = planChangesData{Client: c, From: from, To: to, Changes: plan.Diff(from, to, nil), Versions: versions}
	return s.pages.Page(w, http.StatusOK, "plan_changes", &v)
}

type plansDueData struct {
	Due     []store.PlanDue
	Mine    bool
	Horizon model.Date
	Today   model.Date
}

// plansDue lists initial plans and plan reviews overdue or due within a
// week, for the viewer's caseload or everyone's.
func (s *Server) plansDue(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Treatment plans due", "plans")
	mine, counselor, horizon := dueListScope(r, v)
	due, err := s.Store.PlansDue(r.Context(), horizon, counselor)
	if err != nil {
		return err
	}
	if due, err = careTeamOnly(s, r, due, func(d store.PlanDue) string { return d.Client.ID }); err != nil {
		return err
	}
	if err := auditShown(s, r, "client.plan", "plans due", due, func(d store.PlanDue) string { return d.Client.ID }); err != nil {
		return err
	}
	v.Data = plansDueData{Due: due, Mine: mine, Horizon: horizon, Today: v.Today}
	return s.pages.Page(w, http.StatusOK, "plans_due", &v)
}

// programPlanCadence sets when a program's first plan is due and how often
// plans are reviewed.
func (s *Server) programPlanCadence(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("pid")
	if !model.ValidID(id) {
		return model.NotFound("web.programPlanCadence", "program")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.programPlanCadence", model.KindInvalid, "The form could not be read: %v", err)
	}
	err = s.Store.SetPlanCadence(r.Context(), id, f.Int("plan_initial_days", 0), f.Int("plan_review_days", 0), s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return model.Errorf("web.programPlanCadence", model.KindInvalid, "%s", strings.Join(sortedMessages(fields), " "))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/program?saved=1", http.StatusSeeOther)
	return nil
}

func planPath(clientID, planID string) string {
	return "/clients/" + url.PathEscape(clientID) + "/plans/" + url.PathEscape(planID)
}

// sortedMessages is a form's problems in a stable order, for a one-line
// error on a settings form.
func sortedMessages(problems map[string]string) []string {
	msgs := make([]string, 0, len(problems))
	for _, m := range problems {
		msgs = append(msgs, m)
	}
	slices.Sort(msgs)
	return msgs
}
