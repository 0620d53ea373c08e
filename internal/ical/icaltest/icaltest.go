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
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/openiop/openiop/internal/testutil/npmtest"
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

// tool runs the parser script on the input; see npmtest.
var tool = &npmtest.Tool{Package: "ical.js", Version: Version, Script: parseScript, ScriptName: "parse.mjs", InputName: "feed.ics"}

// run returns what the parser script prints for input.
func run(t testing.TB, input []byte) []byte {
	t.Helper()
	return tool.Run(t, input)
}
