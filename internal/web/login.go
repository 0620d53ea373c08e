package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

type loginData struct {
	SSO     string // the identity provider's name, when single sign-on is set up
	Email   string
	Next    string
	Error   string
	Notice  string
	Problem map[string]string
}

// loginPage shows the sign-in form. A signed-in visitor goes straight on.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if sessionOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- safeNext keeps it on this site
		return nil
	}
	d := loginData{Next: next}
	if r.URL.Query().Get("expired") == "1" || r.Context().Value(expiredKey) != nil {
		d.Notice = fmt.Sprintf("You were signed out after %s without activity, to protect client privacy. Sign in again to continue.",
			humanDuration(s.Options.Session.Idle))
	}
	switch {
	case r.URL.Query().Get("signedout") == "1":
		d.Notice = "You have signed out."
	case r.URL.Query().Get("password") == "changed":
		d.Notice = "Your password was changed and you were signed out everywhere. Sign in with the new password."
	}
	return s.renderLogin(w, r, http.StatusOK, d)
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) error {
	v := s.view(r, "Sign in", "")
	if s.SSO != nil {
		d.SSO = s.SSO.Name()
	}
	v.Data = d
	return s.pages.Page(w, status, "login", &v)
}

// badCredentials is the one message for an unknown email, a wrong password
// and a deactivated account, so that the form does not reveal who has an
// account.
// #nosec G101 -- a message, not a credential
const badCredentials = "The email or password is not right. Check them and try again."

// login checks credentials, throttles repeated failures per account and per
// address, and on success starts a fresh session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return s.renderLogin(w, r, http.StatusBadRequest, loginData{Error: "The sign-in form could not be read. Reload the page and try again."})
	}
	email := f.String("email", 254)
	password := f.Raw("password", auth.MaxPasswordLen*4)
	d := loginData{Email: email, Next: safeNext(f.String("next", 2000)), Problem: map[string]string{}}
	if email == "" {
		d.Problem["email"] = "Enter your email address."
	}
	if password == "" {
		d.Problem["password"] = "Enter your password."
	}
	if len(d.Problem) > 0 || !f.OK() {
		for k, v := range f.Problems {
			d.Problem[k] = v
		}
		d.Error = "Enter your email and password."
		return s.renderLogin(w, r, http.StatusUnprocessableEntity, d)
	}

	ctx := r.Context()
	now := s.Now()
	ip := s.record(r).IP
	accountKey, addressKey := "account:"+normalizeEmail(email), "ip:"+ip
	for _, key := range []string{accountKey, addressKey} {
		_, until, err := s.Store.LoginFailures(ctx, key)
		if err != nil {
			return err
		}
		if now.Before(until) {
			rec := s.record(r)
			rec.Action, rec.Category, rec.Outcome, rec.Detail = audit.ActionLoginFailed, "session", audit.OutcomeDenied, "throttled"
			if err := s.Audit.Record(ctx, rec); err != nil {
				return err
			}
			d.Error = fmt.Sprintf("Too many unsuccessful sign-in attempts. Wait %s and try again, or ask an administrator to reset your password.",
				humanDuration(until.Sub(now)))
			return s.renderLogin(w, r, http.StatusTooManyRequests, d)
		}
	}

	user, err := s.Store.UserByEmail(ctx, email)
	found := err == nil
	if err != nil && model.KindOf(err) != model.KindNotFound {
		return err
	}
	hash := s.dummyHash
	if found {
		hash = user.PasswordHash
	}
	ok, rehash, err := s.Hasher.Verify(ctx, password, hash)
	if err != nil && found {
		return err
	}
	if !found || !ok || !user.Active {
		rec := s.record(r)
		rec.Detail = "bad credentials"
		if found {
			rec.EntityID = user.ID
		}
		keys := []store.ThrottleKey{
			{Key: accountKey, Delay: s.Options.AccountLimit.Delay},
			{Key: addressKey, Delay: s.Options.AddressLimit.Delay},
		}
		if err := s.Store.RecordLoginFailure(ctx, keys, now, s.Options.AccountLimit.Window, rec); err != nil {
			return err
		}
		d.Error = badCredentials
		return s.renderLogin(w, r, http.StatusUnauthorized, d)
	}

	if err := s.Store.ClearLoginFailures(ctx, accountKey); err != nil {
		return err
	}
	if rehash {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			_ = s.Store.SetPasswordHash(ctx, user.ID, h, false, nil) // best effort; the old hash still works
		}
	}
	if user.MFAEnabled {
		return s.startMFAChallenge(w, r, user, d.Next)
	}
	return s.startSession(w, r, user, d.Next)
}

// startSession signs user in: a new session replacing any the browser
// held, then on to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user model.User, next string) error {
	return s.startSessionVia(w, r, user, next, "")
}

// startSessionVia is startSession with how the person signed in, for the
// audit record ("" for a password).
func (s *Server) startSessionVia(w http.ResponseWriter, r *http.Request, user model.User, next, how string) error {
	now := s.Now()
	var replaces string
	if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
		replaces = auth.HashToken(c.Value)
	}
	token, tokenHash := auth.NewToken()
	sess := model.Session{TokenHash: tokenHash, UserID: user.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.Options.Session.Absolute), IP: s.record(r).IP, UserAgent: r.UserAgent()}
	rec := s.record(r)
	rec.ActorID, rec.ActorRole, rec.EntityID, rec.Detail = user.ID, string(user.Role), user.ID, how
	if err := s.Store.CreateSession(r.Context(), sess, replaces, rec); err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- safeNext keeps it on this site
	return nil
}

// logout ends the session on the server, not just in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	sess := sessionOf(r)
	rec := s.record(r)
	rec.EntityID = sess.UserID
	if err := s.Store.DeleteSession(r.Context(), sess.TokenHash, &rec); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login?signedout=1", http.StatusSeeOther)
	return nil
}

// normalizeEmail is the email as the store keys it.
func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// humanDuration says a duration the way a person would: "15 minutes",
// "about 2 minutes", "30 seconds".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		n := int(math.Ceil(d.Seconds()))
		if n <= 1 {
			return "a second"
		}
		return fmt.Sprintf("%d seconds", n)
	case d < time.Hour:
		n := int(math.Ceil(d.Minutes()))
		if n == 1 {
			return "a minute"
		}
		return fmt.Sprintf("%d minutes", n)
	default:
		n := int(math.Round(d.Hours()))
		if n == 1 {
			return "an hour"
		}
		return fmt.Sprintf("%d hours", n)
	}
}
