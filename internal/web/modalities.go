package web

import (
	"net/http"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/web/form"
)

type modalitiesData struct {
	BuiltIn, Own []plan.Modality
	Label        string
	Problems     map[string]string
	Added        string
}

// modalitiesPage lists the interventions treatment plans pick from: the
// built-in list and the center's own, with the form to add one.
func (s *Server) modalitiesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderModalities(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderModalities(w http.ResponseWriter, r *http.Request, status int, label string, problems map[string]string) error {
	own, err := s.Store.Modalities(r.Context())
	if err != nil {
		return err
	}
	v := s.view(r, "Treatment modalities", "program")
	v.Data = modalitiesData{BuiltIn: plan.Modalities, Own: own, Label: label, Problems: problems, Added: r.URL.Query().Get("added")}
	return s.pages.Page(w, status, "modalities", &v)
}

// modalityAdd adds one of the center's own modalities.
func (s *Server) modalityAdd(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.modalityAdd", model.KindInvalid, "The form could not be read: %v", err)
	}
	label := f.String("label", 120)
	if !f.OK() {
		return s.renderModalities(w, r, http.StatusUnprocessableEntity, label, f.Problems)
	}
	m, err := s.Store.AddModality(r.Context(), label, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderModalities(w, r, http.StatusUnprocessableEntity, label, fields)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/program/modalities?added="+m.Code, http.StatusSeeOther)
	return nil
}
