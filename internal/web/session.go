package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
)

// touchEvery limits how often a session's last-seen time is written: once a
// minute is precise enough for a 15-minute idle timeout and spares the
// database a write per request.
const touchEvery = time.Minute

// hostCookie is a cookie's name: over HTTPS it carries the __Host- prefix,
// which the browser accepts only with Secure, Path=/ and no Domain, so no
// other site or subdomain can set or read it.
func (s *Server) hostCookie(name string) string {
	if s.Options.Secure {
		return "__Host-" + name
	}
	return name
}

// setCookie writes one of the app's cookies: HttpOnly, SameSite=Lax, Path=/,
// Secure over HTTPS. maxAge -1 deletes it.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	// #nosec G124 -- Secure is set whenever the site is served over HTTPS; plain HTTP is for local demos
	http.SetCookie(w, &http.Cookie{Name: s.hostCookie(name), Value: value, Path: "/", HttpOnly: true, Secure: s.Options.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// cookieName is the staff session cookie.
func (s *Server) cookieName() string { return s.hostCookie("iop_session") }

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	s.setCookie(w, "iop_session", token, int(s.Options.Session.Absolute.Seconds()))
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) { s.setCookie(w, "iop_session", "", -1) }

// loadSession returns the request's valid session, or nil. A session that
// has been idle too long or outlived its absolute lifetime, or whose user
// was deactivated, is deleted; expired then says so, so the sign-in page
// can explain why.
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) (sess *model.Session, expired bool, err error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, false, nil
	}
	hash := auth.HashToken(c.Value)
	found, err := s.Store.Session(r.Context(), hash)
	if model.KindOf(err) == model.KindNotFound {
		s.clearSessionCookie(w)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	now := s.Now()
	if !found.User.Active || !now.Before(found.ExpiresAt) || now.Sub(found.LastSeenAt) >= s.Options.Session.Idle {
		if err := s.Store.DeleteSession(r.Context(), hash, nil); err != nil {
			return nil, false, err
		}
		s.clearSessionCookie(w)
		return nil, true, nil
	}
	if now.Sub(found.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchSession(r.Context(), hash, now); err != nil {
			return nil, false, err
		}
	}
	return &found, false, nil
}

// safeNext returns next if it is a path on this site, else "/home": a
// sign-in link must not be able to send someone to another site.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/home"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" || u.Path == "/login" {
		return "/home"
	}
	return u.RequestURI()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
