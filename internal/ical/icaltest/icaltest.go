// Package icaltest parses iCalendar feeds with ical.js, an independent
// parser, so that tests check what a real calendar client reads rather than
// what our own writer meant to write. It is for tests only.
//
// It needs node. On first use it installs ical.js with npm into a cache
// directory under os.TempDir(), shared by every test binary. If node or npm
// is missing or the install fails, the calling test is skipped, or fails
// when IOP_REQUIRE_BROWSER is set (CI sets it).
package icaltest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/ical"
)

// Version is the ical.js release the feeds are checked against.
const Version = "2.2.1"

// Embedded rather than read from disk, so that tests of any package can use
// it whatever their working directory.
//
//go:embed parse.mjs
var parseScript []byte

// Parse parses ics with ical.js and returns its events, times in UTC.
// Cancelled is set from STATUS:CANCELLED, Updated from DTSTAMP.
func Parse(t testing.TB, ics []byte) []ical.Event {
	t.Helper()
	return ParseFeed(t, ics).Events
}

// ParseFeed is Parse that also returns the calendar's name (X-WR-CALNAME)
// and zone (X-WR-TIMEZONE, nil if absent). It fails the test unless the
// calendar is VERSION 2.0 with OpenIOP's PRODID, CALSCALE GREGORIAN and
// METHOD PUBLISH, and every event's status is CONFIRMED or CANCELLED.
func ParseFeed(t testing.TB, ics []byte) ical.Feed {
	t.Helper()
	out := run(t, ics)
	var got struct {
		Version, ProdID, CalScale, Method, Name, Timezone string
		Events                                            []struct {
			UID, Summary, Description, Location, URL string
			Sequence                                 int
			Start, End, DTStamp, StartZone, Status   string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("icaltest: reading ical.js output: %v\n%s", err, out)
	}
	if got.Version != "2.0" || got.ProdID != ical.ProdID || got.CalScale != "GREGORIAN" || got.Method != "PUBLISH" {
		t.Errorf("icaltest: calendar header: VERSION %q PRODID %q CALSCALE %q METHOD %q", got.Version, got.ProdID, got.CalScale, got.Method)
	}
	f := ical.Feed{Name: got.Name, Events: make([]ical.Event, 0, len(got.Events))}
	if got.Timezone != "" {
		zone, err := time.LoadLocation(got.Timezone)
		if err != nil {
			t.Errorf("icaltest: X-WR-TIMEZONE: %v", err)
		}
		f.Zone = zone
	}
	for _, e := range got.Events {
		if e.Status != "CONFIRMED" && e.Status != "CANCELLED" {
			t.Errorf("icaltest: event %q has STATUS %q", e.UID, e.Status)
		}
		if e.StartZone != "UTC" {
			t.Errorf("icaltest: event %q starts in zone %q, not UTC", e.UID, e.StartZone)
		}
		f.Events = append(f.Events, ical.Event{
			UID:         e.UID,
			Sequence:    e.Sequence,
			Summary:     e.Summary,
			Description: e.Description,
			Location:    e.Location,
			URL:         e.URL,
			Start:       instant(t, e.UID, e.Start),
			End:         instant(t, e.UID, e.End),
			Cancelled:   e.Status == "CANCELLED",
			Updated:     instant(t, e.UID, e.DTStamp),
		})
	}
	return f
}

func instant(t testing.TB, uid, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("icaltest: event %q: time %q: %v", uid, s, err)
	}
	return v.UTC()
}

// run writes ics and the script to a temporary directory and returns what
// the script prints.
func run(t testing.TB, ics []byte) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "node is not installed")
	}
	dir, err := install()
	if err != nil {
		unavailable(t, err.Error())
	}
	tmp := t.TempDir()
	script := filepath.Join(tmp, "parse.mjs")
	file := filepath.Join(tmp, "feed.ics")
	if err := os.WriteFile(script, parseScript, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, ics, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, script, dir, file) // #nosec G204 -- node and fixed arguments chosen by the test
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("icaltest: ical.js %s could not parse the feed: %v\n%s\nfeed:\n%s", Version, err, stderr.Bytes(), ics)
	}
	return stdout.Bytes()
}

// unavailable skips the test, or fails it where the check is required.
// Any non-empty IOP_REQUIRE_BROWSER counts, as in the e2e harness.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("IOP_REQUIRE_BROWSER") != "" {
		t.Fatalf("icaltest: IOP_REQUIRE_BROWSER is set but ical.js cannot run: %s (install nodejs and npm)", why)
	}
	t.Skipf("icaltest: skipping the ical.js check: %s (set IOP_REQUIRE_BROWSER=1 to fail instead)", why)
}

var installed struct {
	sync.Mutex
	dir string
	err error
}

// install returns a directory holding node_modules/ical.js at Version,
// installing it there with npm if needed. One attempt per test binary.
func install() (string, error) {
	installed.Lock()
	defer installed.Unlock()
	if installed.dir == "" && installed.err == nil {
		installed.dir, installed.err = installOnce()
	}
	return installed.dir, installed.err
}

func installOnce() (string, error) {
	dir := filepath.Join(os.TempDir(), "openiop-icaljs")
	if hasICALJS(dir) {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("npm is not installed, and ical.js is not in " + dir)
	}
	// Install into a fresh directory and rename it into place: go test runs
	// several packages' binaries at once, and none may see half an install.
	tmp, err := os.MkdirTemp(os.TempDir(), "openiop-icaljs-install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--prefix", tmp, "ical.js@"+Version) // #nosec G204 -- fixed arguments
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install ical.js@%s failed: %v\n%s", Version, err, out)
	}
	if !hasICALJS(tmp) {
		return "", fmt.Errorf("npm install ical.js@%s left no ical.js %s in %s", Version, Version, tmp)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if hasICALJS(dir) {
			return dir, nil // another test binary installed it first
		}
		// A stale or broken copy is in the way: replace it.
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, dir); err != nil && !hasICALJS(dir) {
			return "", err
		}
	}
	return dir, nil
}

func hasICALJS(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "ical.js", "package.json")) // #nosec G304 -- our cache directory
	if err != nil {
		return false
	}
	var pkg struct{ Version string }
	return json.Unmarshal(b, &pkg) == nil && pkg.Version == Version
}
