package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestSignInAnswersAreUniformAndThrottled(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		c := e.browser()
		cases := []url.Values{
			{"email": {"clinician@demo.openiop.org"}, "password": {"wrong password, long enough"}},
			{"email": {"nobody@demo.openiop.org"}, "password": {"wrong password, long enough"}},
		}
		var bodies []string
		for _, form := range cases {
			resp := e.post(c, "/login", form)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Set-Cookie") != "" {
				t.Fatalf("bad sign-in for %s: %d, cookie %q", form.Get("email"), resp.StatusCode, resp.Header.Get("Set-Cookie"))
			}
			bodies = append(bodies, strings.ReplaceAll(resp.Body, form.Get("email"), "EMAIL"))
		}
		if !strings.Contains(bodies[0], "The email or password is not right") {
			t.Fatal("the refusal does not explain itself")
		}
		if stripRequestIDs(bodies[0]) != stripRequestIDs(bodies[1]) {
			t.Error("an unknown email and a wrong password get different pages: that tells who has an account")
		}

		// Deactivated accounts cannot sign in, with the same answer.
		u, _ := e.db.UserByEmail(t.Context(), "biller@demo.openiop.org")
		if err := e.db.SetUserActive(t.Context(), u.ID, false, audit.Record{At: e.clock.Now(), ActorID: "test"}); err != nil {
			t.Fatal(err)
		}
		resp := e.post(c, "/login", url.Values{"email": {"biller@demo.openiop.org"}, "password": {"welcome-to-openiop"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("deactivated account: %d, want 401", resp.StatusCode)
		}

		// Missing fields: 422 with a message at each field.
		resp = e.post(c, "/login", url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Enter your email address.") {
			t.Errorf("empty form: %d", resp.StatusCode)
		}

		// Five failures on an account, then it waits, even with the right password.
		for range 4 {
			e.post(c, "/login", cases[0])
		}
		resp = e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"welcome-to-openiop"}})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(resp.Body, "Too many unsuccessful sign-in attempts") {
			t.Fatalf("after 5 failures: %d, want 429", resp.StatusCode)
		}
		// Other accounts from the same address are not locked out.
		if r := e.post(c, "/login", url.Values{"email": {"director@demo.openiop.org"}, "password": {"welcome-to-openiop"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a colleague at the same address: %d, want to sign in", r.StatusCode)
		}
		// The wait ends.
		e.clock.Advance(31 * time.Second)
		c2 := e.browser()
		if r := e.post(c2, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"welcome-to-openiop"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the wait: %d, want to sign in", r.StatusCode)
		}
		failed := 0
		for _, r := range e.auditSince(0) {
			if r.Action == audit.ActionLoginFailed {
				failed++
			}
		}
		if failed < 8 {
			t.Errorf("only %d failed sign-ins audited", failed)
		}
	})
}

func stripRequestIDs(s string) string {
	if i := strings.Index(s, `<span class="mono">`); i >= 0 {
		return s[:i]
	}
	return s
}

func TestSessionCookieAndRotation(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.browser()
	// A cookie planted before sign-in is replaced, not adopted.
	u, _ := url.Parse(e.ts.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "iop_session", Value: "planted-by-someone-else"}})
	resp := e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"welcome-to-openiop"}})
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "iop_session" {
			session = ck
		}
	}
	if session == nil || session.Value == "planted-by-someone-else" || len(session.Value) < 40 {
		t.Fatalf("sign-in did not issue a fresh token: %+v", session)
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "" {
		t.Errorf("cookie flags: %+v", session)
	}
	if r := e.get(c, "/home"); r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("home: %d, Cache-Control %q", r.StatusCode, r.Header.Get("Cache-Control"))
	}

	// Sign-out ends the session on the server: replaying the cookie fails.
	stolen := e.browser()
	stolen.Jar.SetCookies(u, []*http.Cookie{{Name: "iop_session", Value: session.Value}})
	if r := e.post(c, "/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := e.get(stolen, "/home"); !isSignInRedirect(r) {
		t.Fatalf("a signed-out token still works: %d", r.StatusCode)
	}
}

func TestIdleTimeoutSignsOut(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinician)
	e.clock.Advance(14*time.Minute + 59*time.Second)
	if r := e.get(c, "/home"); r.StatusCode != http.StatusOK {
		t.Fatalf("at 14:59 idle: %d, want the page", r.StatusCode)
	}
	// Activity restarts the idle clock (the visit above touched the session).
	e.clock.Advance(14 * time.Minute)
	if r := e.get(c, "/clients"); r.StatusCode != http.StatusOK {
		t.Fatalf("14 min after the last request: %d, want the page", r.StatusCode)
	}
	e.clock.Advance(15*time.Minute + time.Second)
	r := e.get(c, "/clients/"+e.client.ID)
	if !isSignInRedirect(r) || !strings.Contains(r.Header.Get("Location"), "next=%2Fclients%2F"+e.client.ID) {
		t.Fatalf("after 15 idle minutes: %d %s, want sign-in that returns to the chart", r.StatusCode, r.Header.Get("Location"))
	}
	page := e.get(c, r.Header.Get("Location"))
	if !strings.Contains(page.Body, "signed out after 15 minutes without activity") {
		t.Error("the sign-in page does not say why")
	}
	// Signing in again resumes where the person was.
	resp := e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"welcome-to-openiop"},
		"next": {"/clients/" + e.client.ID}})
	if resp.Header.Get("Location") != "/clients/"+e.client.ID {
		t.Errorf("after signing in again: %s, want the chart", resp.Header.Get("Location"))
	}
}

func TestAbsoluteSessionLifetime(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinician)
	for range 51 { // active every 14 minutes, up to 11h54m after sign-in
		e.clock.Advance(14 * time.Minute)
		if r := e.get(c, "/home"); r.StatusCode != http.StatusOK {
			t.Fatalf("an active session ended early: %d", r.StatusCode)
		}
	}
	e.clock.Advance(14 * time.Minute) // 12h08m: never idle, but past the 12-hour lifetime
	if r := e.get(c, "/home"); !isSignInRedirect(r) {
		t.Fatalf("after 12 hours: %d, want sign-in", r.StatusCode)
	}
}

func TestSafeRedirectAfterSignIn(t *testing.T) {
	e := newEnv(t, store.SQLite)
	for next, want := range map[string]string{
		"https://evil.example/": "/home", "//evil.example/x": "/home", `/\evil.example`: "/home",
		"/clients?status=all": "/clients?status=all", "": "/home", "/login": "/home",
	} {
		c := e.browser()
		r := e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"welcome-to-openiop"}, "next": {next}})
		if r.Header.Get("Location") != want {
			t.Errorf("next=%q: went to %q, want %q", next, r.Header.Get("Location"), want)
		}
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleAdmissions)
	before, _ := e.db.CountClients(t.Context())
	form := url.Values{"first_name": {"Eve"}, "last_name": {"Forged"}, "date_of_birth": {"1990-01-01"}}
	req, _ := http.NewRequest("POST", e.ts.URL+"/clients", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := e.do(c, req); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", r.StatusCode)
	}
	if after, _ := e.db.CountClients(t.Context()); after != before {
		t.Fatal("a cross-site POST created a client")
	}
}

func TestEachPersonListsAndEndsTheirOwnSessions(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		here, there := e.signIn(model.RoleClinician), e.signIn(model.RoleClinician)
		u, _ := e.db.UserByEmail(t.Context(), "clinician@demo.openiop.org")
		list, err := e.db.UserSessions(t.Context(), u.ID, e.clock.Now())
		if err != nil || len(list) != 2 {
			t.Fatalf("sessions: %d, %v", len(list), err)
		}
		page := e.get(here, "/account/api-tokens")
		if !strings.Contains(page.Body, "Where you are signed in") || strings.Count(page.Body, "this browser") != 1 || !strings.Contains(page.Body, "Sign out everywhere else") {
			t.Fatal("the account page does not list both sessions, marking this one")
		}
		// Another person's session cannot be ended from here.
		director := e.signIn(model.RoleClinicalDirector)
		d, _ := e.db.UserByEmail(t.Context(), "director@demo.openiop.org")
		theirs, _ := e.db.UserSessions(t.Context(), d.ID, e.clock.Now())
		if r := e.post(here, "/account/sessions/"+theirs[0].TokenHash+"/end", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("ending another person's session: %d", r.StatusCode)
		}
		if r := e.get(director, "/home"); r.StatusCode != http.StatusOK {
			t.Fatalf("the director was signed out: %d", r.StatusCode)
		}
		// End the other browser's session.
		var other string
		for _, s := range list {
			if !strings.Contains(page.Body, `action="/account/sessions/`+s.TokenHash+`/end"`) {
				continue
			}
			other = s.TokenHash
		}
		if other == "" {
			t.Fatal("no sign-out button for the other session")
		}
		if r := e.post(here, "/account/sessions/"+other+"/end", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("end: %d", r.StatusCode)
		}
		if r := e.get(there, "/home"); !isSignInRedirect(r) {
			t.Fatalf("the ended session still works: %d", r.StatusCode)
		}
		if r := e.get(here, "/home"); r.StatusCode != http.StatusOK {
			t.Fatalf("this session was ended too: %d", r.StatusCode)
		}
		third := e.signIn(model.RoleClinician)
		if r := e.post(here, "/account/sessions/end-others", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("end others: %d", r.StatusCode)
		}
		if r := e.get(third, "/home"); !isSignInRedirect(r) {
			t.Fatal("sign out everywhere else left a session")
		}
		if left, _ := e.db.UserSessions(t.Context(), u.ID, e.clock.Now()); len(left) != 1 {
			t.Fatalf("%d sessions left, want this one", len(left))
		}
	})
}

func TestPasswordChangeChecksTheCurrentOneAndEndsEverySession(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		here, there := e.signIn(model.RoleClinician), e.signIn(model.RoleClinician)
		const fresh = "lantern orchard velvet compass"
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"current": {"not it at all, no"}, "new": {fresh}, "again": {fresh}}, "That is not your current password"},
			{url.Values{"current": {demo.Password}, "new": {"short"}, "again": {"short"}}, "at least 15 characters"},
			{url.Values{"current": {demo.Password}, "new": {"password12345678"}, "again": {"password12345678"}}, "commonly used"},
			{url.Values{"current": {demo.Password}, "new": {fresh}, "again": {fresh + "x"}}, "are not the same"},
		} {
			r := e.post(here, "/account/password", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) {
				t.Errorf("%v: %d, want 422 with %q", tc.form, r.StatusCode, tc.want)
			}
		}
		if r := e.get(there, "/home"); r.StatusCode != http.StatusOK {
			t.Fatalf("a refused change ended a session: %d", r.StatusCode)
		}
		r := e.post(here, "/account/password", url.Values{"current": {demo.Password}, "new": {fresh}, "again": {fresh}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?password=changed" {
			t.Fatalf("change: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		for _, c := range []*http.Client{here, there} {
			if r := e.get(c, "/home"); !isSignInRedirect(r) {
				t.Fatalf("a session outlived the password change: %d", r.StatusCode)
			}
		}
		c := e.browser()
		if r := e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {demo.Password}}); r.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still signs in")
		}
		if r := e.post(c, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {fresh}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the new password: %d", r.StatusCode)
		}
	})
}
