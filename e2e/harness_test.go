// Package e2e drives the real `iop serve` (app.Run, demo data, either
// engine) with headless Chromium, as a person would use it.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/testutil/testserver"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// startServer runs `iop serve --demo` on a free port with a fresh database
// on engine e and returns its URL. The server stops when the test ends.
func startServer(t *testing.T, e store.Engine, extra ...string) string {
	t.Helper()
	dataDir, dbURL := testutil.DatabaseOptions(t, e)
	args := []string{"--data-dir", dataDir, "--demo"}
	if dbURL != "" {
		args = append(args, "--database-url", dbURL)
	}
	return testserver.Start(t, append(args, extra...)...).URL
}

// chromiumPath finds Debian's chromium (or CHROME, if set).
func chromiumPath() string {
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium for one test. Without a browser the
// test skips, unless IOP_REQUIRE_BROWSER is set (CI sets it), which fails it.
// Every page gets a recorder of Content-Security-Policy violations.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("IOP_REQUIRE_BROWSER") != "" {
			t.Fatal("IOP_REQUIRE_BROWSER is set but no chromium was found (apt-get install chromium)")
		}
		t.Skip("no chromium found; install Debian's chromium package to run browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	recordCSP := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation',
				e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`,
		})
		return chromedp.Void{}, err
	}
	if _, err := chromedp.Run(ctx, recordCSP); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// do runs browser steps and fails the test on error, with a screenshot.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		failShot(t, ctx)
		t.Fatal(err)
	}
}

// run runs a browser action that returns a value.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		failShot(t, ctx)
		t.Fatal(err)
	}
	return v
}

// text returns the visible text of the page's main element.
func text(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
}

func mustContain(t *testing.T, ctx context.Context, want ...string) {
	t.Helper()
	body := text(t, ctx)
	lower := strings.ToLower(body) // CSS may upper-case labels in innerText
	for _, w := range want {
		if !strings.Contains(lower, strings.ToLower(w)) {
			failShot(t, ctx)
			t.Fatalf("page %s does not show %q; it shows:\n%s", run(t, ctx, chromedp.Location()), w, body)
		}
	}
}

// noCSPViolations fails if the current page broke its Content-Security-Policy.
func noCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	v := run(t, ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if len(v) > 0 {
		t.Errorf("CSP violations on %s: %v", run(t, ctx, chromedp.Location()), v)
	}
}

// noHorizontalScroll fails if the page is wider than the viewport (a page
// that scrolls sideways on a phone).
func noHorizontalScroll(t *testing.T, ctx context.Context) {
	t.Helper()
	// Under mobile emulation the browser zooms out to fit wide content, which
	// widens innerWidth too; the screen width is what the person has.
	over := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - Math.min(window.innerWidth, screen.width)`))
	if over > 1 {
		failShot(t, ctx)
		t.Errorf("%s is %dpx wider than the viewport", run(t, ctx, chromedp.Location()), over)
	}
}

var shotCount int

// shot saves a full-page screenshot to $IOP_SCREENSHOTS, when set, for
// people to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("IOP_SCREENSHOTS")
	if dir == "" {
		return
	}
	saveShot(t, ctx, filepath.Join(dir, name+".png"))
}

func failShot(t *testing.T, ctx context.Context) {
	dir := os.Getenv("IOP_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	shotCount++
	p := filepath.Join(dir, fmt.Sprintf("failure-%s-%d.png", strings.ReplaceAll(t.Name(), "/", "_"), shotCount))
	saveShot(t, ctx, p)
	t.Logf("screenshot of the failure: %s", p)
}

func saveShot(t *testing.T, ctx context.Context, path string) {
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot failed: %v", err)
		return
	}
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Logf("saving screenshot: %v", err)
	}
}

// signIn signs in through the form and waits for the home page.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		failShot(t, ctx)
		t.Fatal(err)
	}
}
