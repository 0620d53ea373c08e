package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/chart"
	"github.com/openiop/openiop/internal/web/form"
)

// enabledInstruments lists the instruments this center uses, in the
// library's order.
func (s *Server) enabledInstruments(r *http.Request) ([]*instrument.Instrument, map[string]bool, error) {
	off, err := s.Store.DisabledInstruments(r.Context())
	if err != nil {
		return nil, nil, err
	}
	var out []*instrument.Instrument
	for _, in := range instrument.All() {
		if !off[in.Code] {
			out = append(out, in)
		}
	}
	return out, off, nil
}

type measureFormData struct {
	Client      model.Client
	Instruments []*instrument.Instrument // the picker, when no instrument is chosen
	Instrument  *instrument.Instrument
	Answers     map[string]int
	On          model.Date
	Assign      care.Assignment // the assignment form, on the picker
	Problems    map[string]string
}

// answered reports whether item id was answered v, for re-checking radios.
func (d measureFormData) Answered(id string, v int) bool {
	a, ok := d.Answers[id]
	return ok && a == v
}

// measureNew shows the instrument picker, or the chosen instrument's form.
func (s *Server) measureNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	list, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	d := measureFormData{Client: c, Instruments: list, Answers: map[string]int{}}
	if code := r.URL.Query().Get("instrument"); code != "" {
		in := instrument.Get(code)
		if in == nil || off[code] {
			return model.NotFound("web.measureNew", "instrument")
		}
		d.Instrument = in
	}
	if err := s.auditRead(r, audit.ActionRead, "client.demographics", c.ID, "measure form"); err != nil {
		return err
	}
	v := s.view(r, "Give a measure", "clients")
	d.On = v.Today
	d.Assign = care.Assignment{DueOn: v.Today.AddDays(7)}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "measure_form", &v)
}

// measureCreate scores and stores an administration. Incomplete answers
// re-show the form with each missing item marked; nothing is stored.
func (s *Server) measureCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.measureCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	code := f.String("instrument", 20)
	_, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	v := s.view(r, "Give a measure", "clients")
	m := care.Measure{ClientID: c.ID, Instrument: code, On: f.Date("on"), Answers: map[string]int{},
		Sex: instrument.Sex(c.SexAtBirth), ByID: v.User.ID}
	if c.Current != nil && c.Current.Status == model.EpisodeActive {
		m.EpisodeID = c.Current.ID
	}
	in := instrument.Get(code)
	if in != nil {
		m.Answers = readAnswers(f, in)
	}
	if f.OK() {
		err = care.Score(&m, !off[code], v.Today)
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		if in == nil {
			return model.Invalid("web.measureCreate", f.Problems)
		}
		v.Data = measureFormData{Client: c, Instrument: in, Answers: m.Answers, On: m.On, Problems: f.Problems}
		return s.pages.Page(w, http.StatusUnprocessableEntity, "measure_form", &v)
	}
	if err := s.Store.CreateMeasure(r.Context(), &m, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"/measures/"+m.ID, http.StatusSeeOther)
	return nil
}

type measureShowData struct {
	Client     model.Client
	Measure    care.Measure
	Instrument *instrument.Instrument
	OfferASQ   bool // a suicide-risk flag on another instrument: offer the screener next
	Alert      *care.SafetyAlert
}

// AnswerLabel is the answer given to an item in words; items skipped by the
// instrument's own rules were not asked.
func (d measureShowData) AnswerLabel(it instrument.Item) string {
	v, ok := d.Measure.Answers[it.ID]
	switch {
	case !ok && it.Optional:
		return "Not answered"
	case !ok:
		return "Not asked"
	}
	for _, o := range it.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return strconv.Itoa(v)
}

// Points is what an item scored, blank when it was not asked or not scored.
func (d measureShowData) Points(it instrument.Item) string {
	v, ok := d.Measure.Answers[it.ID]
	if !ok || it.Optional {
		return ""
	}
	return strconv.Itoa(v)
}

// measureShow shows one scored administration; urgent flags come first,
// with emergency guidance.
func (s *Server) measureShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("mid")
	if !model.ValidID(id) {
		return model.NotFound("web.measureShow", "measure")
	}
	m, err := s.Store.Measure(r.Context(), c.ID, id)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.measure", c.ID, "measure="+m.ID); err != nil {
		return err
	}
	v := s.view(r, m.Title()+" result", "clients")
	d := measureShowData{Client: c, Measure: m, Instrument: instrument.Get(m.Instrument)}
	if m.Instrument != "asq" && v.Can(string(auth.RecordClinical)) {
		for _, f := range m.Result.Flags {
			if f.Code == instrument.SuicideRiskFlag {
				_, off, err := s.enabledInstruments(r)
				if err != nil {
					return err
				}
				d.OfferASQ = !off["asq"]
			}
		}
	}
	if a, ok, err := s.Store.SafetyAlertForMeasure(r.Context(), c.ID, m.ID); err != nil {
		return err
	} else if ok {
		d.Alert = &a
	}
	v.Data = d
	return s.pages.Page(w, http.StatusOK, "measure", &v)
}

// trend is one instrument's results over time, for the chart page.
type trend struct {
	Code    string
	Title   string
	Chart   template.HTML
	Results []care.Measure // newest first
}

// trends groups measures by instrument, in the library's order, with a chart
// each.
func trends(ms []care.Measure) []trend {
	by := map[string][]care.Measure{}
	for _, m := range ms {
		by[m.Instrument] = append(by[m.Instrument], m)
	}
	var out []trend
	for _, in := range instrument.All() {
		list := by[in.Code]
		if len(list) == 0 {
			continue
		}
		line := chart.Line{Title: in.Title, Max: in.MaxScore()}
		for i, b := range in.Bands {
			class := "band-" + strconv.Itoa(min(4, i*4/max(1, len(in.Bands)-1)))
			line.Bands = append(line.Bands, chart.Band{Min: b.Min, Max: b.Max, Label: b.Label, Class: class})
		}
		t := trend{Code: in.Code, Title: in.Title}
		for i := len(list) - 1; i >= 0; i-- {
			t.Results = append(t.Results, list[i])
		}
		for _, m := range list {
			label := strconv.Itoa(m.Result.Total)
			if m.Result.Band != "" {
				label += " (" + m.Result.Band + ")"
			}
			line.Points = append(line.Points, chart.Point{At: m.On.In(time.UTC), Value: m.Result.Total, Label: label})
		}
		t.Chart = chart.Render(line)
		out = append(out, t)
	}
	return out
}

// assignmentCreate asks the client to complete an instrument by a date.
func (s *Server) assignmentCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.assignmentCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	list, off, err := s.enabledInstruments(r)
	if err != nil {
		return err
	}
	v := s.view(r, "Give a measure", "clients")
	a := care.Assignment{ClientID: c.ID, Instrument: f.String("instrument", 20), DueOn: f.Date("due_on"),
		Note: f.String("note", 500), ByID: v.User.ID}
	f.Merge(a.Problems(!off[a.Instrument], v.Today))
	if !f.OK() {
		v.Data = measureFormData{Client: c, Instruments: list, Answers: map[string]int{}, On: v.Today, Assign: a, Problems: f.Problems}
		return s.pages.Page(w, http.StatusUnprocessableEntity, "measure_form", &v)
	}
	if err := s.Store.AssignMeasure(r.Context(), &a, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID+"?assigned=1", http.StatusSeeOther)
	return nil
}

// assignmentCancel withdraws an open assignment.
func (s *Server) assignmentCancel(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	id := r.PathValue("asid")
	if !model.ValidID(id) {
		return model.NotFound("web.assignmentCancel", "assignment")
	}
	if err := s.Store.CancelAssignment(r.Context(), c.ID, id, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+c.ID, http.StatusSeeOther)
	return nil
}
