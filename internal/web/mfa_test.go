package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

func TestTwoStepSignInSetUpUsedAndReset(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db.Engine)
		ctx := t.Context()
		u := model.User{Email: "sam.okafor@example.org", Name: "Sam Okafor", Role: model.RoleClinician, Active: true, PasswordHash: demoHash()}
		if err := e.db.CreateUser(ctx, &u, audit.Record{ActorID: "test"}); err != nil {
			t.Fatal(err)
		}
		signIn := func() (*http.Client, response) {
			c := e.browser()
			return c, e.post(c, "/login", url.Values{"email": {u.Email}, "password": {demo.Password}})
		}

		// Required by default: a person without it sets it up before anything else.
		c, r := signIn()
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home" {
			t.Fatalf("first sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.get(c, "/clients"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/mfa" {
			t.Fatalf("before setting it up: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		page := e.get(c, "/account/mfa")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "requires two-step sign-in") || !strings.Contains(page.Body, "data:image/png;base64,") {
			t.Fatalf("set-up page: %d", page.StatusCode)
		}
		_, pending, _ := e.db.TOTPSecrets(ctx, u.ID)
		if pending == "" || !strings.Contains(strings.ReplaceAll(page.Body, " ", ""), pending) {
			t.Fatal("the set-up page does not show the pending key")
		}
		if again := e.get(c, "/account/mfa"); !strings.Contains(strings.ReplaceAll(again.Body, " ", ""), pending) {
			t.Fatal("reloading the set-up page changed the key")
		}
		if r := e.post(c, "/account/mfa", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "does not match") {
			t.Fatalf("a wrong code: %d", r.StatusCode)
		}
		code, _ := auth.TOTPCode(pending, e.clock.Now())
		r = e.post(c, "/account/mfa", url.Values{"code": {code}})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Two-step sign-in is on") {
			t.Fatalf("turn on: %d", r.StatusCode)
		}
		codes := regexp.MustCompile(`<li>([a-z2-7]{5}-[a-z2-7]{5})</li>`).FindAllStringSubmatch(r.Body, -1)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes shown, want 10", len(codes))
		}
		recovery := codes[3][1]
		if r := e.get(c, "/clients"); r.StatusCode != http.StatusOK {
			t.Fatalf("after setting it up: %d", r.StatusCode)
		}

		// Signing in now asks for the code; the password alone opens nothing.
		e.clock.Advance(30 * time.Second)
		c, r = signIn()
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/code") {
			t.Fatalf("sign-in with two-step: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.get(c, "/home"); !isSignInRedirect(r) {
			t.Fatalf("the password alone opened a page: %d", r.StatusCode)
		}
		if r := e.post(c, "/login/code", url.Values{"code": {"123456"}}); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, "not right") {
			t.Fatalf("a wrong code: %d", r.StatusCode)
		}
		code, _ = auth.TOTPCode(pending, e.clock.Now())
		if r := e.post(c, "/login/code", url.Values{"code": {code}, "next": {"/clients"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/clients" {
			t.Fatalf("the right code: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := e.get(c, "/clients"); r.StatusCode != http.StatusOK {
			t.Fatalf("signed in: %d", r.StatusCode)
		}
		// The same code a second time is a replay.
		c2, _ := signIn()
		if r := e.post(c2, "/login/code", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, "already used") {
			t.Fatalf("a code used twice: %d", r.StatusCode)
		}
		// A recovery code works once.
		if r := e.post(c2, "/login/code", url.Values{"code": {strings.ToUpper(recovery)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a recovery code: %d %s", r.StatusCode, r.Body)
		}
		c3, _ := signIn()
		if r := e.post(c3, "/login/code", url.Values{"code": {recovery}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a recovery code used twice: %d", r.StatusCode)
		}
		if n, _ := e.db.UnusedRecoveryCodes(ctx, u.ID); n != 9 {
			t.Fatalf("%d recovery codes left, want 9", n)
		}
		// Without the sign-in step cookie there is nothing to answer.
		if r := e.post(e.browser(), "/login/code", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, "Sign in again") {
			t.Fatalf("a code without a sign-in step: %d", r.StatusCode)
		}

		// The administrator resets it (a lost phone): sessions end, and it is set up again.
		admin := e.signIn(model.RoleAdmin)
		if r := e.post(admin, "/admin/users/"+u.ID+"/mfa-reset", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.StatusCode)
		}
		if r := e.get(c, "/clients"); !isSignInRedirect(r) {
			t.Fatalf("a session outlived the reset: %d", r.StatusCode)
		}
		c, r = signIn()
		if r.Header.Get("Location") != "/home" {
			t.Fatalf("after the reset: %s", r.Header.Get("Location"))
		}
		if r := e.get(c, "/clients"); r.Header.Get("Location") != "/account/mfa" {
			t.Fatalf("after the reset, not sent to set it up: %d", r.StatusCode)
		}
		// Not required: the person may go on without it.
		if r := e.post(admin, "/admin/mfa-required", url.Values{"mfa_required": {"off"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("not required: %d", r.StatusCode)
		}
		if r := e.get(c, "/clients"); r.StatusCode != http.StatusOK {
			t.Fatalf("with two-step optional: %d", r.StatusCode)
		}
		// The demo accounts are exempt and say so.
		if r := e.get(e.signIn(model.RoleClinician), "/account/mfa"); !strings.Contains(r.Body, "This is a demo account") {
			t.Fatal("the demo account does not say it is exempt")
		}
	})
}
