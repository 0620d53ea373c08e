package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/testutil"
)

// TestTwoStepSignIn is a person setting up two-step sign-in from their
// Account page (scanning is replaced by typing the key), keeping the
// recovery codes, and signing in again with a code.
func TestTwoStepSignIn(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			base := startServer(t, e)
			ctx := newBrowser(t)
			signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
			do(t, ctx, chromedp.Navigate(base+"/account/mfa"), chromedp.WaitVisible(chromedp.ID("mfa-key")))
			mustContain(t, ctx, "Set it up", "This is a demo account")
			shot(t, ctx, string(e)+"-mfa-setup")
			key := strings.ReplaceAll(run(t, ctx, chromedp.Evaluate[string](`document.getElementById('mfa-key').textContent`)), " ", "")
			code, err := auth.TOTPCode(key, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			typeInto(t, ctx, "#code", code)
			submit(t, ctx, `form[action="/account/mfa"] button[type=submit]`)
			mustContain(t, ctx, "Two-step sign-in is on", "Your recovery codes", "shown only this once")
			shot(t, ctx, string(e)+"-mfa-recovery-codes")

			// Sign out and in again: the password, then a code (the next step's, as the current one was just used).
			submit(t, ctx, `form[action="/logout"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("email")))
			signIn(t, ctx, base, "director@demo.openiop.org", demo.Password)
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("code")))
			mustContain(t, ctx, "Enter your sign-in code")
			shot(t, ctx, string(e)+"-mfa-code")
			next, _ := auth.TOTPCode(key, time.Now().Add(30*time.Second))
			typeInto(t, ctx, "#code", next)
			submit(t, ctx, `form[action="/login/code"] button[type=submit]`)
			do(t, ctx, chromedp.WaitVisible(chromedp.CSS("h1")))
			mustContain(t, ctx, "Good to see you, Renee Whitfield")
			noCSPViolations(t, ctx)
		})
	}
}
