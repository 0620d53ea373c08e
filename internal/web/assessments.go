package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
	"github.com/openiop/openiop/internal/web/form"
)

// dimensionField is one dimension on the assessment form.
type dimensionField struct {
	N        int
	Name     string
	Rating   int
	Evidence string
	Options  []ratingOption
}

type ratingOption struct {
	Value int
	Label string // none, low, ...
	Text  string // what the rating means on this dimension
}

// substanceField is one substance's criteria checklist on the form.
type substanceField struct {
	Substance diagnosis.Substance
	Met       map[string]bool
	Remission diagnosis.Remission
	Open      bool // shown expanded: something is ticked or wrong
}

type assessmentFormData struct {
	Client     model.Client
	On         model.Date
	Dimensions []dimensionField
	Substances []substanceField
	Criteria   []diagnosis.Criterion
	Crisis     []crisisOption
	CrisisText string
	Problems   map[string]string
}

type crisisOption struct {
	Text    string
	Checked bool
}

func assessmentForm(c model.Client, a care.Assessment, crisisText string, problems map[string]string) assessmentFormData {
	d := assessmentFormData{Client: c, On: a.AssessedOn, Criteria: diagnosis.Criteria, CrisisText: crisisText, Problems: problems}
	for n := 1; n <= 6; n++ {
		f := dimensionField{N: n, Name: placement.Dimension(n).Name(), Rating: a.Ratings[n], Evidence: a.Evidence[n]}
		for r := 0; r <= 4; r++ {
			f.Options = append(f.Options, ratingOption{Value: r, Label: placement.RatingLabels[r], Text: care.RatingGuide[n][r]})
		}
		d.Dimensions = append(d.Dimensions, f)
	}
	found := map[string]diagnosis.Finding{}
	for _, f := range a.Findings {
		found[f.Substance] = f
	}
	for _, sub := range diagnosis.Substances {
		f := found[sub.Code]
		sf := substanceField{Substance: sub, Met: map[string]bool{}, Remission: f.Remission}
		for _, id := range f.Met {
			sf.Met[id] = true
		}
		sf.Open = len(f.Met) > 0 || f.Remission != "" || problems["substance_"+sub.Code] != ""
		d.Substances = append(d.Substances, sf)
	}
	for _, text := range care.CrisisFindings {
		d.Crisis = append(d.Crisis, crisisOption{Text: text, Checked: slices.Contains(a.Crisis, text)})
	}
	return d
}

// assessmentNew shows an empty level-of-care assessment.
func (s *Server) assessmentNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.demographics", c.ID, "assessment form"); err != nil {
		return err
	}
	v := s.view(r, "Level-of-care assessment", "clients")
	a := care.Assessment{AssessedOn: v.Today}
	for n := 1; n <= 6; n++ {
		a.Ratings[n] = care.NotRated
	}
	v.Data = assessmentForm(c, a, "", nil)
	return s.pages.Page(w, http.StatusOK, "assessment_form", &v)
}

// assessmentCreate evaluates and stores an assessment, then shows its
// recommendation for the clinician to accept or override.
func (s *Server) assessmentCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.assessmentCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	v := s.view(r, "Level-of-care assessment", "clients")
	a := care.Assessment{ClientID: c.ID, AssessedOn: f.Date("assessed_on"), AssessorID: v.User.ID}
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		a.EpisodeID = c.Current.ID
	}
	for n := 1; n <= 6; n++ {
		key := "dimension_" + strconv.Itoa(n)
		a.Ratings[n] = f.Int(key, care.NotRated)
		a.Evidence[n] = f.String("evidence_"+strconv.Itoa(n), 4000)
	}
	for _, text := range f.Values("crisis", len(care.CrisisFindings), 200) {
		if slices.Contains(care.CrisisFindings, text) {
			a.Crisis = append(a.Crisis, text)
		}
	}
	crisisText := f.String("crisis_other", 500)
	if crisisText != "" {
		a.Crisis = append(a.Crisis, crisisText)
	}
	for _, sub := range diagnosis.Substances {
		met := f.Values("sud_"+sub.Code, len(diagnosis.Criteria), 40)
		rem := diagnosis.Remission(f.String("remission_"+sub.Code, 20))
		if len(met) > 0 || rem != "" {
			a.Findings = append(a.Findings, diagnosis.Finding{Substance: sub.Code, Met: met, Remission: rem})
		}
	}
	if f.OK() {
		if err := a.Evaluate(v.Today); err != nil {
			fields := model.FieldsOf(err)
			if fields == nil {
				return err
			}
			f.Merge(fields)
		}
	}
	if !f.OK() {
		v.Data = assessmentForm(c, a, crisisText, f.Problems)
		return s.pages.Page(w, http.StatusUnprocessableEntity, "assessment_form", &v)
	}
	if err := s.Store.CreateAssessment(r.Context(), &a, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/assessments/"+a.ID, http.StatusSeeOther)
	return nil
}

type assessmentShowData struct {
	Client      model.Client
	Assessment  care.Assessment
	Dimensions  []dimensionField
	Findings    []findingView
	Suggestions []diagnosis.Suggestion
	Severity    string
	Disclaimer  string
	Levels      []model.LevelOfCare
	Choice      model.LevelOfCare // the level preselected on the decision form
	Reason      string
	Problems    map[string]string
	Open        *model.Episode // the client's open episode, if any
}

type findingView struct {
	Substance diagnosis.Substance
	Count     int
	Severity  string
	Remission string
	Met       []string
}

// assessmentShow shows an assessment's recommendation with its reasons, and
// the decision (or the form to make it).
func (s *Server) assessmentShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderAssessment(w, r, http.StatusOK, nil, "", "")
}

func (s *Server) renderAssessment(w http.ResponseWriter, r *http.Request, status int, problems map[string]string, choice model.LevelOfCare, reason string) error {
	c, a, err := s.loadAssessment(r)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.assessment", c.ID, "assessment="+a.ID); err != nil {
		return err
	}
	d := assessmentShowData{Client: c, Assessment: a, Suggestions: a.Suggestions(),
		Severity: diagnosis.SeverityLabel(a.Severity()), Disclaimer: placement.Disclaimer,
		Levels: model.LevelsOfCare, Choice: choice, Reason: reason, Problems: problems}
	if d.Choice == "" && !a.Recommendation.Crisis {
		d.Choice = model.LevelOfCare(a.Recommendation.Level)
	}
	for _, f := range a.Findings {
		sub, _ := diagnosis.SubstanceByCode(f.Substance)
		fv := findingView{Substance: sub, Count: f.Count(), Severity: diagnosis.SeverityLabel(f.Severity()), Remission: f.Remission.Label()}
		for _, id := range f.Met {
			if cr, ok := diagnosis.CriterionByID(id); ok {
				fv.Met = append(fv.Met, cr.Text)
			}
		}
		d.Findings = append(d.Findings, fv)
	}
	full := assessmentForm(c, a, "", nil)
	d.Dimensions = full.Dimensions
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		d.Open = c.Current
	}
	v := s.view(r, "Assessment of "+a.AssessedOn.Format("Jan 2, 2006"), "clients")
	v.Data = d
	return s.pages.Page(w, status, "assessment", &v)
}

func (s *Server) loadAssessment(r *http.Request) (model.Client, care.Assessment, error) {
	c, err := s.loadClient(r)
	if err != nil {
		return c, care.Assessment{}, err
	}
	id := r.PathValue("aid")
	if !model.ValidID(id) {
		return c, care.Assessment{}, model.NotFound("web.loadAssessment", "assessment")
	}
	a, err := s.Store.Assessment(r.Context(), c.ID, id)
	return c, a, err
}

// assessmentDecide records the clinician's decision: accept the
// recommendation, or choose another level with a reason.
func (s *Server) assessmentDecide(w http.ResponseWriter, r *http.Request) error {
	_, a, err := s.loadAssessment(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.assessmentDecide", model.KindInvalid, "The form could not be read: %v", err)
	}
	sess := sessionOf(r)
	d := care.Decision{Level: model.LevelOfCare(f.String("level", 40)), Reason: f.String("reason", 2000), ByID: sess.User.ID}
	f.Merge(a.DecisionProblems(d))
	if !f.OK() {
		return s.renderAssessment(w, r, http.StatusUnprocessableEntity, f.Problems, d.Level, d.Reason)
	}
	if err := s.Store.DecideAssessment(r.Context(), a, d, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/clients/%s/assessments/%s?decided=1", a.ClientID, a.ID), http.StatusSeeOther)
	return nil
}
