package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil/idp"
)

// TestSingleSignOnInABrowser: with an identity provider set up, the staff
// sign-in page offers it; the clinician clicks it, the provider (a test one,
// signing them in at once) sends the browser back, and they land signed in
// on their home page, on a phone as well as at a desk.
func TestSingleSignOnInABrowser(t *testing.T) {
	op := idp.Start(t)
	op.ClientSecret = "" // a public client: PKCE alone, as the server here has no secret in its environment
	base := startServer(t, store.SQLite, "--oidc-issuer", op.URL, "--oidc-client-id", op.ClientID, "--oidc-name", "Riverbend sign-in")
	op.SignInAs(map[string]any{"sub": "e2e-1", "email": "clinician@demo.openiop.org", "email_verified": true, "name": "Jordan Lee"})
	ctx := newBrowser(t)
	phone(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(".sso-button")))
	noHorizontalScroll(t, ctx)
	noCSPViolations(t, ctx)
	shot(t, ctx, "phone-login-sso")
	if label := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.sso-button').textContent`)); label != "Sign in with Riverbend sign-in" {
		t.Errorf("the button says %q", label)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".sso-button")), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if loc := run(t, ctx, chromedp.Location()); !strings.HasPrefix(loc, base+"/home") {
		failShot(t, ctx)
		t.Fatalf("after single sign-on the browser is at %s", loc)
	}
	mustContain(t, ctx, "Sign out")
}
