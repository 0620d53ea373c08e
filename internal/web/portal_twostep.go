package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"time"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// Two-step sign-in is optional in the portal: a client or family member
// who wants it adds an authenticator app in Settings, and from then on
// signs in with the password and the app's code. There are no recovery
// codes; a lost phone is a reset of the access by the counselor.

const portalChallengeFor = 5 * time.Minute

func (s *Server) portalStepCookieName() string { return s.hostCookie("iop_portal_step") }

func (s *Server) setPortalStepCookie(w http.ResponseWriter, token string, maxAge int) {
	s.setCookie(w, "iop_portal_step", token, maxAge)
}

// startPortalChallenge follows the right password of an account with
// two-step sign-in: the code page, with the step held in a cookie.
func (s *Server) startPortalChallenge(w http.ResponseWriter, r *http.Request, acct portal.Account) error {
	token, hash := auth.NewToken()
	if err := s.Store.CreatePortalChallenge(r.Context(), hash, acct.ID, s.Now().Add(portalChallengeFor)); err != nil {
		return err
	}
	s.setPortalStepCookie(w, token, int(portalChallengeFor.Seconds()))
	http.Redirect(w, r, "/portal/login/code", http.StatusSeeOther)
	return nil
}

type portalCodeData struct {
	Error   string
	Expired bool
}

func (s *Server) portalCodePage(w http.ResponseWriter, r *http.Request) error {
	_, _, ok, err := s.portalChallenge(r)
	if err != nil {
		return err
	}
	return s.renderPortalCode(w, r, http.StatusOK, portalCodeData{Expired: !ok})
}

func (s *Server) renderPortalCode(w http.ResponseWriter, r *http.Request, status int, d portalCodeData) error {
	v := s.view(r, "Enter your code", "")
	v.PortalChrome = true
	v.Data = d
	return s.pages.Page(w, status, "portal_code", &v)
}

// portalChallenge is the account a browser's sign-in step stands for.
func (s *Server) portalChallenge(r *http.Request) (portal.Account, string, bool, error) {
	c, err := r.Cookie(s.portalStepCookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return portal.Account{}, "", false, nil
	}
	hash := auth.HashToken(c.Value)
	a, err := s.Store.PortalChallenge(r.Context(), hash, s.Now())
	if model.KindOf(err) == model.KindNotFound {
		return a, "", false, nil
	}
	return a, hash, err == nil, err
}

// portalCode checks the authenticator code (each good once; wrong ones are
// throttled like passwords) and signs in.
func (s *Server) portalCode(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalCode", model.KindInvalid, "The form could not be read: %v", err)
	}
	acct, hash, ok, err := s.portalChallenge(r)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderPortalCode(w, r, http.StatusUnauthorized, portalCodeData{Expired: true})
	}
	ctx := r.Context()
	now := s.Now()
	key := "portal-code:" + acct.ID
	if _, until, err := s.Store.LoginFailures(ctx, key); err != nil {
		return err
	} else if now.Before(until) {
		return s.renderPortalCode(w, r, http.StatusTooManyRequests, portalCodeData{Error: "Too many wrong codes. Wait " + humanDuration(until.Sub(now)) + " and try again."})
	}
	secret, _, err := s.Store.PortalTOTP(ctx, acct.ID)
	if err != nil {
		return err
	}
	step, good := auth.CheckTOTP(secret, f.String("code", 20), now)
	if good {
		if good, err = s.Store.AcceptPortalTOTPStep(ctx, acct.ID, step); err != nil {
			return err
		}
	}
	if !good {
		rec := s.record(r)
		rec.Category, rec.ClientID, rec.EntityID, rec.Detail = "portal.session", acct.ClientID, acct.ID, "wrong or used authenticator code"
		if err := s.Store.RecordLoginFailure(ctx, []store.ThrottleKey{{Key: key, Delay: s.Options.AccountLimit.Delay}}, now, s.Options.AccountLimit.Window, rec); err != nil {
			return err
		}
		return s.renderPortalCode(w, r, http.StatusUnauthorized, portalCodeData{Error: "That code does not match. Enter the 6 digits your app shows now."})
	}
	if err := s.Store.ClearLoginFailures(ctx, key); err != nil {
		return err
	}
	if err := s.Store.DeletePortalChallenge(ctx, hash); err != nil {
		return err
	}
	s.setPortalStepCookie(w, "", -1)
	return s.startPortalSession(w, r, acct)
}

// twoStepData is the settings page's two-step section.
type twoStepData struct {
	On      bool
	QR      template.URL // the new key to scan, while turning it on
	Secret  string
	Problem string
	Changed string
}

// portalTwoStepStart shows a new key to add to an authenticator app.
func (s *Server) portalTwoStepStart(w http.ResponseWriter, r *http.Request) error {
	acct := portalOf(r).Account
	v := s.portalView(r, "Settings", "settings")
	key, err := auth.NewTOTPKey(v.Org.Name, acct.Login)
	if err != nil {
		return err
	}
	if err := s.Store.SetPortalPendingTOTP(r.Context(), acct.ID, key.Secret); err != nil {
		return err
	}
	return s.renderPortalSettings(w, r, http.StatusOK, twoStepData{QR: qrURL(key), Secret: groupsOf4(key.Secret)})
}

func qrURL(k auth.TOTPKey) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(k.QR)) // #nosec G203 -- our own PNG
}

// portalTwoStepEnable turns it on once a code from the new key checks.
func (s *Server) portalTwoStepEnable(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalTwoStepEnable", model.KindInvalid, "The form could not be read: %v", err)
	}
	acct := portalOf(r).Account
	ctx := r.Context()
	_, pending, err := s.Store.PortalTOTP(ctx, acct.ID)
	if err != nil {
		return err
	}
	step, ok := auth.CheckTOTP(pending, f.String("code", 20), s.Now())
	if pending == "" || !ok {
		d := twoStepData{Problem: "That code does not match. Enter the 6 digits your app shows now."}
		if pending != "" {
			v := s.portalView(r, "", "")
			key, err := auth.TOTPKeyFor(v.Org.Name, acct.Login, pending)
			if err != nil {
				return err
			}
			d.QR, d.Secret = qrURL(key), groupsOf4(key.Secret)
		}
		return s.renderPortalSettings(w, r, http.StatusUnprocessableEntity, d)
	}
	if err := s.Store.EnablePortalTOTP(ctx, acct, pending, step, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/settings?two-step=on", http.StatusSeeOther)
	return nil
}

// portalTwoStepDisable turns it off, with a current code.
func (s *Server) portalTwoStepDisable(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.portalTwoStepDisable", model.KindInvalid, "The form could not be read: %v", err)
	}
	acct := portalOf(r).Account
	ctx := r.Context()
	secret, _, err := s.Store.PortalTOTP(ctx, acct.ID)
	if err != nil {
		return err
	}
	if _, ok := auth.CheckTOTP(secret, f.String("code", 20), s.Now()); secret == "" || !ok {
		return s.renderPortalSettings(w, r, http.StatusUnprocessableEntity, twoStepData{On: secret != "",
			Problem: "Enter the 6 digits your app shows now to turn two-step sign-in off."})
	}
	if err := s.Store.DisablePortalTOTP(ctx, acct, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/settings?two-step=off", http.StatusSeeOther)
	return nil
}
