package web

import (
	"net/http"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/web/form"
)

type userListData struct {
	Users    []model.User
	New      model.User
	Problems map[string]string
	Notice   string
	Error    string
	CareTeam bool              // the care-team rule is on
	MFA      bool              // two-step sign-in is required of staff
	NPIs     map[string]string // by user id: the NPI claims name them by, for clinicians
}

// userList shows staff accounts and the form to add one.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	d := userListData{New: model.User{Role: model.RoleClinician}}
	switch r.URL.Query().Get("done") {
	case "created":
		d.Notice = "The account was created. Give the person their temporary password in person or by phone, not by email."
	case "updated":
		d.Notice = "The account was updated. Any sessions it had were ended, so the change applies at once."
	}
	switch r.URL.Query().Get("care_team") {
	case "on":
		d.Notice = "Care-team access is on: clinicians open only their clients' records, or use emergency access."
	case "off":
		d.Notice = "Care-team access is off: every clinician can open every client's record."
	}
	switch r.URL.Query().Get("mfa") {
	case "on":
		d.Notice = "Two-step sign-in is required: staff without it set it up at their next page."
	case "off":
		d.Notice = "Two-step sign-in is no longer required (people who set it up keep using it)."
	}
	if r.URL.Query().Get("done") == "mfa-reset" {
		d.Notice = "Two-step sign-in was reset: that person's sessions ended and they set it up again when they next sign in."
	}
	return s.renderUsers(w, r, http.StatusOK, d)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, d userListData) error {
	users, err := s.Store.Users(r.Context())
	if err != nil {
		return err
	}
	d.Users = users
	clinicians, err := s.Store.Clinicians(r.Context())
	if err != nil {
		return err
	}
	d.NPIs = map[string]string{}
	for id, c := range clinicians {
		d.NPIs[id] = c.NPI
	}
	if d.CareTeam, err = s.Store.CareTeamRule(r.Context()); err != nil {
		return err
	}
	if d.MFA, err = s.Store.MFARequired(r.Context()); err != nil {
		return err
	}
	v := s.view(r, "Staff accounts", "users")
	v.Data = d
	return s.pages.Page(w, status, "users", &v)
}

// userCreate adds a staff account with a password the administrator sets.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.userCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	roles := make([]string, len(model.Roles))
	for i, x := range model.Roles {
		roles[i] = string(x)
	}
	u := model.User{
		Name:        f.Required("name", 80, "Enter the person's name."),
		Email:       normalizeEmail(f.Required("email", 254, "Enter the email address they will sign in with.")),
		Credentials: f.String("credentials", 60),
		Role:        model.Role(f.OneOf("role", roles, false, "Choose a role.")),
		Active:      true,
	}
	password := f.Raw("password", auth.MaxPasswordLen*4)
	if f.Problems["password"] == "" {
		if reason := auth.CheckPassword(password, u.Email, u.Name, s.organization(r).Name); reason != "" {
			f.Problems["password"] = reason
		}
	}
	if f.Problems["email"] == "" && !model.ValidEmail(u.Email) {
		f.Problems["email"] = "Enter an email address such as name@example.org."
	}
	d := userListData{New: u, Problems: f.Problems}
	if !f.OK() {
		d.Error = "The account was not created. Correct the fields marked below."
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, d)
	}
	if u.PasswordHash, err = s.Hasher.Hash(r.Context(), password); err != nil {
		return err
	}
	if err := s.Store.CreateUser(r.Context(), &u, s.record(r)); err != nil {
		if fields := model.FieldsOf(err); fields != nil {
			d.Problems, d.Error = fields, "The account was not created. Correct the fields marked below."
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, d)
		}
		return err
	}
	http.Redirect(w, r, "/admin/users?done=created", http.StatusSeeOther)
	return nil
}

// userUpdate activates or deactivates an account, or changes its role.
// Administrators cannot lock themselves out by deactivating or demoting
// their own account.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !model.ValidID(id) {
		return model.NotFound("web.userUpdate", "user")
	}
	if _, err := s.Store.User(r.Context(), id); err != nil {
		return err
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.userUpdate", model.KindInvalid, "The form could not be read: %v", err)
	}
	self := sessionOf(r).User.ID == id
	switch f.String("action", 20) {
	case "deactivate", "activate":
		active := f.String("action", 20) == "activate"
		if self && !active {
			return s.renderUsers(w, r, http.StatusConflict, userListData{Error: "You cannot deactivate your own account. Ask another administrator."})
		}
		err = s.Store.SetUserActive(r.Context(), id, active, s.record(r))
	case "role":
		role := model.Role(f.String("role", 40))
		if !role.Valid() {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, userListData{Error: "Choose one of the listed roles."})
		}
		if self && role != model.RoleAdmin {
			return s.renderUsers(w, r, http.StatusConflict, userListData{Error: "You cannot remove your own administrator role. Ask another administrator."})
		}
		err = s.Store.SetUserRole(r.Context(), id, role, s.record(r))
	case "npi":
		err = s.Store.SetNPI(r.Context(), id, f.String("npi", 10), s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, userListData{Error: fields["npi"]})
		}
	default:
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, userListData{Error: "That change is not one this page makes."})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=updated", http.StatusSeeOther)
	return nil
}
