package ical_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/ical"
	"github.com/openiop/openiop/internal/ical/icaltest"

	_ "time/tzdata" // America/Chicago even on a machine without zoneinfo
)

func chicago(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// sampleFeed has the cases that go wrong in feeds: text that needs escaping,
// lines long enough to fold (with multi-byte characters at the folds), a
// cancellation, and occurrences either side of the end of daylight saving
// time (1 November 2026 in Chicago).
func sampleFeed(t testing.TB) ical.Feed {
	loc := chicago(t)
	updated := time.Date(2026, 10, 20, 14, 3, 9, 0, time.UTC)
	return ical.Feed{
		Name: "Dana R., IOP; groups & sessions",
		Zone: loc,
		Events: []ical.Event{
			{
				UID:         "occ-0192f3a4-7b1c-7d2e-9f00-aa11bb22cc33-20261030@openiop",
				Sequence:    0,
				Summary:     "Relapse prevention; week 3, part \\ 2\nbring your notebook",
				Description: "Bring the worksheet from last week, your questions, and a pen. " + strings.Repeat("We start on time. ", 6),
				Location:    "Room 2, Building B; 2nd floor",
				Start:       time.Date(2026, 10, 30, 18, 0, 0, 0, loc),
				End:         time.Date(2026, 10, 30, 21, 0, 0, 0, loc),
				Updated:     updated,
			},
			{
				UID:         "occ-0192f3a4-7b1c-7d2e-9f00-aa11bb22cc33-20261102@openiop",
				Sequence:    3,
				Summary:     "Grupo de prevención de recaídas — sesión número 12 con la consejera María Peña Núñez",
				Description: "Sesión por videollamada.\nEl enlace está abajo.",
				Location:    "Telesalud",
				URL:         "https://telehealth.example.org/join/8f3a2c1d-4b5e-4f6a-9b7c-0d1e2f3a4b5c?pwd=a,b;c&lang=es",
				Start:       time.Date(2026, 11, 2, 18, 0, 0, 0, loc),
				End:         time.Date(2026, 11, 2, 21, 0, 0, 0, loc),
				Updated:     updated.Add(36 * time.Hour),
			},
			{
				UID:       "occ-0192f3a4-7b1c-7d2e-9f00-aa11bb22cc33-20261104@openiop",
				Sequence:  1,
				Summary:   "Family group (cancelled: holiday)",
				Location:  "Room 1",
				Start:     time.Date(2026, 11, 4, 9, 30, 0, 0, loc),
				End:       time.Date(2026, 11, 4, 11, 0, 0, 0, loc),
				Cancelled: true,
				Updated:   updated,
			},
		},
	}
}

func write(t testing.TB, f ical.Feed) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := ical.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lines splits a feed into its physical lines, failing the test unless
// every one ends with CRLF, is at most 75 octets and is valid UTF-8 (a fold
// never splits a character).
func lines(t *testing.T, out []byte) []string {
	t.Helper()
	s := string(out)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("feed does not end with CRLF: %q", s[max(0, len(s)-20):])
	}
	ls := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range ls {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character): %q", i+1, l)
		}
	}
	return ls
}

// unfold joins continuation lines (RFC 5545 3.1) into content lines.
func unfold(ls []string) []string {
	var out []string
	for _, l := range ls {
		if strings.HasPrefix(l, " ") && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

func TestWriteFormat(t *testing.T) {
	out := write(t, sampleFeed(t))
	ls := lines(t, out)
	folded := 0
	for _, l := range ls {
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Error("no line was folded: the sample should exercise folding")
	}
	content := unfold(ls)
	for _, want := range []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//OpenIOP//Calendar//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		`X-WR-CALNAME:Dana R.\, IOP\; groups & sessions`,
		"X-WR-TIMEZONE:America/Chicago",
		"UID:occ-0192f3a4-7b1c-7d2e-9f00-aa11bb22cc33-20261030@openiop",
		"SEQUENCE:0",
		"SEQUENCE:3",
		"DTSTAMP:20261020T140309Z",
		"LAST-MODIFIED:20261022T020309Z",
		// 18:00 CDT (UTC-5), then 18:00 CST (UTC-6) after the change.
		"DTSTART:20261030T230000Z",
		"DTEND:20261031T020000Z",
		"DTSTART:20261103T000000Z",
		`SUMMARY:Relapse prevention\; week 3\, part \\ 2\nbring your notebook`,
		`LOCATION:Room 2\, Building B\; 2nd floor`,
		"SUMMARY:Grupo de prevención de recaídas — sesión número 12 con la consejera María Peña Núñez",
		`DESCRIPTION:Sesión por videollamada.\nEl enlace está abajo.`,
		// URI values are not TEXT: no escaping.
		"URL:https://telehealth.example.org/join/8f3a2c1d-4b5e-4f6a-9b7c-0d1e2f3a4b5c?pwd=a,b;c&lang=es",
		"STATUS:CONFIRMED",
		"STATUS:CANCELLED",
		"END:VCALENDAR",
	} {
		if !contains(content, want) {
			t.Errorf("no content line %q", want)
		}
	}
	if content[0] != "BEGIN:VCALENDAR" || content[len(content)-1] != "END:VCALENDAR" {
		t.Errorf("feed is not one VCALENDAR: first %q, last %q", content[0], content[len(content)-1])
	}
	if n := count(content, "BEGIN:VEVENT"); n != 3 {
		t.Errorf("%d VEVENTs, want 3", n)
	}
	for _, prop := range []string{"UID:", "DTSTAMP:", "SEQUENCE:", "STATUS:", "DTSTART:", "DTEND:"} {
		if n := countPrefix(content, prop); n != 3 {
			t.Errorf("%d %s lines, want one per event", n, strings.TrimSuffix(prop, ":"))
		}
	}
	if strings.Contains(string(out), "TZID") || strings.Contains(string(out), "VTIMEZONE") {
		t.Error("times should be written in UTC, with no TZID or VTIMEZONE")
	}
}

// TestCancelledStatus: the cancelled event, and only it, is CANCELLED.
func TestCancelledStatus(t *testing.T) {
	content := unfold(lines(t, write(t, sampleFeed(t))))
	var uid string
	for _, l := range content {
		switch {
		case strings.HasPrefix(l, "UID:"):
			uid = strings.TrimPrefix(l, "UID:")
		case strings.HasPrefix(l, "STATUS:"):
			want := "STATUS:CONFIRMED"
			if strings.HasSuffix(uid, "20261104@openiop") {
				want = "STATUS:CANCELLED"
			}
			if l != want {
				t.Errorf("%s: %s, want %s", uid, l, want)
			}
		}
	}
}

// TestControlCharacters: CR, CRLF and other controls cannot reach a content
// line; line breaks of any style are written as \n.
func TestControlCharacters(t *testing.T) {
	f := sampleFeed(t)
	f.Events[0].Summary = "one\r\ntwo\rthree\x00\x1bfour\tfive"
	f.Events[0].Description = "bad \xff byte"
	content := unfold(lines(t, write(t, f)))
	for _, want := range []string{`SUMMARY:one\ntwo\nthree` + "four\tfive", "DESCRIPTION:bad \uFFFD byte"} {
		if !contains(content, want) {
			t.Errorf("no content line %q", want)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	for name, change := range map[string]func(*ical.Feed){
		"no zone":          func(f *ical.Feed) { f.Zone = nil },
		"Local zone":       func(f *ical.Feed) { f.Zone = time.Local },
		"no UID":           func(f *ical.Feed) { f.Events[1].UID = " " },
		"no start":         func(f *ical.Feed) { f.Events[1].Start = time.Time{} },
		"end before start": func(f *ical.Feed) { f.Events[1].End = f.Events[1].Start.Add(-time.Minute) },
		"no updated":       func(f *ical.Feed) { f.Events[1].Updated = time.Time{} },
		"negative seq":     func(f *ical.Feed) { f.Events[1].Sequence = -1 },
		"URL with space":   func(f *ical.Feed) { f.Events[1].URL = "https://x.example/a b" },
		"URL with newline": func(f *ical.Feed) { f.Events[1].URL = "https://x.example/\r\nX-INJECTED:1" },
	} {
		t.Run(name, func(t *testing.T) {
			f := sampleFeed(t)
			change(&f)
			var b bytes.Buffer
			if err := ical.Write(&b, f); err == nil {
				t.Fatal("Write accepted it")
			}
			if b.Len() != 0 {
				t.Errorf("Write wrote %d bytes of an invalid feed", b.Len())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	if err := ical.Write(failingWriter{}, sampleFeed(t)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
}

// TestICALJS parses the feed with ical.js, the parser a calendar client
// would be, and wants back exactly the events written: same instants, text
// unescaped, cancellation and sequence kept.
func TestICALJS(t *testing.T) {
	f := sampleFeed(t)
	f.Events = append(f.Events, ical.Event{
		UID:         "appt-crlf@openiop",
		Summary:     "Individual session",
		Description: "first line\r\nsecond line",
		Start:       time.Date(2026, 3, 8, 1, 30, 0, 0, f.Zone), // the night the clocks go forward
		End:         time.Date(2026, 3, 8, 3, 30, 0, 0, f.Zone),
		Updated:     time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	got := icaltest.ParseFeed(t, write(t, f))
	if got.Name != f.Name {
		t.Errorf("name %q, want %q", got.Name, f.Name)
	}
	if got.Zone == nil || got.Zone.String() != "America/Chicago" {
		t.Errorf("zone %v, want America/Chicago", got.Zone)
	}
	want := f.Events
	want[3].Description = "first line\nsecond line"
	compare(t, got.Events, want)
}

// TestICALJSEmpty: a feed with no events (a new client) is still a valid
// calendar.
func TestICALJSEmpty(t *testing.T) {
	got := icaltest.Parse(t, write(t, ical.Feed{Name: "Nothing yet", Zone: chicago(t)}))
	if len(got) != 0 {
		t.Errorf("%d events, want none", len(got))
	}
}

func compare(t *testing.T, got, want []ical.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("ical.js read %d events, want %d:\n%s", len(got), len(want), dump(got))
	}
	for i := range want {
		w := want[i]
		w.Start, w.End, w.Updated = w.Start.UTC(), w.End.UTC(), w.Updated.UTC()
		if g := got[i]; g != w {
			t.Errorf("event %d:\n got %s\nwant %s", i, dump([]ical.Event{g}), dump([]ical.Event{w}))
		}
	}
}

func dump(es []ical.Event) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%+v\n", e)
	}
	return b.String()
}

func contains(ls []string, s string) bool { return count(ls, s) > 0 }

func count(ls []string, s string) int {
	n := 0
	for _, l := range ls {
		if l == s {
			n++
		}
	}
	return n
}

func countPrefix(ls []string, p string) int {
	n := 0
	for _, l := range ls {
		if strings.HasPrefix(l, p) {
			n++
		}
	}
	return n
}

// unescape reverses RFC 5545 TEXT escaping.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\N`, "\n", `\;`, ";", `\,`, ",").Replace(s)
}

// FuzzWrite: whatever the text, the feed keeps its line rules and the text
// comes back from the content line unchanged (but for line breaks and
// controls, which are normalized).
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"", "plain", `a;b,c\d` + "\ne", "prevención " + strings.Repeat("ñ", 80), strings.Repeat("x", 74) + "é", "\r\n\r", "<a>b</a>"} {
		f.Add(s)
	}
	loc := chicago(f)
	f.Fuzz(func(t *testing.T, s string) {
		feed := ical.Feed{Name: "n", Zone: loc, Events: []ical.Event{{
			UID: "u@openiop", Summary: s,
			Start:   time.Date(2026, 1, 5, 9, 0, 0, 0, loc),
			End:     time.Date(2026, 1, 5, 10, 0, 0, 0, loc),
			Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		}}}
		for _, l := range unfold(lines(t, write(t, feed))) {
			if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
				want := strings.ToValidUTF8(s, "\uFFFD")
				want = strings.ReplaceAll(want, "\r\n", "\n")
				want = strings.Map(func(r rune) rune {
					switch {
					case r == '\r':
						return '\n'
					case r == '\n' || r == '\t':
						return r
					case r < 0x20 || r == 0x7f:
						return -1
					}
					return r
				}, want)
				if got := unescape(v); got != want {
					t.Fatalf("summary %q came back as %q", want, got)
				}
				return
			}
		}
		t.Fatal("no SUMMARY line")
	})
}

// BenchmarkWrite renders a feed of 500 events, about a client's whole
// programme.
func BenchmarkWrite(b *testing.B) {
	loc := chicago(b)
	f := ical.Feed{Name: "Benchmark client", Zone: loc}
	start := time.Date(2026, 9, 7, 18, 0, 0, 0, loc)
	for i := range 500 {
		s := start.AddDate(0, 0, i)
		f.Events = append(f.Events, ical.Event{
			UID:         fmt.Sprintf("occ-0192f3a4-7b1c-7d2e-9f00-aa11bb22cc33-%s@openiop", s.Format("20060102")),
			Sequence:    i % 3,
			Summary:     "Grupo de prevención de recaídas",
			Description: "Bring the worksheet from last week, your questions, and a pen; we start on time.",
			Location:    "Room 2, Building B",
			URL:         "https://telehealth.example.org/join/8f3a2c1d-4b5e-4f6a-9b7c-0d1e2f3a4b5c",
			Start:       s,
			End:         s.Add(3 * time.Hour),
			Cancelled:   i%17 == 0,
			Updated:     time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		})
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := ical.Write(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
