package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/web/form"
)

type sessionNoteData struct {
	Client      model.Client
	Appointment schedule.Appointment
	Note        notes.SessionNote
	Fields      []notes.Field
	Formats     []string
	Problems    map[string]string
	Saved       string
	Started     bool // notes are written about sessions that took place
	Objectives  []objectiveChoice
}

// sessionNote is the note of an individual, family, intake or medication
// appointment in DAP, BIRP or SOAP format; read-only once signed.
func (s *Server) sessionNote(w http.ResponseWriter, r *http.Request) error {
	return s.renderSessionNote(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderSessionNote(w http.ResponseWriter, r *http.Request, status int, typed *notes.SessionNote, problems map[string]string) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	ap, n, err := s.Store.SessionNote(r.Context(), c.ID, r.PathValue("apid"))
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.note", c.ID, "session note "+ap.ID); err != nil {
		return err
	}
	if typed != nil && !n.Signed() {
		typed.Signing, typed.ID = n.Signing, n.ID
		n = *typed
	}
	if n.Format == "" {
		n.Format = notes.DefaultFormat(string(ap.Kind))
		if f := r.URL.Query().Get("format"); notes.FieldsOf(f) != nil {
			n.Format = f
		}
	}
	v := s.view(r, "Session note: "+c.DisplayName(), "clients")
	d := sessionNoteData{Client: c, Appointment: ap, Note: n, Fields: notes.FieldsOf(n.Format), Problems: problems,
		Saved: r.URL.Query().Get("saved"), Started: !ap.Start.After(s.Now())}
	d.Formats = notes.FormatCodes()
	refs, err := s.Store.CurrentObjectives(r.Context(), c.ID)
	if err != nil {
		return err
	}
	d.Objectives = objectiveChoices(refs, n.Objectives)
	v.Data = d
	return s.pages.Page(w, status, "session_note", &v)
}

// sessionNoteSave saves a draft or signs. Choosing another format re-shows
// the form in that format without saving.
func (s *Server) sessionNoteSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.sessionNoteSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	n := notes.SessionNote{ClientID: c.ID, AppointmentID: r.PathValue("apid"), Parts: map[string]string{},
		Format: f.OneOf("format", notes.FormatCodes(), false, "Choose a note format: "+strings.Join(notes.FormatCodes(), ", ")+"."), Minutes: f.Int("minutes", 0),
		Objectives: f.Values("objective", plan.MaxProblems*plan.MaxObjectives, 40)}
	for _, fd := range notes.FieldsOf(n.Format) {
		n.Parts[fd.Key] = f.String(fd.Key, 4000)
	}
	action := f.String("action", 10)
	if action == "format" {
		return s.renderSessionNote(w, r, http.StatusOK, &n, nil)
	}
	if !f.OK() {
		return s.renderSessionNote(w, r, http.StatusUnprocessableEntity, &n, f.Problems)
	}
	sign := action == "sign"
	err = s.Store.SaveSessionNote(r.Context(), &n, sign, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderSessionNote(w, r, http.StatusUnprocessableEntity, &n, fields)
	} else if err != nil {
		return err
	}
	saved := "draft"
	if sign {
		saved = "signed"
	}
	http.Redirect(w, r, sessionNotePath(c.ID, n.AppointmentID)+"?saved="+saved, http.StatusSeeOther)
	return nil
}

// sessionNoteAddendum adds a dated addendum to a signed session note.
func (s *Server) sessionNoteAddendum(w http.ResponseWriter, r *http.Request) error {
	return s.sessionNoteAction(w, r, "addendum", func(c model.Client, n notes.SessionNote, f *form.Form) error {
		return s.Store.AddSessionAddendum(r.Context(), c.ID, n.ID, f.String("addendum", 4000), sessionOf(r).User.ID, s.record(r))
	})
}

// sessionNoteCoSign adds a supervisor's co-signature.
func (s *Server) sessionNoteCoSign(w http.ResponseWriter, r *http.Request) error {
	return s.sessionNoteAction(w, r, "cosigned", func(c model.Client, n notes.SessionNote, _ *form.Form) error {
		return s.Store.CoSignSession(r.Context(), c.ID, n.ID, sessionOf(r).User.ID, s.record(r))
	})
}

func (s *Server) sessionNoteAction(w http.ResponseWriter, r *http.Request, saved string, do func(model.Client, notes.SessionNote, *form.Form) error) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	_, n, err := s.Store.SessionNote(r.Context(), c.ID, r.PathValue("apid"))
	if err != nil {
		return err
	}
	if n.ID == "" {
		return model.NotFound("web.sessionNoteAction", "note")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.sessionNoteAction", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := do(c, n, f); err != nil {
		if fields := model.FieldsOf(err); fields != nil {
			return s.renderSessionNote(w, r, http.StatusUnprocessableEntity, nil, fields)
		}
		return err
	}
	http.Redirect(w, r, sessionNotePath(c.ID, n.AppointmentID)+"?saved="+saved, http.StatusSeeOther)
	return nil
}

func sessionNotePath(clientID, appointmentID string) string {
	return "/clients/" + url.PathEscape(clientID) + "/appointments/" + url.PathEscape(appointmentID) + "/note"
}
