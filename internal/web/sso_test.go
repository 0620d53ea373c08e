package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/auth/sso"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/testutil/idp"
	"github.com/openiop/openiop/internal/web"
)

func withSSO(op *idp.Provider) envOption {
	return func(d *web.Deps) {
		d.SSO = sso.New(sso.Config{Issuer: op.URL, ClientID: op.ClientID, ClientSecret: op.ClientSecret, Name: "Riverbend sign-in"})
	}
}

// ssoSignIn walks browser c through single sign-on: OpenIOP sends it to the
// provider, which sends it back; it returns the callback's answer.
func (e *env) ssoSignIn(c *http.Client) response {
	e.t.Helper()
	start := e.get(c, "/login/sso?next=/clients")
	if start.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("starting single sign-on: %d %s", start.StatusCode, start.Body)
	}
	return e.followProvider(c, start.Header.Get("Location"))
}

// followProvider visits the provider and returns OpenIOP's answer to the
// callback the provider sends the browser to.
func (e *env) followProvider(c *http.Client, at string) response {
	e.t.Helper()
	req, _ := http.NewRequest("GET", at, nil)
	back := e.do(c, req)
	if back.StatusCode != http.StatusFound || !strings.HasPrefix(back.Header.Get("Location"), e.ts.URL+"/login/sso/callback?") {
		e.t.Fatalf("the provider answered %d %s", back.StatusCode, back.Header.Get("Location"))
	}
	return e.get(c, strings.TrimPrefix(back.Header.Get("Location"), e.ts.URL))
}

func (e *env) signedIn(c *http.Client) bool {
	e.t.Helper()
	return e.get(c, "/home").StatusCode == http.StatusOK
}

// TestSingleSignOn: a clinician signs in through the identity provider:
// linked to their account by its verified email the first time, by the
// provider's subject afterwards (even when the email changes there). The
// sign-in and the link are audited.
func TestSingleSignOn(t *testing.T) {
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			op := idp.Start(t)
			e := newEnv(t, engine, withSSO(op))
			if page := e.get(e.browser(), "/login").Body; !strings.Contains(page, `href="/login/sso?next=`) || !strings.Contains(page, "Sign in with Riverbend sign-in") {
				t.Fatal("the sign-in page offers no single sign-on")
			}
			clinician, _ := e.db.UserByEmail(t.Context(), "clinician@demo.openiop.org")
			head := e.auditHead()
			op.SignInAs(map[string]any{"sub": "idp-7", "email": "Clinician@Demo.OpenIOP.org", "email_verified": true})
			c := e.browser()
			if r := e.ssoSignIn(c); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/clients" {
				t.Fatalf("the callback: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.Body)
			}
			if !e.signedIn(c) {
				t.Fatal("no session after single sign-on")
			}
			var linked, login bool
			for _, r := range e.auditSince(head) {
				linked = linked || r.EntityID == clinician.ID && strings.Contains(r.Detail, "linked to single sign-on "+op.URL)
				login = login || r.Action == audit.ActionLogin && r.ActorID == clinician.ID && strings.Contains(r.Detail, "single sign-on")
			}
			if !linked || !login {
				t.Errorf("audit: linked %v, sign-in %v", linked, login)
			}
			// The provider's email changes; the subject still names the same person.
			op.SignInAs(map[string]any{"sub": "idp-7", "email": "dana.new@example.org", "email_verified": true})
			c2 := e.browser()
			if r := e.ssoSignIn(c2); r.StatusCode != http.StatusSeeOther || !e.signedIn(c2) {
				t.Fatalf("a linked identity with a new email: %d %s", r.StatusCode, r.Body)
			}
			// Another identity at the provider with the clinician's email cannot take the account over.
			op.SignInAs(map[string]any{"sub": "idp-8", "email": "clinician@demo.openiop.org", "email_verified": true})
			c3 := e.browser()
			if r := e.ssoSignIn(c3); r.StatusCode != http.StatusForbidden || e.signedIn(c3) {
				t.Fatalf("a second identity with the same email: %d", r.StatusCode)
			}
		})
	}
}

// TestSingleSignOnRefusals: each way a sign-in through the provider must
// fail, fails with a message that says what to do, starts no session, and
// is audited.
func TestSingleSignOnRefusals(t *testing.T) {
	op := idp.Start(t)
	e := newEnv(t, store.SQLite, withSSO(op))
	ctx := t.Context()
	frontDesk, _ := e.db.UserByEmail(ctx, "frontdesk@demo.openiop.org")
	if err := e.db.SetUserActive(ctx, frontDesk.ID, false, audit.Record{At: e.clock.Now(), ActorID: "system:test"}); err != nil {
		t.Fatal(err)
	}
	refused := func(name string, c *http.Client, r response, status int, message string) {
		t.Helper()
		if r.StatusCode != status || !strings.Contains(r.Body, message) {
			t.Errorf("%s: %d, want %d with %q:\n%s", name, r.StatusCode, status, message, r.Body)
		}
		if e.signedIn(c) {
			t.Errorf("%s: a session was started", name)
		}
	}
	for name, c := range map[string]struct {
		claims  map[string]any
		tamper  func(map[string]any)
		status  int
		message string
	}{
		"no account":        {map[string]any{"sub": "x1", "email": "stranger@example.org", "email_verified": true}, nil, http.StatusForbidden, "no staff account for stranger@example.org"},
		"unverified email":  {map[string]any{"sub": "x2", "email": "clinician@demo.openiop.org", "email_verified": false}, nil, http.StatusForbidden, "has not confirmed your email address"},
		"deactivated":       {map[string]any{"sub": "x3", "email": "frontdesk@demo.openiop.org", "email_verified": true}, nil, http.StatusForbidden, "not active"},
		"token for another": {map[string]any{"sub": "x4", "email": "clinician@demo.openiop.org", "email_verified": true}, func(c map[string]any) { c["aud"] = "other-app" }, http.StatusUnauthorized, "could not be verified"},
		"another attempt's": {map[string]any{"sub": "x5", "email": "clinician@demo.openiop.org", "email_verified": true}, func(c map[string]any) { c["nonce"] = "stolen" }, http.StatusUnauthorized, "could not be verified"},
	} {
		op.SignInAs(c.claims)
		op.SetTamper(c.tamper)
		head := e.auditHead()
		b := e.browser()
		refused(name, b, e.ssoSignIn(b), c.status, c.message)
		failed := false
		for _, r := range e.auditSince(head) {
			failed = failed || r.Action == audit.ActionLoginFailed && strings.HasPrefix(r.Detail, "single sign-on: ")
		}
		if !failed {
			t.Errorf("%s: the refusal is not audited", name)
		}
	}
	op.SignInAs(map[string]any{"sub": "ok", "email": "clinician@demo.openiop.org", "email_verified": true})

	// A callback finished in another browser than the one that started it (login CSRF).
	started, other := e.browser(), e.browser()
	start := e.get(started, "/login/sso")
	req, _ := http.NewRequest("GET", start.Header.Get("Location"), nil)
	back := e.do(started, req).Header.Get("Location")
	refused("another browser", other, e.get(other, strings.TrimPrefix(back, e.ts.URL)), http.StatusBadRequest, "did not start in this browser")
	// The browser that started it finishes it, once.
	if r := e.get(started, strings.TrimPrefix(back, e.ts.URL)); r.StatusCode != http.StatusSeeOther || !e.signedIn(started) {
		t.Errorf("the browser that started the sign-in: %d %s", r.StatusCode, r.Body)
	}
	replay := e.browser()
	u, _ := url.Parse(e.ts.URL)
	for _, ck := range started.Jar.Cookies(u) {
		if strings.Contains(ck.Name, "iop_sso") {
			t.Errorf("the attempt's cookie outlives the callback: %v", ck)
		}
	}
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "iop_sso", Value: stateOf(t, back), Path: "/"}})
	refused("a replayed callback", replay, e.get(replay, strings.TrimPrefix(back, e.ts.URL)), http.StatusBadRequest, "did not start in this browser")
	// The provider reporting an error.
	b := e.browser()
	e.get(b, "/login/sso")
	refused("provider error", b, e.get(b, "/login/sso/callback?error=access_denied&state=x"), http.StatusUnauthorized, "did not sign you in")

	// A person with two-step sign-in still gives their code after the provider.
	clinician, _ := e.db.UserByEmail(ctx, "clinician@demo.openiop.org")
	if err := e.db.SetPendingTOTP(ctx, clinician.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.EnableTOTP(ctx, clinician.ID, "JBSWY3DPEHPK3PXP", 0, nil, audit.Record{At: e.clock.Now(), ActorID: clinician.ID}); err != nil {
		t.Fatal(err)
	}
	b = e.browser()
	if r := e.ssoSignIn(b); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/code") || e.signedIn(b) {
		t.Errorf("two-step sign-in after the provider: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestSingleSignOnIsOffUnlessSetUp: without a provider there is no button
// and the routes answer as missing pages.
func TestSingleSignOnIsOffUnlessSetUp(t *testing.T) {
	e := newEnv(t, store.SQLite)
	b := e.browser()
	if strings.Contains(e.get(b, "/login").Body, "/login/sso") {
		t.Error("a single sign-on button without a provider")
	}
	for _, p := range []string{"/login/sso", "/login/sso/callback?code=x&state=y"} {
		if r := e.get(b, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.StatusCode)
		}
	}
}

func stateOf(t *testing.T, callback string) string {
	t.Helper()
	u, err := url.Parse(callback)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

// TestSingleSignOnRefusalsAreThrottled: refused callbacks count against the
// address like wrong passwords; past the limit both single sign-on and the
// password form answer 429 from that address, and the refusal is audited.
func TestSingleSignOnRefusalsAreThrottled(t *testing.T) {
	op := idp.Start(t)
	e := newEnv(t, store.SQLite, withSSO(op), func(d *web.Deps) {
		d.Options.AddressLimit = auth.Throttle{FreeAttempts: 3, Base: time.Minute, Max: time.Hour, Window: time.Hour}
	})
	b := e.browser()
	for i := range 3 {
		if r := e.get(b, "/login/sso/callback?error=access_denied&state=x"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("refusal %d: %d", i+1, r.StatusCode)
		}
	}
	head := e.auditHead()
	r := e.get(b, "/login/sso")
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many unsuccessful sign-in attempts") {
		t.Fatalf("starting single sign-on past the limit: %d", r.StatusCode)
	}
	if r := e.get(b, "/login/sso/callback?error=access_denied&state=x"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a callback past the limit: %d", r.StatusCode)
	}
	throttled := 0
	for _, a := range e.auditSince(head) {
		if a.Detail == "single sign-on: throttled" && a.Outcome == audit.OutcomeDenied {
			throttled++
		}
	}
	if throttled != 2 {
		t.Errorf("%d throttled attempts audited, want 2", throttled)
	}
	if r := e.post(b, "/login", url.Values{"email": {"clinician@demo.openiop.org"}, "password": {demo.Password}}); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the password form from the same address: %d, want 429", r.StatusCode)
	}
}
