package web

import (
	"net/http"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type apiTokensData struct {
	Tokens   []store.APIToken
	New      string // a token just made, shown once
	Problems map[string]string
	HasFeed  bool
	FeedURL  string // a calendar address just made, shown once
	Sessions []model.Session
	Current  string // this browser's session
	Ended    string
	Password map[string]string // problems with a password change
	// CanOutside: the signed-in person may make a token for an outside system.
	CanOutside bool
}

// apiTokens lists the signed-in person's API tokens.
func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderAPITokens(w, r, http.StatusOK, apiTokensData{})
}

func (s *Server) renderAPITokens(w http.ResponseWriter, r *http.Request, status int, d apiTokensData) error {
	var err error
	if d.Tokens, err = s.Store.APITokens(r.Context(), sessionOf(r).User.ID); err != nil {
		return err
	}
	if d.HasFeed, err = s.Store.HasCalendarToken(r.Context(), store.FeedUser, sessionOf(r).User.ID); err != nil {
		return err
	}
	if d.Sessions, err = s.Store.UserSessions(r.Context(), sessionOf(r).User.ID, s.Now()); err != nil {
		return err
	}
	d.Current = sessionOf(r).TokenHash
	d.CanOutside = auth.Can(sessionOf(r).User.Role, auth.DiscloseRecords)
	switch r.URL.Query().Get("ended") {
	case "one":
		d.Ended = "That session was ended: the browser using it must sign in again."
	case "others":
		d.Ended = "Every other session was ended. Only this browser is still signed in."
	}
	v := s.view(r, "API tokens", "")
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.Page(w, status, "api_tokens", &v)
}

// apiTokenCreate makes a token that acts as the signed-in person and shows
// it once.
func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.apiTokenCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	// FHIR scopes are optional: a token without them is one of the JSON
	// API. Only staff who may release records outside the program
	// (records.disclose) may make a token for an outside system, whose every
	// read is a disclosure under the client's consent.
	scopes, perr := fhir.ParseScopes(f.String("scopes", 500))
	if perr != nil {
		f.Problems["scopes"] = perr.Error() + "."
	}
	outside := f.String("outside_system", 10) != ""
	if outside && !auth.Can(sessionOf(r).User.Role, auth.DiscloseRecords) {
		f.Problems["outside_system"] = "Only staff who may release records outside the program can make a token for an outside system."
	}
	if !f.OK() {
		return s.renderAPITokens(w, r, http.StatusUnprocessableEntity, apiTokensData{Problems: f.Problems})
	}
	token, err := s.Store.CreateScopedAPIToken(r.Context(), sessionOf(r).User.ID, f.String("name", 80), scopes.String(), outside, s.record(r))
	if fields := model.FieldsOf(err); fields != nil {
		return s.renderAPITokens(w, r, http.StatusUnprocessableEntity, apiTokensData{Problems: fields})
	} else if err != nil {
		return err
	}
	return s.renderAPITokens(w, r, http.StatusOK, apiTokensData{New: token})
}

// apiTokenRevoke ends one of the signed-in person's tokens.
func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.RevokeAPIToken(r.Context(), sessionOf(r).User.ID, r.PathValue("hash"), s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/api-tokens", http.StatusSeeOther)
	return nil
}

// myFeedCreate makes (or remakes) the signed-in person's calendar address:
// the groups they lead and their appointments.
func (s *Server) myFeedCreate(w http.ResponseWriter, r *http.Request) error {
	u := sessionOf(r).User
	token, err := s.Store.CreateCalendarToken(r.Context(), store.FeedUser, u.ID, u.ID, s.record(r))
	if err != nil {
		return err
	}
	return s.renderAPITokens(w, r, http.StatusOK, apiTokensData{FeedURL: s.Options.BaseURL + "/calendar/" + token + ".ics"})
}

// myFeedRevoke turns the signed-in person's calendar address off.
func (s *Server) myFeedRevoke(w http.ResponseWriter, r *http.Request) error {
	u := sessionOf(r).User
	if err := s.Store.RevokeCalendarTokens(r.Context(), store.FeedUser, u.ID, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/api-tokens", http.StatusSeeOther)
	return nil
}

// sessionEnd signs the person out of one of their other browsers or
// devices; sessionsEndOthers signs them out everywhere but here.
func (s *Server) sessionEnd(w http.ResponseWriter, r *http.Request) error {
	hash := r.PathValue("hash")
	if hash == "" || hash == sessionOf(r).TokenHash {
		return model.Errorf("web.sessionEnd", model.KindInvalid, "To end this session, sign out.")
	}
	if _, err := s.Store.EndSessions(r.Context(), sessionOf(r).User.ID, hash, "", s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/api-tokens?ended=one", http.StatusSeeOther)
	return nil
}

func (s *Server) sessionsEndOthers(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Store.EndSessions(r.Context(), sessionOf(r).User.ID, "", sessionOf(r).TokenHash, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/api-tokens?ended=others", http.StatusSeeOther)
	return nil
}

// passwordChange sets a new password after checking the current one, and
// ends every session of the account, this one included: whoever else
// knew the old password is signed out with it.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.passwordChange", model.KindInvalid, "The form could not be read: %v", err)
	}
	ctx := r.Context()
	u := sessionOf(r).User
	current, next, again := f.Raw("current", auth.MaxPasswordLen*4), f.Raw("new", auth.MaxPasswordLen*4), f.Raw("again", auth.MaxPasswordLen*4)
	problems := map[string]string{}
	full, err := s.Store.User(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, _, err := s.Hasher.Verify(ctx, current, full.PasswordHash)
	if err != nil {
		return err
	}
	switch {
	case current == "":
		problems["current"] = "Enter your current password."
	case !ok:
		problems["current"] = "That is not your current password."
		rec := s.record(r)
		rec.Action, rec.Category, rec.EntityID, rec.Outcome, rec.Detail = audit.ActionUpdate, "user.password", u.ID, audit.OutcomeFailure, "wrong current password"
		if err := s.Audit.Record(ctx, rec); err != nil {
			return err
		}
	}
	if why := auth.CheckPassword(next, u.Email, u.Name, s.view(r, "", "").Org.Name); why != "" {
		problems["new"] = why
	} else if next != again {
		problems["again"] = "The two new passwords are not the same."
	} else if next == current {
		problems["new"] = "Choose a password different from the current one."
	}
	if len(problems) > 0 || !f.OK() {
		return s.renderAPITokens(w, r, http.StatusUnprocessableEntity, apiTokensData{Password: problems})
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	rec := s.record(r)
	if err := s.Store.SetPasswordHash(ctx, u.ID, hash, true, &rec); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login?password=changed", http.StatusSeeOther)
	return nil
}
