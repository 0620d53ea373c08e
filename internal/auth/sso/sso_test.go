package sso_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/auth/sso"
	"github.com/openiop/openiop/internal/testutil/idp"
)

// signIn follows the provider's redirect the way a browser would and
// returns the code and state it sends back.
func signIn(t *testing.T, p *sso.Provider, a sso.Attempt) (code, state string) {
	t.Helper()
	to, err := p.AuthURL(context.Background(), a, callback)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(back.String(), "https://iop.example.org/login/sso/callback") {
		t.Fatalf("the provider answered %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.Query().Get("code"), back.Query().Get("state")
}

func TestFinishVerifiesTheIDToken(t *testing.T) {
	op := idp.Start(t)
	p := sso.New(sso.Config{Issuer: op.URL, ClientID: op.ClientID, ClientSecret: op.ClientSecret, Name: "Test"})
	op.SignInAs(map[string]any{"sub": "u-1", "email": "Dana@Example.org", "email_verified": true, "name": "Dana Reyes", "amr": []string{"pwd", "otp"}})
	a := sso.NewAttempt()
	code, state := signIn(t, p, a)
	if state != a.State {
		t.Fatalf("state came back as %q", state)
	}
	id, err := p.Finish(context.Background(), a, code, callback)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "u-1" || id.Issuer != op.URL || id.Email != "Dana@Example.org" || !id.EmailVerified || len(id.AMR) != 2 {
		t.Fatalf("identity %+v", id)
	}
	if _, err := p.Finish(context.Background(), a, code, callback); !isRefusal(err) {
		t.Errorf("a code used twice: %v, want a refusal", err)
	}

	for name, c := range map[string]struct {
		tamper   func(map[string]any)
		attempt  func(sso.Attempt) sso.Attempt
		contains string
	}{
		"another attempt's nonce": {attempt: func(a sso.Attempt) sso.Attempt { b := sso.NewAttempt(); a.Nonce = b.Nonce; return a }, contains: "nonce"},
		"another PKCE verifier":   {attempt: func(a sso.Attempt) sso.Attempt { a.Verifier = sso.NewAttempt().Verifier; return a }, contains: "PKCE"},
		"for another client":      {tamper: func(c map[string]any) { c["aud"] = "someone-else" }, contains: "audience"},
		"expired":                 {tamper: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, contains: "expired"},
		"from another issuer":     {tamper: func(c map[string]any) { c["iss"] = "https://evil.example" }, contains: "different provider"},
	} {
		t.Run(name, func(t *testing.T) {
			op.SetTamper(c.tamper)
			a := sso.NewAttempt()
			code, _ := signIn(t, p, a)
			if c.attempt != nil {
				a = c.attempt(a)
			}
			_, err := p.Finish(context.Background(), a, code, callback)
			if !isRefusal(err) || !strings.Contains(err.Error(), c.contains) {
				t.Errorf("got %v, want a refusal mentioning %q", err, c.contains)
			}
		})
	}
}

const callback = "https://iop.example.org/login/sso/callback"

func isRefusal(err error) bool {
	var r *sso.Refusal
	return errors.As(err, &r)
}

func TestAProviderThatIsDownIsAnErrorNotARefusal(t *testing.T) {
	p := sso.New(sso.Config{Issuer: "http://127.0.0.1:1", ClientID: "x"})
	if _, err := p.AuthURL(context.Background(), sso.NewAttempt(), callback); err == nil || isRefusal(err) {
		t.Fatalf("got %v, want an error reading the configuration", err)
	}
}
