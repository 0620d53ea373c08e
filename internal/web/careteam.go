package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// emergencyAccessFor is how long emergency access lasts: long enough for a
// crisis, short enough that it is not a way around the care-team rule.
const emergencyAccessFor = 4 * time.Hour

type emergencyData struct {
	MRN, Reason string
	Problems    map[string]string
	Hours       int
}

func (s *Server) emergencyForm(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Emergency access", "clients")
	v.Data = emergencyData{Hours: int(emergencyAccessFor.Hours())}
	return s.pages.Page(w, http.StatusOK, "emergency_access", &v)
}

// emergencyGrant opens a record outside the clinician's care team for a few
// hours, with the reason they give; the clinical director sees every use on
// their home page.
func (s *Server) emergencyGrant(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.emergencyGrant", model.KindInvalid, "The form could not be read: %v", err)
	}
	d := emergencyData{MRN: f.String("mrn", 40), Reason: f.String("reason", store.MaxEmergencyReason+100), Hours: int(emergencyAccessFor.Hours())}
	if f.OK() {
		var g store.EmergencyGrant
		g, err = s.Store.GrantEmergencyAccess(r.Context(), d.MRN, sessionOf(r).User.ID, d.Reason, emergencyAccessFor, s.record(r))
		if err == nil {
			http.Redirect(w, r, "/clients/"+url.PathEscape(g.ClientID)+"?emergency=1", http.StatusSeeOther)
			return nil
		}
		d.Problems = model.FieldsOf(err)
		if d.Problems == nil {
			return err
		}
	} else {
		d.Problems = f.Problems
	}
	v := s.view(r, "Emergency access", "clients")
	v.Data = d
	return s.pages.Page(w, http.StatusUnprocessableEntity, "emergency_access", &v)
}

// emergencyReview records that the clinical director has looked at one use
// of emergency access.
func (s *Server) emergencyReview(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("gid")
	if !model.ValidID(id) {
		return model.NotFound("web.emergencyReview", "emergency access")
	}
	if _, err := form.Parse(w, r); err != nil {
		return model.Errorf("web.emergencyReview", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := s.Store.ReviewEmergencyAccess(r.Context(), id, sessionOf(r).User.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/home", http.StatusSeeOther)
	return nil
}

type careTeamData struct {
	Client   model.Client
	Members  []store.CareTeamMember
	Staff    []model.User // clinicians who can be added
	Problems map[string]string
	Flash    string
}

// careTeam shows the staff a director has named on a client's care team.
func (s *Server) careTeam(w http.ResponseWriter, r *http.Request) error {
	return s.renderCareTeam(w, r, http.StatusOK, nil)
}

func (s *Server) renderCareTeam(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	members, err := s.Store.CareTeam(r.Context(), c.ID)
	if err != nil {
		return err
	}
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	if err := s.auditRead(r, audit.ActionRead, "client.care_team", c.ID, "care team"); err != nil {
		return err
	}
	d := careTeamData{Client: c, Members: members, Problems: problems}
	named := map[string]bool{}
	for _, m := range members {
		named[m.UserID] = true
	}
	for _, u := range users {
		if u.Active && u.Role == model.RoleClinician && !named[u.ID] {
			d.Staff = append(d.Staff, u)
		}
	}
	switch r.URL.Query().Get("done") {
	case "added":
		d.Flash = "Added to the care team."
	case "removed":
		d.Flash = "Removed from the care team."
	}
	v := s.view(r, "Care team: "+c.DisplayName(), "clients")
	v.Data = d
	return s.pages.Page(w, status, "care_team", &v)
}

func (s *Server) careTeamAdd(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.careTeamAdd", model.KindInvalid, "The form could not be read: %v", err)
	}
	uid := f.String("user", 40)
	if !model.ValidID(uid) {
		return s.renderCareTeam(w, r, http.StatusUnprocessableEntity, map[string]string{"user": "Choose a clinician."})
	}
	err = s.Store.AddToCareTeam(r.Context(), c.ID, uid, sessionOf(r).User.ID, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderCareTeam(w, r, http.StatusUnprocessableEntity, fields)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/care-team?done=added", http.StatusSeeOther)
	return nil
}

func (s *Server) careTeamRemove(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadClient(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("uid")
	if !model.ValidID(uid) {
		return model.NotFound("web.careTeamRemove", "care-team member")
	}
	if _, err := form.Parse(w, r); err != nil {
		return model.Errorf("web.careTeamRemove", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := s.Store.RemoveFromCareTeam(r.Context(), c.ID, uid, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+url.PathEscape(c.ID)+"/care-team?done=removed", http.StatusSeeOther)
	return nil
}

// careTeamRule turns the center's care-team rule on or off.
func (s *Server) careTeamRule(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.careTeamRule", model.KindInvalid, "The form could not be read: %v", err)
	}
	on := f.OneOf("care_team_access", []string{"on", "off"}, false, "Choose on or off.")
	if !f.OK() {
		return model.Invalid("web.careTeamRule", f.Problems)
	}
	if err := s.Store.SetCareTeamRule(r.Context(), on == "on", s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?care_team="+on, http.StatusSeeOther)
	return nil
}

// careTeamOnly keeps the rows of a list whose client the viewer may open
// under the care-team rule (every row for roles the rule does not limit),
// so that no list links to a record that would answer 404.
func careTeamOnly[T any](s *Server, r *http.Request, rows []T, clientID func(T) string) ([]T, error) {
	sess := sessionOf(r)
	if sess == nil || !auth.CareTeamLimited(sess.User.Role) || len(rows) == 0 {
		return rows, nil
	}
	ids := make([]string, len(rows))
	for i, x := range rows {
		ids[i] = clientID(x)
	}
	ok, err := s.Store.CareTeamClients(r.Context(), sess.User.ID, s.Now(), ids)
	if err != nil {
		return nil, err
	}
	out := rows[:0:0]
	for _, x := range rows {
		if ok[clientID(x)] {
			out = append(out, x)
		}
	}
	return out, nil
}

// openGroup lets a clinician limited by the care-team rule take attendance
// and write notes only for groups they facilitate or meetings they
// substitute for. Any other group reads as missing, the same 404 as a
// record outside the care team, and the refusal is audited.
func (s *Server) openGroup(r *http.Request, sr schedule.Series, date model.Date) error {
	sess := sessionOf(r)
	if sess == nil || !auth.CareTeamLimited(sess.User.Role) {
		return nil
	}
	why, err := s.Store.GroupAccess(r.Context(), sr.ID, sess.User.ID, date)
	if err != nil || why != "" {
		return err
	}
	rec := s.record(r)
	rec.Action, rec.Category, rec.EntityID, rec.Outcome, rec.Detail = audit.ActionRead, "program.group_meeting", sr.ID, audit.OutcomeDenied,
		"not a facilitator of the meeting on "+date.String()
	if err := s.Audit.Record(r.Context(), rec); err != nil {
		return err
	}
	return model.NotFound("web.openGroup", "group")
}

// groupOpener tells which meetings the viewer may take attendance for, by
// the same rule as openGroup, so that pages link only to sheets that open.
func (s *Server) groupOpener(r *http.Request) (func(schedule.Occurrence) bool, error) {
	sess := sessionOf(r)
	all := func(schedule.Occurrence) bool { return true }
	if sess == nil || !auth.CareTeamLimited(sess.User.Role) {
		return all, nil
	}
	on, err := s.Store.CareTeamRule(r.Context())
	if err != nil || !on {
		return all, err
	}
	me := sess.User.ID
	return func(o schedule.Occurrence) bool {
		return o.Series.FacilitatorID == me || o.Series.CoFacilitatorID == me || o.SubstituteID == me
	}, nil
}
