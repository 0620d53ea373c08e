package web

import (
	"context"
	"net/http"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// The portal has its own cookie, sessions table and sign-in: a client is
// never a staff user, a portal token is never looked up as a staff session,
// and a staff session never opens a portal page.

func (s *Server) portalCookieName() string { return s.hostCookie("iop_portal") }

func (s *Server) setPortalCookie(w http.ResponseWriter, token string) {
	s.setCookie(w, "iop_portal", token, int(s.Options.Session.Absolute.Seconds()))
}

func (s *Server) clearPortalCookie(w http.ResponseWriter) { s.setCookie(w, "iop_portal", "", -1) }

// portalOf returns the request's portal session, or nil.
func portalOf(r *http.Request) *store.PortalSession {
	p, _ := r.Context().Value(portalKey).(*store.PortalSession)
	return p
}

// loadPortalSession returns the request's valid portal session, or nil,
// under the same idle and absolute limits as staff sessions.
func (s *Server) loadPortalSession(w http.ResponseWriter, r *http.Request) (*store.PortalSession, bool, error) {
	c, err := r.Cookie(s.portalCookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, false, nil
	}
	hash := auth.HashToken(c.Value)
	found, err := s.Store.PortalSessionByToken(r.Context(), hash)
	if model.KindOf(err) == model.KindNotFound {
		s.clearPortalCookie(w)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	now := s.Now()
	if !found.Account.DisabledAt.IsZero() || !now.Before(found.ExpiresAt) || now.Sub(found.LastSeenAt) >= s.Options.Session.Idle {
		if err := s.Store.DeletePortalSession(r.Context(), hash, nil); err != nil {
			return nil, false, err
		}
		s.clearPortalCookie(w)
		return nil, true, nil
	}
	if now.Sub(found.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchPortalSession(r.Context(), hash, now); err != nil {
			return nil, false, err
		}
	}
	return &found, false, nil
}

// guardPortal admits a request to a portal page only with a portal session.
func (s *Server) guardPortal(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	ps, expired, err := s.loadPortalSession(w, r)
	if err != nil {
		s.fail(w, r, err)
		return r, false
	}
	if ps == nil {
		target := "/portal/login"
		if expired {
			target += "?expired=1"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), portalKey, ps)), true
}

type portalLoginData struct {
	Login     string
	Error     string
	Expired   bool
	SignedOut bool
	Joined    bool
}

func (s *Server) portalLoginPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.renderPortalLogin(w, r, http.StatusOK, portalLoginData{Expired: q.Get("expired") == "1",
		SignedOut: q.Get("signedout") == "1"})
}

func (s *Server) renderPortalLogin(w http.ResponseWriter, r *http.Request, status int, d portalLoginData) error {
	v := s.view(r, "Sign in to your portal", "")
	v.PortalChrome = true
	v.Data = d
	return s.pages.Page(w, status, "portal_login", &v)
}

// portalLogin signs a client or family member in, with the same throttle
// as staff sign-in (per sign-in name and per address).
func (s *Server) portalLogin(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return s.renderPortalLogin(w, r, http.StatusBadRequest, portalLoginData{Error: "The form could not be read. Reload the page and try again."})
	}
	login, password := f.String("login", 60), f.Raw("password", auth.MaxPasswordLen*4)
	d := portalLoginData{Login: login}
	if login == "" || password == "" || !f.OK() {
		d.Error = "Enter your sign-in name and password."
		return s.renderPortalLogin(w, r, http.StatusUnprocessableEntity, d)
	}
	ctx := r.Context()
	now := s.Now()
	accountKey, addressKey := "portal:"+portal.NormalizeLogin(login), "ip:"+s.record(r).IP
	for _, key := range []string{accountKey, addressKey} {
		_, until, err := s.Store.LoginFailures(ctx, key)
		if err != nil {
			return err
		}
		if now.Before(until) {
			d.Error = "Too many unsuccessful attempts. Wait " + humanDuration(until.Sub(now)) + " and try again, or ask your counselor to reset your access."
			return s.renderPortalLogin(w, r, http.StatusTooManyRequests, d)
		}
	}
	acct, hash, err := s.Store.PortalAccountByLogin(ctx, login)
	found := err == nil
	if err != nil && model.KindOf(err) != model.KindNotFound {
		return err
	}
	if !found {
		hash = s.dummyHash
	}
	ok, _, err := s.Hasher.Verify(ctx, password, hash)
	if err != nil && found {
		return err
	}
	if !found || !ok {
		rec := s.record(r)
		rec.Category, rec.Detail = "portal.session", "bad portal credentials"
		if found {
			rec.EntityID, rec.ClientID = acct.ID, acct.ClientID
		}
		keys := []store.ThrottleKey{{Key: accountKey, Delay: s.Options.AccountLimit.Delay}, {Key: addressKey, Delay: s.Options.AddressLimit.Delay}}
		if err := s.Store.RecordLoginFailure(ctx, keys, now, s.Options.AccountLimit.Window, rec); err != nil {
			return err
		}
		d.Error = "That sign-in name and password do not match. Check them and try again."
		return s.renderPortalLogin(w, r, http.StatusUnauthorized, d)
	}
	if err := s.Store.ClearLoginFailures(ctx, accountKey); err != nil {
		return err
	}
	if acct.TwoStep {
		return s.startPortalChallenge(w, r, acct)
	}
	return s.startPortalSession(w, r, acct)
}

func (s *Server) startPortalSession(w http.ResponseWriter, r *http.Request, acct portal.Account) error {
	now := s.Now()
	var replaces string
	if c, err := r.Cookie(s.portalCookieName()); err == nil && c.Value != "" {
		replaces = auth.HashToken(c.Value)
	}
	token, hash := auth.NewToken()
	rec := s.record(r)
	rec.ActorID, rec.ActorRole, rec.ClientID = portalActor(acct), string(acct.Kind), acct.ClientID
	sess := store.PortalSession{TokenHash: hash, Account: acct, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Options.Session.Absolute)}
	if err := s.Store.CreatePortalSession(r.Context(), sess, replaces, rec); err != nil {
		return err
	}
	s.setPortalCookie(w, token)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}

// portalActor is how the audit log names a portal account.
func portalActor(a portal.Account) string { return "portal:" + a.ID }

func (s *Server) portalLogout(w http.ResponseWriter, r *http.Request) error {
	ps := portalOf(r)
	rec := s.record(r)
	rec.EntityID, rec.ClientID = ps.Account.ID, ps.Account.ClientID
	if err := s.Store.DeletePortalSession(r.Context(), ps.TokenHash, &rec); err != nil {
		return err
	}
	s.clearPortalCookie(w)
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/portal/login?signedout=1", http.StatusSeeOther)
	return nil
}

type portalJoinData struct {
	Code, Login string
	Problems    map[string]string
	Invalid     bool // the code opens nothing: spent, expired or mistyped
}

// portalJoinPage asks for the invitation code (typed from paper), or has it
// already from the emailed link.
func (s *Server) portalJoinPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPortalJoin(w, r, http.StatusOK, portalJoinData{Code: r.PathValue("code")})
}

func (s *Server) renderPortalJoin(w http.ResponseWriter, r *http.Request, status int, d portalJoinData) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	v := s.view(r, "Set up your portal", "")
	v.PortalChrome = true
	v.Data = d
	return s.pages.Page(w, status, "portal_join", &v)
}

// invitesPerHour bounds invitation attempts from one address: a person
// mistypes a code a few times, a guesser needs millions.
const invitesPerHour = 20

// portalJoin accepts an invitation: the code, a sign-in name and a
// password. The person is signed in at once.
func (s *Server) portalJoin(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalJoin", model.KindInvalid, "The form could not be read: %v", err)
	}
	if over, err := s.limited(r, "portal-join", invitesPerHour); err != nil {
		return err
	} else if over {
		return model.Errorf("web.portalJoin", model.KindThrottled, "Too many attempts from this connection. Try again in an hour, or call the program.")
	}
	d := portalJoinData{Code: f.String("code", 40), Login: f.String("login", 60), Problems: map[string]string{}}
	password, again := f.Raw("password", auth.MaxPasswordLen*4), f.Raw("again", auth.MaxPasswordLen*4)
	code := portal.NormalizeCode(d.Code)
	if len(code) != portal.CodeLength {
		d.Problems["code"] = "Type the 12-character code from your invitation (dashes are optional)."
	}
	if p := portal.LoginProblem(d.Login); p != "" {
		d.Problems["login"] = p
	}
	if why := auth.CheckPassword(password, d.Login, s.organization(r).Name); why != "" {
		d.Problems["password"] = why
	} else if password != again {
		d.Problems["again"] = "The two passwords are not the same."
	}
	for k, v := range f.Problems {
		d.Problems[k] = v
	}
	if len(d.Problems) > 0 {
		return s.renderPortalJoin(w, r, http.StatusUnprocessableEntity, d)
	}
	ctx := r.Context()
	codeHash := auth.HashToken(code)
	if _, err := s.Store.PortalInvitation(ctx, codeHash); model.KindOf(err) == model.KindNotFound {
		rec := s.record(r)
		rec.Action, rec.Category, rec.Outcome, rec.Detail = audit.ActionLoginFailed, "portal.invitation", audit.OutcomeFailure, "unknown or expired invitation code"
		if err := s.Audit.Record(ctx, rec); err != nil {
			return err
		}
		d.Invalid = true
		d.Problems["code"] = "This code does not open an invitation. It may be mistyped, already used or more than 7 days old; ask your counselor for a new one."
		return s.renderPortalJoin(w, r, http.StatusUnprocessableEntity, d)
	} else if err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	acct, err := s.Store.AcceptPortalInvite(ctx, codeHash, d.Login, hash, s.record(r))
	if model.KindOf(err) == model.KindInvalid {
		for k, v := range model.FieldsOf(err) {
			d.Problems[k] = v
		}
		return s.renderPortalJoin(w, r, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	return s.startPortalSession(w, r, acct)
}
