// Package npmtest runs a checker from the npm registry on what a test made,
// so that tests check what an independent implementation reads (a calendar
// feed, a claim file) rather than what our own writer meant to write. It is
// for tests only.
//
// On first use a Tool installs its package with npm into a cache directory
// under os.TempDir(), shared by every test binary. If node or npm is missing
// or the install fails, the calling test is skipped, or fails when
// IOP_REQUIRE_BROWSER is set (CI sets it).
package npmtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tool is one npm package at a pinned version and the node script that
// runs it: the script is called as `node script <package dir> <input file>`
// and prints what the test reads.
type Tool struct {
	Package, Version string
	Script           []byte // the script's text, embedded by the caller
	ScriptName       string // e.g. "parse.mjs" (the extension tells node the module kind)
	InputName        string // e.g. "feed.ics"
	// Also are further packages installed beside Package, each "name@version"
	// (e.g. a checker's data package).
	Also []string

	mu   sync.Mutex
	dir  string
	err  error
	once bool
}

// Run runs the script on input and returns what it prints; a script that
// fails fails the test with its error output and the input.
func (tl *Tool) Run(t testing.TB, input []byte) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tl.unavailable(t, "node is not installed")
	}
	dir, err := tl.install()
	if err != nil {
		tl.unavailable(t, err.Error())
	}
	tmp := t.TempDir()
	script, file := filepath.Join(tmp, tl.ScriptName), filepath.Join(tmp, tl.InputName)
	if err := os.WriteFile(script, tl.Script, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, input, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, script, dir, file) // #nosec G204 -- node and fixed arguments chosen by the test
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("npmtest: %s %s could not read the input: %v\n%s\ninput:\n%s", tl.Package, tl.Version, err, stderr.Bytes(), input)
	}
	return stdout.Bytes()
}

// unavailable skips the test, or fails it where the check is required.
// Any non-empty IOP_REQUIRE_BROWSER counts, as in the e2e harness.
func (tl *Tool) unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("IOP_REQUIRE_BROWSER") != "" {
		t.Fatalf("npmtest: IOP_REQUIRE_BROWSER is set but %s cannot run: %s (install nodejs and npm)", tl.Package, why)
	}
	t.Skipf("npmtest: skipping the %s check: %s (set IOP_REQUIRE_BROWSER=1 to fail instead)", tl.Package, why)
}

// install returns a directory holding node_modules/<Package> at Version,
// installing it there with npm if needed. One attempt per test binary.
func (tl *Tool) install() (string, error) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if !tl.once {
		tl.once = true
		tl.dir, tl.err = tl.installOnce()
	}
	return tl.dir, tl.err
}

func (tl *Tool) installOnce() (string, error) {
	// One directory per package and version; a scoped package's name holds
	// a slash and an @, which do not belong in a directory name.
	name := strings.NewReplacer("@", "", "/", "-").Replace(tl.Package + "-" + tl.Version)
	dir := filepath.Join(os.TempDir(), "openiop-npm-"+name)
	if tl.has(dir) {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("npm is not installed, and " + tl.Package + " is not in " + dir)
	}
	// Install into a fresh directory and rename it into place: go test runs
	// several packages' binaries at once, and none may see half an install.
	tmp, err := os.MkdirTemp(os.TempDir(), "openiop-npm-install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	spec := tl.Package + "@" + tl.Version
	args := append([]string{"install", "--no-audit", "--no-fund", "--prefix", tmp, spec}, tl.Also...)
	cmd := exec.CommandContext(ctx, npm, args...) // #nosec G204 -- fixed arguments
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %s failed: %v\n%s", spec, err, out)
	}
	if !tl.has(tmp) {
		return "", fmt.Errorf("npm install %s left no %s %s in %s", spec, tl.Package, tl.Version, tmp)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if tl.has(dir) {
			return dir, nil // another test binary installed it first
		}
		// A stale or broken copy is in the way: replace it.
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, dir); err != nil && !tl.has(dir) {
			return "", err
		}
	}
	return dir, nil
}

func (tl *Tool) has(dir string) bool {
	if !hasPackage(dir, tl.Package, tl.Version) {
		return false
	}
	for _, spec := range tl.Also {
		at := strings.LastIndex(spec, "@")
		if at <= 0 || !hasPackage(dir, spec[:at], spec[at+1:]) {
			return false
		}
	}
	return true
}

func hasPackage(dir, name, version string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json")) // #nosec G304 -- our cache directory
	if err != nil {
		return false
	}
	var pkg struct{ Version string }
	return json.Unmarshal(b, &pkg) == nil && pkg.Version == version
}
