package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/auth/sso"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

// ssoAttemptFor is how long a browser has at the identity provider before
// its sign-in must start again.
const ssoAttemptFor = 10 * time.Minute

const ssoUnreachable = "Single sign-on is not reachable right now: the identity provider did not answer. Sign in with your password, or try again in a few minutes."

// ssoStart sends the browser to the identity provider, remembering the
// attempt on the server (any replica can finish it) and its state in a
// cookie (only this browser can).
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.SSO == nil {
		return model.NotFound("web.ssoStart", "page")
	}
	next := safeNext(r.URL.Query().Get("next"))
	if throttled, err := s.ssoThrottled(w, r); throttled || err != nil {
		return err
	}
	a := sso.NewAttempt()
	to, err := s.SSO.AuthURL(r.Context(), a, s.ssoCallbackURL(r))
	if err != nil {
		s.Log.Warn("single sign-on unavailable", "error", err)
		return s.renderLogin(w, r, http.StatusServiceUnavailable, loginData{Next: next, Error: ssoUnreachable})
	}
	l := store.SSOLogin{Nonce: a.Nonce, Verifier: a.Verifier, Next: next}
	if err := s.Store.CreateSSOLogin(r.Context(), auth.HashToken(a.State), l, s.Now().Add(ssoAttemptFor)); err != nil {
		return err
	}
	s.setCookie(w, "iop_sso", a.State, int(ssoAttemptFor.Seconds()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback finishes a sign-in the identity provider sends back: the
// state must be this browser's and unused, the ID token must verify, and
// the identity must belong to an active staff account (linked on first
// use by its verified email). Two-step sign-in then applies as after a
// password. Every refusal is audited and says what to do.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.SSO == nil {
		return model.NotFound("web.ssoCallback", "page")
	}
	ctx, q := r.Context(), r.URL.Query()
	s.setCookie(w, "iop_sso", "", -1)
	w.Header().Set("Cache-Control", "no-store")
	if throttled, err := s.ssoThrottled(w, r); throttled || err != nil {
		return err
	}
	// Refusals count against the address like wrong passwords, so that
	// callbacks cannot be tried without limit.
	refuse := func(status int, userID, why, message string) error {
		rec := s.record(r)
		rec.Detail = "single sign-on: " + why
		if userID != "" {
			rec.EntityID = userID
		}
		keys := []store.ThrottleKey{{Key: "ip:" + rec.IP, Delay: s.Options.AddressLimit.Delay}}
		if err := s.Store.RecordLoginFailure(ctx, keys, s.Now(), s.Options.AddressLimit.Window, rec); err != nil {
			return err
		}
		return s.renderLogin(w, r, status, loginData{Error: message})
	}
	const startAgain = "This sign-in did not start in this browser, or it took longer than 10 minutes. Start again with the single sign-on button."
	if e := q.Get("error"); e != "" {
		return refuse(http.StatusUnauthorized, "", "the provider answered "+truncateRunes(e+" "+q.Get("error_description"), 200),
			"Your identity provider did not sign you in. Try again, or sign in with your password.")
	}
	state := q.Get("state")
	c, err := r.Cookie(s.hostCookie("iop_sso"))
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		return refuse(http.StatusBadRequest, "", "the state is not this browser's", startAgain)
	}
	l, err := s.Store.TakeSSOLogin(ctx, auth.HashToken(state), s.Now())
	if model.KindOf(err) == model.KindNotFound {
		return refuse(http.StatusBadRequest, "", "the attempt is unknown, used or expired", startAgain)
	} else if err != nil {
		return err
	}
	id, err := s.SSO.Finish(ctx, sso.Attempt{State: state, Nonce: l.Nonce, Verifier: l.Verifier}, q.Get("code"), s.ssoCallbackURL(r))
	var refusal *sso.Refusal
	if errors.As(err, &refusal) {
		return refuse(http.StatusUnauthorized, "", refusal.Reason,
			"The identity provider's answer could not be verified, so you are not signed in. Try again; if it keeps happening, tell your administrator.")
	} else if err != nil {
		s.Log.Warn("single sign-on failed", "error", err)
		return s.renderLogin(w, r, http.StatusServiceUnavailable, loginData{Error: ssoUnreachable})
	}
	email := id.Email
	if !id.EmailVerified {
		email = "" // an unverified address never links an account
	}
	user, linked, err := s.Store.SSOAccount(ctx, id.Issuer, id.Subject, email)
	if model.KindOf(err) == model.KindNotFound {
		msg := "There is no staff account for " + id.Email + " here, or it is linked to another sign-on identity. Ask your administrator to add you with this email address."
		if !id.EmailVerified {
			msg = "Your identity provider has not confirmed your email address, so it cannot be matched to a staff account. Confirm it there, or ask your administrator."
		}
		return refuse(http.StatusForbidden, "", "no account for "+id.Issuer+" "+id.Subject+" ("+id.Email+")", msg)
	} else if err != nil {
		return err
	}
	if !user.Active {
		return refuse(http.StatusForbidden, user.ID, "the account is deactivated", "This staff account is not active. Ask your administrator.")
	}
	if !linked {
		rec := s.record(r)
		rec.ActorID, rec.ActorRole = user.ID, string(user.Role)
		if err := s.Store.LinkSSO(ctx, user.ID, id.Issuer, id.Subject, rec); err != nil {
			if model.KindOf(err) == model.KindConflict {
				return refuse(http.StatusForbidden, user.ID, err.Error(), "This account could not be linked to your sign-on identity. Ask your administrator.")
			}
			return err
		}
	}
	if user.MFAEnabled {
		return s.startMFAChallenge(w, r, user, l.Next)
	}
	return s.startSessionVia(w, r, user, l.Next, "single sign-on "+id.Issuer)
}

// ssoThrottled answers 429 when the browser's address has failed to sign in
// too often (by password or single sign-on), as the password form does.
func (s *Server) ssoThrottled(w http.ResponseWriter, r *http.Request) (bool, error) {
	rec := s.record(r)
	_, until, err := s.Store.LoginFailures(r.Context(), "ip:"+rec.IP)
	if err != nil || !s.Now().Before(until) {
		return false, err
	}
	rec.Action, rec.Category, rec.Outcome, rec.Detail = audit.ActionLoginFailed, "session", audit.OutcomeDenied, "single sign-on: throttled"
	if err := s.Audit.Record(r.Context(), rec); err != nil {
		return true, err
	}
	msg := fmt.Sprintf("Too many unsuccessful sign-in attempts from this connection. Wait %s and try again.", humanDuration(until.Sub(s.Now())))
	return true, s.renderLogin(w, r, http.StatusTooManyRequests, loginData{Error: msg})
}

// truncateRunes keeps at most n characters of text a provider sent.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// ssoCallbackURL is where the identity provider sends the browser back:
// under the public base URL, which the provider has registered. Only
// tests run without one; they use the address they were reached at.
func (s *Server) ssoCallbackURL(r *http.Request) string {
	if s.Options.BaseURL != "" {
		return s.Options.BaseURL + "/login/sso/callback"
	}
	return "http://" + r.Host + "/login/sso/callback"
}
