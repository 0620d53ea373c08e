// Package ical writes private calendar feeds (RFC 5545) for clients, family
// members and staff to subscribe to. It is pure Go: callers hand it the
// events, already expanded into single occurrences.
//
// Times are written in UTC ("Z" form), not with TZID and a VTIMEZONE. Every
// event is one occurrence with no RRULE, so nothing needs the zone's rules to
// expand it, and a UTC instant is exact in every client. A generated VTIMEZONE
// is the part of a feed that clients most often misread (Outlook in
// particular), so leaving it out removes that risk. The feed's zone is still
// named in X-WR-TIMEZONE, which calendar apps use to choose the display zone.
package ical

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// ProdID identifies OpenIOP as the feed's producer.
const ProdID = "-//OpenIOP//Calendar//EN"

// Event is one calendar event. Feeds list expanded occurrences, not RRULEs,
// so that cancellations and moves are exact.
type Event struct {
	UID         string // stable across feed refreshes, e.g. "occ-<seriesID>-20261123@openiop"
	Sequence    int    // bumped when the event changes (RFC 5545 SEQUENCE)
	Summary     string
	Description string
	Location    string // room or address
	URL         string // telehealth link, optional
	// Start and End are instants, written in UTC to the second (see the
	// package comment); their time.Location does not matter.
	Start, End time.Time
	Cancelled  bool      // STATUS:CANCELLED, kept in the feed so subscribed calendars remove it
	Updated    time.Time // DTSTAMP and LAST-MODIFIED
}

// Feed is one calendar. Zone is the site's IANA time zone, named in
// X-WR-TIMEZONE for display.
type Feed struct {
	Name   string
	Zone   *time.Location
	Events []Event
}

// Write renders the feed as RFC 5545 text with CRLF line endings and lines
// folded at 75 octets. It writes nothing if the feed is invalid.
func Write(w io.Writer, f Feed) error {
	cal, err := build(f)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	// golang-ical ends lines with LF on Unix unless told otherwise; RFC 5545
	// requires CRLF.
	if err := cal.SerializeTo(bw, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("ical: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ical: %w", err)
	}
	return nil
}

func build(f Feed) (*ics.Calendar, error) {
	if f.Zone == nil {
		return nil, errors.New("ical: feed has no time zone")
	}
	zone := f.Zone.String()
	if zone == "Local" || zone == "" {
		// "Local" is the machine's zone, not a name a calendar app knows.
		return nil, errors.New("ical: feed zone must be an IANA zone such as America/Chicago, not Local")
	}
	cal := ics.NewCalendarFor("OpenIOP")
	cal.SetProductId(ProdID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(text(f.Name))
	cal.SetXWRTimezone(zone)
	for i := range f.Events {
		ev, err := event(&f.Events[i])
		if err != nil {
			return nil, fmt.Errorf("ical: event %d (%q): %w", i, f.Events[i].UID, err)
		}
		cal.AddVEvent(ev)
	}
	return cal, nil
}

func event(e *Event) (*ics.VEvent, error) {
	uid := text(e.UID)
	switch {
	case strings.TrimSpace(uid) == "":
		return nil, errors.New("no UID")
	case e.Start.IsZero() || e.End.IsZero():
		return nil, errors.New("no start or end time")
	case e.End.Before(e.Start):
		return nil, errors.New("ends before it starts")
	case e.Updated.IsZero():
		// DTSTAMP is required, and this package reads no clock of its own.
		return nil, errors.New("no Updated time for DTSTAMP")
	case e.Sequence < 0:
		return nil, errors.New("negative sequence")
	case !validURI(e.URL):
		return nil, errors.New("URL has spaces, control characters or invalid UTF-8")
	}
	ev := ics.NewEvent(uid)
	ev.SetDtStampTime(e.Updated)
	ev.SetModifiedAt(e.Updated)
	ev.SetSequence(e.Sequence)
	ev.SetStartAt(e.Start)
	ev.SetEndAt(e.End)
	ev.SetSummary(text(e.Summary))
	if e.Description != "" {
		ev.SetDescription(text(e.Description))
	}
	if e.Location != "" {
		ev.SetLocation(text(e.Location))
	}
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	// An explicit CONFIRMED lets a cancelled occurrence that is reinstated
	// come back in subscribed calendars.
	if e.Cancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return ev, nil
}

// text prepares a TEXT value for golang-ical, which escapes backslash,
// semicolon, comma and LF but would pass CR and other control characters
// through into the content line, where RFC 5545 forbids them. Line breaks of
// any style become LF (written as \n); other controls but tab are dropped.
// Invalid UTF-8 would upset its folding, which counts runes.
func text(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t' || r == '\n':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// validURI reports whether s can stand as a URI value on a content line:
// URI values are not escaped, so a space or a control character would change
// or break the line.
func validURI(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
