package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/curriculum"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/plan"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type noteClient struct {
	store.Roster
	Section    notes.Section
	Problem    string
	Objectives []objectiveChoice // from the client's current signed plan
}

// objectiveChoice is a plan objective a note may say it addressed.
type objectiveChoice struct {
	plan.ObjectiveRef
	Checked bool
}

func objectiveChoices(refs []plan.ObjectiveRef, checked []string) []objectiveChoice {
	out := make([]objectiveChoice, len(refs))
	for i, o := range refs {
		out[i] = objectiveChoice{ObjectiveRef: o, Checked: slices.Contains(checked, o.ID)}
	}
	return out
}

type groupNoteData struct {
	Series   schedule.Series
	Date     model.Date
	Note     notes.GroupNote
	Clients  []noteClient // those who attended, with their sections
	Absent   []string     // names of those who did not
	Similar  []string     // near-identical pairs, in words
	Problems map[string]string
	Saved    string
	CanSign  bool
	IsLead   bool
	Planned  *curriculum.Topic // the track's curriculum topic for the week, if it has one
}

// groupNote is the note of one meeting: written once, with a section for
// each client who attended; read-only once signed, with its addenda.
func (s *Server) groupNote(w http.ResponseWriter, r *http.Request) error {
	return s.renderGroupNote(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) loadNoteMeeting(r *http.Request) (schedule.Series, model.Date, []store.Roster, []string, error) {
	sr, err := s.Store.Series(r.Context(), r.PathValue("gid"))
	if err != nil {
		return sr, model.Date{}, nil, nil, err
	}
	date, err := model.ParseDate(r.URL.Query().Get("date"))
	if err != nil || len(sr.Recurrence.Dates(date, date)) == 0 {
		return sr, date, nil, nil, model.Errorf("web.groupNote", model.KindNotFound, "%s does not meet on that date.", sr.Title)
	}
	if err := s.openGroup(r, sr, date); err != nil {
		return sr, date, nil, nil, err
	}
	roster, err := s.Store.GroupRoster(r.Context(), sr.ID)
	if err != nil {
		return sr, date, nil, nil, err
	}
	marks, err := s.Store.Attendance(r.Context(), sr.ID, date)
	if err != nil {
		return sr, date, nil, nil, err
	}
	var attended []string
	for _, c := range roster {
		if marks[c.ClientID].Minutes > 0 {
			attended = append(attended, c.ClientID)
		}
	}
	return sr, date, roster, attended, nil
}

func (s *Server) renderGroupNote(w http.ResponseWriter, r *http.Request, status int, typed *notes.GroupNote, problems map[string]string, similar []string) error {
	sr, date, roster, attended, err := s.loadNoteMeeting(r)
	if err != nil {
		return err
	}
	n, err := s.Store.GroupNote(r.Context(), sr.ID, date)
	if err != nil {
		return err
	}
	if typed != nil && !n.Signed() {
		typed.AuthorName, typed.ID = n.AuthorName, n.ID
		n = *typed
	}
	v := s.view(r, "Group note", "schedule")
	d := groupNoteData{Series: sr, Date: date, Note: n, Problems: problems, Similar: similar, Saved: r.URL.Query().Get("saved"),
		CanSign: v.Can(string(auth.RecordClinical)), IsLead: sr.FacilitatorID == v.User.ID || sr.CoFacilitatorID == v.User.ID}
	topics, err := s.Store.CurriculumTopics(r.Context(), sr.TrackID)
	if err != nil {
		return err
	}
	if t, ok := curriculum.Planned(topics, sr.Recurrence.From, date); ok {
		d.Planned = &t
		if d.Note.ID == "" && d.Note.Topic == "" {
			d.Note.Topic = t.Title // a new note starts from the planned topic
		}
	}
	in := map[string]bool{}
	for _, id := range attended {
		in[id] = true
	}
	var ids []string
	for _, c := range roster {
		if in[c.ClientID] {
			refs, err := s.Store.CurrentObjectives(r.Context(), c.ClientID)
			if err != nil {
				return err
			}
			sec := n.Sections[c.ClientID]
			problem := problems["section_"+c.ClientID]
			if p := problems["objectives_"+c.ClientID]; p != "" {
				problem = p
			}
			d.Clients = append(d.Clients, noteClient{Roster: c, Section: sec, Problem: problem, Objectives: objectiveChoices(refs, sec.Objectives)})
			ids = append(ids, c.ClientID)
		} else {
			d.Absent = append(d.Absent, c.Name)
		}
	}
	if len(ids) > 0 {
		if err := s.auditRead(r, audit.ActionRead, "client.note", "", "group note "+sr.ID+" "+date.String()+"; shown="+strings.Join(ids, ",")); err != nil {
			return err
		}
	}
	v.Data = d
	return s.pages.Page(w, status, "group_note", &v)
}

// groupNoteSave saves a draft or signs. Before signing, near-identical
// sections are named and the clinician must confirm to sign anyway.
func (s *Server) groupNoteSave(w http.ResponseWriter, r *http.Request) error {
	sr, date, _, attended, err := s.loadNoteMeeting(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.groupNoteSave", model.KindInvalid, "The form could not be read: %v", err)
	}
	n := notes.GroupNote{SeriesID: sr.ID, Date: date, Topic: f.String("topic", 4000), Interventions: f.String("interventions", 4000),
		Dynamics: f.String("dynamics", 4000), Sections: map[string]notes.Section{}}
	for _, id := range f.Values("client", 200, 40) {
		n.Sections[id] = notes.Section{ClientID: id, Participation: f.String("participation_"+id, 4000), Response: f.String("response_"+id, 4000),
			Progress: f.String("progress_"+id, 4000), Plan: f.String("plan_"+id, 4000), Objectives: f.Values("objective_"+id, plan.MaxProblems*plan.MaxObjectives, 40)}
	}
	sign := f.String("action", 10) == "sign"
	if !f.OK() {
		return s.renderGroupNote(w, r, http.StatusUnprocessableEntity, &n, f.Problems, nil)
	}
	if sign && f.String("confirm_similar", 3) != "yes" {
		if pairs := notes.Similar(n.Sections); len(pairs) > 0 {
			names := map[string]string{}
			roster, err := s.Store.GroupRoster(r.Context(), sr.ID)
			if err != nil {
				return err
			}
			for _, c := range roster {
				names[c.ClientID] = c.Name
			}
			var words []string
			for _, p := range pairs {
				words = append(words, names[p.A]+" and "+names[p.B])
			}
			return s.renderGroupNote(w, r, http.StatusUnprocessableEntity, &n, nil, words)
		}
	}
	err = s.Store.SaveGroupNote(r.Context(), &n, attended, sign, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderGroupNote(w, r, http.StatusUnprocessableEntity, &n, fields, nil)
	} else if err != nil {
		return err
	}
	saved := "draft"
	if sign {
		saved = "signed"
	}
	http.Redirect(w, r, "/program/groups/"+sr.ID+"/note?date="+date.String()+"&saved="+saved, http.StatusSeeOther)
	return nil
}

// groupNoteAddendum adds a dated addendum to a signed note.
func (s *Server) groupNoteAddendum(w http.ResponseWriter, r *http.Request) error {
	return s.noteAction(w, r, func(n notes.GroupNote, f *form.Form) error {
		return s.Store.AddAddendum(r.Context(), n.ID, f.String("addendum", 4000), sessionOf(r).User.ID, s.record(r))
	}, "addendum")
}

// groupNoteCoSign adds a supervisor's co-signature.
func (s *Server) groupNoteCoSign(w http.ResponseWriter, r *http.Request) error {
	return s.noteAction(w, r, func(n notes.GroupNote, _ *form.Form) error {
		return s.Store.CoSign(r.Context(), n.ID, sessionOf(r).User.ID, s.record(r))
	}, "cosigned")
}

func (s *Server) noteAction(w http.ResponseWriter, r *http.Request, do func(notes.GroupNote, *form.Form) error, saved string) error {
	sr, date, _, _, err := s.loadNoteMeeting(r)
	if err != nil {
		return err
	}
	n, err := s.Store.GroupNote(r.Context(), sr.ID, date)
	if err != nil {
		return err
	}
	if n.ID == "" {
		return model.NotFound("web.noteAction", "note")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.noteAction", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := do(n, f); err != nil {
		return err
	}
	http.Redirect(w, r, "/program/groups/"+sr.ID+"/note?date="+date.String()+"&saved="+saved, http.StatusSeeOther)
	return nil
}

// pendingRow is a session whose note is not signed: a group meeting or an
// appointment.
type pendingRow struct {
	Title, Who, Link, Age string
	Ended                 time.Time
}

// notesPending is the timeliness report: group meetings someone attended
// and appointments that took place whose note is not signed, late after 24
// hours and overdue after 72. A clinician sees their own; the clinical
// director sees everyone's.
func (s *Server) notesPending(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Notes to sign", "notes")
	lead := v.User.ID
	if v.User.Role == model.RoleClinicalDirector && r.URL.Query().Get("mine") != "1" {
		lead = ""
	}
	since := v.Today.AddDays(-90)
	groups, err := s.Store.PendingNotes(r.Context(), lead, since)
	if err != nil {
		return err
	}
	loc := s.siteLocation(r)
	sessions, err := s.Store.PendingSessionNotes(r.Context(), lead, time.Date(since.Year, since.Month, since.Day, 0, 0, 0, 0, loc))
	if err != nil {
		return err
	}
	now := s.Now()
	var rows []pendingRow
	for _, p := range groups {
		rows = append(rows, pendingRow{Title: p.Title, Who: p.Facilitator, Ended: p.End(loc), Age: notes.Age(p.End(loc), now),
			Link: "/program/groups/" + url.PathEscape(p.SeriesID) + "/note?date=" + p.Date.String()})
	}
	var shown []string
	for _, p := range sessions {
		rows = append(rows, pendingRow{Title: p.Kind.Label() + ": " + p.ClientName, Who: p.Clinician, Ended: p.End, Age: notes.Age(p.End, now),
			Link: sessionNotePath(p.ClientID, p.AppointmentID)})
		shown = append(shown, p.ClientID)
	}
	if len(shown) > 0 {
		if err := s.auditRead(r, audit.ActionRead, "client.note", "", "notes to sign; shown="+strings.Join(shown, ",")); err != nil {
			return err
		}
	}
	slices.SortStableFunc(rows, func(a, b pendingRow) int { return a.Ended.Compare(b.Ended) })
	v.Data = struct {
		Rows []pendingRow
		All  bool
	}{rows, lead == ""}
	return s.pages.Page(w, http.StatusOK, "notes_pending", &v)
}
