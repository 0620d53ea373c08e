package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// mfaChallengeFor is how long a browser has, after the right password, to
// give its code.
const mfaChallengeFor = 5 * time.Minute

func (s *Server) mfaCookieName() string { return s.hostCookie("iop_mfa") }

func (s *Server) setMFACookie(w http.ResponseWriter, token string, maxAge int) {
	s.setCookie(w, "iop_mfa", token, maxAge)
}

// startMFAChallenge follows a right password for a person with two-step
// sign-in: no session yet, only a short-lived token asking for the code.
func (s *Server) startMFAChallenge(w http.ResponseWriter, r *http.Request, user model.User, next string) error {
	token, hash := auth.NewToken()
	if err := s.Store.CreateMFAChallenge(r.Context(), hash, user.ID, s.Now().Add(mfaChallengeFor)); err != nil {
		return err
	}
	s.setMFACookie(w, token, int(mfaChallengeFor.Seconds()))
	http.Redirect(w, r, "/login/code?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil
}

type codeData struct {
	Next, Error string
	Expired     bool // no sign-in step is waiting: start from the password
}

// challengeUser is the person a browser's challenge token stands for.
func (s *Server) challengeUser(r *http.Request) (string, string, bool, error) {
	c, err := r.Cookie(s.mfaCookieName())
	if err != nil || c.Value == "" {
		return "", "", false, nil
	}
	hash := auth.HashToken(c.Value)
	id, err := s.Store.MFAChallenge(r.Context(), hash, s.Now())
	if model.KindOf(err) == model.KindNotFound {
		return "", "", false, nil
	}
	return id, hash, err == nil, err
}

func (s *Server) loginCodePage(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok, err := s.challengeUser(r); err != nil {
		return err
	} else if !ok {
		return s.renderCode(w, r, http.StatusOK, codeData{Expired: true})
	}
	return s.renderCode(w, r, http.StatusOK, codeData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) renderCode(w http.ResponseWriter, r *http.Request, status int, d codeData) error {
	v := s.view(r, "Sign-in code", "")
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.Page(w, status, "login_code", &v)
}

// loginCode checks the code from the authenticator app, or a recovery
// code, and signs the person in. A code is good once; wrong codes are
// throttled like wrong passwords.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return s.renderCode(w, r, http.StatusBadRequest, codeData{Error: "The form could not be read. Reload the page and try again."})
	}
	ctx := r.Context()
	d := codeData{Next: safeNext(f.String("next", 2000))}
	userID, hash, ok, err := s.challengeUser(r)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderCode(w, r, http.StatusUnauthorized, codeData{Expired: true})
	}
	now := s.Now()
	key := "mfa:" + userID
	if _, until, err := s.Store.LoginFailures(ctx, key); err != nil {
		return err
	} else if now.Before(until) {
		d.Error = "Too many wrong codes. Wait " + humanDuration(until.Sub(now)) + " and try again."
		return s.renderCode(w, r, http.StatusTooManyRequests, d)
	}
	user, err := s.Store.User(ctx, userID)
	if err != nil {
		return err
	}
	code := strings.TrimSpace(f.String("code", 40))
	accepted, replay := false, false
	if secret, _, err := s.Store.TOTPSecrets(ctx, userID); err != nil {
		return err
	} else if step, valid := auth.CheckTOTP(secret, code, now); valid {
		if accepted, err = s.Store.AcceptTOTPStep(ctx, userID, step); err != nil {
			return err
		}
		replay = !accepted
	} else if len(code) >= 10 {
		if accepted, err = s.Store.UseRecoveryCode(ctx, userID, auth.HashRecoveryCode(code)); err != nil {
			return err
		}
	}
	if !accepted || !user.Active {
		rec := s.record(r)
		rec.ActorID, rec.EntityID, rec.Detail = userID, userID, "wrong sign-in code"
		if replay {
			rec.Detail = "sign-in code used twice"
		}
		if err := s.Store.RecordLoginFailure(ctx, []store.ThrottleKey{{Key: key, Delay: s.Options.AccountLimit.Delay}}, now, s.Options.AccountLimit.Window, rec); err != nil {
			return err
		}
		d.Error = "That code is not right. Enter the 6-digit code your app shows now, or one of your recovery codes."
		if replay {
			d.Error = "That code was already used. Wait for the next code in your app."
		}
		return s.renderCode(w, r, http.StatusUnauthorized, d)
	}
	if err := s.Store.ClearLoginFailures(ctx, key); err != nil {
		return err
	}
	if err := s.Store.DeleteMFAChallenge(ctx, hash); err != nil {
		return err
	}
	s.setMFACookie(w, "", -1)
	return s.startSession(w, r, user, d.Next)
}

type mfaData struct {
	Enabled, Exempt, Required bool
	Unused                    int
	QR                        template.URL // a data: URI of the PNG
	Secret                    string       // grouped in fours for typing
	Codes                     []string     // recovery codes, shown once
	Problem                   string
	Just                      bool
}

// mfaPage shows two-step sign-in: how to set it up, or that it is on.
func (s *Server) mfaPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMFA(w, r, http.StatusOK, mfaData{})
}

func (s *Server) renderMFA(w http.ResponseWriter, r *http.Request, status int, d mfaData) error {
	ctx := r.Context()
	sess := sessionOf(r)
	u, err := s.Store.User(ctx, sess.User.ID)
	if err != nil {
		return err
	}
	d.Enabled, d.Exempt = u.MFAEnabled, u.MFAExempt
	if d.Required, err = s.Store.MFARequired(ctx); err != nil {
		return err
	}
	v := s.view(r, "Two-step sign-in", "")
	if d.Enabled {
		if d.Unused, err = s.Store.UnusedRecoveryCodes(ctx, u.ID); err != nil {
			return err
		}
	} else {
		_, pending, err := s.Store.TOTPSecrets(ctx, u.ID)
		if err != nil {
			return err
		}
		var key auth.TOTPKey
		if pending == "" {
			if key, err = auth.NewTOTPKey(v.Org.Name, u.Email); err != nil {
				return err
			}
			if err := s.Store.SetPendingTOTP(ctx, u.ID, key.Secret); err != nil {
				return err
			}
		} else if key, err = auth.TOTPKeyFor(v.Org.Name, u.Email, pending); err != nil {
			return err
		}
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(key.QR)) // #nosec G203 -- our own PNG
		d.Secret = groupsOf4(key.Secret)
	}
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.Page(w, status, "mfa", &v)
}

func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mfaEnable turns two-step sign-in on once a code from the new key checks,
// and shows the recovery codes once.
func (s *Server) mfaEnable(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.mfaEnable", model.KindInvalid, "The form could not be read: %v", err)
	}
	ctx := r.Context()
	u := sessionOf(r).User
	_, pending, err := s.Store.TOTPSecrets(ctx, u.ID)
	if err != nil {
		return err
	}
	step, ok := auth.CheckTOTP(pending, f.String("code", 20), s.Now())
	if pending == "" || !ok {
		return s.renderMFA(w, r, http.StatusUnprocessableEntity, mfaData{Problem: "That code does not match. Scan the code again, then enter the 6 digits your app shows now."})
	}
	codes, hashes := recoveryCodes()
	if err := s.Store.EnableTOTP(ctx, u.ID, pending, step, hashes, s.record(r)); err != nil {
		return err
	}
	return s.renderMFA(w, r, http.StatusOK, mfaData{Codes: codes, Just: true})
}

// mfaRecoveryCodes replaces the recovery codes and shows the new ones once.
func (s *Server) mfaRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	if _, err := form.Parse(w, r); err != nil {
		return model.Errorf("web.mfaRecoveryCodes", model.KindInvalid, "The form could not be read: %v", err)
	}
	u := sessionOf(r).User
	if !u.MFAEnabled {
		return model.Errorf("web.mfaRecoveryCodes", model.KindConflict, "Set up two-step sign-in first.")
	}
	codes, hashes := recoveryCodes()
	if err := s.Store.NewRecoveryCodes(r.Context(), u.ID, hashes, s.record(r)); err != nil {
		return err
	}
	return s.renderMFA(w, r, http.StatusOK, mfaData{Codes: codes})
}

// mfaReset clears a staff member's two-step sign-in (a lost phone); they set
// it up again at their next sign-in.
func (s *Server) mfaReset(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !model.ValidID(id) {
		return model.NotFound("web.mfaReset", "user")
	}
	if _, err := form.Parse(w, r); err != nil {
		return model.Errorf("web.mfaReset", model.KindInvalid, "The form could not be read: %v", err)
	}
	if err := s.Store.ResetMFA(r.Context(), id, s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done=mfa-reset", http.StatusSeeOther)
	return nil
}

// mfaRequired turns the center's requirement of two-step sign-in on or off.
func (s *Server) mfaRequired(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.mfaRequired", model.KindInvalid, "The form could not be read: %v", err)
	}
	on := f.OneOf("mfa_required", []string{"on", "off"}, false, "Choose on or off.")
	if !f.OK() {
		return model.Invalid("web.mfaRequired", f.Problems)
	}
	if err := s.Store.SetMFARequired(r.Context(), on == "on", s.record(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?mfa="+on, http.StatusSeeOther)
	return nil
}

// mfaSetupRoute reports whether a route stays open to a person who must
// still set up two-step sign-in.
func mfaSetupRoute(rt route) bool {
	return rt.Perm == auth.Public || rt.Pattern == "/logout" || strings.HasPrefix(rt.Pattern, "/account/mfa")
}

// needsMFASetup reports whether sess must set up two-step sign-in before
// anything else.
func needsMFASetup(sess *model.Session) bool {
	return sess.MFARequired && !sess.User.MFAEnabled && !sess.User.MFAExempt
}

// recoveryCodes makes ten recovery codes and the hashes that are stored.
func recoveryCodes() (codes, hashes []string) {
	codes = auth.NewRecoveryCodes(10)
	hashes = make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	return codes, hashes
}
